"""Search as a buyer uses it: each result's supplier and how fast it replies, read for a whole page
at once, and relevance that puts products of the category (or sector) the words name first."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from expo.booths.models import Booth
from expo.exhibition import services
from expo.exhibition.services import BOOTHS, SearchCriteria
from expo.extensions import db
from expo.leads import services as leads
from tests.unit.test_search import add_products, found


def test_response_times_of_several_booths_match_each_booths_own_in_one_query(app, factory, monkeypatch):
    monkeypatch.setattr(leads, "RESPONSE_TIME_SAMPLE", 4)
    owner, buyer = factory.user(), factory.user()
    quick, slow, silent, new = (factory.booth(factory.company(owner=owner, name=name, slug=name.lower())) for name in
                                ("Quick", "Slow", "Silent", "New"))
    start = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    # Quick: its older inquiries took days, the latest four an hour or two (only they count).
    for index, hours in enumerate([72, 96, 1, 2, 1, 3]):
        created = start + timedelta(days=index)
        factory.inquiry(quick, buyer, created_at=created, first_response_at=created + timedelta(hours=hours))
    for index in range(3):
        created = start + timedelta(days=index)
        factory.inquiry(slow, buyer, created_at=created, first_response_at=created + timedelta(hours=30))
    factory.inquiry(slow, buyer, created_at=start + timedelta(days=5))  # still waiting
    factory.inquiry(silent, buyer, created_at=start)
    with app.app_context():
        times = leads.response_times([quick.id, slow.id, silent.id, new.id])
        for booth in (quick, slow, silent):
            assert times[booth.id] == leads.response_time(db.session.get(Booth, booth.id))
        assert new.id not in times
        assert times[quick.id].median == timedelta(hours=1, minutes=30) and times[quick.id].received == 4
        assert (times[slow.id].answered, times[slow.id].received) == (3, 4)
        assert times[silent.id].median is None
        assert leads.response_times([]) == {}


def test_result_cards_name_the_supplier_its_country_and_public_response_time(app, factory):
    owner, buyer = factory.user(), factory.user()
    answering = factory.booth(factory.company(owner=owner, name="Saigon Answers", slug="saigon", country="VN"))
    quiet = factory.booth(factory.company(owner=owner, name="Bangkok Quiet", slug="bangkok", country="TH"))
    add_products(app, answering, {"name": "Durian paste"})
    add_products(app, quiet, {"name": "Durian chips"})
    start = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    for index in range(leads.RESPONSE_TIME_MIN_ANSWERED):
        created = start + timedelta(days=index)
        factory.inquiry(answering, buyer, created_at=created, first_response_at=created + timedelta(hours=4))
    for index in range(leads.RESPONSE_TIME_MIN_ANSWERED - 1):  # too few answered to be shown
        created = start + timedelta(days=index)
        factory.inquiry(quiet, buyer, created_at=created, first_response_at=created + timedelta(hours=1))
    with app.test_request_context():
        cards = {card.name: card.supplier for card in services.search(SearchCriteria(text="durian")).page.items}
    assert cards["Durian paste"] == services.CardSupplier("Saigon Answers", "VN", timedelta(hours=4))
    assert cards["Durian chips"] == services.CardSupplier("Bangkok Quiet", "TH", None)

"""Organizers create and edit editions; visitors see the published ones."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from expo.editions.models import Edition
from expo.extensions import db
from tests.conftest import log_in

EDITION_FORM = {
    "name": "19th China-ASEAN Expo",
    "slug": "19th-caexpo",
    "tagline": "Sharing the opportunities of RCEP",
    "starts_on": "2027-09-10",
    "ends_on": "2027-09-13",
    "venue": "Nanning International Convention and Exhibition Center",
    "city": "Nanning",
    "country": "CN",
    "timezone": "Asia/Shanghai",
    "status": "published",
    "description": "",
}


def test_organizer_creates_an_edition_that_visitors_see(app, client, factory):
    log_in(client, factory.organizer())
    response = client.post("/editions/new", data=EDITION_FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/editions/19th-caexpo"
    page = app.test_client().get("/editions/19th-caexpo").get_data(as_text=True)
    assert "19th China-ASEAN Expo" in page
    assert "Sep 10\u2009–\u200913, 2027" in page  # thin spaces, as CLDR writes ranges
    assert "Asia/Shanghai" in page


def test_dates_in_the_wrong_order_are_refused_and_the_form_kept(client, factory):
    log_in(client, factory.organizer())
    response = client.post("/editions/new", data={**EDITION_FORM, "ends_on": "2027-09-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in page
    assert 'value="19th China-ASEAN Expo"' in page


def test_taken_web_address_is_a_form_error(client, factory):
    factory.edition(slug="19th-caexpo")
    log_in(client, factory.organizer())
    response = client.post("/editions/new", data=EDITION_FORM)
    assert response.status_code == 200
    assert "already uses the web address" in response.get_data(as_text=True)


def test_edition_organizer_edits_only_their_edition(app, client, factory):
    mine = factory.edition(slug="mine")
    theirs = factory.edition(slug="theirs")
    log_in(client, factory.organizer(edition=mine))
    response = client.post("/editions/mine/edit", data={**EDITION_FORM, "slug": "mine", "name": "Renamed"})
    assert response.status_code == 302
    assert client.post("/editions/theirs/edit", data={**EDITION_FORM, "slug": "theirs"}).status_code == 403
    with app.app_context():
        assert db.session.get(Edition, mine.id).name == "Renamed"
        assert db.session.get(Edition, theirs.id).name == theirs.name


def test_drafts_are_hidden_from_visitors(client, factory):
    factory.edition(slug="secret-plans", name="Secret plans", status="draft")
    assert client.get("/editions/secret-plans").status_code == 404
    assert "Secret plans" not in client.get("/editions/").get_data(as_text=True)


def test_home_shows_the_running_or_next_edition(app, client, factory):
    today = date.today()
    factory.edition(slug="past", name="Past edition", starts_on=date(2020, 9, 10), ends_on=date(2020, 9, 13))
    factory.edition(
        slug="next", name="Next edition", starts_on=date(today.year + 1, 9, 10), ends_on=date(today.year + 1, 9, 13)
    )
    factory.edition(
        slug="later", name="Later edition", starts_on=date(today.year + 2, 9, 10), ends_on=date(today.year + 2, 9, 13)
    )
    page = client.get("/").get_data(as_text=True)
    assert "Next edition" in page and "Later edition" not in page
    assert "Booths stay open and take inquiries all year, between the physical editions." in page


def test_home_marks_a_running_edition_live(client, factory):
    today = date.today()
    factory.edition(slug="now", name="Running now", starts_on=today, ends_on=today)
    assert "Live now" in client.get("/").get_data(as_text=True)


def test_service_refuses_edition_creation_by_attendee(app, factory):
    import pytest

    from expo.editions import services
    from expo.permissions import NotAllowed

    attendee = factory.user()
    with app.test_request_context():
        user = db.session.get(type(attendee), attendee.id)
        with pytest.raises(NotAllowed):
            services.create_edition(
                user,
                services.EditionData(
                    name="X", slug="x", starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 2), timezone="UTC"
                ),
            )
        assert db.session.scalar(select(Edition).filter_by(slug="x")) is None


def test_organizers_set_how_long_the_leads_personal_data_is_kept(app, client, factory):
    from expo.audit.models import AuditAction, AuditEntry

    edition = factory.edition(slug="19th-caexpo", ends_on=date(2027, 9, 13), starts_on=date(2027, 9, 10))
    log_in(client, factory.organizer(edition=edition))
    form = client.get("/editions/19th-caexpo/edit").get_data(as_text=True)
    assert "Personal data of leads scanned at the stands" in form and "Removal cannot be undone." in form
    creator = app.test_client()
    log_in(creator, factory.organizer())
    [proposed] = re.findall(
        r'<input[^>]*name="lead_retention_amount"[^>]*>', creator.get("/editions/new").get_data(as_text=True)
    )
    assert 'value="12"' in proposed  # a new edition proposes a year
    too_long = client.post(
        "/editions/19th-caexpo/edit",
        data={**EDITION_FORM, "lead_retention_amount": "121", "lead_retention_unit": "months"},
    )
    assert too_long.status_code == 200
    assert "Keep the data for at least a day and at most ten years." in too_long.get_data(as_text=True)
    saved = client.post(
        "/editions/19th-caexpo/edit",
        data={**EDITION_FORM, "lead_retention_amount": "6", "lead_retention_unit": "months"},
    )
    assert saved.status_code == 302
    page = client.get("/editions/19th-caexpo/edit").get_data(as_text=True)
    assert "With this period, the data is removed on Mon, Mar 13, 2028." in page
    with app.app_context():
        stored = db.session.scalar(select(Edition).where(Edition.slug == "19th-caexpo"))
        assert (stored.lead_retention_amount, stored.lead_retention_unit) == (6, "months")
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.LEAD_RETENTION_CHANGED)
        ).all()
        assert (entry.before, entry.after, entry.edition_id) == (
            {"retention": None},
            {"retention": "6 months"},
            edition.id,
        )
    # Saving the edition again without changing the period leaves no second entry.
    client.post(
        "/editions/19th-caexpo/edit",
        data={**EDITION_FORM, "lead_retention_amount": "6", "lead_retention_unit": "months"},
    )
    with app.app_context():
        assert len(db.session.scalars(select(AuditEntry)).all()) == 1

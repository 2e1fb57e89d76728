"""The search filters' options are read once and kept, yet a change this process commits shows at
once, and one made elsewhere within a minute."""

from __future__ import annotations

from sqlalchemy import update

from expo.booths.models import Booth
from expo.exhibition import filter_options as options_module
from expo.exhibition.filter_options import filter_options
from expo.extensions import db
from tests.conftest import recorded_statements


def statements_run(app, action) -> tuple[object, int]:
    with recorded_statements(app) as statements, app.app_context():
        return action(), len(statements)


def test_options_are_read_once_then_served_without_a_query(app, factory):
    factory.booth(factory.company(owner=factory.user(), country="VN"))
    first, first_queries = statements_run(app, filter_options)
    again, again_queries = statements_run(app, filter_options)
    assert first_queries > 0 and again_queries == 0
    assert again is first and again.countries == (("VN", 1),)


def test_a_committed_change_shows_at_once(app, factory, client):
    owner = factory.user()
    factory.booth(factory.company(owner=owner, country="VN"))
    with app.app_context():
        assert filter_options().countries == (("VN", 1),)
    # Through the ORM, as the services change things: a booth published, an edition added.
    factory.booth(factory.company(owner=owner, country="TH"))
    edition = factory.edition(name="China-ASEAN Expo 2027")
    factory.pavilion(edition, name="Public Health")
    with app.app_context():
        options = filter_options()
        assert dict(options.countries) == {"VN": 1, "TH": 1}
        assert [(e.name, [p.name for p in e.pavilions]) for e in options.editions] == [
            ("China-ASEAN Expo 2027", ["Public Health"])
        ]
    page = client.get("/search").get_data(as_text=True)
    assert "Thailand (1)" in page and "Public Health" in page

    # A statement that changes rows in bulk (as the volume generator does) forgets them as well.
    with app.app_context():
        db.session.execute(
            db.update(Booth)
            .where(Booth.country == "TH")
            .values(status=Booth.Status.SUSPENDED, suspended_reason="Counterfeit goods")
        )
        db.session.commit()
        assert filter_options().countries == (("VN", 1),)


def test_a_rolled_back_change_is_not_kept(app, factory):
    owner = factory.user()
    company = factory.company(owner=owner, country="VN")
    with app.app_context():
        db.session.add(Booth(company_id=company.id, slug="vn-booth", country="VN", status=Booth.Status.PUBLISHED))
        db.session.flush()
        assert filter_options().countries == (("VN", 1),)  # read inside the transaction
        db.session.rollback()
        assert filter_options().countries == ()


def test_a_change_made_by_another_process_shows_once_the_options_are_older_than_max_age(app, factory, monkeypatch):
    owner = factory.user()
    factory.booth(factory.company(owner=owner, country="VN"))
    factory.booth(
        factory.company(owner=owner, country="TH"), status=Booth.Status.SUSPENDED, suspended_reason="Counterfeit goods"
    )
    with app.app_context():
        assert filter_options().countries == (("VN", 1),)
        db.session.commit()  # SQLite: this session's transaction holds the write lock
        # A connection of its own stands for another process: this one's sessions never see it.
        with db.engine.begin() as connection:
            connection.execute(
                update(Booth.__table__).where(Booth.__table__.c.country == "TH").values(status=Booth.Status.PUBLISHED)
            )
        assert filter_options().countries == (("VN", 1),)
        monkeypatch.setattr(options_module, "MAX_AGE", 0.0)
        assert dict(filter_options().countries) == {"VN": 1, "TH": 1}

"""Which editions an organizer runs: one list for the organizers' lead-report form and the
reports they may open."""

from __future__ import annotations

from datetime import date

from expo.accounts.models import User
from expo.editions.services import editions_organized_by
from expo.extensions import db
from expo.leads.models import LeadReport
from expo.leads.reports import expo_reports_query
from expo.permissions import organized_edition_ids


def test_an_edition_organizer_sees_their_editions_and_a_global_one_sees_all(app, factory):
    mine, theirs = factory.edition(name="Mine"), factory.edition(name="Theirs")
    local, everywhere, attendee = factory.organizer(edition=mine), factory.organizer(), factory.user()
    with app.app_context():
        local, everywhere, attendee = (db.session.get(User, user.id) for user in (local, everywhere, attendee))
        assert organized_edition_ids(local) == {mine.id}
        assert organized_edition_ids(everywhere) is None
        assert organized_edition_ids(attendee) == set()
        assert [edition.name for edition in editions_organized_by(local)] == ["Mine"]
        assert {edition.name for edition in editions_organized_by(everywhere)} == {"Mine", "Theirs"}

        requester = db.session.get(User, everywhere.id)
        for edition in (mine, theirs):
            db.session.add(
                LeadReport(
                    scope=LeadReport.EXPO,
                    edition_id=edition.id,
                    requested_by_id=requester.id,
                    period_from=date(2027, 3, 1),
                    period_to=date(2027, 3, 31),
                )
            )
        db.session.commit()
        assert {r.edition_id for r in db.session.scalars(expo_reports_query(local))} == {mine.id}
        assert {r.edition_id for r in db.session.scalars(expo_reports_query(everywhere))} == {mine.id, theirs.id}

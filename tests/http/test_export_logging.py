"""Every download of people's personal data leaves an audit entry: who, when, what, how many people.

The test finds the downloads itself (every route that sends a CSV, XLSX or PDF file, and the forms
that answer with a PDF), so a new export that is not walked here, or not declared free of personal
data below with the reason, fails it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from expo.audit.models import AuditAction, AuditEntry
from expo.badges import prints
from expo.db_types import utcnow
from expo.extensions import db
from expo.leads import reports
from expo.leads.models import LeadReport
from tests.conftest import log_in, run_recorded_tasks

# Downloads without anybody's personal data, and why.
NOT_PERSONAL = {
    "meetings.export_statistics": "counts of meetings per pavilion and per buyer country",
    "engagement.export_booth_analytics": "a booth's daily visit counts",
    "catalog.import_template": "an empty product template",
    "api-docs.openapi_json": "the API's description",
    "checkin.counts": "attendance counts per session",
    "broadcasts.broadcast_progress": "a broadcast's delivery counts",
    "forums.forum_calendar": "the public programme",
    "forums.session_calendar": "the public programme",
    "registrations.agenda_feed": "a person's own agenda, for themselves",
    "meetings.meeting_ics": "a person's own meeting, for themselves",
}
# The API's downloads of the same compiled report files: they go through the pages' send_report_file,
# and tests/http/test_api_reports.py checks the audit entry each download leaves.
LOGGED_THROUGH_THE_PAGES_PATH = {
    "api_leads.download_report": "test_api_reports.py::test_a_team_requests_polls_and_downloads_its_report",
    "api_organize.download_report": "the same send_report_file as the team download checked there",
}
# Forms that answer with a PDF rather than a page (their route names no file).
PDF_FORMS = {"badges.print_badges", "badges.desk_print"}
DOWNLOAD = re.compile(r"(\.(csv|xlsx|pdf|ics|json)|fmt>)$")


def export_endpoints(app) -> set[str]:
    found = {rule.endpoint for rule in app.url_map.iter_rules() if DOWNLOAD.search(rule.rule)}
    return found | PDF_FORMS


@pytest.fixture()
def world(app, factory):
    edition = factory.edition(name="CAEXPO 2027")
    pavilion = factory.pavilion(edition)
    session = factory.programme_session(factory.forum(edition), title="Opening")
    course = factory.forum(edition, enrols_whole_course=True)
    people = [factory.user(name=f"Visitor {n}") for n in range(3)]
    for person in people:
        factory.registration(person, session)
    factory.registration(people[0], course)
    owner = factory.user(name="Booth Owner")
    booth = factory.booth(factory.company(owner=owner))
    factory.placement(booth, pavilion)
    # Three leads from two buyers.
    for buyer in (people[0], people[0], people[1]):
        factory.inquiry(booth, buyer)
    organizer = factory.organizer(edition, name="Olga Organizer")
    admin = factory.admin(name="Ada Admin")
    return SimpleNamespace(**locals())


def _compiled_report(app, requester, *, booth=None, edition=None) -> int:
    today = utcnow().date()
    with app.test_request_context():
        from expo.accounts.models import User
        from expo.booths.models import Booth
        from expo.editions.models import Edition

        actor = db.session.get(User, requester.id)
        period = dict(period_from=today - timedelta(days=1), period_to=today + timedelta(days=1), timezone="UTC")
        if booth is not None:
            report = reports.request_booth_report(actor, db.session.get(Booth, booth.id), **period)
        else:
            report = reports.request_expo_report(
                actor, edition=db.session.get(Edition, edition.id), pavilion=None, **period
            )
        db.session.commit()
        report_id = report.id
    run_recorded_tasks(app)
    with app.app_context():
        assert db.session.get(LeadReport, report_id).status == LeadReport.Status.DONE
    return report_id


def _last_entry(app) -> AuditEntry:
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
        db.session.expunge(entry)
    return entry


def test_every_download_of_personal_data_records_who_what_and_how_many_people(app, client, world, monkeypatch):
    w = world
    walked: set[str] = set()

    def check(endpoint, method, path, *, action, people, actor, data=None, edition_id=None):
        before = _last_entry_id(app)
        response = client.open(path, method=method, data=data)
        assert response.status_code == 200, f"{endpoint}: {response.status_code}"
        entry = _last_entry(app)
        assert entry.id != before, f"{endpoint} left no audit entry"
        assert (entry.action, entry.actor_id, entry.after["people"]) == (action, actor.id, people), endpoint
        assert entry.occurred_at > datetime.now(UTC) - timedelta(minutes=5)
        assert entry.after["format"] in ("csv", "xlsx", "pdf", "json")
        if edition_id is not None:
            assert entry.edition_id == edition_id
        walked.add(endpoint)

    edition_id = w.edition.id
    log_in(client, w.organizer)
    base = f"/editions/{w.edition.slug}/organize"
    for fmt in ("csv", "xlsx"):
        check(
            "organize.export_registrants",
            "GET",
            f"{base}/sessions/{w.session.id}/registrants.{fmt}",
            action=AuditAction.REGISTRANTS_EXPORTED,
            people=3,
            actor=w.organizer,
            edition_id=edition_id,
        )
    check(
        "organize.export_registrants",
        "GET",
        f"{base}/forums/{w.course.id}/registrants.csv",
        action=AuditAction.REGISTRANTS_EXPORTED,
        people=1,
        actor=w.organizer,
    )

    expo_report = _compiled_report(app, w.organizer, edition=w.edition)
    check(
        "organize_lead_reports.download",
        "GET",
        f"/organize/lead-reports/{expo_report}/xlsx",
        action=AuditAction.LEAD_REPORT_DOWNLOADED,
        people=2,
        actor=w.organizer,
        edition_id=edition_id,
    )

    # Badge PDFs: a small print at once, a big one made by the worker, one at the help desk.
    check(
        "badges.print_badges",
        "POST",
        f"{base}/badges/print",
        data={"layout": "a7"},
        action=AuditAction.BADGES_PRINTED,
        people=5,  # the three registrants, the booth's owner, the organizer
        actor=w.organizer,
        edition_id=edition_id,
    )
    monkeypatch.setattr(prints, "DIRECT_LIMIT", 2)
    assert client.post(f"{base}/badges/print", data={"layout": "a7"}).status_code == 302
    run_recorded_tasks(app)
    with app.app_context():
        from expo.badges.models import BadgePrint

        print_id = db.session.scalar(select(BadgePrint.id))
    check(
        "badges.download_print",
        "GET",
        f"{base}/badges/prints/{print_id}/badges.pdf",
        action=AuditAction.BADGES_PRINTED,
        people=5,
        actor=w.organizer,
        edition_id=edition_id,
    )
    check(
        "badges.desk_print",
        "POST",
        f"{base}/badges/desk/people/{w.people[2].id}/print",
        data={"layout": "a6"},
        action=AuditAction.BADGES_PRINTED,
        people=1,
        actor=w.organizer,
    )

    # The audit log names the organizer (who did all of the above) and the people its entries are about.
    check(
        "audit.export_edition_log",
        "GET",
        f"{base}/audit.csv",
        action=AuditAction.AUDIT_LOG_EXPORTED,
        people=2,  # the organizer; the visitor whose badge the help desk printed
        actor=w.organizer,
        edition_id=edition_id,
    )
    # The offline check-in app's list of codes carries every holder's name onto the device.
    check(
        "checkin.codes",
        "GET",
        f"/editions/{w.edition.slug}/checkin/codes.json",
        action=AuditAction.OFFLINE_CODES_LOADED,
        people=5,  # the three registrants' tickets and badges, the booth's owner's and the organizer's badges
        actor=w.organizer,
        edition_id=edition_id,
    )
    client.post("/logout")

    log_in(client, w.owner)
    booth_report = _compiled_report(app, w.owner, booth=w.booth)
    check(
        "lead_reports.download_report",
        "GET",
        f"/booths/{w.booth.slug}/leads/reports/{booth_report}/csv",
        action=AuditAction.LEAD_REPORT_DOWNLOADED,
        people=2,
        actor=w.owner,
    )
    # The stand app's list: every badge but the team's own, as the team may see its holder.
    check(
        "stand_app.codes",
        "GET",
        f"/booths/{w.booth.slug}/leads/scan/codes.json",
        action=AuditAction.OFFLINE_CODES_LOADED,
        people=4,
        actor=w.owner,
        edition_id=edition_id,
    )
    client.post("/logout")

    log_in(client, w.admin)
    check(
        "audit.export_full_log",
        "GET",
        "/admin/audit.xlsx",
        action=AuditAction.AUDIT_LOG_EXPORTED,
        people=3,  # the organizer, the visitor, the booth's owner
        actor=w.admin,
    )

    unaccounted = export_endpoints(app) - walked - set(NOT_PERSONAL) - set(LOGGED_THROUGH_THE_PAGES_PATH)
    assert not unaccounted, f"downloads neither walked here nor declared free of personal data: {unaccounted}"


def _last_entry_id(app) -> int | None:
    with app.app_context():
        return db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))


def test_organizers_see_the_number_of_people_on_the_audit_page(app, client, world):
    log_in(client, world.organizer)
    base = f"/editions/{world.edition.slug}/organize"
    client.get(f"{base}/sessions/{world.session.id}/registrants.csv")
    page = client.get(f"{base}/audit").get_data(as_text=True)
    assert "Registrant list exported" in page
    assert re.search(r"People in the file:</span>\s*— → 3<", page)

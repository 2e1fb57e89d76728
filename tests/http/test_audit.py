"""The audit log pages: scoping, filters, pagination and exports; and the exports of personal data
elsewhere that leave an entry."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from expo.accounts.models import User
from expo.audit.models import AuditAction, AuditEntry
from expo.audit.services import record
from expo.extensions import db
from tests.conftest import count_queries, log_in, run_recorded_tasks


def add_entries(app, actor, count=1, *, edition_id=None, action=AuditAction.CAPACITY_CHANGED):
    with app.app_context():
        user = db.session.get(User, actor.id)
        for number in range(count):
            record(user, action, user, edition_id=edition_id, before={"capacity": number}, after={"capacity": 99})
        db.session.commit()


def stored_entries(app) -> list[AuditEntry]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        db.session.expunge_all()
        return found


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


# --- exports of personal data elsewhere ------------------------------------------------------------


def test_exporting_a_registrant_list_is_recorded(app, client, factory):
    edition = factory.edition()
    session = factory.programme_session(factory.forum(edition), title="Opening")
    factory.registration(factory.user(), session)
    organizer = factory.organizer(edition=edition)
    log_in(client, organizer)
    base = f"/editions/{edition.slug}/organize/sessions/{session.id}/registrants"
    assert client.get(base + ".csv").status_code == 200
    assert client.get(base + ".xlsx").status_code == 200
    as_csv, as_xlsx = stored_entries(app)
    for entry, fmt in ((as_csv, "csv"), (as_xlsx, "xlsx")):
        assert (entry.actor_id, entry.action, entry.object_type, entry.object_id, entry.object_label) == (
            organizer.id,
            "registrants_exported",
            "session",
            session.id,
            "Opening",
        )
        assert (entry.edition_id, entry.before, entry.after) == (edition.id, None, {"format": fmt, "people": 1})
        assert entry.ip_address == "127.0.0.1"


def test_downloading_an_order_lead_report_is_recorded_and_its_organizers_see_it(app, client, factory):
    edition = factory.edition()
    booth = factory.booth(factory.company(owner=factory.user()))
    factory.placement(booth, factory.pavilion(edition))
    organizer = factory.organizer(edition=edition)
    log_in(client, organizer)
    response = client.post(
        "/organize/lead-reports", data={"edition": str(edition.id), "date_from": "2027-03-01", "date_to": "2027-03-31"}
    )
    run_recorded_tasks(app)
    assert client.get(response.headers["Location"] + "/csv").status_code == 200
    [entry] = stored_entries(app)
    assert (entry.actor_id, entry.action, entry.object_type, entry.edition_id) == (
        organizer.id,
        "lead_report_downloaded",
        "lead_report",
        edition.id,
    )
    assert entry.after == {"format": "csv", "rows": 0, "people": 0}
    assert edition.name in entry.object_label
    page = client.get(f"/editions/{edition.slug}/organize/audit").get_data(as_text=True)
    assert "Order-lead report downloaded" in page and "format:" in page


# --- the pages -----------------------------------------------------------------------------------


def test_organizers_see_their_editions_entries_and_nobody_elses(app, client, factory):
    mine, theirs = factory.edition(), factory.edition()
    organizer = factory.organizer(edition=mine, email="mine@example.com")
    other = factory.organizer(edition=theirs, email="theirs@example.com")
    add_entries(app, organizer, edition_id=mine.id)
    add_entries(app, other, edition_id=theirs.id)
    add_entries(app, factory.admin(email="root@example.com"), action=AuditAction.BOOTH_PUBLISHED)  # no edition
    log_in(client, organizer)
    page = client.get(f"/editions/{mine.slug}/organize/audit").get_data(as_text=True)
    assert "mine@example.com" in page and "Capacity changed" in page and "capacity:" in page and "0 → 99" in page
    assert "theirs@example.com" not in page and "root@example.com" not in page
    assert 'href="/editions/%s/organize/audit"' % mine.slug in page  # the organizer area's tab
    assert client.get(f"/editions/{theirs.slug}/organize/audit").status_code == 403
    assert client.get(f"/editions/{theirs.slug}/organize/audit.csv").status_code == 403
    assert client.get("/admin/audit").status_code == 403

    admin = app.test_client()
    log_in(admin, factory.admin())
    everything = admin.get("/admin/audit").get_data(as_text=True)
    assert "mine@example.com" in everything and "theirs@example.com" in everything and "root@example.com" in everything


def test_filters_by_action_actor_kind_and_days_and_explains_bad_ones(app, client, factory):
    edition = factory.edition()
    mei = factory.organizer(edition=edition, name="Mei Lin", email="mei@example.com")
    bob = factory.organizer(edition=edition, name="Bob Stone", email="bob@example.com")
    add_entries(app, mei, edition_id=edition.id)
    add_entries(app, bob, edition_id=edition.id, action=AuditAction.TICKET_CHECKED_IN)
    log_in(client, mei)
    base = f"/editions/{edition.slug}/organize/audit"

    def shown(query: str) -> tuple[bool, bool]:
        response = client.get(f"{base}?{query}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        return "mei@example.com" in page, "bob@example.com" in page  # the name is in the menu too

    assert shown("") == (True, True)
    assert shown("action=ticket_checked_in") == (False, True)
    filtered = client.get(f"{base}?action=ticket_checked_in&page=1").get_data(as_text=True)
    assert f'href="{base}.csv?action=ticket_checked_in"' in filtered  # the export takes the filter, not the page
    assert f'href="{base}.xlsx?action=ticket_checked_in"' in filtered
    assert shown("actor=MEI%40EX") == (True, False)
    assert shown("object_type=user") == (True, True) and shown("object_type=booth") == (False, False)
    assert shown("date_from=2020-01-01&date_to=2020-12-31") == (False, False)
    assert shown("date_from=2020-01-01") == (True, True)

    for query, reason in (
        ("date_from=2027-02-30", "Not a valid date value."),
        ("date_from=2027-03-02&date_to=2027-03-01", "The last day must not be before the first."),
        ("action=drop_tables", "Not a valid choice."),
    ):
        response = client.get(f"{base}?{query}")
        assert response.status_code == 400 and reason in response.get_data(as_text=True)
        assert client.get(f"{base}.csv?{query}").status_code == 400
    assert stored_entries(app)[-1].action == "ticket_checked_in"  # a refused export records nothing


def test_the_log_is_paginated_with_its_filters_and_constant_queries(app, client, factory):
    admin = factory.admin()
    add_entries(app, admin, 3)
    log_in(client, admin)
    few = count_queries(app, client, "/admin/audit")
    add_entries(app, admin, 60)
    assert count_queries(app, client, "/admin/audit") == few
    page = client.get("/admin/audit?action=capacity_changed").get_data(as_text=True)
    assert "Page 1 of 2" in page and "/admin/audit?action=capacity_changed&amp;page=2" in page
    second = client.get("/admin/audit?action=capacity_changed&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("Capacity changed") == 13 + 1  # rows + the filter's option
    assert "Page 2 of 2" in client.get("/admin/audit?page=2").get_data(as_text=True)
    assert client.get("/admin/audit?page=-4").status_code == 200


def test_exports_are_neutralised_filtered_and_recorded(app, client, factory):
    edition = factory.edition(name="CAEXPO 2027")
    organizer = factory.organizer(edition=edition, name='=HYPERLINK("http://evil")', email="org@example.com")
    add_entries(app, organizer, 2, edition_id=edition.id)
    add_entries(app, organizer, edition_id=edition.id, action=AuditAction.TICKET_CHECKED_IN)
    add_entries(app, organizer, edition_id=factory.edition().id)  # another edition's
    log_in(client, organizer)
    base = f"/editions/{edition.slug}/organize/audit"

    response = client.get(f"{base}.csv?action=capacity_changed")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    header, *rows = csv_rows(response)
    assert header[:4] == ["Date and time (UTC)", "Full name", "E-mail address", "Action"]
    assert len(rows) == 2
    assert rows[0][1] == '\'=HYPERLINK("http://evil")' and rows[0][3] == "Capacity changed"
    assert rows[0][8] == '{"capacity": 1}' and rows[0][9] == '{"capacity": 99}'

    workbook = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").data))
    sheet = workbook["Audit log"]
    lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(lines) == 1 + 4  # the header, three entries, and the CSV export just made
    assert lines[1][3] == "Audit log exported" and lines[-1][1] == '=HYPERLINK("http://evil")'
    assert sheet.cell(row=5, column=2).data_type == "s"  # text, never a formula

    *_, csv_export, xlsx_export = stored_entries(app)
    assert (csv_export.action, csv_export.object_type, csv_export.object_id, csv_export.object_label) == (
        "audit_log_exported",
        "audit_log",
        edition.id,
        "CAEXPO 2027",
    )
    assert csv_export.after == {"format": "csv", "entries": 2, "people": 1, "action": "capacity_changed"}
    assert (xlsx_export.edition_id, xlsx_export.after) == (edition.id, {"format": "xlsx", "entries": 4, "people": 1})

    admin = app.test_client()
    log_in(admin, factory.admin())
    _header, *everything = csv_rows(admin.get("/admin/audit.csv"))
    assert len(everything) == 6
    assert stored_entries(app)[-1].object_label == "Every edition"

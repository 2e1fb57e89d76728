"""Order-lead reports through the API: a team's and an edition's organizers' requests, polling the
status, downloading the CSV and XLSX the worker compiled (audited, as on the pages)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from expo.extensions import db
from tests.api_helpers import bearer, make_token
from tests.conftest import run_recorded_tasks

PROBLEM = "application/problem+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture()
def world(factory):
    edition = factory.edition(slug="caexpo-2027")
    other_edition = factory.edition(slug="other-edition")
    owner = factory.user(name="Owner")
    staff = factory.user(name="Staff")
    company = factory.company(owner=owner, staff=[staff], slug="guangxi-gloves", name="Guangxi Gloves")
    booth = factory.booth(company)
    gloves = factory.product(booth, name="Nitrile gloves")
    pavilion = factory.pavilion(edition, name="Public Health")
    factory.placement(booth, pavilion, stand="A-1")
    buyer = factory.user(name="Somchai", country="TH")
    for day in (10, 11):
        factory.inquiry(
            booth,
            buyer,
            products=[gloves],
            quantity=200,
            unit="boxes",
            buyer_country="TH",
            created_at=datetime(2027, 9, day, 4, tzinfo=UTC),
        )
    other_booth = factory.booth(factory.company(owner=factory.user(), slug="other-co"))
    return {
        "edition": edition,
        "other_edition": other_edition,
        "owner": owner,
        "staff": staff,
        "booth": booth,
        "pavilion": pavilion,
        "other_booth": other_booth,
        "organizer": factory.organizer(edition=edition),
        "other_organizer": factory.organizer(edition=other_edition),
    }


def test_a_team_requests_polls_and_downloads_its_report(app, client, world):
    from expo.audit.models import AuditAction, AuditEntry

    secret = make_token(app, world["staff"], ["leads:write"])
    base = "/api/v1/booths/guangxi-gloves/reports"
    made = client.post(base, json={"period_from": "2027-09-01", "period_to": "2027-09-30"}, headers=bearer(secret))
    assert made.status_code == 202, made.get_json()
    report = made.get_json()
    assert (report["status"], report["scope"], report["files"]) == ("queued", "booth", {})
    early = client.get(f"{base}/{report['id']}/csv", headers=bearer(secret))
    assert early.status_code == 409 and early.mimetype == PROBLEM and "ready" in early.get_json()["detail"]
    run_recorded_tasks(app)
    done = client.get(f"{base}/{report['id']}", headers=bearer(secret)).get_json()
    assert (done["status"], done["finished"], done["rows_total"]) == ("done", True, 2)
    assert set(done["files"]) == {"csv", "xlsx"} and done["files"]["csv"]["size"] > 0
    assert done["files"]["csv"]["url"].endswith(f"{base}/{report['id']}/csv")

    response = client.get(f"{base}/{report['id']}/csv", headers=bearer(secret))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 3 and "Nitrile gloves" in rows[1]
    response = client.get(f"{base}/{report['id']}/xlsx", headers=bearer(secret))
    assert response.status_code == 200 and response.mimetype == XLSX
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert book.sheetnames
    assert client.get(f"{base}/{report['id']}/pdf", headers=bearer(secret)).status_code == 404
    with app.app_context():
        downloads = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.LEAD_REPORT_DOWNLOADED)
        ).all()
        assert [(entry.actor_id, entry.after["format"]) for entry in downloads] == [
            (world["staff"].id, "csv"),
            (world["staff"].id, "xlsx"),
        ]


def test_a_team_reaches_its_own_reports_only(app, client, world, factory):
    secret = make_token(app, world["owner"], ["leads:write"])
    report_id = client.post(
        "/api/v1/booths/guangxi-gloves/reports",
        json={"period_from": "2027-09-01", "period_to": "2027-09-30"},
        headers=bearer(secret),
    ).get_json()["id"]
    other = make_token(app, factory.user(), ["leads:read"])
    assert client.get(f"/api/v1/booths/guangxi-gloves/reports/{report_id}", headers=bearer(other)).status_code == 404
    assert client.get(f"/api/v1/booths/other-co/reports/{report_id}", headers=bearer(secret)).status_code == 404
    backwards = client.post(
        "/api/v1/booths/guangxi-gloves/reports",
        json={"period_from": "2027-09-30", "period_to": "2027-09-01"},
        headers=bearer(secret),
    )
    assert backwards.status_code == 400 and "period_to" in backwards.get_json()["errors"]


def test_an_organizer_reports_on_the_edition_s_exhibitors(app, client, world):
    secret = make_token(app, world["organizer"], ["organize:write"], edition=world["edition"])
    base = "/api/v1/editions/caexpo-2027/reports"
    made = client.post(base, json={}, headers=bearer(secret))
    assert made.status_code == 202, made.get_json()
    report = made.get_json()
    # The edition's days by default, in the venue's zone.
    assert (report["scope"], report["edition"], report["period_from"], report["period_to"]) == (
        "expo",
        "caexpo-2027",
        "2027-09-10",
        "2027-09-13",
    )
    run_recorded_tasks(app)
    listed = client.get(base, headers=bearer(secret)).get_json()["items"]
    assert [(item["id"], item["status"], item["rows_total"]) for item in listed] == [(report["id"], "done", 2)]
    response = client.get(f"{base}/{report['id']}/csv", headers=bearer(secret))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    assert "Guangxi Gloves" in text and "Somchai" not in text  # organizers see companies, not buyers

    by_pavilion = client.post(
        base,
        json={"pavilion_id": world["pavilion"].id, "period_from": "2027-09-10", "period_to": "2027-09-10"},
        headers=bearer(secret),
    )
    assert by_pavilion.status_code == 202 and by_pavilion.get_json()["pavilion_id"] == world["pavilion"].id
    half = client.post(base, json={"period_from": "2027-09-10"}, headers=bearer(secret))
    assert half.status_code == 400 and "period_to" in half.get_json()["errors"]
    elsewhere = client.post(base, json={"pavilion_id": 999999}, headers=bearer(secret))
    assert elsewhere.status_code == 404


def test_organizers_of_another_edition_and_teams_do_not_reach_it(app, client, world):
    secret = make_token(app, world["organizer"], ["organize:write"])
    report_id = client.post("/api/v1/editions/caexpo-2027/reports", json={}, headers=bearer(secret)).get_json()["id"]
    other = make_token(app, world["other_organizer"], ["organize:read"])
    assert client.get("/api/v1/editions/caexpo-2027/reports", headers=bearer(other)).status_code == 403
    other_edition_token = make_token(app, world["other_organizer"], ["organize:read"], edition=world["other_edition"])
    assert client.get("/api/v1/editions/caexpo-2027/reports", headers=bearer(other_edition_token)).status_code == 404
    url = f"/api/v1/editions/other-edition/reports/{report_id}"
    assert client.get(url, headers=bearer(other)).status_code == 404
    team = make_token(app, world["owner"], ["organize:read"])
    assert client.get(f"/api/v1/editions/caexpo-2027/reports/{report_id}", headers=bearer(team)).status_code == 403

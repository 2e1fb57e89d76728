"""The offline check-in app over HTTP: the codes it loads before the doors open, and syncing the
scans it queued (exactly once, the first check-in wins, refusals as at the online door)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from expo.audit.models import AuditAction, AuditEntry
from expo.badges.codes import code_digest
from expo.checkin.models import CheckinScan
from expo.checkin.services import MAX_SYNC_BATCH
from expo.db_types import utcnow
from expo.extensions import db
from expo.registrations import tickets
from expo.registrations.models import Registration, new_ticket_code
from tests.conftest import permission_failures
from tests.http.test_checkin import ROLES, client_for, payload_for, reload
from tests.http.test_checkin import world as world  # noqa: F401 - the fixture, shared


@pytest.fixture(autouse=True)
def _edition_made_months_ago(app, world):
    """As real editions are: scans are believed back to the day the edition was made."""
    from expo.editions.models import Edition

    with app.app_context():
        db.session.get(Edition, world.edition.id).created_at = utcnow() - timedelta(days=90)
        db.session.commit()


def scan(code: str, *, at: datetime | None = None, scan_id: str | None = None) -> dict:
    return {
        "id": scan_id or str(uuid.uuid4()),
        "code": code,
        "scanned_at": (at or utcnow() - timedelta(minutes=1)).isoformat(),
    }


def sync(client, edition, scans, expected=200):
    response = client.post(f"/editions/{edition.slug}/checkin/sync", json={"scans": scans})
    assert response.status_code == expected, response.get_data(as_text=True)
    return response.get_json()


def counted(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def check_in_entries(app, registration) -> int:
    return counted(
        app,
        AuditEntry,
        AuditEntry.action == AuditAction.TICKET_CHECKED_IN.value,
        AuditEntry.object_id == registration.id,
    )


# --- who may load the codes and sync ---------------------------------------------------------------

MATRIX = {
    ("GET", "/editions/{edition}/checkin/codes.json"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=200, organizer=200
    ),
    ("POST", "/editions/{edition}/checkin/sync"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=200, organizer=200
    ),
    ("GET", "/editions/{edition}/checkin/manifest.webmanifest"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=200, organizer=200
    ),
    # The worker script is the same for everyone and holds nothing personal; browsers fetch it alone.
    ("GET", "/editions/{edition}/checkin/sw.js"): dict(
        anonymous=200, attendee=200, other_staff=200, staff=200, organizer=200
    ),
    ("GET", "/editions/{other_edition}/checkin/codes.json"): dict(
        anonymous=302, attendee=403, other_staff=200, staff=403, organizer=403
    ),
    ("POST", "/editions/{other_edition}/checkin/sync"): dict(
        anonymous=302, attendee=403, other_staff=200, staff=403, organizer=403
    ),
    ("GET", "/editions/no-such-edition/checkin/codes.json"): dict(
        anonymous=302, attendee=404, other_staff=404, staff=404, organizer=404
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_only_check_in_staff_of_the_edition_load_codes_and_sync(app, world, role):
    client = client_for(app, world, role)
    values = {"edition": world.edition.slug, "other_edition": world.other_edition.slug}
    requests = [
        (method, template.format(**values), expected[role], {"json": {"scans": []}} if method == "POST" else {})
        for (method, template), expected in MATRIX.items()
    ]
    failures = permission_failures(client, requests, anonymous=role == "anonymous")
    assert not failures, "\n".join(failures)
    # Nobody who was refused left anything behind.
    assert counted(app, CheckinScan) == 0


def test_a_refused_sync_checks_nobody_in(app, world):
    data = client_for(app, world, "attendee").post(
        f"/editions/{world.edition.slug}/checkin/sync", json={"scans": [scan(payload_for(app, world.ticket))]}
    )

    assert data.status_code == 403
    assert reload(app, world.ticket).checked_in_at is None


# --- the codes --------------------------------------------------------------------------------------


def test_codes_list_every_confirmed_ticket_of_the_edition_with_whose_and_what_for(app, factory, world):
    course = factory.forum(world.edition, title="Solar installer course", enrols_whole_course=True)
    factory.programme_session(course, title="Day one", starts_at=datetime(2027, 9, 11, 1, 0, tzinfo=UTC))
    bo = factory.user(name="Bo Nguyen", organisation="")
    enrolled = factory.registration(bo, course)
    earlier = factory.registration(
        factory.user(name="Early Bird"), world.later_session, checked_in_at=datetime(2027, 9, 11, 2, 0, tzinfo=UTC)
    )
    cancelled = factory.registration(factory.user(name="Gone Away"), world.later_session, status="cancelled")

    response = client_for(app, world, "staff").get(f"/editions/{world.edition.slug}/checkin/codes.json")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    codes = {code["digest"]: code for code in response.get_json()["codes"]}
    ada = codes[code_digest(payload_for(app, world.ticket))]
    assert ada["kind"] == "ticket"
    assert (ada["name"], ada["organisation"], ada["title"]) == ("Ada Lovelace", "Analytical Engines", "Morning keynote")
    assert ada["when"] and ada["checked_in_at"] is None
    course_code = codes[code_digest(payload_for(app, enrolled))]
    assert (course_code["title"], course_code["organisation"]) == ("Solar installer course", "")
    assert "Sep" in course_code["when"] and "11" in course_code["when"]  # the course's first session, at the venue
    assert codes[code_digest(payload_for(app, earlier))]["checked_in_at"].startswith("2027-09-11T02:00")
    # Neither the waiting list, nor a cancelled ticket, nor another edition's.
    for left_out in (world.waiting, cancelled, world.elsewhere):
        assert code_digest(payload_for(app, left_out)) not in codes
    assert len(codes) == 3


def test_codes_hold_digests_only_never_a_ticket(app, world):
    body = client_for(app, world, "staff").get(f"/editions/{world.edition.slug}/checkin/codes.json").get_data(True)

    assert "EXPO1." not in body
    with app.app_context():
        assert db.session.get(Registration, world.ticket.id).ticket_code not in body


# --- syncing ----------------------------------------------------------------------------------------


def test_a_synced_scan_checks_in_at_the_time_it_was_scanned(app, world):
    at = utcnow() - timedelta(minutes=42)
    data = sync(client_for(app, world, "staff"), world.edition, [scan(payload_for(app, world.ticket), at=at)])

    [result] = data["results"]
    assert result["status"] == "checked_in"
    assert result["message"] == "Checked in: Ada Lovelace, Analytical Engines, Morning keynote"
    assert result["name"] == "Ada Lovelace" and result["title"] == "Morning keynote"
    ticket = reload(app, world.ticket)
    assert ticket.checked_in_at == at
    assert ticket.checked_in_by_id == world.users["staff"].id
    assert check_in_entries(app, world.ticket) == 1


def test_sending_the_same_scans_again_changes_nothing_and_answers_the_same(app, world):
    client = client_for(app, world, "staff")
    scans = [
        scan(payload_for(app, world.ticket)),
        scan(payload_for(app, world.waiting)),
        scan("EXPO1.forged"),
    ]

    first = sync(client, world.edition, scans)
    checked_in_at = reload(app, world.ticket).checked_in_at
    again = sync(client, world.edition, scans)
    # A lost answer: the app sends the batch once more, with a new scan added.
    newer = scan(payload_for(app, world.ticket))
    third = sync(client, world.edition, [*scans, newer])

    assert [r["status"] for r in first["results"]] == ["checked_in", "refused", "refused"]
    assert again["results"] == first["results"]
    assert third["results"][:3] == first["results"]
    assert third["results"][3]["status"] == "duplicate"
    assert reload(app, world.ticket).checked_in_at == checked_in_at
    assert check_in_entries(app, world.ticket) == 1
    assert counted(app, CheckinScan) == 4


def test_one_scan_twice_in_a_batch_is_one_scan(app, world):
    one = scan(payload_for(app, world.ticket))

    data = sync(client_for(app, world, "staff"), world.edition, [one, one])

    assert [r["status"] for r in data["results"]] == ["checked_in"]
    assert counted(app, CheckinScan) == 1


def test_two_devices_scan_the_same_ticket_one_checks_in_the_other_hears_a_duplicate(app, world):
    payload = payload_for(app, world.ticket)
    first_device = client_for(app, world, "staff")
    second_device = client_for(app, world, "organizer")
    scanned_first = utcnow() - timedelta(minutes=10)

    first = sync(first_device, world.edition, [scan(payload, at=scanned_first)])
    second = sync(second_device, world.edition, [scan(payload, at=utcnow() - timedelta(minutes=5))])

    assert first["results"][0]["status"] == "checked_in"
    [duplicate] = second["results"]
    assert duplicate["status"] == "duplicate"
    assert duplicate["message"].startswith("Duplicate: Ada Lovelace was already checked in at ")
    assert duplicate["message"].endswith(" by Door staff.")
    assert duplicate["checked_in_at"] == first["results"][0]["checked_in_at"]
    assert reload(app, world.ticket).checked_in_by_id == world.users["staff"].id
    assert check_in_entries(app, world.ticket) == 1
    with app.app_context():
        outcomes = db.session.scalars(select(CheckinScan.outcome).order_by(CheckinScan.id)).all()
    assert outcomes == ["checked_in", "duplicate"]


def test_a_ticket_checked_in_at_the_online_door_is_a_duplicate_when_synced(app, world):
    client = client_for(app, world, "staff")
    assert client.post(f"/editions/{world.edition.slug}/checkin/scan", json={"code": payload_for(app, world.ticket)})

    [result] = sync(client, world.edition, [scan(payload_for(app, world.ticket))])["results"]

    assert result["status"] == "duplicate"
    assert check_in_entries(app, world.ticket) == 1


def test_forged_unknown_foreign_and_unconfirmed_tickets_are_refused_with_the_doors_reasons(app, world):
    payload = payload_for(app, world.ticket)
    with app.test_request_context():
        unknown = tickets.payload_for_code(new_ticket_code())
    scans = [
        scan(payload[:-3] + ("xyz" if not payload.endswith("xyz") else "abc")),
        scan("https://example.com/not-a-ticket"),
        scan(unknown),
        scan(payload_for(app, world.elsewhere)),
        scan(payload_for(app, world.waiting)),
    ]

    results = sync(client_for(app, world, "staff"), world.edition, scans)["results"]

    assert [r["status"] for r in results] == ["refused"] * 5
    assert [r["message"] for r in results] == [
        "This ticket is not genuine: its signature does not match.",
        "This is not an Expo ticket.",
        "No registration has this ticket.",
        "This ticket is for another edition.",
        "Not confirmed: this person is on the waiting list.",
    ]
    assert all(r["name"] is None for r in results)  # a refusal names nobody
    assert reload(app, world.elsewhere).checked_in_at is None
    assert reload(app, world.waiting).checked_in_at is None


def test_a_device_clock_out_of_bounds_counts_as_the_time_the_server_received_the_scan(app, factory, world):
    second = factory.registration(factory.user(name="Second Person"), world.today_session)
    before = utcnow()

    results = sync(
        client_for(app, world, "staff"),
        world.edition,
        [
            scan(payload_for(app, world.ticket), at=utcnow() + timedelta(hours=3)),  # a clock ahead
            scan(payload_for(app, second), at=datetime(1970, 1, 1, tzinfo=UTC)),  # a phone that lost its date
        ],
    )["results"]

    assert [r["status"] for r in results] == ["checked_in", "checked_in"]
    after = utcnow()
    for registration in (world.ticket, second):
        assert before <= reload(app, registration).checked_in_at <= after


def test_a_few_minutes_ahead_is_believed(app, world):
    at = utcnow() + timedelta(minutes=2)

    sync(client_for(app, world, "staff"), world.edition, [scan(payload_for(app, world.ticket), at=at)])

    # Never later than the server's own clock, though.
    assert reload(app, world.ticket).checked_in_at <= utcnow()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "Send the scans as a JSON list named scans."),
        ({"scans": "many"}, "Send the scans as a JSON list named scans."),
        ({"scans": [1]}, "Scan 1 is not an object."),
        ({"scans": [{"id": "12", "code": "EXPO1.x", "scanned_at": "2026-12-06T10:00:00Z"}]}, "Scan 1 has no valid id"),
        ({"scans": [{"id": str(uuid.uuid4()), "code": "", "scanned_at": "2026-12-06T10:00:00Z"}]}, "has no code"),
        (
            {"scans": [{"id": str(uuid.uuid4()), "code": "E" * 501, "scanned_at": "2026-12-06T10:00:00Z"}]},
            "too long to be genuine",
        ),
        ({"scans": [{"id": str(uuid.uuid4()), "code": "EXPO1.x", "scanned_at": "yesterday"}]}, "no valid time"),
        (
            {"scans": [{"id": str(uuid.uuid4()), "code": "EXPO1.x", "scanned_at": "2026-12-06T10:00:00"}]},
            "no valid time",
        ),
    ],
)
def test_a_malformed_sync_is_refused_whole_with_a_reason(app, world, body, reason):
    client = client_for(app, world, "staff")
    kwargs = {"data": body, "content_type": "application/json"} if isinstance(body, str) else {"json": body}

    response = client.post(
        f"/editions/{world.edition.slug}/checkin/sync", headers={"Accept": "application/json"}, **kwargs
    )

    assert response.status_code == 400
    assert reason in response.get_json()["message"]
    assert counted(app, CheckinScan) == 0


def test_more_than_a_batch_is_refused_with_413(app, world):
    scans = [scan(payload_for(app, world.ticket)) for _ in range(MAX_SYNC_BATCH + 1)]

    response = client_for(app, world, "staff").post(
        f"/editions/{world.edition.slug}/checkin/sync", json={"scans": scans}, headers={"Accept": "application/json"}
    )

    assert response.status_code == 413
    assert response.get_json()["message"] == f"Send at most {MAX_SYNC_BATCH} scans at once."
    assert reload(app, world.ticket).checked_in_at is None


def test_a_batch_reads_the_same_number_of_times_whatever_its_size(app, factory, world):
    from tests.conftest import recorded_statements

    def statements_for(count: int) -> int:
        people = [factory.registration(factory.user(), world.today_session) for _ in range(count)]
        scans = [scan(payload_for(app, registration)) for registration in people]
        scans.append(scan(scans[0]["code"]))  # and one duplicate
        client = client_for(app, world, "staff")
        with recorded_statements(app) as statements:
            sync(client, world.edition, scans)
        # What grows is writing: one conditional UPDATE a ticket, and the rows (batched on PostgreSQL).
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    assert statements_for(3) == statements_for(12)


# --- the installable app ----------------------------------------------------------------------------


def test_the_manifest_makes_the_check_in_page_an_app_of_its_own(app, world):
    response = client_for(app, world, "staff").get(f"/editions/{world.edition.slug}/checkin/manifest.webmanifest")

    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    start = f"/editions/{world.edition.slug}/checkin/"
    assert manifest["start_url"] == manifest["scope"] == start
    assert manifest["name"] == "Check-in: Solar Expo 2027"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert app.test_client().get(icon["src"]).status_code == 200


def test_the_manifest_speaks_the_staffs_language(app, world):
    client = client_for(app, world, "staff")
    client.post("/language", data={"language": "zh"})

    manifest = client.get(f"/editions/{world.edition.slug}/checkin/manifest.webmanifest").get_json(force=True)

    assert manifest["lang"] == "zh-Hans"
    assert manifest["short_name"] != "Check-in"


def test_the_service_worker_precaches_the_app_page_and_its_hashed_files(app, world):
    response = app.test_client().get(f"/editions/{world.edition.slug}/checkin/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    page = client_for(app, world, "staff").get(f"/editions/{world.edition.slug}/checkin/").get_data(as_text=True)
    shell = json.loads(body.split("var SHELL = ", 1)[1].split(";", 1)[0])
    # Every script and stylesheet the page loads is kept, under the name the page asks for.
    import re

    for url in re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"', page):
        assert url in shell, url
    for url in shell:
        assert app.test_client().get(url).status_code == 200, url


# --- venue badges at the door ---------------------------------------------------------------------


def badge_code(app, edition, user, serial=1) -> str:
    from expo.badges.codes import badge_payload

    with app.test_request_context():
        return badge_payload(edition.id, user.id, serial)


def test_valid_badges_are_in_the_codes_with_their_role(app, factory, world):
    from expo.badges.models import Badge

    factory.badge(world.edition, world.ada, role=Badge.Role.HOSTED_BUYER)
    revoked = factory.user(name="Revoked Person")
    factory.badge(world.edition, revoked, revoked_at=utcnow())

    codes = client_for(app, world, "staff").get(f"/editions/{world.edition.slug}/checkin/codes.json").get_json()

    badges = {code["digest"]: code for code in codes["codes"] if code["kind"] == "badge"}
    ada = badges[code_digest(badge_code(app, world.edition, world.ada))]
    assert (ada["name"], ada["title"]) == ("Ada Lovelace", "Hosted buyer")
    assert code_digest(badge_code(app, world.edition, revoked)) not in badges


def test_a_valid_badge_is_let_in_every_time_and_a_revoked_or_reprinted_one_is_refused(app, factory, world):
    from expo.badges.models import Badge

    factory.badge(world.edition, world.ada, role=Badge.Role.HOSTED_BUYER)
    reprinted = factory.user(name="Reprinted Person")
    factory.badge(world.edition, reprinted, serial=2)
    client = client_for(app, world, "staff")
    payload = badge_code(app, world.edition, world.ada)
    scans = [
        scan(payload),
        scan(payload),  # back in after lunch
        scan(badge_code(app, world.edition, reprinted, serial=1)),
        scan(badge_code(app, world.other_edition, world.ada)),
    ]

    results = sync(client, world.edition, scans)["results"]
    again = sync(client, world.edition, scans)["results"]

    assert [r["status"] for r in results] == ["checked_in", "checked_in", "refused", "refused"]
    assert results[0]["message"] == "Badge valid: Ada Lovelace, Hosted buyer"
    assert results[0]["title"] == "Hosted buyer"
    assert results[2]["message"].startswith("This badge was replaced by a reprint on ")
    assert results[3]["message"] == "No badge of this edition has this code."
    assert again == results
    assert counted(app, CheckinScan) == 4
    # A badge checks no ticket in.
    assert reload(app, world.ticket).checked_in_at is None

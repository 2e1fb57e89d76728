"""Check-in at the door: who may scan, what the door sees, live counts, and the check-in staff role."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from expo.accounts.models import EditionRole, User
from expo.checkin import services
from expo.db_types import utcnow
from expo.extensions import db
from expo.permissions import NotAllowed
from expo.registrations import tickets
from expo.registrations.models import Registration, new_ticket_code
from tests.conftest import count_queries, log_in, permission_failures

ROLES = ("anonymous", "attendee", "other_staff", "staff", "organizer")
EARLIER = datetime(2027, 9, 11, 1, 2, 3, tzinfo=UTC)


def _add_role(app, user, edition, kind=EditionRole.CHECKIN) -> EditionRole:
    with app.app_context():
        role = EditionRole(user_id=user.id, edition_id=edition.id, kind=kind)
        db.session.add(role)
        db.session.commit()
        db.session.refresh(role)
        db.session.expunge(role)
    return role


def payload_for(app, registration) -> str:
    with app.test_request_context():
        return tickets.ticket_payload(db.session.get(Registration, registration.id))


def reload(app, registration) -> Registration:
    with app.app_context():
        row = db.session.get(Registration, registration.id)
        db.session.expunge(row)
    return row


@pytest.fixture()
def world(app, factory):
    edition = factory.edition(name="Solar Expo 2027")
    other_edition = factory.edition()
    forum = factory.forum(edition, title="Energy forum")
    # One session today at the venue, one later in the edition.
    today_session = factory.programme_session(forum, title="Morning keynote", starts_at=utcnow(), room="Hall A")
    later_session = factory.programme_session(
        forum, title="Grid panel", starts_at=datetime(2027, 9, 12, 2, 0, tzinfo=UTC)
    )
    other_session = factory.programme_session(factory.forum(other_edition), title="Elsewhere")
    ada = factory.user(name="Ada Lovelace", organisation="Analytical Engines", timezone="Europe/Paris")
    staff = factory.user(name="Door staff", timezone="Europe/Paris")
    other_staff = factory.user(name="Other door")
    _add_role(app, staff, edition)
    _add_role(app, other_staff, other_edition)
    return SimpleNamespace(
        edition=edition,
        other_edition=other_edition,
        forum=forum,
        today_session=today_session,
        later_session=later_session,
        ada=ada,
        ticket=factory.registration(ada, today_session),
        waiting=factory.registration(
            factory.user(name="Wai Ting"), today_session, status="waitlisted", waitlist_number=1
        ),
        elsewhere=factory.registration(ada, other_session),
        users={
            "attendee": ada,
            "other_staff": other_staff,
            "staff": staff,
            "organizer": factory.organizer(edition),
        },
    )


def client_for(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        log_in(client, world.users[role])
    return client


# --- who may do what ------------------------------------------------------------------------------

# 302 for anonymous: sent to log in. The scan without a code answers 400 to those who may scan.
MATRIX = {
    ("GET", "/editions/{edition}/checkin/"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=200, organizer=200
    ),
    ("POST", "/editions/{edition}/checkin/"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=400, organizer=400
    ),
    ("POST", "/editions/{edition}/checkin/scan"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=400, organizer=400
    ),
    ("GET", "/editions/{edition}/checkin/counts.json"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=200, organizer=200
    ),
    ("GET", "/editions/{other_edition}/checkin/"): dict(
        anonymous=302, attendee=403, other_staff=200, staff=403, organizer=403
    ),
    ("GET", "/editions/no-such-edition/checkin/"): dict(
        anonymous=302, attendee=404, other_staff=404, staff=404, organizer=404
    ),
    ("GET", "/editions/{edition}/checkin/staff"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=403, organizer=200
    ),
    ("POST", "/editions/{edition}/checkin/staff"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=403, organizer=200
    ),
    # Last: the organizer really removes the role.
    ("POST", "/editions/{edition}/checkin/staff/{staff_role}/remove"): dict(
        anonymous=302, attendee=403, other_staff=403, staff=403, organizer=302
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_checkin_permission_matrix(app, world, role):
    client = client_for(app, world, role)
    with app.app_context():
        staff_role = db.session.scalar(
            select(EditionRole.id).where(
                EditionRole.user_id == world.users["staff"].id, EditionRole.kind == EditionRole.CHECKIN
            )
        )
    values = {"edition": world.edition.slug, "other_edition": world.other_edition.slug, "staff_role": staff_role}
    requests = [
        (method, path, expected[role], {"json": {} if path.endswith("/scan") else None})
        for (method, template), expected in MATRIX.items()
        for path in [template.format(**values)]
    ]
    failures = permission_failures(client, requests)
    assert not failures, "\n".join(failures)


def test_anonymous_is_sent_to_log_in_and_back(client, world):
    response = client.get(f"/editions/{world.edition.slug}/checkin/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert "checkin" in response.headers["Location"]


def test_drafts_stay_hidden_from_those_who_cannot_check_in(app, factory, world):
    draft = factory.edition(status="draft")
    _add_role(app, world.users["staff"], draft)
    client = client_for(app, world, "attendee")

    assert client.get(f"/editions/{draft.slug}/checkin/").status_code == 404
    # Its check-in staff may rehearse before the edition is published.
    assert client_for(app, world, "staff").get(f"/editions/{draft.slug}/checkin/").status_code == 200


def test_checkin_staff_can_do_nothing_else(app, world):
    client = client_for(app, world, "staff")
    slug = world.edition.slug

    for path in (
        f"/editions/{slug}/edit",
        "/editions/new",
        "/admin/users",
        f"/admin/users/{world.users['staff'].id}",
        f"/editions/{slug}/checkin/staff",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/editions/{slug}/edit", data={"name": "Taken over"}).status_code == 403
    assert client.post(f"/editions/{slug}/checkin/staff", data={"email": world.ada.email}).status_code == 403
    # ...but they can do their job.
    assert client.get(f"/editions/{slug}/checkin/").status_code == 200


def _sample_value(rule, arg: str, slug: str, some_id: int):
    from werkzeug.routing.converters import AnyConverter, IntegerConverter

    converter = rule._converters[arg]
    if arg == "slug":
        return slug
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[-1]
    if isinstance(converter, IntegerConverter):
        return some_id
    return "x"


def test_checkin_staff_get_no_organizer_or_admin_page(app, world):
    """Every organizer and administrator page, whatever blueprint adds them, refuses check-in staff."""
    client = client_for(app, world, "staff")
    with app.app_context():
        some_id = world.today_session.id
    checked = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0]
        organizer_only = blueprint in ("organize", "admin") or rule.endpoint in (
            "editions.edit_edition",
            "editions.create_edition",
            "checkin.manage_staff",
        )
        if not organizer_only or "GET" not in rule.methods:
            continue
        path = rule.build(
            {arg: _sample_value(rule, arg, world.edition.slug, some_id) for arg in rule.arguments}, append_unknown=False
        )[1]
        status = client.get(path).status_code
        checked.append(path)
        # 404 is fine where a made-up id names nothing; what must never happen is a page.
        assert status in (403, 404), f"{path}: {status}"
    assert any(path.endswith("/edit") for path in checked) and "/admin/users" in checked


def test_organizer_of_another_edition_cannot_manage_its_staff(app, factory, world):
    client = app.test_client()
    log_in(client, factory.organizer(world.other_edition))

    assert client.get(f"/editions/{world.edition.slug}/checkin/staff").status_code == 403
    assert client.get(f"/editions/{world.edition.slug}/checkin/").status_code == 403


# --- the check-in page --------------------------------------------------------------------------


def test_check_in_page_is_ready_for_a_phone_and_a_scanner(app, world):
    html = client_for(app, world, "staff").get(f"/editions/{world.edition.slug}/checkin/").get_data(as_text=True)

    assert re.search(r'<input[^>]*autofocus[^>]*name="code"|<input[^>]*name="code"[^>]*autofocus', html)
    assert "form-control-lg" in html and "btn-lg" in html
    assert "Ticket code" in html
    assert re.search(r'id="camera-button"[^>]*hidden', html)  # shown by checkin.js where it can work
    assert re.search(r"/static/js/checkin\.[0-9a-f]{12}\.js", html)
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither
    # The offline app: its codes list, its sync address, its worker and its manifest.
    slug = world.edition.slug
    assert f'data-codes-url="/editions/{slug}/checkin/codes.json"' in html
    assert f'data-sync-url="/editions/{slug}/checkin/sync"' in html
    assert f'data-worker-url="/editions/{slug}/checkin/sw.js"' in html
    assert f'rel="manifest" href="/editions/{slug}/checkin/manifest.webmanifest"' in html
    assert "Check-in staff" not in html  # the staff management link is for organizers


def test_check_in_by_form_first_and_second_time(app, world):
    client = client_for(app, world, "staff")
    url = f"/editions/{world.edition.slug}/checkin/"
    payload = payload_for(app, world.ticket)

    first = client.post(url, data={"code": payload})
    first_html = first.get_data(as_text=True)

    assert first.status_code == 200
    assert "alert-success" in first_html
    assert "Checked in: Ada Lovelace, Analytical Engines, Morning keynote" in first_html
    assert 'value="EXPO1' not in first_html  # the field is empty again, ready for the next ticket
    registration = reload(app, world.ticket)
    assert registration.checked_in_at is not None
    assert registration.checked_in_by_id == world.users["staff"].id

    with app.app_context():
        db.session.get(Registration, world.ticket.id).checked_in_at = EARLIER
        db.session.commit()
    second = client.post(url, data={"code": payload})
    second_html = second.get_data(as_text=True)

    assert second.status_code == 200
    assert "alert-warning" in second_html
    # 01:02:03 UTC in the viewer's zone (Paris, summer time), with the zone named.
    assert re.search(r"Already checked in at Sat, Sep 11(, 2027)?, 3:02\W+AM \(Europe/Paris\)", second_html), (
        second_html
    )
    assert reload(app, world.ticket).checked_in_at == EARLIER


def test_organizer_checks_in_too(app, world):
    client = client_for(app, world, "organizer")
    response = client.post(f"/editions/{world.edition.slug}/checkin/", data={"code": payload_for(app, world.ticket)})

    assert response.status_code == 200
    assert "Checked in: Ada Lovelace" in response.get_data(as_text=True)
    assert 'href="/editions/%s/checkin/staff"' % world.edition.slug in response.get_data(as_text=True)


def _forged(app, world) -> str:
    payload = payload_for(app, world.ticket)
    return payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")


def _unknown(app) -> str:
    with app.test_request_context():
        return tickets.TICKET_PREFIX + tickets._serializer().dumps(new_ticket_code())


@pytest.mark.parametrize(
    "case, status, message",
    [
        ("forged", 400, "This ticket is not genuine"),
        ("not_a_ticket", 400, "This is not an Expo ticket."),
        ("unknown", 404, "No registration has this ticket."),
        ("waitlisted", 409, "Not confirmed: this person is on the waiting list."),
        ("other_edition", 404, "This ticket is for another edition."),
    ],
)
def test_refused_tickets_show_why(app, world, case, status, message):
    code = {
        "forged": lambda: _forged(app, world),
        "not_a_ticket": lambda: "https://example.com/not-a-ticket",
        "unknown": lambda: _unknown(app),
        "waitlisted": lambda: payload_for(app, world.waiting),
        "other_edition": lambda: payload_for(app, world.elsewhere),
    }[case]()
    client = client_for(app, world, "staff")

    page = client.post(f"/editions/{world.edition.slug}/checkin/", data={"code": code})
    scan = client.post(f"/editions/{world.edition.slug}/checkin/scan", json={"code": code})

    assert page.status_code == status
    html = page.get_data(as_text=True)
    assert "alert-danger" in html and message in html.replace("&#39;", "'")
    assert scan.status_code == status
    data = scan.get_json()
    assert data["status"] == "error" and message in data["message"]
    assert data["name"] is None and data["checked_in_at"] is None
    for registration in (world.ticket, world.waiting, world.elsewhere):
        assert reload(app, registration).checked_in_at is None


def test_empty_code_is_a_form_error(app, world):
    response = client_for(app, world, "staff").post(f"/editions/{world.edition.slug}/checkin/", data={"code": "  "})

    assert response.status_code == 400
    assert "Scan or type the code on the ticket." in response.get_data(as_text=True)


# --- the JSON scan endpoint ---------------------------------------------------------------------


def test_scan_endpoint_checks_in_once(app, world):
    client = client_for(app, world, "staff")
    url = f"/editions/{world.edition.slug}/checkin/scan"
    payload = payload_for(app, world.ticket)

    first = client.post(url, json={"code": payload})
    second = client.post(url, json={"code": payload})

    assert first.status_code == 200
    data = first.get_json()
    assert data["status"] == "checked_in"
    assert data["name"] == "Ada Lovelace"
    assert data["organisation"] == "Analytical Engines"
    assert data["title"] == "Morning keynote"
    assert data["message"] == "Checked in: Ada Lovelace, Analytical Engines, Morning keynote"
    checked_in_at = datetime.fromisoformat(data["checked_in_at"])
    assert abs(checked_in_at - utcnow()) < timedelta(minutes=1)

    assert second.status_code == 200
    again = second.get_json()
    assert again["status"] == "already"
    assert again["checked_in_at"] == data["checked_in_at"]
    assert again["message"].startswith("Already checked in at ") and "(Europe/Paris)" in again["message"]


def test_scan_endpoint_refuses_a_body_without_a_code(app, world):
    client = client_for(app, world, "staff")
    url = f"/editions/{world.edition.slug}/checkin/scan"

    for body in ({}, {"code": ""}, {"code": 12}, ["EXPO1."], {"code": "x" * 1000}):
        response = client.post(url, json=body)
        assert response.status_code == 400, body
        assert response.get_json()["status"] == "error"


def test_scan_endpoint_takes_the_csrf_token_in_a_header(app, world, monkeypatch):
    client = client_for(app, world, "staff")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get(f"/editions/{world.edition.slug}/checkin/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    url = f"/editions/{world.edition.slug}/checkin/scan"
    payload = payload_for(app, world.ticket)

    refused = client.post(url, json={"code": payload}, headers={"Accept": "application/json"})
    accepted = client.post(url, json={"code": payload}, headers={"X-CSRFToken": token})

    assert refused.status_code == 400
    assert "message" in refused.get_json()
    assert accepted.status_code == 200
    assert accepted.get_json()["status"] == "checked_in"


# --- live counts --------------------------------------------------------------------------------


def test_counts_per_session(app, factory, world):
    for name in ("Bo", "Cy"):
        factory.registration(factory.user(name=name), world.today_session)
    factory.registration(factory.user(), world.today_session, status="cancelled", checked_in_at=EARLIER)
    factory.registration(factory.user(), world.later_session)
    course = factory.forum(world.edition, kind="training", title="Installers' course", enrols_whole_course=True)
    factory.programme_session(course, title="Course day 1", starts_at=datetime(2027, 9, 13, 1, tzinfo=UTC))
    factory.registration(factory.user(), course, checked_in_at=EARLIER)
    factory.registration(factory.user(), course)
    client = client_for(app, world, "staff")
    client.post(f"/editions/{world.edition.slug}/checkin/scan", json={"code": payload_for(app, world.ticket)})

    response = client.get(f"/editions/{world.edition.slug}/checkin/counts.json")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    rows = {row["title"]: row for row in data["sessions"]}
    assert list(rows) == ["Morning keynote", "Grid panel", "Installers' course"]  # in time order
    # Ada, Bo and Cy confirmed (Ada checked in); the waiting list and the cancelled do not count.
    assert (rows["Morning keynote"]["checked_in"], rows["Morning keynote"]["confirmed"]) == (1, 3)
    assert rows["Morning keynote"]["today"] is True and rows["Morning keynote"]["room"] == "Hall A"
    assert (rows["Grid panel"]["checked_in"], rows["Grid panel"]["confirmed"]) == (0, 1)
    assert rows["Grid panel"]["today"] is False
    assert (rows["Installers' course"]["checked_in"], rows["Installers' course"]["confirmed"]) == (1, 2)
    assert rows["Installers' course"]["key"].startswith("course-")
    assert "Elsewhere" not in rows  # another edition's session
    assert "Course day 1" not in rows  # people enrol in the course, not its sessions
    assert data["totals"] == {"checked_in": 2, "confirmed": 6}


def test_check_in_page_lists_today_and_all_sessions_with_counts(app, world):
    html = client_for(app, world, "staff").get(f"/editions/{world.edition.slug}/checkin/").get_data(as_text=True)

    today = html[html.index("Today at the venue") : html.index("All sessions")]
    everything = html[html.index("All sessions") :]
    assert "Morning keynote" in today and "Grid panel" not in today
    assert "Morning keynote" in everything and "Grid panel" in everything
    key = f"session-{world.today_session.id}"
    assert html.count(f'data-confirmed="{key}">1<') == 2  # Ada (the waiting list does not count)
    assert html.count(f'data-checked-in="{key}">0<') == 2
    assert 'data-counts-url="/editions/%s/checkin/counts.json"' % world.edition.slug in html


def test_counts_take_the_same_number_of_queries_however_many_sessions(app, factory, world):
    client = client_for(app, world, "staff")
    slug = world.edition.slug
    before = (
        count_queries(app, client, f"/editions/{slug}/checkin/counts.json"),
        count_queries(app, client, f"/editions/{slug}/checkin/"),
    )
    for number in range(8):
        session = factory.programme_session(world.forum, title=f"Extra {number}")
        factory.registration(factory.user(), session, checked_in_at=EARLIER)
    course = factory.forum(world.edition, kind="training", enrols_whole_course=True)
    factory.programme_session(course)
    factory.registration(factory.user(), course)

    after = (
        count_queries(app, client, f"/editions/{slug}/checkin/counts.json"),
        count_queries(app, client, f"/editions/{slug}/checkin/"),
    )

    assert after == before


def test_today_is_the_venue_day(app, factory):
    from expo.editions.models import Edition

    edition = factory.edition(timezone="Asia/Shanghai")
    forum = factory.forum(edition)
    # 23:30 UTC on the 10th is 07:30 on the 11th in Shanghai.
    late = factory.programme_session(forum, starts_at=datetime(2027, 9, 10, 23, 30, tzinfo=UTC))
    with app.test_request_context():
        rows = services.attendance(db.session.get(Edition, edition.id), now=datetime(2027, 9, 11, 2, 0, tzinfo=UTC))
    assert [(row.key, row.today) for row in rows] == [(f"session-{late.id}", True)]


# --- managing check-in staff --------------------------------------------------------------------


def _roles_of(app, user) -> list[tuple[int | None, str]]:
    with app.app_context():
        return [
            (role.edition_id, role.kind)
            for role in db.session.scalars(select(EditionRole).where(EditionRole.user_id == user.id))
        ]


def test_organizer_adds_checkin_staff_by_email_once(app, factory, world):
    newcomer = factory.user(name="New Door", email="door@example.com")
    client = client_for(app, world, "organizer")
    url = f"/editions/{world.edition.slug}/checkin/staff"

    added = client.post(url, data={"email": "  Door@Example.com "})
    again = client.post(url, data={"email": "door@example.com"}, follow_redirects=True)

    assert added.status_code == 302 and added.headers["Location"].endswith(url)
    assert again.status_code == 200
    assert "New Door can now check tickets in for Solar Expo 2027" in again.get_data(as_text=True)
    assert _roles_of(app, newcomer) == [(world.edition.id, "checkin")]
    listing = client.get(url).get_data(as_text=True)
    assert "New Door" in listing and "door@example.com" in listing and "Door staff" in listing

    newcomer_client = app.test_client()
    log_in(newcomer_client, newcomer)
    assert newcomer_client.get(f"/editions/{world.edition.slug}/checkin/").status_code == 200
    assert newcomer_client.get(f"/editions/{world.edition.slug}/edit").status_code == 403
    assert newcomer_client.get(f"/editions/{world.other_edition.slug}/checkin/").status_code == 403


@pytest.mark.parametrize("email, confirmed", [("nobody@example.com", None), ("unconfirmed@example.com", False)])
def test_adding_staff_needs_a_confirmed_account(app, factory, world, email, confirmed):
    if confirmed is not None:
        factory.user(email=email, confirmed=confirmed)
    client = client_for(app, world, "organizer")

    response = client.post(f"/editions/{world.edition.slug}/checkin/staff", data={"email": email})

    assert response.status_code == 200
    assert "No confirmed account uses this e-mail address." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == email, User.roles.any())) is None


def test_organizer_removes_checkin_staff(app, world):
    staff = world.users["staff"]
    client = client_for(app, world, "organizer")
    staff_client = client_for(app, world, "staff")
    assert staff_client.get(f"/editions/{world.edition.slug}/checkin/").status_code == 200
    with app.app_context():
        role_id = db.session.scalar(select(EditionRole.id).where(EditionRole.user_id == staff.id))

    response = client.post(f"/editions/{world.edition.slug}/checkin/staff/{role_id}/remove", follow_redirects=True)

    assert response.status_code == 200
    assert "Door staff is no longer check-in staff." in response.get_data(as_text=True)
    assert _roles_of(app, staff) == []
    assert staff_client.get(f"/editions/{world.edition.slug}/checkin/").status_code == 403
    assert (
        staff_client.post(
            f"/editions/{world.edition.slug}/checkin/scan", json={"code": payload_for(app, world.ticket)}
        ).status_code
        == 403
    )


def test_roles_of_another_edition_or_kind_cannot_be_removed_here(app, world):
    client = client_for(app, world, "organizer")
    organizer = world.users["organizer"]
    with app.app_context():
        other_staff_role = db.session.scalar(
            select(EditionRole.id).where(EditionRole.user_id == world.users["other_staff"].id)
        )
        organizer_role = db.session.scalar(select(EditionRole.id).where(EditionRole.user_id == organizer.id))

    for role_id in (other_staff_role, organizer_role, 999999):
        response = client.post(f"/editions/{world.edition.slug}/checkin/staff/{role_id}/remove")
        assert response.status_code == 404, role_id
    assert _roles_of(app, world.users["other_staff"]) == [(world.other_edition.id, "checkin")]
    assert _roles_of(app, organizer) == [(world.edition.id, "organizer")]


def test_staff_services_check_the_actor(app, world):
    with app.test_request_context():
        staff = db.session.get(User, world.users["staff"].id)
        organizer = db.session.get(User, world.users["organizer"].id)
        from expo.editions.models import Edition

        edition = db.session.get(Edition, world.edition.id)
        with pytest.raises(NotAllowed):
            services.add_checkin_staff(staff, edition, world.ada.email)
        role = db.session.scalar(select(EditionRole).where(EditionRole.user_id == staff.id))
        with pytest.raises(NotAllowed):
            services.remove_checkin_staff(staff, role)
        first = services.add_checkin_staff(organizer, edition, world.ada.email)
        assert services.add_checkin_staff(organizer, edition, world.ada.email.upper()) is first
        with pytest.raises(NotAllowed):  # scanning is for this edition's staff and organizers only
            services.check_in_ticket(db.session.get(User, world.users["other_staff"].id), edition, "EXPO1.x")
        db.session.rollback()

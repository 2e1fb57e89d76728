"""The API's authenticated reads and writes: an attendee's registrations, an exhibitor team's
leads, an edition's organizers; tokens, their use, the rate limit."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from expo.extensions import db
from tests.api_helpers import bearer, make_token
from tests.conftest import log_in

PROBLEM = "application/problem+json"


@pytest.fixture()
def world(factory):
    edition = factory.edition(slug="caexpo-2027")
    forum = factory.forum(edition, slug="digital-trade")
    session = factory.programme_session(forum, title="Cross-border payments", capacity=1)
    owner = factory.user(name="Owner")
    staff = factory.user(name="Staff")
    company = factory.company(owner=owner, staff=[staff], slug="hanoi-coffee", name="Hanoi Coffee Co")
    booth = factory.booth(company)
    product = factory.product(booth, name="Robusta beans")
    other_company = factory.company(owner=factory.user(), slug="other-co")
    other_booth = factory.booth(other_company)
    buyer = factory.user(name="Buyer", organisation="Bangkok Imports")
    inquiry = factory.inquiry(booth, buyer, products=[product], message="Price for 2 tonnes?")
    other_inquiry = factory.inquiry(other_booth, buyer)
    organizer = factory.organizer(edition=edition, name="Organizer")
    return {
        "edition": edition,
        "forum": forum,
        "session": session,
        "owner": owner,
        "staff": staff,
        "company": company,
        "booth": booth,
        "product": product,
        "other_booth": other_booth,
        "buyer": buyer,
        "inquiry": inquiry,
        "other_inquiry": other_inquiry,
        "organizer": organizer,
        "other_company": other_company,
    }


# --- authentication -----------------------------------------------------------------------------------


def test_no_token_is_401_problem_with_www_authenticate(client, world):
    response = client.get("/api/v1/me/registrations")
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["type"].endswith("#problem-token-required")


def test_session_cookie_does_not_authenticate_the_api(client, world):
    log_in(client, world["buyer"])
    assert client.get("/api/v1/me/registrations").status_code == 401
    response = client.post(f"/api/v1/sessions/{world['session'].id}/registrations", json={})
    assert response.status_code == 401


def test_unknown_expired_and_revoked_tokens_are_refused(app, client, world):
    from expo.api import tokens
    from expo.api.models import ApiToken

    assert client.get("/api/v1/me/registrations", headers=bearer("expo_pat_not-a-token")).status_code == 401
    secret = make_token(app, world["buyer"], ["registrations:read"])
    assert client.get("/api/v1/me/registrations", headers=bearer(secret)).status_code == 200
    with app.test_request_context():
        token = db.session.scalar(select(ApiToken))
        token.expires_at = token.created_at - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/me/registrations", headers=bearer(secret)).status_code == 401
    second = make_token(app, world["buyer"], ["registrations:read"])
    with app.test_request_context():
        from expo.accounts.models import User

        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.hash_token(second)))
        tokens.revoke_token(db.session.get(User, world["buyer"].id), token)
        db.session.commit()
    assert client.get("/api/v1/me/registrations", headers=bearer(second)).status_code == 401


def test_tokens_are_stored_only_as_hashes(app, world):
    from expo.api.models import ApiToken

    secret = make_token(app, world["buyer"], ["registrations:read"])
    assert secret.startswith("expo_pat_") and len(secret) > 40
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert secret not in (token.token_hash, token.prefix) and token.prefix == secret[:13]


def test_missing_scope_is_403(app, client, world):
    secret = make_token(app, world["buyer"], ["registrations:read"])
    response = client.post(f"/api/v1/sessions/{world['session'].id}/registrations", json={}, headers=bearer(secret))
    assert response.status_code == 403 and response.mimetype == PROBLEM
    assert "registrations:write" in response.get_json()["detail"]


def test_use_is_audited_at_most_once_a_minute(app, client, world):
    from expo.api.models import ApiToken
    from expo.audit.models import AuditAction, AuditEntry

    secret = make_token(app, world["buyer"], ["registrations:read"])
    for _ in range(3):
        assert client.get("/api/v1/me/registrations", headers=bearer(secret)).status_code == 200
    with app.app_context():
        used = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.API_TOKEN_USED)).all()
        assert len(used) == 1 and used[0].actor_id == world["buyer"].id
        token = db.session.scalar(select(ApiToken))
        assert token.last_used_at is not None
        # A minute later the next request is written down again.
        token.last_used_at = token.last_used_at - timedelta(minutes=2)
        db.session.commit()
    client.get("/api/v1/me/registrations", headers=bearer(secret))
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action=AuditAction.API_TOKEN_USED).count() == 2


def test_rate_limit_per_token_answers_429_with_retry_after(app, client, world):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        secret = make_token(app, world["buyer"], ["registrations:read"])
        other = make_token(app, world["owner"], ["registrations:read"])
        for _ in range(3):
            assert client.get("/api/v1/me/registrations", headers=bearer(secret)).status_code == 200
        response = client.get("/api/v1/me/registrations", headers=bearer(secret))
        assert response.status_code == 429 and response.mimetype == PROBLEM
        assert int(response.headers["Retry-After"]) >= 1
        assert response.get_json()["status"] == 429
        # Another token has its own allowance.
        assert client.get("/api/v1/me/registrations", headers=bearer(other)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "360 per minute"


def test_authenticated_answers_are_private_and_not_cors(app, client, world):
    secret = make_token(app, world["buyer"], ["registrations:read"])
    response = client.get("/api/v1/me/registrations", headers={**bearer(secret), "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    preflight = client.options(
        "/api/v1/me/registrations", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


# --- an attendee ----------------------------------------------------------------------------------------


def test_register_list_agenda_and_cancel(app, client, world, recorded_tasks):
    secret = make_token(app, world["buyer"], ["registrations:write"])
    session_id = world["session"].id
    response = client.post(f"/api/v1/sessions/{session_id}/registrations", json={}, headers=bearer(secret))
    assert response.status_code == 201, response.get_json()
    registration = response.get_json()["registration"]
    assert registration["status"] == "confirmed" and registration["session_id"] == session_id
    again = client.post(f"/api/v1/sessions/{session_id}/registrations", json={}, headers=bearer(secret))
    assert again.status_code == 409 and again.mimetype == PROBLEM
    # The seat is taken: the next person waits.
    waiting = make_token(app, world["owner"], ["registrations:write"])
    second = client.post(f"/api/v1/sessions/{session_id}/registrations", json={}, headers=bearer(waiting))
    assert second.get_json()["registration"]["status"] == "waitlisted"
    assert second.get_json()["registration"]["waitlist_position"] == 1

    agenda = client.get("/api/v1/me/agenda", headers=bearer(secret)).get_json()["items"]
    assert [item["id"] for item in agenda] == [session_id]
    listed = client.get("/api/v1/me/registrations", headers=bearer(secret)).get_json()["items"]
    assert [item["id"] for item in listed] == [registration["id"]]

    cancelled = client.post(f"/api/v1/me/registrations/{registration['id']}/cancel", headers=bearer(secret))
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    # Somebody else's registration is not there.
    other = client.post(
        f"/api/v1/me/registrations/{second.get_json()['registration']['id']}/cancel", headers=bearer(secret)
    )
    assert other.status_code == 404


def test_register_refuses_unknown_fields_and_bad_json(app, client, world):
    secret = make_token(app, world["buyer"], ["registrations:write"])
    url = f"/api/v1/sessions/{world['session'].id}/registrations"
    response = client.post(url, json={"answers": {}, "seat": "1A"}, headers=bearer(secret))
    assert response.status_code == 400 and "seat" in response.get_json()["errors"]
    response = client.post(url, data="{not json", content_type="application/json", headers=bearer(secret))
    assert response.status_code == 400 and response.mimetype == PROBLEM


# --- an exhibitor team ----------------------------------------------------------------------------------


def test_team_reads_inquiries_replies_and_quotes(app, client, world):
    secret = make_token(app, world["staff"], ["leads:write"])
    base = "/api/v1/booths/hanoi-coffee/inquiries"
    listed = client.get(base, headers=bearer(secret)).get_json()["items"]
    assert [item["id"] for item in listed] == [world["inquiry"].id]
    assert listed[0]["buyer"]["organisation"] == "Bangkok Imports"
    detail = client.get(f"{base}/{world['inquiry'].id}", headers=bearer(secret)).get_json()
    assert detail["items"][0]["product_name"] == "Robusta beans"
    reply = client.post(
        f"{base}/{world['inquiry'].id}/messages", json={"body": "USD 2,100 a tonne FOB."}, headers=bearer(secret)
    )
    assert reply.status_code == 201 and reply.get_json()["side"] == "team"
    messages = client.get(f"{base}/{world['inquiry'].id}/messages", headers=bearer(secret)).get_json()["items"]
    assert [m["side"] for m in messages] == ["buyer", "team"]
    quotation = client.post(
        f"{base}/{world['inquiry'].id}/quotations",
        headers=bearer(secret),
        json={
            "unit_price": "2100.00",
            "currency": "USD",
            "quantity": 2,
            "unit": "tonnes",
            "incoterm": "FOB",
            "lead_time_days": 30,
            "valid_until": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert quotation.status_code == 201, quotation.get_json()
    detail = client.get(f"{base}/{world['inquiry'].id}", headers=bearer(secret)).get_json()
    assert detail["status"] == "quoted" and detail["quotations"][0]["unit_price"] == "2100.00"
    moved = client.post(f"{base}/{world['inquiry'].id}/status", json={"status": "new"}, headers=bearer(secret))
    assert moved.status_code == 409 and moved.mimetype == PROBLEM


def test_team_cannot_reach_another_booth(app, client, world):
    secret = make_token(app, world["staff"], ["leads:read"])
    assert client.get("/api/v1/booths/other-co/inquiries", headers=bearer(secret)).status_code == 404
    url = f"/api/v1/booths/hanoi-coffee/inquiries/{world['other_inquiry'].id}"
    assert client.get(url, headers=bearer(secret)).status_code == 404


def test_team_token_works_for_its_company_only_and_while_its_maker_belongs(app, client, world, factory):
    from expo.exhibitors.models import CompanyMember

    secret = make_token(app, world["owner"], ["leads:read"], company=world["company"])
    assert secret.startswith("expo_tat_")
    assert client.get("/api/v1/booths/hanoi-coffee/inquiries", headers=bearer(secret)).status_code == 200
    # The owner also belongs to another team: the team token still sees only its own company.
    with app.app_context():
        db.session.add(CompanyMember(company_id=world["other_company"].id, user_id=world["owner"].id, role="staff"))
        db.session.commit()
    assert client.get("/api/v1/booths/other-co/inquiries", headers=bearer(secret)).status_code == 404
    with app.app_context():
        db.session.query(CompanyMember).filter_by(company_id=world["company"].id, user_id=world["owner"].id).delete()
        db.session.commit()
    assert client.get("/api/v1/booths/hanoi-coffee/inquiries", headers=bearer(secret)).status_code == 401


def test_leads_and_reports(app, client, world, recorded_tasks):
    secret = make_token(app, world["owner"], ["leads:write"])
    leads = client.get("/api/v1/booths/hanoi-coffee/leads?days=all", headers=bearer(secret))
    assert leads.status_code == 200
    assert [lead["name"] for lead in leads.get_json()["items"]] == ["Buyer"]
    with app.app_context():
        from expo.audit.models import AuditAction, AuditEntry

        # The buyer's contact details left for the team's CRM: recorded as an export.
        entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
        assert (entry.action, entry.actor_id, entry.after) == (
            AuditAction.LEADS_TAKEN_THROUGH_API,
            world["owner"].id,
            {"format": "json", "people": 1},
        )
    today = date.today()
    made = client.post(
        "/api/v1/booths/hanoi-coffee/reports",
        headers=bearer(secret),
        json={"period_from": (today - timedelta(days=30)).isoformat(), "period_to": today.isoformat()},
    )
    assert made.status_code == 202 and made.get_json()["status"] == "queued"
    assert any(name == "leads.compile_report" or "report" in name for name, _args in recorded_tasks)
    listed = client.get("/api/v1/booths/hanoi-coffee/reports", headers=bearer(secret)).get_json()["items"]
    assert [report["id"] for report in listed] == [made.get_json()["id"]]
    backwards = client.post(
        "/api/v1/booths/hanoi-coffee/reports",
        headers=bearer(secret),
        json={"period_from": today.isoformat(), "period_to": (today - timedelta(days=3)).isoformat()},
    )
    assert backwards.status_code == 400 and backwards.mimetype == PROBLEM


# --- an edition's organizers -------------------------------------------------------------------------------


def test_registrants_check_in_and_broadcasts(app, client, world, factory, recorded_tasks):
    from expo.registrations import tickets
    from expo.registrations.models import Registration

    registration = factory.registration(world["buyer"], world["session"])
    secret = make_token(app, world["organizer"], ["organize:write"], edition=world["edition"])
    listed = client.get(
        f"/api/v1/editions/caexpo-2027/registrants?session_id={world['session'].id}", headers=bearer(secret)
    ).get_json()["items"]
    assert [(r["name"], r["status"]) for r in listed] == [("Buyer", "confirmed")]
    with app.app_context():
        from expo.audit.models import AuditAction, AuditEntry

        # The list left the site: the audit trail says who took how many people, as for a file.
        entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
        assert (entry.action, entry.actor_id, entry.after) == (
            AuditAction.REGISTRANTS_EXPORTED,
            world["organizer"].id,
            {"format": "json", "people": 1},
        )
    with app.test_request_context():
        payload = tickets.ticket_payload(db.session.get(Registration, registration.id))
    first = client.post("/api/v1/editions/caexpo-2027/check-ins", json={"code": payload}, headers=bearer(secret))
    assert first.status_code == 200 and first.get_json()["first_time"] is True
    again = client.post("/api/v1/editions/caexpo-2027/check-ins", json={"code": payload}, headers=bearer(secret))
    assert again.get_json()["first_time"] is False
    forged = client.post("/api/v1/editions/caexpo-2027/check-ins", json={"code": "nonsense"}, headers=bearer(secret))
    assert forged.status_code == 400 and forged.mimetype == PROBLEM

    sent = client.post(
        "/api/v1/editions/caexpo-2027/broadcasts",
        headers=bearer(secret),
        json={
            "audience": "session",
            "session_id": world["session"].id,
            "subject": "Room change",
            "body": "Hall B, level 2.",
        },
    )
    assert sent.status_code == 202, sent.get_json()
    assert ("broadcasts.prepare", (sent.get_json()["id"],)) in recorded_tasks
    listed = client.get("/api/v1/editions/caexpo-2027/broadcasts", headers=bearer(secret)).get_json()["items"]
    assert [b["subject"] for b in listed] == ["Room change"]


def test_edition_token_reaches_its_edition_only(app, client, world, factory):
    other = factory.edition(slug="other-edition")
    secret = make_token(app, world["organizer"], ["organize:read"], edition=world["edition"])
    assert client.get("/api/v1/editions/other-edition/broadcasts", headers=bearer(secret)).status_code == 404
    attendee = make_token(app, world["buyer"], ["organize:read"])
    # A personal token of somebody who does not organize: the page's 403.
    assert client.get("/api/v1/editions/caexpo-2027/broadcasts", headers=bearer(attendee)).status_code == 403
    assert other.slug == "other-edition"


# --- the token pages --------------------------------------------------------------------------------------


def test_personal_token_page_shows_the_secret_once_and_revokes(app, client, world):
    from expo.api.models import ApiToken

    log_in(client, world["buyer"])
    assert client.get("/account/api-tokens").status_code == 200
    response = client.post(
        "/account/api-tokens", data={"name": "Calendar sync", "scopes": ["registrations:read"], "lifetime_days": "30"}
    )
    # POST-redirect-GET: the secret is on the page redirected to, from the session, never in the address.
    assert response.status_code == 303 and response.headers["Location"] == "/account/api-tokens"
    shown = client.get("/account/api-tokens")
    assert shown.headers["Cache-Control"] == "no-store"
    html = shown.get_data(as_text=True)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
    assert "expo_pat_" in html and token.prefix in html
    match = re.search(r'id="new-token"[^>]*value="([^"]+)"', html)
    secret = match.group(1) if match else None
    assert secret and secret.startswith("expo_pat_")
    assert client.get("/api/v1/me/registrations", headers=bearer(secret)).status_code == 200
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert secret not in listing and "Calendar sync" in listing and "expires " in listing
    client.post(f"/account/api-tokens/{token.id}/revoke")
    assert client.get("/api/v1/me/registrations", headers=bearer(secret)).status_code == 401
    # A revoked token says so and no longer when it would have expired.
    revoked = client.get("/account/api-tokens").get_data(as_text=True)
    assert "Revoked" in revoked and "expires " not in revoked


def test_token_form_refuses_foreign_scopes(app, client, world):
    log_in(client, world["owner"])
    response = client.post(
        "/exhibitors/hanoi-coffee/api-tokens", data={"name": "CRM", "scopes": ["organize:write"], "lifetime_days": "90"}
    )
    assert response.status_code == 400
    assert "Choose from the scopes listed." in response.get_data(as_text=True)
    response = client.post(
        "/exhibitors/hanoi-coffee/api-tokens",
        data={"name": "CRM", "scopes": ["leads:read"], "lifetime_days": "90"},
        follow_redirects=True,
    )
    assert response.status_code == 200 and "expo_tat_" in response.get_data(as_text=True)


def test_token_pages_permissions(app, client, world):
    log_in(client, world["staff"])
    assert client.get("/exhibitors/hanoi-coffee/api-tokens").status_code == 403  # staff look, the owner decides
    assert client.get("/editions/caexpo-2027/organize/api-tokens").status_code == 403
    client.post("/logout")
    log_in(client, world["organizer"])
    assert client.get("/editions/caexpo-2027/organize/api-tokens").status_code == 200
    assert client.get("/exhibitors/hanoi-coffee/api-tokens").status_code == 404


def test_a_forum_s_required_question_is_a_field_error(app, client, world, factory):
    from expo.forums.models import ForumQuestion

    with app.app_context():
        db.session.add(ForumQuestion(forum_id=world["forum"].id, label="Company size", kind="text", required=True))
        db.session.commit()
        question_id = db.session.scalar(select(ForumQuestion.id))
    secret = make_token(app, world["buyer"], ["registrations:write"])
    url = f"/api/v1/sessions/{world['session'].id}/registrations"
    refused = client.post(url, json={"answers": {}}, headers=bearer(secret))
    assert refused.status_code == 400 and f"answers.{question_id}" in refused.get_json()["errors"]
    accepted = client.post(url, json={"answers": {str(question_id): "50 people"}}, headers=bearer(secret))
    assert accepted.status_code == 201, accepted.get_json()


def test_reloading_after_creating_a_token_makes_no_second_one_and_shows_the_secret_no_more(app, client, world):
    from expo.api.models import ApiToken

    log_in(client, world["organizer"])
    page = "/editions/caexpo-2027/organize/api-tokens"
    data = {"name": "Door scanner", "scopes": ["organize:write"], "lifetime_days": "7"}
    response = client.post(page, data=data)
    assert response.status_code == 303 and "expo_" not in response.headers["Location"]
    first = client.get(page).get_data(as_text=True)
    secret = re.search(r'id="new-token"[^>]*value="([^"]+)"', first).group(1)
    again = client.get(page)  # the browser's reload is of the GET, not of the POST
    assert secret not in again.get_data(as_text=True) and 'id="new-token"' not in again.get_data(as_text=True)
    # Another token page does not show it either.
    assert secret not in client.get("/account/api-tokens").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ApiToken)) == 1
    refused = client.post(page, data={**data, "scopes": ["leads:read"]})
    assert refused.status_code == 400 and "Choose from the scopes listed." in refused.get_data(as_text=True)

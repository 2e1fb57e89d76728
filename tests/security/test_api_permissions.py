"""Every authenticated API endpoint × every kind of token holder × every scope → the status they
should get. The same rules as the pages: another company's booth is a 404, an edition one does not
organize a 403; a token without the scope a 403; no token a 401."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from expo.api.tokens import SCOPES_BY_KIND
from expo.extensions import db
from expo.leads.models import LeadReport, Quotation
from tests.api_helpers import bearer, make_token, open_meeting

# Who holds the token, and which kind it is.
HOLDERS = {
    "buyer": "personal",
    "attendee": "personal",
    "other_staff": "personal",
    "own_staff": "personal",
    "own_team": "team",
    "other_team": "team",
    "edition_organizer": "personal",
    "edition_token": "edition",
    "other_edition_token": "edition",
    "checkin_staff": "personal",
    "organizer": "personal",
    "admin": "personal",
}
# Who may do what, without the scope question: "me" is anyone; "team" the booth's team (and its
# team tokens); "organize" the edition's organizers (organizers of every edition, admins); "door"
# organizers and the edition's check-in staff.
ALLOWED = {
    "me": set(HOLDERS),
    "team": {"own_staff", "own_team"},
    "organize": {"edition_organizer", "edition_token", "organizer", "admin"},
    "door": {"edition_organizer", "edition_token", "organizer", "admin", "checkin_staff"},
    # The buyer who sent the inquiry (and asked for the meeting).
    "buyer": {"buyer"},
    # Anyone asking the booth as a buyer with a personal token: not its own team.
    "asker": {"buyer", "attendee", "other_staff", "edition_organizer", "checkin_staff", "organizer", "admin"},
    # A meeting's two sides answer it; the edition's organizers look at it (as on the page).
    "meeting_side": {"buyer", "own_staff", "own_team"},
    "meeting_viewer": {"buyer", "own_staff", "own_team", "edition_organizer", "organizer", "admin"},
}
# What a holder who may not gets: a booth of another company is not there; an edition is, but is not
# theirs; somebody else's inquiry or meeting is not there; an organizer looks at a meeting but does
# not answer it; a team does not ask itself, nor does a team token ask as a buyer.
REFUSED = {
    "me": 403,
    "team": 404,
    "organize": 403,
    "door": 403,
    "buyer": 404,
    "asker": 403,
    "meeting_side": {"edition_organizer": 403, "organizer": 403, "admin": 403, None: 404},
    "meeting_viewer": 404,
}
# A slot at the venue on the edition's grid, when nobody has said they are free: 409 for whoever may ask.
SLOT = {"mode": "venue", "starts_at": "2027-09-11T01:00:00+00:00"}

ENDPOINTS = [
    # method, path, scope, who may, status when allowed, json body
    ("GET", "/api/v1/me/registrations", "registrations:read", "me", 200, None),
    ("GET", "/api/v1/me/agenda", "registrations:read", "me", 200, None),
    ("POST", "/api/v1/sessions/{session}/registrations", "registrations:write", "me", 201, {}),
    ("GET", "/api/v1/booths/{booth}/inquiries", "leads:read", "team", 200, None),
    ("GET", "/api/v1/booths/{booth}/inquiries/{inquiry}", "leads:read", "team", 200, None),
    ("GET", "/api/v1/booths/{booth}/inquiries/{inquiry}/messages", "leads:read", "team", 200, None),
    ("POST", "/api/v1/booths/{booth}/inquiries/{inquiry}/messages", "leads:write", "team", 201, {"body": "Hello"}),
    ("GET", "/api/v1/booths/{booth}/leads", "leads:read", "team", 200, None),
    ("GET", "/api/v1/booths/{booth}/reports", "leads:read", "team", 200, None),
    ("GET", "/api/v1/editions/{edition}/registrants?session_id={session}", "organize:read", "organize", 200, None),
    ("GET", "/api/v1/editions/{edition}/broadcasts", "organize:read", "organize", 200, None),
    # A code that is no ticket: allowed holders are told so (400), others are refused first.
    ("POST", "/api/v1/editions/{edition}/check-ins", "organize:write", "door", 400, {"code": "not-a-ticket"}),
    # A buyer's inquiries.
    ("GET", "/api/v1/me/inquiries", "inquiries:read", "me", 200, None),
    ("GET", "/api/v1/me/inquiries/{inquiry}", "inquiries:read", "buyer", 200, None),
    ("GET", "/api/v1/me/inquiries/{inquiry}/messages", "inquiries:read", "buyer", 200, None),
    ("POST", "/api/v1/me/inquiries/{inquiry}/messages", "inquiries:write", "buyer", 201, {"body": "Hello"}),
    ("POST", "/api/v1/me/inquiries/{inquiry}/quotations/{quotation}/accept", "inquiries:write", "buyer", 409, None),
    ("POST", "/api/v1/booths/{booth}/inquiries", "inquiries:write", "asker", 201, {"message": "Price?"}),
    # Meetings; a stale revision is a 409 for a side that may answer.
    ("GET", "/api/v1/me/meetings", "meetings:read", "me", 200, None),
    ("GET", "/api/v1/booths/{booth}/meetings", "meetings:read", "team", 200, None),
    ("GET", "/api/v1/booths/{booth}/meeting-slots", "meetings:read", "asker", 200, None),
    ("POST", "/api/v1/booths/{booth}/meetings", "meetings:write", "asker", 409, {"slot": SLOT}),
    ("GET", "/api/v1/booths/{booth}/buyers/{buyer}/meeting-slots", "meetings:read", "team", 200, None),
    (
        "POST",
        "/api/v1/booths/{booth}/invitations",
        "meetings:write",
        "team",
        409,
        {"buyer_id": "{buyer}", "slot": SLOT},
    ),
    ("GET", "/api/v1/meetings/{meeting}", "meetings:read", "meeting_viewer", 200, None),
    ("GET", "/api/v1/meetings/{meeting}/slots", "meetings:read", "meeting_side", 200, None),
    (
        "POST",
        "/api/v1/meetings/{meeting}/decline",
        "meetings:write",
        "meeting_side",
        409,
        {"revision": 99, "reason": "No"},
    ),
    (
        "POST",
        "/api/v1/meetings/{meeting}/cancel",
        "meetings:write",
        "meeting_side",
        409,
        {"revision": 99, "reason": "No"},
    ),
    ("POST", "/api/v1/meetings/{meeting}/outcome", "meetings:write", "meeting_side", 409, {"outcome": "held"}),
    # Order-lead reports: a queued one has no file yet (409).
    ("GET", "/api/v1/booths/{booth}/reports/{report}", "leads:read", "team", 200, None),
    ("GET", "/api/v1/booths/{booth}/reports/{report}/csv", "leads:read", "team", 409, None),
    ("GET", "/api/v1/editions/{edition}/reports", "organize:read", "organize", 200, None),
    ("POST", "/api/v1/editions/{edition}/reports", "organize:write", "organize", 202, {}),
    ("GET", "/api/v1/editions/{edition}/reports/{expo_report}", "organize:read", "organize", 200, None),
    ("GET", "/api/v1/editions/{edition}/reports/{expo_report}/xlsx", "organize:read", "organize", 409, None),
]


@pytest.fixture()
def holders(app, factory):
    from expo.accounts.models import EditionRole

    edition = factory.edition()
    other_edition = factory.edition()
    forum = factory.forum(edition)
    session = factory.programme_session(forum, capacity=None)
    owner, own_staff = factory.user(), factory.user()
    other_owner, other_staff = factory.user(), factory.user()
    company = factory.company(owner=owner, staff=[own_staff])
    other_company = factory.company(owner=other_owner, staff=[other_staff])
    booth = factory.booth(company)
    factory.booth(other_company)
    buyer = factory.user()
    inquiry = factory.inquiry(booth, buyer)
    checkin_staff = factory.user()
    with app.app_context():
        db.session.add(EditionRole(user_id=checkin_staff.id, edition_id=edition.id, kind=EditionRole.CHECKIN))
        db.session.commit()
    edition_organizer = factory.organizer(edition=edition)
    other_organizer = factory.organizer(edition=other_edition)
    with app.app_context():
        quotation = Quotation(
            inquiry_id=inquiry.id,
            unit_price=Decimal("2.10"),
            currency="USD",
            quantity=100,
            unit="boxes",
            incoterm="FOB",
            lead_time_days=30,
            valid_until=date(2099, 1, 1),
            status=Quotation.Status.DECLINED,  # decided: accepting it again is a 409 for the buyer
        )
        booth_report = LeadReport(
            scope=LeadReport.BOOTH, booth_id=booth.id, period_from=date(2027, 1, 1), period_to=date(2027, 1, 31)
        )
        expo_report = LeadReport(
            scope=LeadReport.EXPO, edition_id=edition.id, period_from=date(2027, 9, 10), period_to=date(2027, 9, 13)
        )
        db.session.add_all([quotation, booth_report, expo_report])
        db.session.commit()
        ids = {"quotation": quotation.id, "report": booth_report.id, "expo_report": expo_report.id}
    ids["meeting"] = open_meeting(app, edition, buyer, company)
    people = {
        "buyer": buyer,
        "attendee": factory.user(),
        "other_staff": other_staff,
        "own_staff": own_staff,
        "own_team": owner,
        "other_team": other_owner,
        "edition_organizer": edition_organizer,
        "edition_token": edition_organizer,
        "other_edition_token": other_organizer,
        "checkin_staff": checkin_staff,
        "organizer": factory.organizer(),
        "admin": factory.admin(),
    }
    places = {
        "own_team": {"company": company},
        "other_team": {"company": other_company},
        "edition_token": {"edition": edition},
        "other_edition_token": {"edition": other_edition},
    }
    values = {
        "edition": edition.slug,
        "session": session.id,
        "booth": booth.slug,
        "inquiry": inquiry.id,
        "buyer": buyer.id,
        **ids,
    }
    return people, places, values


def expected(holder: str, scopes: tuple[str, ...], scope: str, who: str, allowed_status: int) -> int:
    area, _sep, access = scope.partition(":")
    has_scope = scope in scopes or (access == "read" and f"{area}:write" in scopes)
    if not has_scope:
        return 403
    if holder in ALLOWED[who]:
        return allowed_status
    if holder == "other_edition_token" and who in ("organize", "door"):
        return 404  # an edition token knows no other edition
    refused = REFUSED[who]
    return refused.get(holder, refused[None]) if isinstance(refused, dict) else refused


def _filled(body, values: dict):
    """The body with "{name}" strings replaced by the world's values (ids stay numbers)."""
    if isinstance(body, dict):
        return {key: _filled(value, values) for key, value in body.items()}
    if isinstance(body, str) and body.startswith("{") and body.endswith("}") and body[1:-1] in values:
        return values[body[1:-1]]
    return body


@pytest.mark.parametrize("holder", list(HOLDERS))
def test_api_token_permission_matrix(app, client, holders, holder):
    people, places, values = holders
    failures = []
    for scope in SCOPES_BY_KIND[HOLDERS[holder]]:
        secret = make_token(app, people[holder], [scope], **places.get(holder, {}))
        for method, template, needed, who, allowed_status, body in ENDPOINTS:
            path = template.format(**values)
            response = client.open(path, method=method, json=_filled(body, values), headers=bearer(secret))
            want = expected(holder, (scope,), needed, who, allowed_status)
            if want == 201 and response.status_code == 409:
                continue  # registered with an earlier token of the same person
            if response.status_code != want:
                failures.append(f"{holder} [{scope}] {method} {path}: expected {want}, got {response.status_code}")
            elif response.status_code >= 400:
                assert response.mimetype == "application/problem+json", path
    assert not failures, "\n".join(failures)


def test_without_a_token_every_authenticated_endpoint_is_401(client, holders):
    _people, _places, values = holders
    for method, template, _scope, _who, _status, body in ENDPOINTS:
        response = client.open(template.format(**values), method=method, json=_filled(body, values))
        assert response.status_code == 401, template
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

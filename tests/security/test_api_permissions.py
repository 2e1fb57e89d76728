"""Every authenticated API endpoint × every kind of token holder × every scope → the status they
should get. The same rules as the pages: another company's booth is a 404, an edition one does not
organize a 403; a token without the scope a 403; no token a 401."""

from __future__ import annotations

import pytest

from expo.api.tokens import SCOPES_BY_KIND
from tests.api_helpers import bearer, make_token

# Who holds the token, and which kind it is.
HOLDERS = {
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
}
# What a holder who may not gets: a booth of another company is not there; an edition is, but is not theirs.
REFUSED = {"me": 403, "team": 404, "organize": 403, "door": 403}

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
]


@pytest.fixture()
def holders(app, factory):
    from expo.accounts.models import EditionRole
    from expo.extensions import db

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
    people = {
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
    values = {"edition": edition.slug, "session": session.id, "booth": booth.slug, "inquiry": inquiry.id}
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
    return REFUSED[who]


@pytest.mark.parametrize("holder", list(HOLDERS))
def test_api_token_permission_matrix(app, client, holders, holder):
    people, places, values = holders
    failures = []
    for scope in SCOPES_BY_KIND[HOLDERS[holder]]:
        secret = make_token(app, people[holder], [scope], **places.get(holder, {}))
        for method, template, needed, who, allowed_status, body in ENDPOINTS:
            path = template.format(**values)
            response = client.open(path, method=method, json=body, headers=bearer(secret))
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
        response = client.open(template.format(**values), method=method, json=body)
        assert response.status_code == 401, template
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

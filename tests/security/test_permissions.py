"""Every route × every kind of user → the status they should get."""

from __future__ import annotations

import pytest

from tests.conftest import log_in, permission_failures

ROLES = ("anonymous", "attendee", "other_staff", "own_staff", "edition_organizer", "organizer", "admin")

# Expected status by role; 302 for anonymous means "sent to the log-in page".
MATRIX = {
    ("GET", "/"): dict.fromkeys(ROLES, 200),
    ("GET", "/editions/"): dict.fromkeys(ROLES, 200),
    ("GET", "/editions/{edition}"): dict.fromkeys(ROLES, 200),
    ("GET", "/editions/{draft}"): {**dict.fromkeys(ROLES, 404), "organizer": 200, "admin": 200},
    ("GET", "/editions/new"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "organizer": 200, "admin": 200},
    ("GET", "/editions/{edition}/edit"): {**dict.fromkeys(ROLES, 403), "anonymous": 302,
                                          "edition_organizer": 200, "organizer": 200, "admin": 200},
    ("GET", "/admin/users"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/admin/users/{attendee_id}"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/admin/audit"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/admin/audit.csv"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/admin/audit.xlsx"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/editions/{edition}/organize/audit"): {**dict.fromkeys(ROLES, 403), "anonymous": 302,
                                                    "edition_organizer": 200, "organizer": 200, "admin": 200},
    ("GET", "/editions/{edition}/organize/audit.csv"): {**dict.fromkeys(ROLES, 403), "anonymous": 302,
                                                        "edition_organizer": 200, "organizer": 200, "admin": 200},
    ("GET", "/editions/{edition}/organize/audit.xlsx"): {**dict.fromkeys(ROLES, 403), "anonymous": 302,
                                                         "edition_organizer": 200, "organizer": 200, "admin": 200},
    ("GET", "/editions/{draft}/organize/audit"): {**dict.fromkeys(ROLES, 404), "anonymous": 302,
                                                  "organizer": 200, "admin": 200},
    ("GET", "/editions/no-such-edition/organize/audit"): {**dict.fromkeys(ROLES, 404), "anonymous": 302},
    ("GET", "/exhibitors/mine"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/exhibitors/{company}/team"): {**dict.fromkeys(ROLES, 404), "anonymous": 302, "own_staff": 200,
                                            "organizer": 200, "admin": 200},
    ("GET", "/account"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/account/password"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/healthz"): dict.fromkeys(ROLES, 200),
    ("GET", "/exhibition"): dict.fromkeys(ROLES, 200),
    ("GET", "/search?q=mask&type=booths"): dict.fromkeys(ROLES, 200),
    ("GET", "/sitemap.xml"): dict.fromkeys(ROLES, 200),
    ("GET", "/robots.txt"): dict.fromkeys(ROLES, 200),
    # Matchmaking: a buyer's own profile and recommendations; a team's offer and the buyers who fit it
    # (organizers of every edition may look at a booth's pages but not act: 403); the hosted-buyer
    # programme for the edition's organizers only.
    ("GET", "/my/sourcing-profile"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/my/recommendations"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/booths/{booth}/offer"): {**dict.fromkeys(ROLES, 404), "anonymous": 302, "own_staff": 200,
                                       "organizer": 403, "admin": 403},
    ("GET", "/booths/{booth}/buyers-who-fit"): {**dict.fromkeys(ROLES, 404), "anonymous": 302, "own_staff": 200,
                                                "organizer": 403, "admin": 403},
    ("GET", "/editions/{edition}/organize/hosted-buyers"): {**dict.fromkeys(ROLES, 403), "anonymous": 302,
                                                            "edition_organizer": 200, "organizer": 200, "admin": 200},
    ("GET", "/editions/{edition}/organize/hosted-buyers/plan"): {**dict.fromkeys(ROLES, 403), "anonymous": 302,
                                                                 "edition_organizer": 200, "organizer": 200,
                                                                 "admin": 200},
    ("POST", "/editions/{edition}/organize/hosted-buyers/publish"): {**dict.fromkeys(ROLES, 403), "anonymous": 302,
                                                                     "edition_organizer": 303, "organizer": 303,
                                                                     "admin": 303},
    ("GET", "/editions/{draft}/organize/hosted-buyers"): {**dict.fromkeys(ROLES, 404), "anonymous": 302,
                                                          "organizer": 200, "admin": 200},
    ("GET", "/editions/{edition}/hosted-buyers/invitation"): {**dict.fromkeys(ROLES, 404), "anonymous": 302},
    ("GET", "/editions/{edition}/hosted-buyers/choices"): {**dict.fromkeys(ROLES, 404), "anonymous": 302},
    ("GET", "/editions/{edition}/hosted-buyers/my-meetings"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
}


@pytest.fixture()
def world(factory):
    owner = factory.user(name="Owner")
    own_staff = factory.user(name="Own staff")
    other_owner = factory.user(name="Other owner")
    other_staff = factory.user(name="Other staff")
    company = factory.company(owner=owner, staff=[own_staff])
    booth = factory.booth(company)
    factory.company(owner=other_owner, staff=[other_staff])
    edition = factory.edition()
    draft = factory.edition(status="draft")
    users = {
        "attendee": factory.user(name="Attendee"),
        "other_staff": other_staff,
        "own_staff": own_staff,
        "edition_organizer": factory.organizer(edition=edition),
        "organizer": factory.organizer(),
        "admin": factory.admin(),
    }
    values = {"edition": edition.slug, "draft": draft.slug, "company": company.slug, "booth": booth.slug,
              "attendee_id": users["attendee"].id}
    return users, values


@pytest.mark.parametrize("role", ROLES)
def test_route_permission_matrix(app, world, role, worker_heartbeat):
    users, values = world
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    failures = permission_failures(client, [(method, template.format(**values), expected[role], {})
                                            for (method, template), expected in MATRIX.items()])
    assert not failures, "\n".join(failures)


def test_refusal_is_a_403_page_with_a_reason(app, world):
    users, values = world
    client = app.test_client()
    log_in(client, users["attendee"])
    response = client.get("/editions/new")
    assert response.status_code == 403
    assert "does not have permission" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_log_in_and_back(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=%2Faccount" in response.headers["Location"]

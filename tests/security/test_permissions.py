"""Every route × every kind of user → the status they should get."""

from __future__ import annotations

from datetime import UTC

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
    ("GET", "/editions/{edition}/edit"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "edition_organizer": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/admin/users"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/admin/users/{attendee_id}"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/admin/audit"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/admin/audit.csv"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/admin/audit.xlsx"): {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": 200},
    ("GET", "/editions/{edition}/organize/audit"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "edition_organizer": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/editions/{edition}/organize/audit.csv"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "edition_organizer": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/editions/{edition}/organize/audit.xlsx"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "edition_organizer": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/editions/{draft}/organize/audit"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/editions/no-such-edition/organize/audit"): {**dict.fromkeys(ROLES, 404), "anonymous": 302},
    ("GET", "/exhibitors/mine"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/exhibitors/{company}/team"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "own_staff": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/account"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/account/password"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/healthz"): dict.fromkeys(ROLES, 200),
    ("GET", "/exhibition"): dict.fromkeys(ROLES, 200),
    ("GET", "/search?q=mask&type=booths"): dict.fromkeys(ROLES, 200),
    ("GET", "/sitemap.xml"): dict.fromkeys(ROLES, 200),
    ("GET", "/robots.txt"): dict.fromkeys(ROLES, 200),
    # Meetings: each person's own pages; the team's inbox for its members only (another company's
    # is not there); a meeting for its buyer, its team and its edition's organizers, who look but
    # do not act; the edition's rules and statistics for its organizers.
    ("GET", "/my/availability"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/my/meetings"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/booths/{booth}/meetings/request"): {**dict.fromkeys(ROLES, 200), "anonymous": 302, "own_staff": 403},
    ("GET", "/booths/{booth}/meetings"): {**dict.fromkeys(ROLES, 404), "anonymous": 302, "own_staff": 200},
    ("GET", "/booths/{booth}/meetings/invite"): {**dict.fromkeys(ROLES, 404), "anonymous": 302, "own_staff": 200},
    ("GET", "/meetings/{meeting}"): {**dict.fromkeys(ROLES, 200), "anonymous": 302, "other_staff": 404},
    ("GET", "/meetings/{meeting}/meeting.ics"): {**dict.fromkeys(ROLES, 200), "anonymous": 302, "other_staff": 404},
    ("POST", "/meetings/{meeting}/cancel"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "other_staff": 404,
        "attendee": 400,
        "own_staff": 400,
    },
    ("GET", "/editions/{edition}/organize/meetings"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "edition_organizer": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/editions/{edition}/organize/meetings/statistics.csv"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "edition_organizer": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/editions/{draft}/organize/meetings"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "organizer": 200,
        "admin": 200,
    },
    # Matchmaking: a buyer's own profile and recommendations; a team's offer and the buyers who fit it
    # (organizers of every edition may look at a booth's pages but not act: 403); the hosted-buyer
    # programme for the edition's organizers only.
    ("GET", "/my/sourcing-profile"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/my/recommendations"): {**dict.fromkeys(ROLES, 200), "anonymous": 302},
    ("GET", "/booths/{booth}/offer"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "own_staff": 200,
        "organizer": 403,
        "admin": 403,
    },
    ("GET", "/booths/{booth}/buyers-who-fit"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "own_staff": 200,
        "organizer": 403,
        "admin": 403,
    },
    ("GET", "/editions/{edition}/organize/hosted-buyers"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "edition_organizer": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/editions/{edition}/organize/hosted-buyers/plan"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "edition_organizer": 200,
        "organizer": 200,
        "admin": 200,
    },
    ("POST", "/editions/{edition}/organize/hosted-buyers/publish"): {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 302,
        "edition_organizer": 303,
        "organizer": 303,
        "admin": 303,
    },
    ("GET", "/editions/{draft}/organize/hosted-buyers"): {
        **dict.fromkeys(ROLES, 404),
        "anonymous": 302,
        "organizer": 200,
        "admin": 200,
    },
    ("GET", "/editions/{edition}/hosted-buyers/invitation"): {**dict.fromkeys(ROLES, 404), "anonymous": 302},
    ("GET", "/editions/{edition}/hosted-buyers/choices"): {**dict.fromkeys(ROLES, 404), "anonymous": 302},
    # The programme's meetings are ordinary meetings: this address is the meetings list, narrowed to them.
    ("GET", "/editions/{edition}/hosted-buyers/my-meetings"): {**dict.fromkeys(ROLES, 302), "anonymous": 302},
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
    from datetime import datetime, timedelta

    from expo.meetings.models import Meeting

    starts_at = datetime(2027, 9, 11, 2, tzinfo=UTC)
    meeting = factory._save(
        Meeting(
            edition_id=edition.id,
            buyer_id=users["attendee"].id,
            company_id=company.id,
            requested_by="buyer",
            status="accepted",
            mode="online",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=20),
            place="video",
            video_url="https://meet.example.com/r",
        )
    )
    values = {
        "edition": edition.slug,
        "draft": draft.slug,
        "company": company.slug,
        "attendee_id": users["attendee"].id,
        "booth": booth.slug,
        "meeting": meeting.id,
    }
    return users, values


@pytest.mark.parametrize("role", ROLES)
def test_route_permission_matrix(app, world, role, worker_heartbeat):
    users, values = world
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    failures = permission_failures(
        client,
        [(method, template.format(**values), expected[role], {}) for (method, template), expected in MATRIX.items()],
    )
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


# Webhooks: a booth's owner manages its subscriptions (staff are refused, other companies are not told
# the booth has any); an edition's organizers manage the edition's.
WEBHOOK_ROLES = ROLES + ("owner",)
_TEAM_ONLY = {**dict.fromkeys(WEBHOOK_ROLES, 404), "anonymous": 302, "own_staff": 403, "owner": 200}
_ORGANIZERS = {
    **dict.fromkeys(WEBHOOK_ROLES, 403),
    "anonymous": 302,
    "edition_organizer": 200,
    "organizer": 200,
    "admin": 200,
}
WEBHOOK_MATRIX = {
    ("GET", "/booths/{booth}/webhooks/"): _TEAM_ONLY,
    ("GET", "/booths/{booth}/webhooks/new"): _TEAM_ONLY,
    ("GET", "/booths/{booth}/webhooks/{booth_hook}"): _TEAM_ONLY,
    ("GET", "/booths/{booth}/webhooks/{booth_hook}/edit"): _TEAM_ONLY,
    ("POST", "/booths/{booth}/webhooks/{booth_hook}/deliveries/{booth_delivery}/replay"): {**_TEAM_ONLY, "owner": 302},
    # A new secret, shown on the page redirected to: right after the POST (the matrix keeps this
    # order), then never again (tests/http/test_webhooks.py).
    ("POST", "/booths/{booth}/webhooks/{booth_hook}/secret"): {**_TEAM_ONLY, "owner": 303},
    ("GET", "/booths/{booth}/webhooks/{booth_hook}/secret"): _TEAM_ONLY,
    ("GET", "/booths/{booth}/webhooks/{edition_hook}"): {**_TEAM_ONLY, "owner": 404},
    ("GET", "/booths/{booth}/webhooks/{booth_hook}/deliveries/{booth_delivery}/replay"): dict.fromkeys(
        WEBHOOK_ROLES, 405
    ),
    ("GET", "/booths/{other_booth}/webhooks/"): {
        **dict.fromkeys(WEBHOOK_ROLES, 404),
        "anonymous": 302,
        "other_staff": 403,
    },
    ("GET", "/editions/{edition}/webhooks/"): _ORGANIZERS,
    ("GET", "/editions/{edition}/webhooks/new"): _ORGANIZERS,
    ("GET", "/editions/{edition}/webhooks/{edition_hook}"): _ORGANIZERS,
    ("POST", "/editions/{edition}/webhooks/{edition_hook}/delete"): {
        **_ORGANIZERS,
        "edition_organizer": 302,
        "organizer": 302,
        "admin": 302,
    },
    ("GET", "/editions/{edition}/webhooks/{booth_hook}"): {
        **_ORGANIZERS,
        "edition_organizer": 404,
        "organizer": 404,
        "admin": 404,
    },
    ("GET", "/editions/{draft}/webhooks/"): {
        **dict.fromkeys(WEBHOOK_ROLES, 404),
        "anonymous": 302,
        "organizer": 200,
        "admin": 200,
    },
}


@pytest.fixture()
def webhook_world(app, factory, world):
    from expo.extensions import db
    from expo.webhooks.models import WebhookDelivery, WebhookSubscription

    users, values = world
    with app.app_context():
        from sqlalchemy import select

        from expo.exhibitors.models import CompanyMember, ExhibitorCompany

        company = db.session.scalar(select(ExhibitorCompany).where(ExhibitorCompany.slug == values["company"]))
        owner_id = next(m.user_id for m in company.members if m.role == CompanyMember.OWNER)
        other = db.session.scalar(select(ExhibitorCompany).where(ExhibitorCompany.slug != values["company"]))
        db.session.expunge_all()
    from expo.accounts.models import User

    with app.app_context():
        users = {**users, "owner": db.session.get(User, owner_id)}
        db.session.expunge_all()
    other_booth = factory.booth(other)
    with app.app_context():
        from expo.booths.models import Booth
        from expo.editions.models import Edition

        booth = db.session.scalar(select(Booth).where(Booth.slug == values["booth"]))  # the world's booth

        edition_id = db.session.scalar(select(Edition.id).where(Edition.slug == values["edition"]))
        booth_hook = WebhookSubscription(
            booth_id=booth.id,
            url="https://crm.example.com/in",
            events=["inquiry.received"],
            secret="whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
        )
        edition_hook = WebhookSubscription(
            edition_id=edition_id,
            url="https://badges.example.com/in",
            events=["registration.confirmed"],
            secret="whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
        )
        db.session.add_all([booth_hook, edition_hook])
        db.session.flush()
        delivery = WebhookDelivery(
            subscription_id=booth_hook.id, event="inquiry.received", message_id="msg_1", body="{}", status="failed"
        )
        db.session.add(delivery)
        db.session.commit()
        values = {
            **values,
            "booth": booth.slug,
            "other_booth": other_booth.slug,
            "booth_hook": booth_hook.id,
            "edition_hook": edition_hook.id,
            "booth_delivery": delivery.id,
        }
    return users, values


@pytest.mark.parametrize("role", WEBHOOK_ROLES)
def test_webhook_permission_matrix(app, webhook_world, role):
    users, values = webhook_world
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    failures = permission_failures(
        client,
        [
            (method, template.format(**values), expected[role], {})
            for (method, template), expected in WEBHOOK_MATRIX.items()
        ],
        anonymous=role == "anonymous",
    )
    assert not failures, "\n".join(failures)

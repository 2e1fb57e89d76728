"""The offline app in stand mode over HTTP: the booth's team loads the badges it may record offline
(as it may see each visitor), syncs its scans into leads exactly once, and nobody else may."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from expo.booths.models import Booth
from expo.db_types import utcnow
from expo.extensions import db
from expo.leads.models import StandScan
from tests.conftest import log_in, permission_failures
from tests.unit.test_stand_scans import World

ROLES = ("anonymous", "visitor", "other_team", "organizer", "staff", "owner")


@pytest.fixture()
def world(app, factory):
    world = World(app, factory)
    for user in (world.sharing, world.private, world.staff):
        world.badge(user)  # issues it
    with app.app_context():
        other_team = db.session.get(Booth, world.other_booth.id).company.members[0].user
        db.session.expunge(other_team)
    world.users = {
        "visitor": world.private,
        "other_team": other_team,
        "organizer": factory.organizer(world.edition),
        "staff": world.staff,
        "owner": world.owner,
    }
    return world


def client_as(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        log_in(client, world.users[role])
    return client


def item(code, **fields):
    return {
        "id": str(uuid.uuid4()),
        "code": code,
        "scanned_at": (utcnow() - timedelta(minutes=3)).isoformat(),
        **fields,
    }


def sync(client, world, scans, expected=200):
    response = client.post(
        f"/booths/{world.booth.slug}/leads/scan/sync", json={"scans": scans}, headers={"Accept": "application/json"}
    )
    assert response.status_code == expected, response.get_data(as_text=True)
    return response.get_json()


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StandScan))


# --- who may ----------------------------------------------------------------------------------------

# Anyone not on the booth's team is not told the booth has a scanner (404), as for its leads.
MATRIX = {
    ("GET", "/booths/{booth}/leads/scan"): dict(
        anonymous=302, visitor=404, other_team=404, organizer=404, staff=200, owner=200
    ),
    ("GET", "/booths/{booth}/leads/scan/codes.json"): dict(
        anonymous=302, visitor=404, other_team=404, organizer=404, staff=200, owner=200
    ),
    ("POST", "/booths/{booth}/leads/scan/sync"): dict(
        anonymous=302, visitor=404, other_team=404, organizer=404, staff=200, owner=200
    ),
    ("GET", "/booths/{booth}/leads/scan/manifest.webmanifest"): dict(
        anonymous=302, visitor=404, other_team=404, organizer=404, staff=200, owner=200
    ),
    ("GET", "/booths/{booth}/leads/scan-worker.js"): dict(
        anonymous=200, visitor=200, other_team=200, organizer=200, staff=200, owner=200
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_booths_team_scans_at_its_stand(app, world, role):
    client = client_as(app, world, role)
    requests = [
        (
            method,
            template.format(booth=world.booth.slug),
            expected[role],
            {"json": {"scans": [item(world.badge(world.sharing))]}} if method == "POST" else {},
        )
        for (method, template), expected in MATRIX.items()
    ]
    failures = permission_failures(client, requests, anonymous=role == "anonymous")
    assert not failures, "\n".join(failures)
    assert stored(app) == (1 if role in ("staff", "owner") else 0)


# --- the codes ----------------------------------------------------------------------------------------


def test_the_codes_name_a_visitor_only_with_their_consent_and_leave_the_team_out(app, world):
    from expo.badges.codes import code_digest

    response = client_as(app, world, "staff").get(f"/booths/{world.booth.slug}/leads/scan/codes.json")

    assert response.headers["Cache-Control"] == "no-store"
    codes = {code["digest"]: code["name"] for code in response.get_json()["codes"]}
    assert codes[code_digest(world.badge(world.sharing))] == "Somchai Prasert, Bangkok Mart"
    assert codes[code_digest(world.badge(world.private))] == "Maju Bhd, Malaysia"  # no consent: no name
    assert code_digest(world.badge(world.staff)) not in codes  # their own team
    assert "Siti" not in response.get_data(as_text=True)


# --- syncing ------------------------------------------------------------------------------------------


def test_synced_scans_become_leads_once_with_rating_notes_tags_and_products(app, world):
    client = client_as(app, world, "staff")
    scans = [
        item(
            world.badge(world.sharing),
            rating=5,
            notes="Wants 20,000 masks a month",
            tags=["distributor", " follow up "],
            products=[world.mask.id, world.foreign_product.id],
        ),
        item(world.badge(world.private), rating=None, notes="", tags=[], products=[]),
        item("EXPOB1.forged"),
        item(world.badge(world.staff)),
    ]

    first = sync(client, world, scans)["results"]
    again = sync(client, world, scans)["results"]

    assert [r["status"] for r in first] == ["recorded", "recorded", "refused", "refused"]
    assert first[0]["name"] == "Somchai Prasert, Bangkok Mart"
    assert first[1]["name"] == "Maju Bhd, Malaysia"
    assert first[3]["message"] == "This badge belongs to a member of your own team."
    assert [r["status"] for r in again] == ["already_recorded", "already_recorded", "refused", "refused"]
    with app.app_context():
        scan = db.session.scalar(select(StandScan).where(StandScan.scan_id == scans[0]["id"]))
        assert (scan.rating, scan.notes, scan.tags) == (5, "Wants 20,000 masks a month", ["distributor", "follow up"])
        assert [product.id for product in scan.products] == [world.mask.id]  # another booth's product left out
    assert stored(app) == 4


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"rating": "five"}, "rating that is not a whole number"),
        ({"tags": "a,b"}, "notes or tags that are not text"),
        ({"notes": 12}, "notes or tags that are not text"),
        ({"products": ["mask"]}, "products other than by their numbers"),
    ],
)
def test_a_malformed_stand_sync_is_refused_whole(app, world, fields, reason):
    response = client_as(app, world, "staff").post(
        f"/booths/{world.booth.slug}/leads/scan/sync",
        json={"scans": [item(world.badge(world.sharing)), item(world.badge(world.private), **fields)]},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert reason in response.get_json()["message"]
    assert stored(app) == 0


def test_a_rating_out_of_range_is_refused_for_that_scan_alone(app, world):
    results = sync(
        client_as(app, world, "staff"),
        world,
        [item(world.badge(world.sharing), rating=9), item(world.badge(world.private), rating=3)],
    )["results"]

    assert [r["status"] for r in results] == ["refused", "recorded"]
    assert results[0]["message"] == "Give a rating from 1 to 5, or none."


# --- the page, with and without JavaScript ------------------------------------------------------------


def test_the_stand_page_is_an_installable_app_ready_for_a_scanner(app, world):
    html = client_as(app, world, "staff").get(f"/booths/{world.booth.slug}/leads/scan").get_data(as_text=True)

    slug = world.booth.slug
    assert f'rel="manifest" href="/booths/{slug}/leads/scan/manifest.webmanifest"' in html
    assert f'data-sync-url="/booths/{slug}/leads/scan/sync"' in html
    assert re.search(r'<input[^>]*autofocus[^>]*name="code"|<input[^>]*name="code"[^>]*autofocus', html)
    # The booth's products, to tick with no network.
    assert "KN95 respirator" in html and "Nitrile gloves" in html and "Not ours" not in html
    assert "<script>" not in html and "style=" not in html
    manifest = json.loads(
        client_as(app, world, "owner").get(f"/booths/{slug}/leads/scan/manifest.webmanifest").get_data(as_text=True)
    )
    assert manifest["scope"] == manifest["start_url"] == f"/booths/{slug}/leads/scan"
    assert manifest["name"] == "Badge scans: Nanning Masks"
    worker = app.test_client().get(f"/booths/{slug}/leads/scan-worker.js").get_data(as_text=True)
    assert re.search(r"/static/js/stand-scans\.[0-9a-f]{12}\.js", worker)

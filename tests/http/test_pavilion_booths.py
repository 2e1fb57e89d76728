"""Booths in pavilions through the test client: organizers placing, moving and removing them, who may,
and what visitors see (a pavilion's booths with stands and the live marker, counts in the hall)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import render_template_string
from sqlalchemy import select

from expo.accounts.models import EditionRole
from expo.booths.models import Booth, BoothPlacement
from expo.extensions import db
from expo.pavilions import services
from tests.conftest import count_queries, log_in


def base(edition) -> str:
    return f"/editions/{edition.slug}/pavilions"


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def placements(app, edition) -> list[tuple[str, str, str]]:
    """(company, pavilion slug, stand) of every booth placed in ``edition``, by company."""
    from expo.editions.models import Pavilion
    from expo.exhibitors.models import ExhibitorCompany

    with app.app_context():
        rows = db.session.execute(
            select(ExhibitorCompany.name, Pavilion.slug, BoothPlacement.stand)
            .join(BoothPlacement.booth)
            .join(Booth.company)
            .join(BoothPlacement.pavilion)
            .where(BoothPlacement.edition_id == edition.id)
            .order_by(ExhibitorCompany.name)
        )
        return [tuple(row) for row in rows]


@pytest.fixture()
def expo(factory):
    """A published edition with two pavilions, its organizer, and approved exhibitors' booths."""
    edition = factory.edition(slug="caexpo", name="18th China-ASEAN Expo")
    health = factory.pavilion(edition, slug="public-health", name="Public Health and Pandemic Prevention")
    food = factory.pavilion(edition, slug="food", name="Food and Agriculture", position=1)
    organizer = factory.organizer(edition, name="Olga Organizer")
    owner = factory.user()
    booths = {
        "mask": factory.booth(
            factory.company(owner=owner, name="Nanning Mask Machinery Co.", sector="Machinery"),
            tagline="Mask machines in one or two hundred units",
        ),
        "coffee": factory.booth(factory.company(owner=owner, name="Highlands Coffee Export", country="VN")),
        "draft": factory.booth(
            factory.company(owner=owner, name="Durian Draft Ltd", country="MY"), status=Booth.Status.DRAFT
        ),
    }
    return edition, {"health": health, "food": food}, organizer, booths


@pytest.fixture()
def organizer_client(client, expo):
    log_in(client, expo[2])
    return client


# --------------------------------------------------------------------------------------------
# Who may use which page


ROLES = ("anonymous", "attendee", "other_organizer", "organizer", "admin")
ORGANIZERS = {"anonymous": 302, "attendee": 403, "other_organizer": 403, "organizer": 200, "admin": 200}
DRAFT_ORGANIZERS = {"anonymous": 302, "attendee": 404, "other_organizer": 404, "organizer": 200, "admin": 200}

GET_ROUTES = (
    "/manage/{pavilion_id}/booths",
    "/manage/{pavilion_id}/booths/add",
    "/manage/{pavilion_id}/booths/add/{booth_id}",
    "/manage/booths/{placement_id}/edit",
)


@pytest.fixture()
def world(factory):
    published = factory.edition(slug="published-expo")
    draft = factory.edition(slug="draft-expo", status="draft")
    users = {
        "attendee": factory.user(name="Attendee"),
        "other_organizer": factory.organizer(factory.edition(), name="Other organizer"),
        "organizer": factory.organizer(published, name="Organizer"),
        "admin": factory.admin(name="Admin"),
    }
    with factory.app.app_context():
        db.session.add(EditionRole(user_id=users["organizer"].id, edition_id=draft.id, kind=EditionRole.ORGANIZER))
        db.session.commit()
    owner = factory.user()
    places = {}
    for edition in (published, draft):
        pavilion = factory.pavilion(edition, slug="food")
        other = factory.pavilion(edition, slug="health")
        placed = factory.booth(factory.company(owner=owner))
        free = factory.booth(factory.company(owner=owner))
        places[edition.status] = dict(
            edition=edition,
            pavilion=pavilion,
            other=other,
            free=free,
            placement=factory.placement(placed, pavilion, stand="A-1"),
        )
    return users, places


def _client_as(app, users, role):
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    return client


def _path(place, route: str) -> str:
    return base(place["edition"]) + route.format(
        pavilion_id=place["pavilion"].id, booth_id=place["free"].id, placement_id=place["placement"].id
    )


@pytest.mark.parametrize("role", ROLES)
def test_route_permission_matrix(app, world, role):
    users, places = world
    client = _client_as(app, users, role)
    failures = []
    for status, expectations in (("published", ORGANIZERS), ("draft", DRAFT_ORGANIZERS)):
        for route in GET_ROUTES:
            path = _path(places[status], route)
            response = client.get(path)
            if response.status_code != expectations[role]:
                failures.append(f"GET {path}: expected {expectations[role]}, got {response.status_code}")
            elif response.status_code == 302 and "/login" not in response.headers["Location"]:
                failures.append(f"GET {path}: redirected to {response.headers['Location']}")
    assert not failures, "\n".join(failures)


POST_EXPECTED = {"anonymous": 302, "attendee": 403, "other_organizer": 403, "organizer": 302, "admin": 302}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_editions_organizers_place_move_and_remove(app, world, role):
    users, places = world
    place = places["published"]
    client = _client_as(app, users, role)
    allowed = role in ("organizer", "admin")
    posts = [
        ("/manage/{pavilion_id}/booths/add/{booth_id}", {"stand": "B-2"}),
        ("/manage/booths/{placement_id}/edit", {"pavilion": place["other"].id, "stand": "A-9"}),
        ("/manage/booths/{placement_id}/remove", {}),
    ]
    for route, data in posts:
        response = client.post(_path(place, route), data=data)
        assert response.status_code == POST_EXPECTED[role], route
        if response.status_code == 302:
            assert ("/booths" if allowed else "/login") in response.headers["Location"], route
    stored = sorted(stand for _company, _pavilion, stand in placements(app, place["edition"]))
    assert stored == (["B-2"] if allowed else ["A-1"])


def test_another_editions_pavilion_placement_or_booth_is_404(app, factory, world):
    users, places = world
    mine, theirs = places["published"], places["draft"]
    unapproved = factory.booth(factory.company(owner=factory.user(), status="pending"), status=Booth.Status.DRAFT)
    client = _client_as(app, users, "organizer")
    edition = base(mine["edition"])
    for path in (
        f"/manage/{theirs['pavilion'].id}/booths",
        f"/manage/{theirs['pavilion'].id}/booths/add",
        f"/manage/{theirs['pavilion'].id}/booths/add/{mine['free'].id}",
        f"/manage/{mine['pavilion'].id}/booths/add/{unapproved.id}",
        f"/manage/{mine['pavilion'].id}/booths/add/99999",
        f"/manage/booths/{theirs['placement'].id}/edit",
        "/manage/booths/99999/edit",
    ):
        assert client.get(edition + path).status_code == 404, path
    for path, data in (
        (f"/manage/{theirs['pavilion'].id}/booths/add/{mine['free'].id}", {"stand": ""}),
        (f"/manage/booths/{theirs['placement'].id}/edit", {"pavilion": mine["pavilion"].id}),
        (f"/manage/booths/{theirs['placement'].id}/remove", {}),
    ):
        assert client.post(edition + path, data=data).status_code == 404, path
    # Moving into a pavilion of another edition is not a choice the form offers.
    response = client.post(
        edition + f"/manage/booths/{mine['placement'].id}/edit", data={"pavilion": theirs["other"].id, "stand": "A-1"}
    )
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    assert [stand for *_ignored, stand in placements(app, theirs["edition"])] == ["A-1"]


def test_posts_need_the_csrf_token(app, monkeypatch, factory, organizer_client, expo):
    edition, pavilions, _organizer, booths = expo
    placement = factory.placement(booths["coffee"], pavilions["food"], stand="F-1")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = organizer_client.get(f"{base(edition)}/manage/{pavilions['food'].id}/booths").get_data(as_text=True)
    assert re.search(r'/remove" class="d-inline">\s*<input[^>]*name="csrf_token"', page)
    assert organizer_client.post(f"{base(edition)}/manage/booths/{placement.id}/remove").status_code == 400
    assert (
        organizer_client.post(
            f"{base(edition)}/manage/{pavilions['health'].id}/booths/add/{booths['mask'].id}", data={"stand": "A-1"}
        ).status_code
        == 400
    )
    assert placements(app, edition) == [("Highlands Coffee Export", "food", "F-1")]


# --------------------------------------------------------------------------------------------
# Organizers: find, place, move, remove


def test_the_organizer_finds_a_booth_by_company_name_and_places_it(app, organizer_client, expo):
    edition, pavilions, _organizer, booths = expo
    health = pavilions["health"].id
    manage = organizer_client.get(f"{base(edition)}/manage").get_data(as_text=True)
    assert f'href="{base(edition)}/manage/{health}/booths">0 booths' in manage
    empty = organizer_client.get(f"{base(edition)}/manage/{health}/booths").get_data(as_text=True)
    assert "No booths are placed in this pavilion yet." in empty
    assert f'href="{base(edition)}/manage/{health}/booths/add"' in empty

    found = organizer_client.get(f"{base(edition)}/manage/{health}/booths/add?q=mask").get_data(as_text=True)
    assert 'for="q"' in found and "Nanning Mask Machinery Co." in found and "Highlands Coffee" not in found
    assert "Not placed yet" in found
    form_path = f"{base(edition)}/manage/{health}/booths/add/{booths['mask'].id}"
    assert f'href="{form_path}"' in found

    form = organizer_client.get(form_path).get_data(as_text=True)
    assert "Place Nanning Mask Machinery Co. in Public Health and Pandemic Prevention" in form
    assert 'for="stand"' in form
    response = organizer_client.post(form_path, data={"stand": " a-12 "})
    assert response.status_code == 302 and f"/manage/{health}/booths#placement-" in response.headers["Location"]
    listing = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Nanning Mask Machinery Co.” stands in “Public Health and Pandemic Prevention”, stand A-12." in listing
    assert "Nanning Mask Machinery Co." in listing and ">A-12<" in listing and "Published" in listing
    assert placements(app, edition) == [("Nanning Mask Machinery Co.", "public-health", "A-12")]
    found = organizer_client.get(f"{base(edition)}/manage/{health}/booths/add?q=mask").get_data(as_text=True)
    assert "Already here" in found


def test_a_draft_booth_is_placed_ahead_and_only_shown_once_published(app, organizer_client, client, expo):
    edition, pavilions, _organizer, booths = expo
    food = pavilions["food"].id
    page = organizer_client.get(f"{base(edition)}/manage/{food}/booths/add?q=durian").get_data(as_text=True)
    assert "Durian Draft Ltd" in page and "Draft" in page
    form = organizer_client.get(f"{base(edition)}/manage/{food}/booths/add/{booths['draft'].id}")
    assert "visitors see it in the pavilion once it is published" in form.get_data(as_text=True)
    assert (
        organizer_client.post(
            f"{base(edition)}/manage/{food}/booths/add/{booths['draft'].id}", data={"stand": "F-9"}
        ).status_code
        == 302
    )
    assert "Durian Draft Ltd" in organizer_client.get(f"{base(edition)}/manage/{food}/booths").get_data(as_text=True)
    assert "Durian Draft Ltd" not in client.get(f"{base(edition)}/food").get_data(as_text=True)
    with app.app_context():
        db.session.get(Booth, booths["draft"].id).status = Booth.Status.PUBLISHED
        db.session.commit()
    assert "Durian Draft Ltd" in client.get(f"{base(edition)}/food").get_data(as_text=True)


def test_placing_a_booth_that_already_stands_elsewhere_says_where(app, factory, organizer_client, expo):
    edition, pavilions, _organizer, booths = expo
    factory.placement(booths["mask"], pavilions["health"], stand="A-12")
    food = pavilions["food"].id
    found = organizer_client.get(f"{base(edition)}/manage/{food}/booths/add?q=nanning").get_data(as_text=True)
    assert "Public Health and Pandemic Prevention · stand A-12" in found and "Move here" in found
    response = organizer_client.post(
        f"{base(edition)}/manage/{food}/booths/add/{booths['mask'].id}", data={"stand": "F-1"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert (
        "“Nanning Mask Machinery Co.” already stands in “Public Health and Pandemic Prevention” (stand A-12) "
        "in this edition."
    ) in page
    assert "Move it to Food and Agriculture" in page
    assert placements(app, edition) == [("Nanning Mask Machinery Co.", "public-health", "A-12")]


def test_a_taken_stand_is_a_form_error_that_keeps_what_was_typed(app, factory, organizer_client, expo):
    edition, pavilions, _organizer, booths = expo
    factory.placement(booths["mask"], pavilions["health"], stand="A-12")
    path = f"{base(edition)}/manage/{pavilions['food'].id}/booths/add/{booths['coffee'].id}"
    response = organizer_client.post(path, data={"stand": "a-12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Stand A-12 is already taken by “Nanning Mask Machinery Co.”" in page and 'value="a-12"' in page
    bad = organizer_client.post(path, data={"stand": "A 12 !!"})
    assert bad.status_code == 400 and "for example A-12" in bad.get_data(as_text=True)
    too_long = organizer_client.post(path, data={"stand": "A" * 21})
    assert too_long.status_code == 400
    assert "Field cannot be longer than 20 characters." in too_long.get_data(as_text=True)
    assert placements(app, edition) == [("Nanning Mask Machinery Co.", "public-health", "A-12")]


def test_the_organizer_moves_a_booth_and_changes_its_stand(app, factory, organizer_client, expo):
    edition, pavilions, _organizer, booths = expo
    placement = factory.placement(booths["coffee"], pavilions["health"], stand="A-3")
    factory.placement(booths["mask"], pavilions["health"], stand="A-12")
    edit = f"{base(edition)}/manage/booths/{placement.id}/edit"
    form = organizer_client.get(edit).get_data(as_text=True)
    assert "Place of Highlands Coffee Export" in form and 'value="A-3"' in form
    assert re.search(rf'<option selected value="{pavilions["health"].id}">', form)
    moved_here = organizer_client.get(f"{edit}?pavilion={pavilions['food'].id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{pavilions["food"].id}">', moved_here)

    clash = organizer_client.post(edit, data={"pavilion": pavilions["food"].id, "stand": "A-12"})
    assert clash.status_code == 409 and "Stand A-12 is already taken" in clash.get_data(as_text=True)
    response = organizer_client.post(edit, data={"pavilion": pavilions["food"].id, "stand": "F-3"})
    assert response.status_code == 302
    assert f"/manage/{pavilions['food'].id}/booths#placement-{placement.id}" in response.headers["Location"]
    page = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Highlands Coffee Export” stands in “Food and Agriculture”, stand F-3." in page
    assert placements(app, edition) == [
        ("Highlands Coffee Export", "food", "F-3"),
        ("Nanning Mask Machinery Co.", "public-health", "A-12"),
    ]


def test_the_organizer_removes_a_booth_from_the_pavilion(app, factory, organizer_client, expo):
    edition, pavilions, _organizer, booths = expo
    placement = factory.placement(booths["coffee"], pavilions["food"], stand="F-1")
    response = organizer_client.post(f"{base(edition)}/manage/booths/{placement.id}/remove")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/manage/{pavilions['food'].id}/booths"
    )
    page = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Highlands Coffee Export” no longer stands in “Food and Agriculture”; its booth stays open online." in page
    assert placements(app, edition) == []
    assert organizer_client.get(f"/booths/{booths['coffee'].slug}").status_code == 200


def test_a_pavilion_with_booths_cannot_be_deleted(app, factory, organizer_client, expo):
    edition, pavilions, _organizer, booths = expo
    factory.placement(booths["coffee"], pavilions["food"])
    factory.placement(booths["draft"], pavilions["food"])
    food = pavilions["food"].id
    confirm = organizer_client.get(f"{base(edition)}/manage/{food}/delete").get_data(as_text=True)
    assert "2 booths are still placed in “Food and Agriculture”." in confirm
    assert "Delete pavilion</button>" not in confirm and f'href="{base(edition)}/manage/{food}/booths"' in confirm
    response = organizer_client.post(f"{base(edition)}/manage/{food}/delete")
    assert response.status_code == 302
    page = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "2 booths are still placed in “Food and Agriculture”. Move them to another pavilion or remove them first."
    ) in page
    assert organizer_client.get(f"{base(edition)}/food").status_code == 200


def test_organizer_pages_about_booths_keep_their_queries_constant(app, factory, organizer_client, expo):
    edition, pavilions, _organizer, booths = expo
    factory.placement(booths["mask"], pavilions["food"], stand="F-1")
    paths = [
        f"{base(edition)}/manage",
        f"{base(edition)}/manage/{pavilions['food'].id}/booths",
        f"{base(edition)}/manage/{pavilions['health'].id}/booths/add",
    ]
    for path in paths:
        organizer_client.get(path)  # warm up
    small = [count_queries(app, organizer_client, path) for path in paths]
    owner = factory.user()
    for number in range(5):
        booth = factory.booth(
            factory.company(owner=owner, name=f"Exporter {number}"),
            status=(Booth.Status.PUBLISHED, Booth.Status.DRAFT)[number % 2],
        )
        factory.placement(booth, pavilions["food"], stand=f"F-{number + 10}")
        factory.booth(factory.company(owner=owner, name=f"Unplaced {number}"))
    assert [count_queries(app, organizer_client, path) for path in paths] == small


# --------------------------------------------------------------------------------------------
# Visitors: a pavilion's booths, the hall's counts, the live marker


def test_a_pavilion_page_lists_its_published_booths_with_stands(app, factory, client, expo):
    edition, pavilions, _organizer, booths = expo
    factory.placement(booths["mask"], pavilions["health"], stand="A-12")
    factory.placement(booths["draft"], pavilions["health"], stand="A-13")
    factory.placement(booths["coffee"], pavilions["food"], stand="F-1")
    page = client.get(f"{base(edition)}/public-health").get_data(as_text=True)
    assert "Nanning Mask Machinery Co." in page and "Stand A-12" in page
    assert "Mask machines in one or two hundred units" in page and 'href="/booths/company-' in page
    assert "Durian Draft Ltd" not in page and "Highlands Coffee" not in page
    assert "Live now" not in page  # the edition is in 2027
    empty = factory.pavilion(edition, slug="empty", name="Empty Hall")
    assert "No exhibitors in this pavilion yet." in client.get(f"{base(edition)}/{empty.slug}").get_data(as_text=True)


def test_a_pavilion_page_is_paginated_in_name_order(app, factory, client, expo):
    edition, pavilions, _organizer, _booths = expo
    owner = factory.user()
    for number in range(25):
        booth = factory.booth(factory.company(owner=owner, name=f"Exporter {number:02d}"))
        factory.placement(booth, pavilions["food"], stand=f"F-{number}")
    first = client.get(f"{base(edition)}/food").get_data(as_text=True)
    assert "Exporter 00" in first and "Exporter 23" in first and "Exporter 24" not in first
    assert "Page 1 of 2" in first and f'href="{base(edition)}/food?page=2"' in first
    second = client.get(f"{base(edition)}/food?page=2").get_data(as_text=True)
    assert "Exporter 24" in second and "Exporter 23" not in second


def test_pavilion_and_hall_pages_keep_their_queries_constant(app, factory, client, expo):
    edition, pavilions, _organizer, booths = expo
    factory.placement(booths["mask"], pavilions["food"])
    paths = [f"{base(edition)}/food", f"{base(edition)}/"]
    for path in paths:
        client.get(path)  # warm up
    small = [count_queries(app, client, path) for path in paths]
    owner = factory.user()
    for number in range(6):
        booth = factory.booth(factory.company(owner=owner, name=f"Exporter {number}", logo_path="logos/x.png"))
        factory.placement(booth, pavilions[("food", "health")[number % 2]])
    assert [count_queries(app, client, path) for path in paths] == small


def test_the_hall_shows_how_many_published_booths_each_pavilion_has(app, factory, client, expo):
    edition, pavilions, _organizer, booths = expo
    factory.placement(booths["mask"], pavilions["health"])
    factory.placement(booths["coffee"], pavilions["health"])
    factory.placement(booths["draft"], pavilions["food"])  # not published: not counted
    page = text_of(client.get(f"{base(edition)}/").get_data(as_text=True))
    assert "Public Health and Pandemic Prevention 2 booths" in page
    assert "Food and Agriculture No booths yet" in page


def test_booths_of_an_edition_that_is_on_show_the_live_marker(app, factory, client):
    today = date.today()
    live = factory.edition(slug="live", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=2))
    pavilion = factory.pavilion(live, slug="health", name="Health")
    booth = factory.booth(factory.company(owner=factory.user(), name="Live Exporter"))
    factory.placement(booth, pavilion, stand="L-1")
    page = client.get(f"{base(live)}/health").get_data(as_text=True)
    assert '<span class="badge badge-live">Live now</span>' in page


# --------------------------------------------------------------------------------------------
# The partials other pages include: where a booth stands, and the live marker


def test_the_booth_places_partial_says_where_to_find_the_booth(app, factory, expo):
    edition, pavilions, _organizer, booths = expo
    factory.placement(booths["mask"], pavilions["health"], stand="A-12")
    with app.test_request_context():
        booth = db.session.get(Booth, booths["mask"].id)
        html = render_template_string(
            '{% include "pavilions/_booth_places.html" %}',
            places=services.places_of_booth(booth),
            today=date(2027, 9, 11),
        )
        later = render_template_string(
            '{% include "pavilions/_booth_places.html" %}',
            places=services.places_of_booth(booth),
            today=date(2027, 12, 1),
        )
        nowhere = render_template_string('{% include "pavilions/_booth_places.html" %}', places=[])
    assert "Where to find us" in html
    assert "18th China-ASEAN Expo · Public Health and Pandemic Prevention · stand A-12" in text_of(html)
    assert f'href="{base(edition)}/public-health"' in html and 'href="/editions/caexpo"' in html
    assert "Live now" in html and "Live now" not in later
    assert nowhere.strip() == ""


def test_the_live_badge_partial_shows_for_live_booths_only(app, factory, expo):
    _edition, _pavilions, _organizer, booths = expo
    template = '{% for booth in booths %}[{% include "pavilions/_live_badge.html" %}]{% endfor %}'
    with app.test_request_context():
        listed = [db.session.get(Booth, booths[key].id) for key in ("mask", "coffee")]
        shown = render_template_string(template, booths=listed, live_booth_ids={booths["mask"].id})
        unasked = render_template_string(template, booths=listed)
    assert shown.count("Live now") == 1 and shown.index("Live now") < shown.index("][")
    assert "Live now" not in unasked

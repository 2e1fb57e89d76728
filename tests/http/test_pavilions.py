"""Pavilions through the test client: the hall for visitors, the organizers' editor, who may use which."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from expo.accounts.models import EditionRole
from expo.editions.models import Pavilion
from expo.extensions import db
from expo.pavilions import services
from expo.pavilions.services import PavilionError
from tests.conftest import count_queries, log_in

PAVILION_FORM = {
    "name": "Smart Manufacturing",
    "slug": "smart-manufacturing",
    "kind": "themed",
    "country": "",
    "description": "Robots, sensors and factory software.",
}


@pytest.fixture()
def edition(factory):
    return factory.edition(slug="caexpo", name="China-ASEAN Expo")


@pytest.fixture()
def organizer(factory, edition):
    return factory.organizer(edition, name="Olga Organizer")


@pytest.fixture()
def organizer_client(client, organizer):
    log_in(client, organizer)
    return client


def add_pavilion(factory, edition, **fields) -> Pavilion:
    factory._count += 1
    defaults = dict(
        edition_id=edition.id,
        slug=f"pavilion-{factory._count}",
        name=f"Pavilion {factory._count}",
        kind=Pavilion.THEMED,
        position=factory._count,
    )
    defaults.update(fields)
    return factory._save(Pavilion(**defaults))


def base(edition) -> str:
    return f"/editions/{edition.slug}/pavilions"


def stored(app, edition) -> list[tuple[str, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(Pavilion.slug, Pavilion.position)
            .where(Pavilion.edition_id == edition.id)
            .order_by(Pavilion.position)
        )
        return [tuple(row) for row in rows]


def pavilion_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Pavilion.id)))


def selected_country(page: str) -> str | None:
    match = re.search(r'<option selected value="([A-Z]{2})">', page)
    return match.group(1) if match else None


# --------------------------------------------------------------------------------------------
# Who may use which page


ROLES = ("anonymous", "attendee", "other_organizer", "organizer", "admin")
PUBLIC = dict.fromkeys(ROLES, 200)
ORGANIZERS = {"anonymous": 302, "attendee": 403, "other_organizer": 403, "organizer": 200, "admin": 200}
DRAFT_PUBLIC = {**dict.fromkeys(ROLES, 404), "organizer": 200, "admin": 200}
DRAFT_ORGANIZERS = {**DRAFT_PUBLIC, "anonymous": 302}  # log in first; then drafts stay secret (404)

GET_ROUTES = {
    "/": (PUBLIC, DRAFT_PUBLIC),
    "/{pavilion}": (PUBLIC, DRAFT_PUBLIC),
    "/manage": (ORGANIZERS, DRAFT_ORGANIZERS),
    "/manage/new": (ORGANIZERS, DRAFT_ORGANIZERS),
    "/manage/{pavilion_id}/edit": (ORGANIZERS, DRAFT_ORGANIZERS),
    "/manage/{pavilion_id}/delete": (ORGANIZERS, DRAFT_ORGANIZERS),
}


@pytest.fixture()
def world(factory):
    edition = factory.edition(slug="published-expo")
    draft = factory.edition(slug="draft-expo", status="draft")
    users = {
        "attendee": factory.user(name="Attendee"),
        "other_organizer": factory.organizer(factory.edition(), name="Other organizer"),
        "organizer": factory.organizer(edition, name="Organizer"),
        "admin": factory.admin(name="Admin"),
    }
    # The organizer of this edition organizes the draft as well, so the matrix reads the same for both.
    with factory.app.app_context():
        db.session.add(EditionRole(user_id=users["organizer"].id, edition_id=draft.id, kind=EditionRole.ORGANIZER))
        db.session.commit()
    pavilions = {
        "published": add_pavilion(factory, edition, slug="food", name="Food"),
        "draft": add_pavilion(factory, draft, slug="secret", name="Secret"),
    }
    return users, {"published": edition, "draft": draft}, pavilions


def _client_as(app, users, role):
    client = app.test_client()
    if role != "anonymous":
        log_in(client, users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_route_permission_matrix(app, world, role):
    users, editions, pavilions = world
    client = _client_as(app, users, role)
    failures = []
    for which in ("published", "draft"):
        edition, pavilion = editions[which], pavilions[which]
        for route, expectations in GET_ROUTES.items():
            expected = expectations[0 if which == "published" else 1][role]
            path = base(edition) + route.format(pavilion=pavilion.slug, pavilion_id=pavilion.id)
            response = client.get(path)
            if response.status_code != expected:
                failures.append(f"GET {path}: expected {expected}, got {response.status_code}")
            elif expected == 302 and "/login" not in response.headers["Location"]:
                failures.append(f"GET {path}: redirected to {response.headers['Location']}")
    assert not failures, "\n".join(failures)


POST_EXPECTED = {"anonymous": 302, "attendee": 403, "other_organizer": 403, "organizer": 302, "admin": 302}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_editions_organizers_change_its_pavilions(app, world, role):
    users, editions, pavilions = world
    edition, food = editions["published"], pavilions["published"]
    client = _client_as(app, users, role)
    allowed = role in ("organizer", "admin")
    posts = [
        ("/manage/new", {**PAVILION_FORM, "slug": "health", "name": "Health"}),
        (f"/manage/{food.id}/edit", {**PAVILION_FORM, "slug": "food", "name": "Food and Agriculture"}),
        (f"/manage/{food.id}/move", {"direction": "down"}),
        (f"/manage/{food.id}/delete", {}),
    ]
    for path, data in posts:
        response = client.post(base(edition) + path, data=data)
        assert response.status_code == POST_EXPECTED[role], path
        if response.status_code == 302:
            expected_target = "/pavilions/manage" if allowed else "/login"
            assert expected_target in response.headers["Location"], path
    with app.app_context():
        slugs = db.session.scalars(select(Pavilion.slug).where(Pavilion.edition_id == edition.id)).all()
    assert slugs == (["health"] if allowed else ["food"])


def test_another_editions_pavilion_is_404(app, factory, organizer_client, edition):
    other = add_pavilion(factory, factory.edition(), slug="elsewhere")
    assert organizer_client.get(f"{base(edition)}/elsewhere").status_code == 404
    for path in (f"/manage/{other.id}/edit", f"/manage/{other.id}/delete", "/manage/99999/edit"):
        assert organizer_client.get(base(edition) + path).status_code == 404, path
    for path in (f"/manage/{other.id}/edit", f"/manage/{other.id}/move", f"/manage/{other.id}/delete"):
        assert organizer_client.post(base(edition) + path, data=PAVILION_FORM).status_code == 404, path
    assert organizer_client.get("/editions/nope/pavilions/").status_code == 404
    assert organizer_client.get("/editions/nope/pavilions/manage").status_code == 404
    assert stored(app, factory.edition()) == [] and pavilion_count(app) == 1


def test_draft_editions_pavilions_are_404_for_visitors(app, factory, client):
    draft = factory.edition(status="draft")
    add_pavilion(factory, draft, slug="food")
    assert client.get(f"{base(draft)}/").status_code == 404
    assert client.get(f"{base(draft)}/food").status_code == 404
    log_in(client, factory.user())
    assert client.get(f"{base(draft)}/").status_code == 404
    assert client.get(f"{base(draft)}/food").status_code == 404


def test_posts_need_the_csrf_token(app, monkeypatch, factory, organizer_client, edition):
    first = add_pavilion(factory, edition, slug="first")
    add_pavilion(factory, edition, slug="second")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = organizer_client.get(f"{base(edition)}/manage").get_data(as_text=True)
    assert len(re.findall(r'/move" class="d-inline">\s*<input[^>]*name="csrf_token"', page)) == 4  # every button
    response = organizer_client.post(f"{base(edition)}/manage/{first.id}/move", data={"direction": "down"})
    assert response.status_code == 400
    assert organizer_client.post(f"{base(edition)}/manage/{first.id}/delete").status_code == 400
    assert stored(app, edition) == [("first", first.position), ("second", first.position + 1)]


# --------------------------------------------------------------------------------------------
# Visitors: the hall and a pavilion's page


def test_hall_overview_shows_themed_then_country_pavilions_in_order(app, factory, client, edition):
    add_pavilion(
        factory,
        edition,
        slug="thailand",
        name="Pavilion of Thailand",
        kind=Pavilion.COUNTRY,
        country="TH",
        position=0,
        description="Silk and spices.",
    )
    add_pavilion(factory, edition, slug="health", name="Public Health", position=5, description="Vaccines and clinics.")
    add_pavilion(
        factory, edition, slug="vietnam", name="Pavilion of Viet Nam", kind=Pavilion.COUNTRY, country="VN", position=1
    )
    add_pavilion(factory, edition, slug="food", name="Food and Agriculture", position=2)
    page = client.get(f"{base(edition)}/").get_data(as_text=True)
    order = [
        page.index(name)
        for name in (
            "Themed pavilions",
            "Food and Agriculture",
            "Public Health",
            "Country pavilions",
            "Pavilion of Thailand",
            "Pavilion of Viet Nam",
        )
    ]
    assert order == sorted(order)
    assert "Vaccines and clinics." in page and "Silk and spices." in page
    assert "Thailand" in page[page.index("Pavilion of Thailand") + 25 :]
    assert f'href="{base(edition)}/food"' in page
    assert "Manage pavilions" not in page


def test_hall_overview_queries_do_not_grow_with_the_pavilions(app, factory, client, edition):
    add_pavilion(factory, edition)
    client.get(f"{base(edition)}/")  # warm up
    small = count_queries(app, client, f"{base(edition)}/")
    for code in ("TH", "VN", "MY", "ID", "LA"):
        add_pavilion(factory, edition, kind=Pavilion.COUNTRY, country=code)
        add_pavilion(factory, edition)
    assert count_queries(app, client, f"{base(edition)}/") == small


def test_pavilion_page_shows_kind_country_and_description(app, factory, client, edition):
    add_pavilion(
        factory,
        edition,
        slug="malaysia",
        name="Pavilion of Malaysia",
        kind=Pavilion.COUNTRY,
        country="MY",
        description="Palm oil, rubber and electronics.",
    )
    response = client.get(f"{base(edition)}/malaysia")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1" in page and "Pavilion of Malaysia" in page
    assert "Country pavilion" in page and "Exhibitors from Malaysia" in page
    assert "Palm oil, rubber and electronics." in page
    assert "coming soon" not in page.lower()
    assert client.get(f"{base(edition)}/nowhere").status_code == 404


def test_edition_and_home_pages_link_to_pavilion_pages(app, factory, client, edition):
    add_pavilion(factory, edition, slug="food", name="Food and Agriculture")
    edition_page = client.get(f"/editions/{edition.slug}").get_data(as_text=True)
    assert f'href="{base(edition)}/food"' in edition_page
    assert f'href="{base(edition)}/"' in edition_page
    home = client.get("/").get_data(as_text=True)
    assert f'href="{base(edition)}/food"' in home
    assert "#pavilion-food" not in home


# --------------------------------------------------------------------------------------------
# Organizers: create, edit, reorder, delete


def test_organizer_creates_a_pavilion(app, organizer_client, edition):
    form = organizer_client.get(f"{base(edition)}/manage/new").get_data(as_text=True)
    for label in ('for="name"', 'for="slug"', 'for="country"', 'for="description"', "<legend"):
        assert label in form
    response = organizer_client.post(f"{base(edition)}/manage/new", data=PAVILION_FORM)
    assert response.status_code == 302 and response.headers["Location"].startswith(f"{base(edition)}/manage#")
    manage = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pavilion “Smart Manufacturing” created." in manage
    assert "Smart Manufacturing" in manage
    assert f'aria-current="page" href="{base(edition)}/manage">Pavilions' in manage  # its tab is the active one
    assert 'href="/editions/caexpo/organize/"' in manage  # the shared organizer tabs still work here
    with app.app_context():
        pavilion = db.session.scalar(select(Pavilion).where(Pavilion.slug == "smart-manufacturing"))
        assert (pavilion.edition_id, pavilion.kind, pavilion.country, pavilion.position) == (
            edition.id,
            "themed",
            None,
            0,
        )
        assert pavilion.description == "Robots, sensors and factory software."


def test_organizer_edits_a_pavilion_into_a_country_pavilion(app, factory, organizer_client, edition):
    pavilion = add_pavilion(factory, edition, slug="asean", name="ASEAN")
    form = organizer_client.get(f"{base(edition)}/manage/{pavilion.id}/edit").get_data(as_text=True)
    assert 'value="ASEAN"' in form
    response = organizer_client.post(
        f"{base(edition)}/manage/{pavilion.id}/edit",
        data={
            "name": "Pavilion of Singapore",
            "slug": "singapore",
            "kind": "country",
            "country": "SG",
            "description": "Finance and logistics.",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(Pavilion, pavilion.id)
        assert (saved.name, saved.slug, saved.kind, saved.country) == (
            "Pavilion of Singapore",
            "singapore",
            "country",
            "SG",
        )
    page = organizer_client.get(f"{base(edition)}/singapore").get_data(as_text=True)
    assert "Exhibitors from Singapore" in page and "Finance and logistics." in page


def test_a_country_pavilion_needs_its_country(app, organizer_client, edition):
    response = organizer_client.post(
        f"{base(edition)}/manage/new",
        data={**PAVILION_FORM, "name": "Pavilion of Somewhere", "slug": "somewhere", "kind": "country"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose the country of a country pavilion." in page and 'value="Pavilion of Somewhere"' in page
    bad = organizer_client.post(f"{base(edition)}/manage/new", data={**PAVILION_FORM, "slug": "Smart Hall"})
    assert "Use lower-case letters, digits and hyphens only." in bad.get_data(as_text=True)
    assert pavilion_count(app) == 0


def test_duplicate_web_address_is_a_form_error_that_keeps_the_typed_data(app, factory, organizer_client, edition):
    add_pavilion(factory, edition, slug="smart-manufacturing", name="Existing")
    response = organizer_client.post(
        f"{base(edition)}/manage/new",
        data={**PAVILION_FORM, "name": "Smart Factories", "description": "Typed with care."},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another pavilion of this edition already uses the web address “smart-manufacturing”." in page
    assert 'value="Smart Factories"' in page and "Typed with care." in page
    assert 'value="smart-manufacturing"' in page
    assert pavilion_count(app) == 1


def test_duplicate_country_is_a_form_error_that_keeps_the_typed_data(app, factory, organizer_client, edition):
    add_pavilion(factory, edition, slug="thailand", name="Pavilion of Thailand", kind=Pavilion.COUNTRY, country="TH")
    other = add_pavilion(factory, edition, slug="laos", name="Pavilion of Laos", kind=Pavilion.COUNTRY, country="LA")
    data = {
        "name": "Kingdom of Thailand",
        "slug": "siam",
        "kind": "country",
        "country": "TH",
        "description": "Second try.",
    }
    for path in ("/manage/new", f"/manage/{other.id}/edit"):
        response = organizer_client.post(base(edition) + path, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "This edition already has a pavilion for that country: “Pavilion of Thailand”." in page
        assert 'value="Kingdom of Thailand"' in page and 'value="siam"' in page
        assert selected_country(page) == "TH"
    assert pavilion_count(app) == 2
    with app.app_context():
        assert db.session.get(Pavilion, other.id).country == "LA"


def test_organizer_reorders_pavilions(app, factory, organizer_client, edition):
    food = add_pavilion(factory, edition, slug="food", name="Food", position=0)
    health = add_pavilion(factory, edition, slug="health", name="Health", position=1)
    add_pavilion(factory, edition, slug="trade", name="Trade", position=2)
    add_pavilion(factory, edition, slug="vietnam", name="Viet Nam", kind=Pavilion.COUNTRY, country="VN", position=3)
    response = organizer_client.post(f"{base(edition)}/manage/{health.id}/move", data={"direction": "up"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#pavilion-{health.id}")
    organizer_client.post(f"{base(edition)}/manage/{food.id}/move", data={"direction": "down"})
    assert stored(app, edition) == [("health", 0), ("trade", 1), ("food", 2), ("vietnam", 3)]
    page = organizer_client.get(f"{base(edition)}/manage").get_data(as_text=True)
    assert page.index(">Health<") < page.index(">Trade<") < page.index(">Food<") < page.index(">Viet Nam<")
    hall = organizer_client.get(f"{base(edition)}/").get_data(as_text=True)
    assert hall.index(">Health<") < hall.index(">Trade<") < hall.index(">Food<")


def test_organizer_deletes_after_confirming(app, factory, organizer_client, edition):
    add_pavilion(factory, edition, slug="food", name="Food", position=0)
    health = add_pavilion(factory, edition, slug="health", name="Health", position=1)
    add_pavilion(factory, edition, slug="trade", name="Trade", position=2)
    confirm = organizer_client.get(f"{base(edition)}/manage/{health.id}/delete")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Delete Health" in page
    assert f'action="{base(edition)}/manage/{health.id}/delete"' in page and 'method="post"' in page
    assert stored(app, edition) == [("food", 0), ("health", 1), ("trade", 2)]  # asking deletes nothing

    response = organizer_client.post(f"{base(edition)}/manage/{health.id}/delete")
    assert response.status_code == 302
    assert "Pavilion “Health” deleted." in organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert stored(app, edition) == [("food", 0), ("trade", 1)]
    assert organizer_client.get(f"{base(edition)}/health").status_code == 404


def test_a_refused_delete_is_explained_and_keeps_the_pavilion(app, monkeypatch, factory, organizer_client, edition):
    pavilion = add_pavilion(factory, edition, slug="food", name="Food")

    def refuse(actor, pavilion):
        raise PavilionError("Booths are still placed in “Food”: move them first.")

    monkeypatch.setattr(services, "delete_pavilion", refuse)
    response = organizer_client.post(f"{base(edition)}/manage/{pavilion.id}/delete")
    assert response.status_code == 302
    page = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Booths are still placed in “Food”: move them first." in page
    assert pavilion_count(app) == 1


def test_organize_tabs_link_to_the_pavilions(app, organizer_client, edition):
    page = organizer_client.get(f"/editions/{edition.slug}/organize/").get_data(as_text=True)
    assert f'href="{base(edition)}/manage">Pavilions</a>' in page

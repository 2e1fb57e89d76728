"""The rules of the pavilion services: who may change them, unique addresses and countries, hall order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from expo.accounts.models import User
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.pavilions import services
from expo.pavilions.services import PavilionData, PavilionError
from expo.permissions import NotAllowed


@pytest.fixture()
def edition(factory):
    return factory.edition()


@pytest.fixture()
def organizer(factory, edition) -> User:
    return factory.organizer(edition)


def add_pavilion(factory, edition, **fields) -> Pavilion:
    factory._count += 1
    defaults = dict(
        edition_id=edition.id,
        slug=f"pavilion-{factory._count}",
        name=f"Pavilion {factory._count}",
        kind=Pavilion.THEMED,
    )
    defaults.update(fields)
    return factory._save(Pavilion(**defaults))


def get(model, row):
    """The test's own copy of a factory row. Arrange every row with the factory first: reading here
    opens this context's transaction, and on SQLite (BEGIN IMMEDIATE) the factory would wait for it."""
    return db.session.get(model, row.id)


def themed(slug: str, **fields) -> PavilionData:
    return PavilionData(**{"name": slug.title(), "slug": slug, "kind": Pavilion.THEMED, **fields})


def country(slug: str, code: str, **fields) -> PavilionData:
    return PavilionData(**{"name": slug.title(), "slug": slug, "kind": Pavilion.COUNTRY, "country": code, **fields})


def error_of(call, *args, **kwargs) -> PavilionError:
    with pytest.raises(PavilionError) as caught:
        call(*args, **kwargs)
    return caught.value


def stored(edition) -> list[tuple[str, int]]:
    """(slug, position) by position, as the database holds them."""
    rows = db.session.execute(
        select(Pavilion.slug, Pavilion.position).where(Pavilion.edition_id == edition.id).order_by(Pavilion.position)
    )
    return [tuple(row) for row in rows]


# --------------------------------------------------------------------------------------------
# Who may change pavilions


def test_only_the_editions_organizers_change_its_pavilions(app_ctx, factory, edition):
    existing = add_pavilion(factory, edition)
    outsiders = [factory.user(), factory.organizer(factory.edition())]
    for outsider in outsiders:
        actor, pavilion = get(User, outsider), get(Pavilion, existing)
        for call, args in (
            (services.create_pavilion, (get(Edition, edition), themed("new"))),
            (services.update_pavilion, (pavilion, themed("renamed"))),
            (services.move_pavilion, (pavilion, 1)),
            (services.delete_pavilion, (pavilion,)),
        ):
            with pytest.raises(NotAllowed):
                call(actor, *args)
    assert get(Pavilion, existing).slug == existing.slug


def test_global_organizers_and_admins_manage_every_edition(app_ctx, factory, edition):
    actors = [factory.organizer(), factory.admin()]
    mine = get(Edition, edition)
    for index, actor in enumerate(actors):
        assert services.create_pavilion(get(User, actor), mine, themed(f"hall-{index}")).id


def test_services_flush_and_leave_the_commit_to_the_view(app_ctx, organizer, edition):
    pavilion = services.create_pavilion(get(User, organizer), get(Edition, edition), themed("food"))
    assert pavilion.id is not None  # flushed
    db.session.rollback()
    assert db.session.scalar(select(Pavilion).where(Pavilion.slug == "food")) is None


# --------------------------------------------------------------------------------------------
# Web addresses, kinds and countries


def test_web_address_is_unique_per_edition(app_ctx, organizer, factory, edition):
    add_pavilion(factory, edition, slug="food")
    add_pavilion(factory, factory.edition(), slug="elsewhere")
    organizer, mine = get(User, organizer), get(Edition, edition)
    error = error_of(services.create_pavilion, organizer, mine, themed("food"))
    assert error.field == "slug"
    assert str(error) == "Another pavilion of this edition already uses the web address “food”."
    assert services.create_pavilion(organizer, mine, themed("elsewhere")).edition_id == edition.id


def test_editing_keeps_its_own_address_but_cannot_take_another(app_ctx, organizer, factory, edition):
    food = add_pavilion(factory, edition, slug="food")
    add_pavilion(factory, edition, slug="health")
    organizer, food = get(User, organizer), get(Pavilion, food)
    services.update_pavilion(organizer, food, themed("food", name="Food and Agriculture"))
    assert food.name == "Food and Agriculture"
    assert error_of(services.update_pavilion, organizer, food, themed("health")).field == "slug"


def test_the_management_address_is_reserved(app_ctx, organizer, edition):
    error = error_of(services.create_pavilion, get(User, organizer), get(Edition, edition), themed("manage"))
    assert error.field == "slug"


def test_a_country_pavilion_needs_a_known_country(app_ctx, organizer, edition):
    organizer, mine = get(User, organizer), get(Edition, edition)
    assert error_of(services.create_pavilion, organizer, mine, country("vietnam", None)).field == "country"
    assert error_of(services.create_pavilion, organizer, mine, country("atlantis", "XX")).field == "country"
    assert error_of(services.create_pavilion, organizer, mine, themed("odd", kind="regional")).field == "kind"
    assert services.create_pavilion(organizer, mine, country("vietnam", "VN")).country == "VN"


def test_a_themed_pavilion_has_no_country(app_ctx, organizer, edition):
    organizer, mine = get(User, organizer), get(Edition, edition)
    pavilion = services.create_pavilion(organizer, mine, themed("food", country="TH"))
    assert pavilion.country is None
    services.update_pavilion(organizer, pavilion, country("food", "TH"))
    services.update_pavilion(organizer, pavilion, themed("food", country="TH"))
    assert (pavilion.kind, pavilion.country) == (Pavilion.THEMED, None)


def test_each_country_has_one_pavilion_per_edition(app_ctx, organizer, factory, edition):
    add_pavilion(factory, edition, slug="thailand", name="Thailand", kind=Pavilion.COUNTRY, country="TH")
    laos = add_pavilion(factory, edition, slug="laos", name="Laos", kind=Pavilion.COUNTRY, country="LA")
    add_pavilion(factory, factory.edition(), slug="malaysia", kind=Pavilion.COUNTRY, country="MY")
    organizer, mine, laos = get(User, organizer), get(Edition, edition), get(Pavilion, laos)

    error = error_of(services.create_pavilion, organizer, mine, country("siam", "TH"))
    assert (error.field, str(error)) == ("country", "This edition already has a pavilion for that country: “Thailand”.")
    assert error_of(services.update_pavilion, organizer, laos, country("laos", "TH")).field == "country"
    services.update_pavilion(organizer, laos, country("laos", "LA", description="Kept its own country."))
    assert services.create_pavilion(organizer, mine, country("malaysia", "MY")).country == "MY"


# --------------------------------------------------------------------------------------------
# Order: themed first, then country; positions 0..n-1


def test_new_pavilions_join_the_end_of_their_group(app_ctx, organizer, edition):
    organizer, mine = get(User, organizer), get(Edition, edition)
    services.create_pavilion(organizer, mine, country("vietnam", "VN"))
    services.create_pavilion(organizer, mine, themed("food"))
    services.create_pavilion(organizer, mine, country("laos", "LA"))
    services.create_pavilion(organizer, mine, themed("health"))
    assert stored(mine) == [("food", 0), ("health", 1), ("vietnam", 2), ("laos", 3)]
    assert [p.slug for p in get(Edition, edition).pavilions] == ["food", "health", "vietnam", "laos"]


def test_hall_order_groups_by_kind_whatever_the_stored_positions(app_ctx, factory, edition):
    add_pavilion(factory, edition, slug="vietnam", kind=Pavilion.COUNTRY, country="VN", position=0)
    add_pavilion(factory, edition, slug="food", position=7)
    add_pavilion(factory, edition, slug="health", position=3)
    assert [p.slug for p in services.pavilions_of(get(Edition, edition))] == ["health", "food", "vietnam"]


def test_pavilions_move_within_their_group(app_ctx, organizer, edition):
    organizer, mine = get(User, organizer), get(Edition, edition)
    food, health, _trade = (
        services.create_pavilion(organizer, mine, themed(slug)) for slug in ("food", "health", "trade")
    )
    vietnam = services.create_pavilion(organizer, mine, country("vietnam", "VN"))
    services.create_pavilion(organizer, mine, country("laos", "LA"))

    services.move_pavilion(organizer, health, -1)
    assert stored(mine) == [("health", 0), ("food", 1), ("trade", 2), ("vietnam", 3), ("laos", 4)]
    services.move_pavilion(organizer, health, -1)  # first of its group: stays
    services.move_pavilion(organizer, vietnam, -1)  # first country pavilion: never above the themed ones
    assert stored(mine) == [("health", 0), ("food", 1), ("trade", 2), ("vietnam", 3), ("laos", 4)]
    services.move_pavilion(organizer, food, 1)
    services.move_pavilion(organizer, vietnam, 1)
    assert stored(mine) == [("health", 0), ("trade", 1), ("food", 2), ("laos", 3), ("vietnam", 4)]
    services.move_pavilion(organizer, food, 1)  # last themed pavilion: never below the country ones
    assert stored(mine)[2] == ("food", 2)


def test_changing_kind_moves_a_pavilion_to_the_end_of_its_new_group(app_ctx, organizer, edition):
    organizer, mine = get(User, organizer), get(Edition, edition)
    food = services.create_pavilion(organizer, mine, themed("food"))
    services.create_pavilion(organizer, mine, themed("health"))
    services.create_pavilion(organizer, mine, country("vietnam", "VN"))
    services.update_pavilion(organizer, food, country("food", "TH"))
    assert stored(mine) == [("health", 0), ("vietnam", 1), ("food", 2)]
    services.update_pavilion(organizer, food, themed("food"))
    assert stored(mine) == [("health", 0), ("food", 1), ("vietnam", 2)]


def test_deleting_closes_the_gap(app_ctx, organizer, edition):
    organizer, mine = get(User, organizer), get(Edition, edition)
    _food, health, _trade = (
        services.create_pavilion(organizer, mine, themed(slug)) for slug in ("food", "health", "trade")
    )
    services.create_pavilion(organizer, mine, country("vietnam", "VN"))
    services.delete_pavilion(organizer, health)
    assert stored(mine) == [("food", 0), ("trade", 1), ("vietnam", 2)]
    assert [p.slug for p in get(Edition, edition).pavilions] == ["food", "trade", "vietnam"]


def test_a_duplicate_that_slips_past_the_checks_is_explained_not_a_crash(app, factory, monkeypatch):
    """Two organizers saving the same country at once both pass the read-only check; the
    partial unique index decides and the second hears why."""
    import pytest

    from expo.accounts.models import User
    from expo.editions.models import Edition
    from expo.extensions import db
    from expo.pavilions import services

    edition = factory.edition()
    organizer = factory.organizer(edition=edition)
    with app.test_request_context():
        actor, loaded = db.session.get(User, organizer.id), db.session.get(Edition, edition.id)
        services.create_pavilion(
            actor,
            loaded,
            services.PavilionData(
                name="Pavilion of Vietnam", slug="vietnam", kind="country", country="VN", description=""
            ),
        )
        db.session.commit()
        monkeypatch.setattr(services, "_check", lambda edition, data, editing: data)
        with pytest.raises(services.PavilionError, match="just saved"):
            services.create_pavilion(
                actor,
                loaded,
                services.PavilionData(name="Viet Nam", slug="viet-nam", kind="country", country="VN", description=""),
            )

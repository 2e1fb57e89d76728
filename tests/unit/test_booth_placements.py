"""Placing booths in pavilions: one place per booth and edition, unique stands, pavilions of the
edition only, no deleting a pavilion with booths in it; and what visitors' pages ask (live, places)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, inspect, select
from sqlalchemy.exc import IntegrityError

from expo.accounts.models import User
from expo.booths.models import Booth, BoothPlacement
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.pavilions import services
from expo.pavilions.services import BoothAlreadyPlaced, PavilionError, PavilionNotEmpty, StandTaken
from expo.permissions import NotAllowed


@pytest.fixture()
def hall(factory):
    """An edition (10–13 September 2027) with two pavilions, its organizer, and three approved exhibitors' booths."""
    edition = factory.edition(name="18th China-ASEAN Expo")
    health = factory.pavilion(edition, slug="public-health", name="Public Health and Pandemic Prevention")
    food = factory.pavilion(edition, slug="food", name="Food and Agriculture")
    organizer = factory.organizer(edition)
    owner = factory.user()
    booths = {
        name: factory.booth(factory.company(owner=owner, name=name))
        for name in ("Nanning Mask Machinery Co.", "Highlands Coffee Export", "Guangxi Steel")
    }
    return edition, {"health": health, "food": food}, organizer, booths


def get(model, row):
    """The test's own copy of a factory row (arrange with the factory first: see test_pavilion_services)."""
    return db.session.get(model, row.id)


def refusal(error_type, call, *args):
    with pytest.raises(error_type) as caught:
        call(*args)
    return caught.value


def stands(edition) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Pavilion.slug, BoothPlacement.stand)
        .join(BoothPlacement.pavilion)
        .where(BoothPlacement.edition_id == edition.id)
        .order_by(BoothPlacement.stand)
    )
    return [tuple(row) for row in rows]


# --------------------------------------------------------------------------------------------
# Placing, moving, removing


def test_the_organizer_places_a_booth_with_its_stand_written_one_way(app_ctx, hall):
    edition, pavilions, organizer, booths = hall
    edition, actor = get(Edition, edition), get(User, organizer)
    booth = get(Booth, booths["Nanning Mask Machinery Co."])
    placement = services.place_booth(actor, edition, booth, get(Pavilion, pavilions["health"]), "  a-12 ")
    assert placement.id is not None and placement.stand == "A-12"
    services.place_booth(actor, edition, get(Booth, booths["Guangxi Steel"]), get(Pavilion, pavilions["food"]), "")
    assert stands(edition) == [("food", ""), ("public-health", "A-12")]
    db.session.rollback()  # services flush; the view commits
    assert stands(edition) == []


def test_only_the_editions_organizers_place_booths(app_ctx, factory, hall):
    edition, pavilions, _organizer, booths = hall
    outsiders = [factory.user(), factory.organizer(factory.edition())]
    existing = factory.placement(booths["Guangxi Steel"], pavilions["food"], stand="C-1")
    for outsider in outsiders:
        actor = get(User, outsider)
        with pytest.raises(NotAllowed):
            services.place_booth(
                actor,
                get(Edition, edition),
                get(Booth, booths["Highlands Coffee Export"]),
                get(Pavilion, pavilions["food"]),
            )
        with pytest.raises(NotAllowed):
            services.update_placement(actor, get(BoothPlacement, existing), get(Pavilion, pavilions["health"]), "")
        with pytest.raises(NotAllowed):
            services.remove_placement(actor, get(BoothPlacement, existing))
    assert stands(get(Edition, edition)) == [("food", "C-1")]


def test_a_booth_has_one_place_per_edition_and_hears_where_it_stands(app_ctx, factory, hall):
    edition, pavilions, organizer, booths = hall
    next_year = factory.edition(slug="19th", name="19th China-ASEAN Expo")
    next_hall = factory.pavilion(next_year, name="Big Health")
    global_organizer = factory.organizer()  # organizes both editions
    factory.placement(booths["Nanning Mask Machinery Co."], pavilions["health"], stand="A-12")
    actor, booth = get(User, organizer), get(Booth, booths["Nanning Mask Machinery Co."])
    error = refusal(
        BoothAlreadyPlaced,
        services.place_booth,
        actor,
        get(Edition, edition),
        booth,
        get(Pavilion, pavilions["food"]),
        "B-1",
    )
    assert error.status == 409
    assert str(error) == (
        "“Nanning Mask Machinery Co.” already stands in “Public Health and Pandemic Prevention” "
        "(stand A-12) in this edition. A booth has one place per edition: move it from there "
        "instead."
    )
    assert (
        services.place_booth(
            get(User, global_organizer), get(Edition, next_year), booth, get(Pavilion, next_hall), "A-12"
        ).stand
        == "A-12"
    )  # another edition, another place (and the same stand is free)


def test_the_database_keeps_one_place_per_booth_and_edition(app_ctx, hall):
    edition, pavilions, _organizer, booths = hall
    booth = booths["Guangxi Steel"]
    db.session.add_all(
        [
            BoothPlacement(booth_id=booth.id, edition_id=edition.id, pavilion_id=pavilions["food"].id),
            BoothPlacement(booth_id=booth.id, edition_id=edition.id, pavilion_id=pavilions["health"].id),
        ]
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_stand_names_one_booth_per_edition(app_ctx, factory, hall):
    edition, pavilions, organizer, booths = hall
    other_edition = factory.edition()
    factory.placement(booths["Nanning Mask Machinery Co."], pavilions["health"], stand="A-12")
    factory.placement(booths["Highlands Coffee Export"], factory.pavilion(other_edition), stand="B-3")
    global_organizer = factory.organizer()
    actor, mine = get(User, organizer), get(Edition, edition)
    steel = get(Booth, booths["Guangxi Steel"])
    error = refusal(StandTaken, services.place_booth, actor, mine, steel, get(Pavilion, pavilions["food"]), "a-12")
    assert (error.field, error.status) == ("stand", 409)
    assert str(error) == (
        "Stand A-12 is already taken by “Nanning Mask Machinery Co.” in “Public Health and "
        "Pandemic Prevention”. Choose another stand, or change theirs first."
    )
    # Another edition's stand B-3 is no clash; booths without a stand yet share the empty one.
    assert services.place_booth(actor, mine, steel, get(Pavilion, pavilions["food"]), "b-3").stand == "B-3"
    coffee = services.place_booth(
        get(User, global_organizer),
        mine,
        get(Booth, booths["Highlands Coffee Export"]),
        get(Pavilion, pavilions["food"]),
        "",
    )
    assert coffee.stand == ""


def test_the_database_refuses_a_second_booth_on_a_stand(app_ctx, hall):
    edition, pavilions, _organizer, booths = hall
    db.session.add_all(
        [
            BoothPlacement(
                booth_id=booths["Guangxi Steel"].id,
                edition_id=edition.id,
                pavilion_id=pavilions["food"].id,
                stand="A-1",
            ),
            BoothPlacement(
                booth_id=booths["Highlands Coffee Export"].id,
                edition_id=edition.id,
                pavilion_id=pavilions["health"].id,
                stand="A-1",
            ),
        ]
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_stand_taken_between_check_and_save_is_explained(app_ctx, monkeypatch, hall):
    """Two organizers giving out the same stand at once both pass the read-only check; the unique
    index decides and the second hears who has it."""
    edition, pavilions, organizer, booths = hall
    actor, mine = get(User, organizer), get(Edition, edition)
    services.place_booth(actor, mine, get(Booth, booths["Guangxi Steel"]), get(Pavilion, pavilions["food"]), "A-1")
    monkeypatch.setattr(services, "_check_stand", lambda edition, stand, placement_id: services.normalise_stand(stand))
    error = refusal(
        StandTaken,
        services.place_booth,
        actor,
        mine,
        get(Booth, booths["Highlands Coffee Export"]),
        get(Pavilion, pavilions["health"]),
        "A-1",
    )
    assert "already taken by “Guangxi Steel”" in str(error)
    assert stands(mine) == [("food", "A-1")]  # the first placement survives the refused one


def test_a_stand_is_letters_and_digits(app_ctx, hall):
    edition, pavilions, organizer, booths = hall
    actor, mine, food = get(User, organizer), get(Edition, edition), get(Pavilion, pavilions["food"])
    for bad in ("A-12!", "-A1", "<b>", "A" * 21):
        steel = get(Booth, booths["Guangxi Steel"])
        error = refusal(PavilionError, services.place_booth, actor, mine, steel, food, bad)
        assert error.field == "stand" and "for example A-12" in str(error)
    assert (
        services.place_booth(actor, mine, get(Booth, booths["Guangxi Steel"]), food, "hall 2 / b.07").stand
        == "HALL 2 / B.07"
    )


def test_a_pavilion_of_another_edition_is_refused(app_ctx, factory, hall):
    edition, pavilions, _organizer, booths = hall
    elsewhere = factory.pavilion(factory.edition(name="Another Expo"), name="Elsewhere")
    placement = factory.placement(booths["Guangxi Steel"], pavilions["food"])
    actor = get(User, factory.organizer())  # organizes every edition, so only the rule can refuse
    error = refusal(
        PavilionError,
        services.place_booth,
        actor,
        get(Edition, edition),
        get(Booth, booths["Highlands Coffee Export"]),
        get(Pavilion, elsewhere),
        "",
    )
    assert error.field == "pavilion" and "“Elsewhere” is not a pavilion of 18th China-ASEAN Expo" in str(error)
    refusal(
        PavilionError, services.update_placement, actor, get(BoothPlacement, placement), get(Pavilion, elsewhere), ""
    )
    assert get(BoothPlacement, placement).pavilion_id == pavilions["food"].id


def test_only_approved_exhibitors_booths_are_placed(app_ctx, factory, hall):
    edition, pavilions, organizer, _booths = hall
    pending = factory.booth(
        factory.company(owner=factory.user(), name="Pending Co.", status="pending"), status=Booth.Status.DRAFT
    )
    error = refusal(
        PavilionError,
        services.place_booth,
        get(User, organizer),
        get(Edition, edition),
        get(Booth, pending),
        get(Pavilion, pavilions["food"]),
        "",
    )
    assert str(error) == "Only booths of approved exhibitors can be placed."


def test_a_draft_booth_can_be_placed_ahead_of_the_edition(app_ctx, factory, hall):
    edition, pavilions, organizer, _booths = hall
    draft = factory.booth(factory.company(owner=factory.user(), name="Early Bird"), status=Booth.Status.DRAFT)
    placement = services.place_booth(
        get(User, organizer), get(Edition, edition), get(Booth, draft), get(Pavilion, pavilions["food"]), "F-1"
    )
    assert placement.stand == "F-1"
    assert services.booth_counts(get(Edition, edition), published_only=True) == {}
    assert services.booth_counts(get(Edition, edition), published_only=False) == {pavilions["food"].id: 1}


def test_moving_a_booth_keeps_its_stand_unless_changed(app_ctx, factory, hall):
    edition, pavilions, organizer, booths = hall
    steel = factory.placement(booths["Guangxi Steel"], pavilions["food"], stand="C-1")
    factory.placement(booths["Highlands Coffee Export"], pavilions["food"], stand="C-2")
    actor, mine, placement = get(User, organizer), get(Edition, edition), get(BoothPlacement, steel)
    services.update_placement(actor, placement, get(Pavilion, pavilions["health"]), "C-1")  # its own stand is no clash
    assert (placement.pavilion.slug, placement.stand) == ("public-health", "C-1")
    error = refusal(StandTaken, services.update_placement, actor, placement, get(Pavilion, pavilions["food"]), "c-2")
    assert "already taken by “Highlands Coffee Export”" in str(error)
    assert (placement.pavilion.slug, placement.stand) == ("public-health", "C-1")  # the refused change is undone
    services.update_placement(actor, placement, get(Pavilion, pavilions["health"]), "")
    assert stands(mine) == [("public-health", ""), ("food", "C-2")]


def test_removing_a_booth_frees_its_stand_and_keeps_the_booth(app_ctx, hall):
    edition, pavilions, organizer, booths = hall
    actor, mine = get(User, organizer), get(Edition, edition)
    placement = services.place_booth(
        actor, mine, get(Booth, booths["Guangxi Steel"]), get(Pavilion, pavilions["food"]), "C-1"
    )
    services.remove_placement(actor, placement)
    assert stands(mine) == [] and get(Booth, booths["Guangxi Steel"]) is not None
    assert (
        services.place_booth(
            actor, mine, get(Booth, booths["Highlands Coffee Export"]), get(Pavilion, pavilions["health"]), "C-1"
        ).stand
        == "C-1"
    )


def test_a_pavilion_with_booths_is_not_deleted(app_ctx, factory, hall):
    edition, pavilions, organizer, booths = hall
    for name in ("Guangxi Steel", "Highlands Coffee Export"):
        factory.placement(booths[name], pavilions["food"])
    actor, food = get(User, organizer), get(Pavilion, pavilions["food"])
    error = refusal(PavilionNotEmpty, services.delete_pavilion, actor, food)
    assert error.status == 409
    assert str(error) == (
        "2 booths are still placed in “Food and Agriculture”. Move them to another pavilion or remove them first."
    )
    for placement in db.session.scalars(select(BoothPlacement).where(BoothPlacement.pavilion_id == food.id)).all():
        services.remove_placement(actor, placement)
    services.delete_pavilion(actor, food)
    assert [p.slug for p in get(Edition, edition).pavilions] == ["public-health"]


def test_a_booth_placed_while_the_pavilion_is_deleted_keeps_it(app_ctx, monkeypatch, factory, hall):
    """The count passes, a booth arrives before the delete: the foreign key refuses, the organizer hears why."""
    edition, pavilions, organizer, booths = hall
    factory.placement(booths["Guangxi Steel"], pavilions["food"])
    actor, food = get(User, organizer), get(Pavilion, pavilions["food"])
    real_scalar = db.session.scalar
    monkeypatch.setattr(
        db.session,
        "scalar",
        lambda statement, *a, **k: 0 if "count" in str(statement) else real_scalar(statement, *a, **k),
    )
    error = refusal(PavilionNotEmpty, services.delete_pavilion, actor, food)
    assert "A booth has just been placed in “Food and Agriculture”" in str(error)
    monkeypatch.undo()
    assert get(Pavilion, pavilions["food"]) is not None


# --------------------------------------------------------------------------------------------
# What visitors' pages ask: which booths are live, where a booth stands, how many per pavilion


def test_booths_are_live_on_the_editions_days_only(app_ctx, factory, hall):
    edition, pavilions, _organizer, booths = hall
    draft = factory.edition(status=Edition.Status.DRAFT, starts_on=date(2027, 9, 1), ends_on=date(2027, 9, 30))
    factory.placement(booths["Nanning Mask Machinery Co."], pavilions["health"])
    factory.placement(booths["Highlands Coffee Export"], factory.pavilion(draft))  # a secret edition is never live
    ids = [booth.id for booth in booths.values()]
    mask = booths["Nanning Mask Machinery Co."].id
    assert services.live_booth_ids(ids, date(2027, 9, 9)) == set()
    assert services.live_booth_ids(ids, date(2027, 9, 10)) == {mask}
    assert services.live_booth_ids(ids, date(2027, 9, 13)) == {mask}
    assert services.live_booth_ids(ids, date(2027, 9, 14)) == set()
    assert services.live_booth_ids(iter(ids), date(2027, 9, 12)) == {mask}  # any iterable of ids


def test_live_booth_ids_is_one_query_and_none_for_no_booths(app, app_ctx, factory, hall):
    edition, pavilions, _organizer, booths = hall
    for booth in booths.values():
        factory.placement(booth, pavilions["food"])
    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2]) if args[2].startswith("SELECT") else None  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert services.live_booth_ids([], date(2027, 9, 11)) == set()
        assert len(statements) == 0
        assert len(services.live_booth_ids([b.id for b in booths.values()], date(2027, 9, 11))) == 3
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1


def test_places_of_a_booth_newest_edition_first_without_secret_ones(app_ctx, factory, hall):
    edition, pavilions, _organizer, booths = hall
    last_year = factory.edition(
        name="17th China-ASEAN Expo",
        status=Edition.Status.ARCHIVED,
        starts_on=date(2026, 9, 10),
        ends_on=date(2026, 9, 13),
    )
    draft = factory.edition(
        name="19th (draft)", status=Edition.Status.DRAFT, starts_on=date(2028, 9, 10), ends_on=date(2028, 9, 13)
    )
    booth = booths["Nanning Mask Machinery Co."]
    factory.placement(booth, factory.pavilion(last_year, name="Public Health"), stand="P-7")
    factory.placement(booth, pavilions["health"], stand="A-12")
    factory.placement(booth, factory.pavilion(draft, name="Secret"))
    places = services.places_of_booth(get(Booth, booth))
    assert [(p.edition.name, p.pavilion.name, p.stand) for p in places] == [
        ("18th China-ASEAN Expo", "Public Health and Pandemic Prevention", "A-12"),
        ("17th China-ASEAN Expo", "Public Health", "P-7"),
    ]
    assert all("edition" not in inspect(p).unloaded and "pavilion" not in inspect(p).unloaded for p in places)
    upcoming = services.places_of_booth(get(Booth, booth), today=date(2027, 1, 1))
    assert [p.edition.name for p in upcoming] == ["18th China-ASEAN Expo"]
    assert services.places_of_booth(get(Booth, booths["Guangxi Steel"])) == []


def test_booth_counts_per_pavilion(app_ctx, factory, hall):
    edition, pavilions, _organizer, booths = hall
    factory.placement(booths["Guangxi Steel"], pavilions["food"])
    factory.placement(booths["Highlands Coffee Export"], pavilions["food"])
    suspended = factory.booth(
        factory.company(owner=factory.user()), status=Booth.Status.SUSPENDED, suspended_reason="Spam"
    )
    factory.placement(suspended, pavilions["health"])
    mine = get(Edition, edition)
    assert services.booth_counts(mine, published_only=True) == {pavilions["food"].id: 2}
    assert services.booth_counts(mine, published_only=False) == {pavilions["food"].id: 2, pavilions["health"].id: 1}


def test_finding_a_booth_to_place_by_company_name(app_ctx, factory, hall):
    edition, pavilions, _organizer, booths = hall
    factory.booth(factory.company(owner=factory.user(), name="100% Natural Rubber"), status=Booth.Status.SUBMITTED)
    factory.company(owner=factory.user(), name="Pending Coffee", status="pending")  # no booth until approved
    factory.placement(booths["Highlands Coffee Export"], pavilions["food"])
    mine = get(Edition, edition)

    def names(text, **options):
        return [b.company.name for b in db.session.scalars(services.booths_to_place_query(mine, text, **options))]

    assert names("COFFEE") == ["Highlands Coffee Export"]
    assert names("  mask   machinery ") == ["Nanning Mask Machinery Co."]
    assert names("100%") == ["100% Natural Rubber"] and names("%") == ["100% Natural Rubber"]
    assert names("") == [
        "100% Natural Rubber",
        "Guangxi Steel",
        "Highlands Coffee Export",
        "Nanning Mask Machinery Co.",
    ]
    assert names("", unplaced_only=True) == ["100% Natural Rubber", "Guangxi Steel", "Nanning Mask Machinery Co."]
    places = services.placements_in(mine, [b.id for b in booths.values()])
    coffee = booths["Highlands Coffee Export"].id
    assert list(places) == [coffee] and places[coffee].pavilion.slug == "food"

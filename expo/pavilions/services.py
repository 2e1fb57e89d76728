"""An edition's pavilions and the booths placed in them: organizers arranging the hall, and what
visitors' pages ask of it (a pavilion's booths, where a booth stands, which booths are live)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import pycountry
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from expo.accounts.models import User
from expo.booths.models import Booth, BoothPlacement
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.lib.ordering import moved
from expo.lib.rules import RuleBroken
from expo.permissions import can_manage_edition, can_place_booths, ensure

KINDS = (Pavilion.THEMED, Pavilion.COUNTRY)

# Addresses the blueprint uses for its own pages: a pavilion called so would be unreachable.
RESERVED_SLUGS = frozenset({"manage"})


class PavilionError(RuleBroken):
    """A pavilion rule said no; the message is safe to show, ``field`` names the form field at fault."""


class PavilionNotEmpty(PavilionError):
    """Booths still stand in the pavilion: they are moved or removed first."""

    status = 409


class BoothAlreadyPlaced(PavilionError):
    """The booth already has its one place in this edition; the message says where."""

    status = 409


class StandTaken(PavilionError):
    status = 409


@dataclass(frozen=True)
class PavilionData:
    name: str
    slug: str
    kind: str = Pavilion.THEMED
    country: str | None = None
    description: str = ""


def hall_order(pavilions: list[Pavilion]) -> list[Pavilion]:
    """The order visitors walk the hall in: themed pavilions, then country pavilions, each by position."""
    return sorted(pavilions, key=lambda pavilion: (KINDS.index(pavilion.kind), pavilion.position, pavilion.id or 0))


def pavilions_of(edition: Edition) -> list[Pavilion]:
    return hall_order(list(db.session.scalars(select(Pavilion).where(Pavilion.edition_id == edition.id))))


def _check(edition: Edition, data: PavilionData, editing: Pavilion | None) -> PavilionData:
    if data.kind not in KINDS:
        raise PavilionError(_("Choose whether this is a themed pavilion or a country pavilion."), "kind")
    if data.slug in RESERVED_SLUGS:
        raise PavilionError(_("The web address “%(slug)s” is reserved. Choose another one.", slug=data.slug), "slug")
    others = select(Pavilion).where(Pavilion.edition_id == edition.id)
    if editing is not None:
        others = others.where(Pavilion.id != editing.id)
    if db.session.scalar(others.where(Pavilion.slug == data.slug).limit(1)) is not None:
        raise PavilionError(
            _("Another pavilion of this edition already uses the web address “%(slug)s”.", slug=data.slug), "slug"
        )
    if data.kind == Pavilion.THEMED:
        # A themed pavilion gathers exhibitors from anywhere; a country left over from editing would mislead.
        return PavilionData(name=data.name, slug=data.slug, kind=data.kind, country=None, description=data.description)
    if not data.country:
        raise PavilionError(_("Choose the country of a country pavilion."), "country")
    if pycountry.countries.get(alpha_2=data.country) is None:
        raise PavilionError(_("Choose a country from the list."), "country")
    clash = db.session.scalar(
        others.where(Pavilion.kind == Pavilion.COUNTRY, Pavilion.country == data.country).limit(1)
    )
    if clash is not None:
        raise PavilionError(
            _("This edition already has a pavilion for that country: “%(name)s”.", name=clash.name), "country"
        )
    return data


def _renumber(ordered: list[Pavilion]) -> None:
    """Positions 0, 1, 2, ... in hall order, so sorting by position alone gives the hall's order."""
    for position, pavilion in enumerate(ordered):
        pavilion.position = position


def _after_all(ordered: list[Pavilion]) -> int:
    """A position behind every pavilion, so hall order puts a newcomer last in its group."""
    return max((pavilion.position for pavilion in ordered), default=-1) + 1


def _apply(pavilion: Pavilion, data: PavilionData) -> None:
    for field in PavilionData.__dataclass_fields__:
        setattr(pavilion, field, getattr(data, field))


def create_pavilion(actor: User, edition: Edition, data: PavilionData) -> Pavilion:
    """The new pavilion comes last among pavilions of its kind."""
    ensure(can_manage_edition(actor, edition))
    data = _check(edition, data, None)
    ordered = pavilions_of(edition)
    pavilion = Pavilion(edition_id=edition.id)
    _apply(pavilion, data)
    pavilion.position = _after_all(ordered)
    db.session.add(pavilion)
    _renumber(hall_order([*ordered, pavilion]))
    _flush_or_explain()
    db.session.expire(edition, ["pavilions"])
    return pavilion


def update_pavilion(actor: User, pavilion: Pavilion, data: PavilionData) -> Pavilion:
    """A pavilion whose kind changes moves to the end of its new group."""
    edition = pavilion.edition
    ensure(can_manage_edition(actor, edition))
    data = _check(edition, data, pavilion)
    kind_changed = data.kind != pavilion.kind
    _apply(pavilion, data)
    ordered = pavilions_of(edition)
    if kind_changed:
        ordered.remove(pavilion)
        pavilion.position = _after_all(ordered)
        ordered = hall_order([*ordered, pavilion])
    _renumber(ordered)
    _flush_or_explain()
    db.session.expire(edition, ["pavilions"])
    return pavilion


def _flush_or_explain() -> None:
    """The checks above read; two organizers saving at once can both pass them. The database's
    unique constraints decide, and the loser hears why instead of seeing an error page."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise PavilionError(
            _(
                "Another organizer has just saved a pavilion with the same web address or "
                "country. Check the list of pavilions and try again."
            )
        ) from None


def move_pavilion(actor: User, pavilion: Pavilion, offset: int) -> None:
    """Move a pavilion up (-1) or down (+1) among the pavilions of its kind; the ends stay put."""
    edition = pavilion.edition
    ensure(can_manage_edition(actor, edition))
    ordered = pavilions_of(edition)
    groups = {kind: [item for item in ordered if item.kind == kind] for kind in KINDS}
    groups[pavilion.kind] = moved(groups[pavilion.kind], pavilion, offset)
    _renumber([item for kind in KINDS for item in groups[kind]])
    db.session.flush()
    db.session.expire(edition, ["pavilions"])


def delete_pavilion(actor: User, pavilion: Pavilion) -> None:
    """Raises PavilionNotEmpty while booths are placed in the pavilion: they would lose their place."""
    edition = pavilion.edition
    ensure(can_manage_edition(actor, edition))
    placed = db.session.scalar(select(func.count(BoothPlacement.id)).where(BoothPlacement.pavilion_id == pavilion.id))
    if placed:
        raise PavilionNotEmpty(
            ngettext(
                "%(num)d booth is still placed in “%(name)s”. Move it to another pavilion or remove it first.",
                "%(num)d booths are still placed in “%(name)s”. Move them to another pavilion or remove them first.",
                placed,
                name=pavilion.name,
            )
        )
    try:
        # Inside the savepoint: begin_nested() flushes what is pending before it starts.
        with db.session.begin_nested():
            db.session.delete(pavilion)
            db.session.flush()
    except IntegrityError:
        # A booth placed after the count above; the foreign key keeps it from losing its pavilion.
        raise PavilionNotEmpty(
            _("A booth has just been placed in “%(name)s”. Move or remove it first.", name=pavilion.name)
        ) from None
    _renumber(pavilions_of(edition))
    db.session.flush()
    db.session.expire(edition, ["pavilions"])


# --- booths in pavilions: one place per booth and edition, a stand number names one booth ----------

STAND_MAX_LENGTH = 20
# After normalising: starts and ends with a letter or digit; hyphens, dots, slashes and spaces between.
STAND_PATTERN = re.compile(r"^[A-Z0-9](?:[A-Z0-9 ./-]*[A-Z0-9])?$")


def normalise_stand(stand: str | None) -> str:
    """'  a-12 ' -> 'A-12': how the stand is stored, so one stand cannot be written two ways."""
    return " ".join((stand or "").split()).upper()


def _check_pavilion_of(edition: Edition, pavilion: Pavilion) -> None:
    if pavilion.edition_id != edition.id:
        raise PavilionError(
            _(
                "“%(pavilion)s” is not a pavilion of %(edition)s. Choose one of its own pavilions.",
                pavilion=pavilion.name,
                edition=edition.name,
            ),
            "pavilion",
        )


def _stand_holder(edition_id: int, stand: str, placement_id: int | None) -> BoothPlacement | None:
    query = (
        select(BoothPlacement)
        .where(BoothPlacement.edition_id == edition_id, BoothPlacement.stand == stand)
        .options(joinedload(BoothPlacement.booth).joinedload(Booth.company), joinedload(BoothPlacement.pavilion))
    )
    if placement_id is not None:
        query = query.where(BoothPlacement.id != placement_id)
    return db.session.scalar(query.limit(1))


def _stand_taken(holder: BoothPlacement) -> StandTaken:
    return StandTaken(
        _(
            "Stand %(stand)s is already taken by “%(company)s” in “%(pavilion)s”. Choose another "
            "stand, or change theirs first.",
            stand=holder.stand,
            company=holder.booth.company.name,
            pavilion=holder.pavilion.name,
        ),
        "stand",
    )


def _check_stand(edition: Edition, stand: str | None, placement_id: int | None) -> str:
    stand = normalise_stand(stand)
    if not stand:
        return ""
    if len(stand) > STAND_MAX_LENGTH or not STAND_PATTERN.match(stand):
        raise PavilionError(
            _(
                "Write the stand with letters and digits, optionally joined by hyphens, dots or "
                "slashes (at most %(max)d characters), for example A-12.",
                max=STAND_MAX_LENGTH,
            ),
            "stand",
        )
    holder = _stand_holder(edition.id, stand, placement_id)
    if holder is not None:
        raise _stand_taken(holder)
    return stand


def placement_in(edition: Edition, booth: Booth) -> BoothPlacement | None:
    """The booth's place in ``edition`` (with its pavilion), if it has one."""
    return db.session.scalar(
        select(BoothPlacement)
        .where(BoothPlacement.booth_id == booth.id, BoothPlacement.edition_id == edition.id)
        .options(joinedload(BoothPlacement.pavilion))
    )


def _already_placed(booth: Booth, placement: BoothPlacement) -> BoothAlreadyPlaced:
    if placement.stand:
        message = _(
            "“%(company)s” already stands in “%(pavilion)s” (stand %(stand)s) in this edition. A booth "
            "has one place per edition: move it from there instead.",
            company=booth.company.name,
            pavilion=placement.pavilion.name,
            stand=placement.stand,
        )
    else:
        message = _(
            "“%(company)s” already stands in “%(pavilion)s” in this edition. A booth has one place per "
            "edition: move it from there instead.",
            company=booth.company.name,
            pavilion=placement.pavilion.name,
        )
    return BoothAlreadyPlaced(message)


def _save_placement(
    edition: Edition, booth: Booth, stand: str, placement_id: int | None, change: Callable[[], None]
) -> None:
    """Make ``change`` and flush it in a savepoint. The checks read first; two organizers saving at
    once can both pass them. The unique constraints decide, and the loser is told which rule the
    other's change took, with the session still usable."""
    try:
        # The change goes inside the savepoint: begin_nested() flushes what is pending before it starts.
        with db.session.begin_nested():
            change()
            db.session.flush()
    except IntegrityError:
        existing = placement_in(edition, booth)
        if existing is not None and existing.id != placement_id:
            raise _already_placed(booth, existing) from None
        holder = _stand_holder(edition.id, stand, placement_id) if stand else None
        if holder is not None:
            raise _stand_taken(holder) from None
        raise PavilionError(
            _("Another organizer has just changed the booths of this edition. Reload the page and try again.")
        ) from None


def place_booth(actor: User, edition: Edition, booth: Booth, pavilion: Pavilion, stand: str = "") -> BoothPlacement:
    """Give an approved company's booth its place in one of the edition's pavilions.

    Any status: a draft placed ahead of the edition appears to visitors once it is published.
    """
    ensure(can_place_booths(actor, edition))
    _check_pavilion_of(edition, pavilion)
    if booth.company.status != ExhibitorCompany.Status.APPROVED:
        raise PavilionError(_("Only booths of approved exhibitors can be placed."))
    existing = placement_in(edition, booth)
    if existing is not None:
        raise _already_placed(booth, existing)
    stand = _check_stand(edition, stand, None)
    placement = BoothPlacement(booth_id=booth.id, edition_id=edition.id, pavilion_id=pavilion.id, stand=stand)
    _save_placement(edition, booth, stand, None, lambda: db.session.add(placement))
    return placement


def update_placement(actor: User, placement: BoothPlacement, pavilion: Pavilion, stand: str) -> BoothPlacement:
    """Move a booth to another pavilion of the same edition and/or change its stand."""
    edition = placement.edition
    ensure(can_place_booths(actor, edition))
    _check_pavilion_of(edition, pavilion)
    stand = _check_stand(edition, stand, placement.id)
    booth = placement.booth

    def change() -> None:
        placement.pavilion_id, placement.stand = pavilion.id, stand

    _save_placement(edition, booth, stand, placement.id, change)
    db.session.expire(placement, ["pavilion"])
    return placement


def remove_placement(actor: User, placement: BoothPlacement) -> None:
    """The booth leaves the edition's hall; the booth itself and its other editions' places stay."""
    ensure(can_place_booths(actor, placement.edition))
    db.session.delete(placement)
    db.session.flush()


def _by_stand_then_name(query: Select) -> Select:
    # Booths without a stand yet come after those with one.
    return query.order_by(
        case((BoothPlacement.stand == "", 1), else_=0), BoothPlacement.stand, ExhibitorCompany.name, BoothPlacement.id
    )


def pavilion_placements_query(pavilion: Pavilion) -> Select:
    """Every booth placed in the pavilion, whatever its status (the organizers' list), by stand."""
    return _by_stand_then_name(
        select(BoothPlacement)
        .join(BoothPlacement.booth)
        .join(Booth.company)
        .where(BoothPlacement.pavilion_id == pavilion.id)
        .options(
            contains_eager(BoothPlacement.booth).contains_eager(Booth.company).selectinload(ExhibitorCompany.members)
        )
    )


def published_placements_query(pavilion: Pavilion) -> Select:
    """The pavilion's booths visitors see (published ones), by company name, with what a card shows."""
    return (
        select(BoothPlacement)
        .join(BoothPlacement.booth)
        .join(Booth.company)
        .where(BoothPlacement.pavilion_id == pavilion.id, Booth.status == Booth.Status.PUBLISHED)
        .options(contains_eager(BoothPlacement.booth).contains_eager(Booth.company))
        .order_by(func.lower(ExhibitorCompany.name), BoothPlacement.id)
    )


def booth_counts(edition: Edition, *, published_only: bool) -> dict[int, int]:
    """Pavilion id -> how many booths are placed in it (only published ones if asked): one query."""
    query = (
        select(BoothPlacement.pavilion_id, func.count(BoothPlacement.id))
        .where(BoothPlacement.edition_id == edition.id)
        .group_by(BoothPlacement.pavilion_id)
    )
    if published_only:
        query = query.join(BoothPlacement.booth).where(Booth.status == Booth.Status.PUBLISHED)
    return {pavilion_id: count for pavilion_id, count in db.session.execute(query)}


def booths_to_place_query(edition: Edition, company_name: str = "", *, unplaced_only: bool = False) -> Select:
    """Approved companies' booths (any status) whose company name contains ``company_name``."""
    query = (
        select(Booth)
        .join(Booth.company)
        .where(ExhibitorCompany.status == ExhibitorCompany.Status.APPROVED)
        .options(contains_eager(Booth.company))
        .order_by(func.lower(ExhibitorCompany.name), Booth.id)
    )
    words = " ".join(company_name.split()).lower()
    if words:
        query = query.where(func.lower(ExhibitorCompany.name).contains(words, autoescape=True))
    if unplaced_only:
        query = query.where(
            ~exists().where(BoothPlacement.booth_id == Booth.id, BoothPlacement.edition_id == edition.id)
        )
    return query


def placements_in(edition: Edition, booth_ids: Iterable[int]) -> dict[int, BoothPlacement]:
    """Booth id -> its place in ``edition`` (pavilion loaded), for the booths that have one: one query."""
    ids = set(booth_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(BoothPlacement)
        .where(BoothPlacement.edition_id == edition.id, BoothPlacement.booth_id.in_(ids))
        .options(joinedload(BoothPlacement.pavilion))
    )
    return {placement.booth_id: placement for placement in rows}


def live_booth_ids(booth_ids: Iterable[int], today: date) -> set[int]:
    """Which of these booths are placed in an edition that is on today (published, between its
    first and last day): they show the "live" marker. One query, whatever the number of booths."""
    ids = set(booth_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(BoothPlacement.booth_id)
            .join(BoothPlacement.edition)
            .where(
                BoothPlacement.booth_id.in_(ids),
                Edition.status == Edition.Status.PUBLISHED,
                Edition.starts_on <= today,
                Edition.ends_on >= today,
            )
            .distinct()
        )
    )


def places_of_booth(booth: Booth, *, today: date | None = None) -> list[BoothPlacement]:
    """Where visitors find the booth, newest edition first, edition and pavilion loaded.

    Draft editions stay secret, so their places are left out; with ``today``, so are editions already over.
    """
    query = (
        select(BoothPlacement)
        .join(BoothPlacement.edition)
        .where(BoothPlacement.booth_id == booth.id, Edition.status != Edition.Status.DRAFT)
        .options(contains_eager(BoothPlacement.edition), joinedload(BoothPlacement.pavilion))
        .order_by(Edition.starts_on.desc(), Edition.id.desc())
    )
    if today is not None:
        query = query.where(Edition.ends_on >= today)
    return list(db.session.scalars(query))

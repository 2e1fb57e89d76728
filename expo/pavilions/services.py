"""Organizers arranging an edition's pavilions: creating, changing, ordering and removing them."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from expo.accounts.models import User
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.permissions import can_manage_edition, ensure
from expo.rules import RuleBroken

KINDS = (Pavilion.THEMED, Pavilion.COUNTRY)

# Addresses the blueprint uses for its own pages: a pavilion called so would be unreachable.
RESERVED_SLUGS = frozenset({"manage"})


class PavilionError(RuleBroken):
    """A pavilion rule said no; the message is safe to show, ``field`` names the form field at fault."""


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
        raise PavilionError(_("The web address “%(slug)s” is reserved. Choose another one.", slug=data.slug),
                            "slug")
    others = select(Pavilion).where(Pavilion.edition_id == edition.id)
    if editing is not None:
        others = others.where(Pavilion.id != editing.id)
    if db.session.scalar(others.where(Pavilion.slug == data.slug).limit(1)) is not None:
        raise PavilionError(_("Another pavilion of this edition already uses the web address “%(slug)s”.",
                              slug=data.slug), "slug")
    if data.kind == Pavilion.THEMED:
        # A themed pavilion gathers exhibitors from anywhere; a country left over from editing would mislead.
        return PavilionData(name=data.name, slug=data.slug, kind=data.kind, country=None,
                            description=data.description)
    if not data.country:
        raise PavilionError(_("Choose the country of a country pavilion."), "country")
    if pycountry.countries.get(alpha_2=data.country) is None:
        raise PavilionError(_("Choose a country from the list."), "country")
    clash = db.session.scalar(
        others.where(Pavilion.kind == Pavilion.COUNTRY, Pavilion.country == data.country).limit(1))
    if clash is not None:
        raise PavilionError(_("This edition already has a pavilion for that country: “%(name)s”.",
                              name=clash.name), "country")
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
        raise PavilionError(_("Another organizer has just saved a pavilion with the same web address or "
                              "country. Check the list of pavilions and try again.")) from None


def move_pavilion(actor: User, pavilion: Pavilion, offset: int) -> None:
    """Move a pavilion up (-1) or down (+1) among the pavilions of its kind; the ends stay put."""
    edition = pavilion.edition
    ensure(can_manage_edition(actor, edition))
    ordered = pavilions_of(edition)
    groups = {kind: [item for item in ordered if item.kind == kind] for kind in KINDS}
    group = groups[pavilion.kind]
    index = group.index(pavilion)
    group.insert(min(max(index + offset, 0), len(group) - 1), group.pop(index))
    _renumber([item for kind in KINDS for item in groups[kind]])
    db.session.flush()
    db.session.expire(edition, ["pavilions"])


def delete_pavilion(actor: User, pavilion: Pavilion) -> None:
    """Raises PavilionError when later data (booths) still depends on the pavilion; nothing does yet."""
    edition = pavilion.edition
    ensure(can_manage_edition(actor, edition))
    db.session.delete(pavilion)
    db.session.flush()
    _renumber(pavilions_of(edition))
    db.session.flush()
    db.session.expire(edition, ["pavilions"])

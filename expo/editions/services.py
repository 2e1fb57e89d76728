"""Creating and changing editions; choosing which one the home page shows."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from expo.accounts.models import User
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.editions.models import Edition
from expo.extensions import db
from expo.lib.rules import RuleBroken
from expo.permissions import can_create_edition, can_manage_edition, ensure, organized_edition_ids

# The longest retention period organizers may set: ten years, in either unit.
MAX_RETENTION = {Edition.RetentionUnit.DAYS: 3660, Edition.RetentionUnit.MONTHS: 120}


class EditionError(RuleBroken):
    """Invalid edition data; the message is safe to show, ``field`` names the form field at fault."""


@dataclass(frozen=True)
class EditionData:
    name: str
    slug: str
    starts_on: date
    ends_on: date
    timezone: str
    status: str = Edition.Status.DRAFT
    tagline: str = ""
    venue: str = ""
    city: str = ""
    country: str | None = None
    description: str = ""
    # How long exhibitors keep the personal data of the edition's stand scans after it ends (None: until set).
    lead_retention_amount: int | None = None
    lead_retention_unit: str = Edition.RetentionUnit.MONTHS


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "edition"


def _check(data: EditionData, editing: Edition | None) -> None:
    if data.ends_on < data.starts_on:
        raise EditionError(_("The edition cannot end before it starts."), "ends_on")
    if data.status not in tuple(Edition.Status):
        raise EditionError(_("Unknown status."), "status")
    if data.lead_retention_unit not in tuple(Edition.RetentionUnit):
        raise EditionError(_("Choose days or months."), "lead_retention_unit")
    if (
        data.lead_retention_amount is not None
        and not 1 <= data.lead_retention_amount <= MAX_RETENTION[data.lead_retention_unit]
    ):
        raise EditionError(_("Keep the data for at least a day and at most ten years."), "lead_retention_amount")
    clash = db.session.scalar(select(Edition.id).where(Edition.slug == data.slug))
    if clash is not None and (editing is None or clash != editing.id):
        raise EditionError(_("Another edition already uses the web address “%(slug)s”.", slug=data.slug), "slug")


def _apply(edition: Edition, data: EditionData) -> None:
    for field in EditionData.__dataclass_fields__:
        setattr(edition, field, getattr(data, field))


def create_edition(actor: User, data: EditionData) -> Edition:
    ensure(can_create_edition(actor))
    _check(data, None)
    edition = Edition()
    _apply(edition, data)
    db.session.add(edition)
    db.session.flush()
    return edition


def _retention(amount: int | None, unit: str) -> str | None:
    return f"{amount} {unit}" if amount else None


def update_edition(actor: User, edition: Edition, data: EditionData) -> Edition:
    ensure(can_manage_edition(actor, edition))
    _check(data, edition)
    before = _retention(edition.lead_retention_amount, edition.lead_retention_unit)
    _apply(edition, data)
    after = _retention(edition.lead_retention_amount, edition.lead_retention_unit)
    if before != after:
        # Organizers can trace who decided how long exhibitors keep visitors' data.
        record(
            actor,
            AuditAction.LEAD_RETENTION_CHANGED,
            edition,
            edition_id=edition.id,
            before={"retention": before},
            after={"retention": after},
        )
    db.session.flush()
    return edition


def featured_edition(today: date) -> Edition | None:
    """The published edition running today, else the next one, else the most recent one."""
    published = (
        select(Edition)
        .where(Edition.status == Edition.Status.PUBLISHED)
        .options(selectinload(Edition.pavilions), selectinload(Edition.forums))
    )
    running_or_next = db.session.scalars(
        published.where(Edition.ends_on >= today).order_by(Edition.starts_on).limit(1)
    ).first()
    if running_or_next is not None:
        return running_or_next
    return db.session.scalars(published.order_by(Edition.ends_on.desc()).limit(1)).first()


def editions_organized_by(user: User) -> list[Edition]:
    """The editions ``user`` organizes, newest first, with their pavilions."""
    query = select(Edition).order_by(Edition.starts_on.desc()).options(selectinload(Edition.pavilions))
    ids = organized_edition_ids(user)
    if ids is not None:
        query = query.where(Edition.id.in_(ids))
    return list(db.session.scalars(query))


def editions_visible_to(user: User | None, *, include_drafts: bool) -> list[Edition]:
    query = select(Edition).order_by(Edition.starts_on.desc())
    if not include_drafts:
        query = query.where(Edition.status != Edition.Status.DRAFT)
    return list(db.session.scalars(query))

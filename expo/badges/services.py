"""Badges: who gets one, issuing them, checking a scanned badge, and what an offline device needs.

Services flush and never commit; the view (or the task) commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from expo.badges.codes import code_digest, read_badge_payload
from expo.badges.models import Badge
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.i18n import LocalMoment
from expo.lib.rules import RuleBroken


class BadgeRefused(RuleBroken):
    """A genuine-looking badge is not valid here; ``status`` is the HTTP answer (404 or 409)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


# --- how long a badge is valid ---------------------------------------------------------------------


def valid_until(edition: Edition) -> datetime:
    """Badges open doors until a day after the edition's last day has ended, at the venue: the
    day after lets exhibitors take their stands down."""
    zone = ZoneInfo(edition.timezone)
    return datetime.combine(edition.ends_on + timedelta(days=2), time(), zone)


def valid_from(edition: Edition) -> datetime:
    """From the start of the day before the first one, at the venue: the build-up day. Codes are
    not refused before it (people pick badges up early); offline devices show it."""
    zone = ZoneInfo(edition.timezone)
    return datetime.combine(edition.starts_on - timedelta(days=1), time(), zone)


# --- checking a scanned badge ----------------------------------------------------------------------


def verify_badge(edition: Edition, payload: str, now: datetime | None = None) -> Badge:
    """The badge a scanned code stands for, if it opens ``edition``'s doors now.

    Raises ``BadgeCodeError`` (400) for a code that is not a genuine Expo badge, and ``BadgeRefused``
    with 404 when no badge of this edition carries it (another edition's badge gets the same answer
    as an unknown one), 409 when the badge was revoked, replaced by a reprint, or has expired.
    """
    now = now or utcnow()
    claim = read_badge_payload(payload)  # BadgeCodeError: status 400
    badge = None
    if claim.edition_id == edition.id:
        badge = db.session.scalar(select(Badge).where(Badge.edition_id == edition.id, Badge.user_id == claim.user_id))
    if badge is None or claim.serial > badge.serial:
        raise BadgeRefused(_("No badge of this edition has this code."), 404)
    if badge.revoked_at is not None:
        raise BadgeRefused(
            _("This badge was revoked on %(moment)s.", moment=LocalMoment(badge.revoked_at, edition.timezone)), 409
        )
    if claim.serial < badge.serial:
        replaced = badge.reprinted_at or badge.issued_at
        raise BadgeRefused(
            _(
                "This badge was replaced by a reprint on %(moment)s: ask for the new one.",
                moment=LocalMoment(replaced, edition.timezone),
            ),
            409,
        )
    if now >= valid_until(edition):
        raise BadgeRefused(_("This badge has expired: the edition is over."), 409)
    return badge


# --- what an offline device loads ------------------------------------------------------------------


@dataclass(frozen=True)
class ValidCode:
    """One valid badge as an offline device holds it: the digest of its code (never the code or the
    key), what to show when it is scanned, and until when it is valid."""

    digest: str
    badge_id: int
    user_id: int
    serial: int
    name: str
    company: str
    country: str | None
    role: str
    role_label: str
    valid_from: datetime
    valid_until: datetime

    def as_json(self) -> dict:
        return {
            "digest": self.digest,
            "badge_id": self.badge_id,
            "user_id": self.user_id,
            "serial": self.serial,
            "name": self.name,
            "company": self.company,
            "country": self.country,
            "role": self.role,
            "role_label": self.role_label,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
        }


def valid_codes(edition: Edition, now: datetime | None = None) -> list[ValidCode]:
    """Every badge of ``edition`` that opens its doors (not revoked; only the current serial), in
    one query; empty once the edition has expired. Labels are in the current language."""
    now = now or utcnow()
    until = valid_until(edition)
    if now >= until:
        return []
    starts = valid_from(edition)
    badges = db.session.scalars(
        select(Badge).where(Badge.edition_id == edition.id, Badge.revoked_at.is_(None)).order_by(Badge.id)
    )
    return [
        ValidCode(
            digest=code_digest(badge.payload),
            badge_id=badge.id,
            user_id=badge.user_id,
            serial=badge.serial,
            name=badge.name,
            company=badge.company,
            country=badge.country,
            role=badge.role.value,
            role_label=badge.role.label,
            valid_from=starts,
            valid_until=until,
        )
        for badge in badges
    ]

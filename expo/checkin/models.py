"""Scans that check-in devices sent: each once, by the id the device gave it, with its first answer."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.badges.models import Badge
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum
from expo.registrations.models import Registration


class CheckinScan(db.Model):
    """One scan a check-in device queued (offline or not) and sent: the scan id is the device's
    UUID, unique, so a scan sent again returns the outcome it had the first time and changes nothing."""

    __tablename__ = "checkin_scans"
    __table_args__ = (Index("ix_checkin_scans_edition_received", "edition_id", "received_at"),)

    class Outcome(LabelledStrEnum):
        CHECKED_IN = "checked_in", _l("Checked in")
        DUPLICATE = "duplicate", _l("Duplicate")
        REFUSED = "refused", _l("Not valid")

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(36), unique=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    scanned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What the scan named: a session or course registration (a ticket), or a venue badge.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    badge_id: Mapped[int | None] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"), index=True)
    # The device's clock, within bounds: the check-in time recorded for a first check-in.
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[str] = mapped_column(StrEnumType(Outcome, 20))
    # Why a refused scan was refused, in the language of the person who sent it.
    reason: Mapped[str] = mapped_column(String(300), default="")

    scanned_by: Mapped[User | None] = relationship()
    registration: Mapped[Registration | None] = relationship()
    badge: Mapped[Badge | None] = relationship()

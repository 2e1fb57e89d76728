"""Venue badges: one per person and edition, with what is printed on it and which printing is valid."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.badges.codes import badge_payload
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum
from expo.lib.jobs import Job


class Badge(db.Model):
    """A person's badge for one edition.

    The name, company and country are copied from the profile when the badge is issued (organizers
    correct typos at the help desk): what is printed is what is stored. ``serial`` names the valid
    printing: reprinting a lost badge increments it, and a code carrying an older serial is refused.
    A revoked badge is refused at every door until an organizer reissues it.
    """

    __tablename__ = "badges"
    __table_args__ = (
        UniqueConstraint("edition_id", "user_id"),
        CheckConstraint("serial >= 1", name="serial_positive"),
        Index("ix_badges_user", "user_id"),
        Index("ix_badges_edition_role", "edition_id", "role"),
    )

    class Role(LabelledStrEnum):
        """Listed in precedence order: a person with several roles gets the first that applies."""

        ORGANIZER = "organizer", _l("Organizer")
        STAFF = "staff", _l("Event staff")
        SPEAKER = "speaker", _l("Speaker")
        HOSTED_BUYER = "hosted_buyer", _l("Hosted buyer")
        EXHIBITOR = "exhibitor", _l("Exhibitor")
        DELEGATE = "delegate", _l("Delegate")

        @property
        def precedence(self) -> int:
            return list(type(self)).index(self)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(StrEnumType(Role, 20))
    name: Mapped[str] = mapped_column(String(120))
    company: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    serial: Mapped[int] = mapped_column(default=1)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the current serial was made by a reprint (None: the first printing is still the valid one).
    reprinted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last printed
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    edition: Mapped[Edition] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def payload(self) -> str:
        """The text of this printing's QR code (needs the application: it is signed with its key)."""
        return badge_payload(self.edition_id, self.user_id, self.serial)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<Badge {self.edition_id}/{self.user_id} #{self.serial}>"


class BadgePrint(Job, db.Model):
    """A bulk print of an edition's badges, made into one PDF by the worker.

    queued → running → done, or failed; a failed or stalled one can be made again. The choice of
    badges (day, pavilion, role) is kept so the file can be made again exactly as asked.
    """

    __tablename__ = "badge_prints"
    __table_args__ = (Index("ix_badge_prints_edition", "edition_id", "id"),)

    class Status(LabelledStrEnum):
        QUEUED = "queued", _l("waiting for a worker")
        RUNNING = "running", _l("being made")
        DONE = "done", _l("ready")
        FAILED = "failed", _l("failed")

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    layout: Mapped[str] = mapped_column(String(20))
    day: Mapped[date | None] = mapped_column(Date)
    pavilion_id: Mapped[int | None] = mapped_column(ForeignKey("pavilions.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(StrEnumType(Badge.Role, 20))
    # The requester's language when they asked: the role and country names are printed in it.
    language: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(StrEnumType(Status, 20), default=Status.QUEUED)
    badges_total: Mapped[int] = mapped_column(default=0)
    badges_done: Mapped[int] = mapped_column(default=0)
    pdf_path: Mapped[str | None] = mapped_column(String(300))
    pdf_size: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship()
    pavilion: Mapped[Pavilion | None] = relationship()
    requested_by: Mapped[User | None] = relationship()

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.badges_done / self.badges_total) if self.badges_total else 0

"""Venue badges: one per person and edition, with what is printed on it and which printing is valid."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.badges.codes import badge_payload
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.editions.models import Edition
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum


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

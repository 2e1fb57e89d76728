"""API tokens: personal ones, and team tokens of an exhibitor company or an edition's organizers.

Only a SHA-256 hash of a token is stored: the token itself is shown once, when it is made. Tokens
are long random strings (256 bits), so a fast hash is enough; a slow one would only slow every
request. The first characters (``prefix``) are kept in clear so people can tell their tokens apart.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expo.accounts.models import User
from expo.db_types import StrEnumType, UTCDateTime, utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.lib.enums import LabelledStrEnum


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("kind IN ('personal', 'team', 'edition')", name="kind_known"),
        # A team token belongs to one company, an edition token to one edition, a personal one to neither.
        CheckConstraint("(kind = 'team') = (company_id IS NOT NULL)", name="team_has_company"),
        CheckConstraint("(kind = 'edition') = (edition_id IS NOT NULL)", name="edition_token_has_edition"),
        Index("ix_api_tokens_user", "user_id", "created_at"),
        Index("ix_api_tokens_company", "company_id", "created_at"),
        Index("ix_api_tokens_edition", "edition_id", "created_at"),
    )

    class Kind(LabelledStrEnum):
        PERSONAL = "personal", _l("Personal token")
        TEAM = "team", _l("Exhibitor team token")
        EDITION = "edition", _l("Edition token")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(StrEnumType(Kind, 20))
    # Who made it, and whose rights it acts with: a team or edition token works only while this
    # person still belongs to the team (organizes the edition), checked on every request.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("exhibitor_companies.id", ondelete="CASCADE"))
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Space-separated, from expo.api.scopes.SCOPES.
    scopes: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Kept to the minute: written (with an audit entry) at most once a minute per token.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    company: Mapped[ExhibitorCompany | None] = relationship()
    edition: Mapped[Edition | None] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and not self.is_expired(now)

"""Imports every feature's models so metadata (and Alembic) sees all tables."""

from expo.accounts.models import EditionRole, User
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.forums.models import Forum
from expo.notifications.models import OutboxMessage

__all__ = [
    "CompanyMember",
    "Edition",
    "EditionRole",
    "ExhibitorCompany",
    "Forum",
    "OutboxMessage",
    "Pavilion",
    "User",
]

"""Imports every feature's models so metadata (and Alembic) sees all tables."""

from expo.accounts.models import EditionRole, User
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession, Speaker
from expo.notifications.models import OutboxMessage
from expo.registrations.models import AudienceMessage, Registration, SentReminder

__all__ = [
    "AudienceMessage",
    "CompanyMember",
    "Edition",
    "EditionRole",
    "ExhibitorCompany",
    "Forum",
    "ForumQuestion",
    "OutboxMessage",
    "Pavilion",
    "ProgrammeSession",
    "Registration",
    "SentReminder",
    "Speaker",
    "User",
]

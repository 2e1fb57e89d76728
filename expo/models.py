"""Imports every feature's models so metadata (and Alembic) sees all tables."""

from expo.accounts.models import EditionRole, User
from expo.api.models import ApiToken
from expo.audit.models import AuditEntry
from expo.badges.models import Badge, BadgePrint
from expo.booths.models import Booth, BoothDocument, BoothPlacement
from expo.broadcasts.models import Broadcast, BroadcastRecipient
from expo.catalog.models import Product, ProductCategory, ProductImage
from expo.checkin.models import CheckinScan
from expo.editions.models import Edition, Pavilion
from expo.engagement.models import EngagementEvent, Favourite
from expo.exhibition import search_index  # noqa: F401 - SQLite's FTS5 tables and the search-text listener
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession, Speaker
from expo.leads.models import (
    InquiryItem,
    InquiryMessage,
    InquiryNote,
    InquiryReadMark,
    LeadReport,
    Quotation,
    TradeInquiry,
)
from expo.matchmaking.models import (
    BuyerProfile,
    HostedBuyer,
    HostedChoice,
    HostedProgramme,
    PlannedMeeting,
    Recommendation,
    TeamOffer,
)
from expo.meetings.models import (
    Availability,
    Meeting,
    MeetingAttendee,
    MeetingHold,
    MeetingProduct,
    MeetingReminder,
    MeetingSettings,
    MeetingTable,
    TeamMeetingSettings,
)
from expo.notifications.models import Notification, NotificationPreference, OutboxMessage
from expo.registrations.models import Registration, SentReminder
from expo.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Badge",
    "BadgePrint",
    "BuyerProfile",
    "HostedBuyer",
    "HostedChoice",
    "HostedProgramme",
    "PlannedMeeting",
    "Recommendation",
    "TeamOffer",
    "Booth",
    "BoothDocument",
    "BoothPlacement",
    "Broadcast",
    "BroadcastRecipient",
    "CheckinScan",
    "CompanyMember",
    "Edition",
    "EditionRole",
    "EngagementEvent",
    "ExhibitorCompany",
    "Favourite",
    "Forum",
    "ForumQuestion",
    "InquiryItem",
    "InquiryMessage",
    "InquiryNote",
    "InquiryReadMark",
    "LeadReport",
    "Availability",
    "Meeting",
    "MeetingAttendee",
    "MeetingHold",
    "MeetingProduct",
    "MeetingReminder",
    "MeetingSettings",
    "MeetingTable",
    "TeamMeetingSettings",
    "Notification",
    "NotificationPreference",
    "OutboxMessage",
    "Pavilion",
    "Product",
    "ProductCategory",
    "ProductImage",
    "ProgrammeSession",
    "Quotation",
    "Registration",
    "SentReminder",
    "Speaker",
    "TradeInquiry",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]

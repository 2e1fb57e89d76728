"""The audit trail: one append-only row per change of who may do what, decision, check-in or export.

Rows are written by ``expo.audit.services.record`` inside the transaction of the change they
describe, and never changed or removed: the code has no path for it and the database refuses it
(triggers on SQLite and PostgreSQL, created with the table here and by migration 0009). The one
change allowed is the foreign key's own ON DELETE SET NULL of ``actor_id`` when an account is
deleted; the actor's name and e-mail address copied into the row keep it readable.

TRUNCATE is not guarded (PostgreSQL fires no row trigger for it): it is a table owner's privilege,
which the application's database role does not need; the test suite uses it to empty the tables.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from expo.db_types import UTCDateTime, utcnow
from expo.extensions import db


class AuditAction(StrEnum):
    ORGANIZER_GRANTED = "organizer_granted"
    ORGANIZER_REVOKED = "organizer_revoked"
    CHECKIN_STAFF_ADDED = "checkin_staff_added"
    CHECKIN_STAFF_REMOVED = "checkin_staff_removed"
    TEAM_MEMBER_JOINED = "team_member_joined"
    TEAM_MEMBER_REMOVED = "team_member_removed"
    TEAM_MEMBER_LEFT = "team_member_left"
    OWNERSHIP_HANDED_OVER = "ownership_handed_over"
    EXHIBITOR_APPROVED = "exhibitor_approved"
    EXHIBITOR_REJECTED = "exhibitor_rejected"
    BOOTH_PUBLISHED = "booth_published"
    BOOTH_SUSPENDED = "booth_suspended"
    BOOTH_SENT_BACK = "booth_sent_back"
    CAPACITY_CHANGED = "capacity_changed"
    REGISTRATION_CANCELLED = "registration_cancelled"
    TICKET_CHECKED_IN = "ticket_checked_in"
    REGISTRANTS_EXPORTED = "registrants_exported"
    LEAD_REPORT_DOWNLOADED = "lead_report_downloaded"
    AUDIT_LOG_EXPORTED = "audit_log_exported"
    # A request authenticated by an API token (recorded at most once a minute per token).
    API_TOKEN_USED = "api_token_used"
    HOSTED_PROGRAMME_SETTINGS = "hosted_programme_settings"
    HOSTED_BUYERS_INVITED = "hosted_buyers_invited"
    HOSTED_PLAN_REQUESTED = "hosted_plan_requested"
    PLANNED_MEETING_MOVED = "planned_meeting_moved"
    PLANNED_MEETING_REMOVED = "planned_meeting_removed"
    HOSTED_PLAN_PUBLISHED = "hosted_plan_published"
    API_TOKEN_CREATED = "api_token_created"
    API_TOKEN_REVOKED = "api_token_revoked"
    BADGES_ISSUED = "badges_issued"
    BADGE_REPRINTED = "badge_reprinted"
    BADGE_REVOKED = "badge_revoked"
    BADGE_CORRECTED = "badge_corrected"
    BADGES_PRINTED = "badges_printed"
    LEAD_RETENTION_CHANGED = "lead_retention_changed"
    LEAD_DATA_REMOVED = "lead_data_removed"
    MEETING_RULES_CHANGED = "meeting_rules_changed"
    MEETING_TABLE_ADDED = "meeting_table_added"
    MEETING_TABLE_REMOVED = "meeting_table_removed"
    MEETING_REQUESTS_PAUSED = "meeting_requests_paused"
    MEETING_REQUESTS_RESUMED = "meeting_requests_resumed"
    WEBHOOK_SUBSCRIBED = "webhook_subscribed"
    WEBHOOK_CHANGED = "webhook_changed"
    WEBHOOK_DISABLED = "webhook_disabled"
    WEBHOOK_ENABLED = "webhook_enabled"
    WEBHOOK_SECRET_ROTATED = "webhook_secret_rotated"
    WEBHOOK_DELETED = "webhook_deleted"
    OFFLINE_CODES_LOADED = "offline_codes_loaded"
    LEADS_TAKEN_THROUGH_API = "leads_taken_through_api"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


ACTION_LABELS = {
    AuditAction.ORGANIZER_GRANTED: _l("Organizer role granted"),
    AuditAction.ORGANIZER_REVOKED: _l("Organizer role revoked"),
    AuditAction.CHECKIN_STAFF_ADDED: _l("Check-in staff added"),
    AuditAction.CHECKIN_STAFF_REMOVED: _l("Check-in staff removed"),
    AuditAction.TEAM_MEMBER_JOINED: _l("Joined an exhibitor team"),
    AuditAction.TEAM_MEMBER_REMOVED: _l("Removed from an exhibitor team"),
    AuditAction.TEAM_MEMBER_LEFT: _l("Left an exhibitor team"),
    AuditAction.OWNERSHIP_HANDED_OVER: _l("Team ownership handed over"),
    AuditAction.EXHIBITOR_APPROVED: _l("Exhibitor approved"),
    AuditAction.EXHIBITOR_REJECTED: _l("Exhibitor rejected"),
    AuditAction.BOOTH_PUBLISHED: _l("Booth published"),
    AuditAction.BOOTH_SUSPENDED: _l("Booth suspended"),
    AuditAction.BOOTH_SENT_BACK: _l("Booth sent back for changes"),
    AuditAction.CAPACITY_CHANGED: _l("Capacity changed"),
    AuditAction.REGISTRATION_CANCELLED: _l("Registration cancelled by an organizer"),
    AuditAction.TICKET_CHECKED_IN: _l("Ticket checked in"),
    AuditAction.REGISTRANTS_EXPORTED: _l("Registrant list exported"),
    AuditAction.LEAD_REPORT_DOWNLOADED: _l("Order-lead report downloaded"),
    AuditAction.AUDIT_LOG_EXPORTED: _l("Audit log exported"),
    AuditAction.API_TOKEN_USED: _l("API token used"),
    # Before the programme planned on the meeting rules (migration 0017); kept for older entries.
    AuditAction.HOSTED_PROGRAMME_SETTINGS: _l("Hosted-buyer meeting hours changed"),
    AuditAction.HOSTED_BUYERS_INVITED: _l("Hosted buyers invited"),
    AuditAction.HOSTED_PLAN_REQUESTED: _l("Hosted-buyer plan requested"),
    AuditAction.PLANNED_MEETING_MOVED: _l("Planned meeting moved"),
    AuditAction.PLANNED_MEETING_REMOVED: _l("Planned meeting removed"),
    AuditAction.HOSTED_PLAN_PUBLISHED: _l("Hosted-buyer plan published"),
    AuditAction.API_TOKEN_CREATED: _l("API token created"),
    AuditAction.API_TOKEN_REVOKED: _l("API token revoked"),
    AuditAction.BADGES_ISSUED: _l("Badges prepared"),
    AuditAction.BADGE_REPRINTED: _l("Badge reprinted (the old one stops working)"),
    AuditAction.BADGE_REVOKED: _l("Badge revoked"),
    AuditAction.BADGE_CORRECTED: _l("Badge name or company corrected"),
    AuditAction.BADGES_PRINTED: _l("Badges printed (PDF)"),
    AuditAction.LEAD_RETENTION_CHANGED: _l("Retention period of leads' personal data changed"),
    AuditAction.LEAD_DATA_REMOVED: _l("Leads' personal data removed after the retention period"),
    AuditAction.MEETING_RULES_CHANGED: _l("Meeting rules changed"),
    AuditAction.MEETING_TABLE_ADDED: _l("Meeting table added"),
    AuditAction.MEETING_TABLE_REMOVED: _l("Meeting table removed"),
    AuditAction.MEETING_REQUESTS_PAUSED: _l("Meeting requests paused"),
    AuditAction.MEETING_REQUESTS_RESUMED: _l("Meeting requests resumed"),
    AuditAction.WEBHOOK_SUBSCRIBED: _l("Webhook subscription created"),
    AuditAction.WEBHOOK_CHANGED: _l("Webhook subscription changed"),
    AuditAction.WEBHOOK_DISABLED: _l("Webhook subscription disabled"),
    AuditAction.WEBHOOK_ENABLED: _l("Webhook subscription enabled again"),
    AuditAction.WEBHOOK_SECRET_ROTATED: _l("Webhook signing secret rotated"),
    AuditAction.WEBHOOK_DELETED: _l("Webhook subscription deleted"),
    AuditAction.OFFLINE_CODES_LOADED: _l("Codes with holders' names loaded onto an offline device"),
    AuditAction.LEADS_TAKEN_THROUGH_API: _l("Leads taken through the API"),
}


class AuditObject(StrEnum):
    """What kind of thing an entry is about."""

    USER = "user"
    COMPANY = "company"
    BOOTH = "booth"
    SESSION = "session"
    FORUM = "forum"
    REGISTRATION = "registration"
    LEAD_REPORT = "lead_report"
    AUDIT_LOG = "audit_log"
    API_TOKEN = "api_token"
    HOSTED_PROGRAMME = "hosted_programme"
    EDITION = "edition"
    BADGE = "badge"
    BADGE_PRINT = "badge_print"
    MEETING_RULES = "meeting_rules"
    MEETING_TABLE = "meeting_table"
    WEBHOOK_SUBSCRIPTION = "webhook_subscription"

    @property
    def label(self) -> str:
        return str(OBJECT_LABELS[self])


OBJECT_LABELS = {
    AuditObject.USER: _l("Account"),
    AuditObject.COMPANY: _l("Exhibitor company"),
    AuditObject.BOOTH: _l("Booth"),
    AuditObject.SESSION: _l("Session"),
    AuditObject.FORUM: _l("Forum"),
    AuditObject.REGISTRATION: _l("Registration"),
    AuditObject.LEAD_REPORT: _l("Order-lead report"),
    AuditObject.AUDIT_LOG: _l("Audit log"),
    AuditObject.API_TOKEN: _l("API token"),
    AuditObject.HOSTED_PROGRAMME: _l("Hosted-buyer programme"),
    AuditObject.EDITION: _l("Edition"),
    AuditObject.BADGE: _l("Badge"),
    AuditObject.BADGE_PRINT: _l("Badge print"),
    AuditObject.MEETING_RULES: _l("Meeting rules"),
    AuditObject.MEETING_TABLE: _l("Meeting table"),
    AuditObject.WEBHOOK_SUBSCRIPTION: _l("Webhook subscription"),
}


class AuditEntry(db.Model):
    """Who did what, when, to which object, and what it was before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_occurred", "occurred_at", "id"),
        Index("ix_audit_entries_edition_occurred", "edition_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Copied when the entry is written: the entry stays readable after the account changes or goes.
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(String(300), default="")
    # Not a foreign key: the entry outlives the edition it was about (and scopes it to its organizers).
    edition_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    @property
    def action_label(self) -> str:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action

    @property
    def object_type_label(self) -> str:
        try:
            return AuditObject(self.object_type).label
        except ValueError:
            return self.object_type


# --- the database refuses changes ------------------------------------------------------------------
# Migration 0009 keeps its own copy of these statements: a migration is a snapshot of its day.

APPEND_ONLY_MESSAGE = "audit entries are append-only"
_OTHER_COLUMNS = (
    "id",
    "occurred_at",
    "actor_name",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "edition_id",
    "before",
    "after",
    "ip_address",
)

# Only the foreign key's SET NULL of actor_id (an account deleted) may change a row.
_SQLITE_ACTOR_FORGOTTEN = " AND ".join(
    ["old.actor_id IS NOT NULL", "new.actor_id IS NULL"]
    + [f"new.{column} IS old.{column}" for column in _OTHER_COLUMNS]
)

SQLITE_TRIGGERS = {
    "audit_entries_no_update": (
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        f"WHEN NOT ({_SQLITE_ACTOR_FORGOTTEN}) "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    ),
    "audit_entries_no_delete": (
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    ),
}

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END
$$
"""
POSTGRESQL_TRIGGER = (
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
)

_table = AuditEntry.__table__
for _statement in SQLITE_TRIGGERS.values():
    event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
event.listen(_table, "after_create", DDL(POSTGRESQL_FUNCTION).execute_if(dialect="postgresql"))
event.listen(_table, "after_create", DDL(POSTGRESQL_TRIGGER).execute_if(dialect="postgresql"))
event.listen(
    _table, "after_drop", DDL("DROP FUNCTION IF EXISTS audit_entries_append_only()").execute_if(dialect="postgresql")
)

"""Who hears about what happens to a meeting, in the app and by e-mail, and the reminders before it.

One task per event (``meetings.notify``), published after the commit that made it; each notice goes
through expo.notifications.notify, in the recipient's language and zone, idempotent by a dedupe key
per meeting, revision, event and recipient. Accepted meetings come with their calendar entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import literal, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from expo.accounts.models import User
from expo.background import enqueue_after_commit
from expo.db_types import UTCDateTime, utcnow
from expo.extensions import db
from expo.i18n import datetime_in_zone
from expo.lib.urls import external_url, site_path
from expo.meetings.calendar import meeting_calendar
from expo.meetings.models import Meeting, MeetingAttendee, MeetingReminder, MeetingStatus, Side
from expo.notifications.notify import notify
from expo.notifications.services import Attachment

REMINDER_TASK = "meetings.send_reminder"
REMINDER_BEFORE = timedelta(hours=1)

TITLES = {
    "requested": _l("Meeting request from %(other)s"),
    "countered": _l("%(other)s proposes another time for your meeting"),
    "rescheduled": _l("%(other)s wants to move your meeting"),
    "accepted": _l("Meeting confirmed with %(other)s"),
    "scheduled": _l("Meeting scheduled with %(other)s"),
    "declined": _l("%(other)s declined the meeting"),
    "cancelled": _l("%(other)s cancelled the meeting"),
}
KINDS = {
    "requested": "meeting.requested",
    "countered": "meeting.countered",
    "rescheduled": "meeting.countered",
    "accepted": "meeting.accepted",
    "scheduled": "meeting.accepted",
    "declined": "meeting.declined",
    "cancelled": "meeting.cancelled",
}


def team_recipients(meeting: Meeting) -> list[User]:
    """The attendees once chosen, otherwise the whole team."""
    users = meeting.attendee_users or [member.user for member in meeting.company.members]
    return [user for user in users if not user.is_disabled]


def recipients(meeting: Meeting, acting: Side, event: str) -> list[User]:
    if event == "scheduled":
        sides = (Side.BUYER, Side.TEAM)
    else:
        sides = (acting.other,)
    people: list[User] = []
    for side in sides:
        people += [meeting.buyer] if side == Side.BUYER else team_recipients(meeting)
    return [user for user in people if not user.is_disabled]


def _when(meeting: Meeting, user: User):
    return lambda: datetime_in_zone(meeting.starts_at, user.timezone, "full")


def _other_name(meeting: Meeting, user: User) -> str:
    return meeting.company.name if user.id == meeting.buyer_id else meeting.buyer.name


def tell(meeting_id: int, event: str, acting: str, revision: int) -> int:
    """Tell the other side (both, for a scheduled meeting) what happened; returns how many were told."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or event not in TITLES:
        return 0
    acting_side = Side(acting)
    told = 0
    for user in recipients(meeting, acting_side, event):
        other = _other_name(meeting, user)
        path = site_path("meetings.show_meeting", meeting_id=meeting.id)
        attachments = None
        if event in ("accepted", "scheduled") and meeting.status == MeetingStatus.ACCEPTED:
            attachments = [Attachment("expo-meeting.ics", "text/calendar", meeting_calendar([meeting], user))]
        notify(
            user,
            KINDS[event],
            dedupe_key=f"meeting:{meeting.id}:{revision}:{event}:{user.id}",
            title=_title(event, other),
            body=_when(meeting, user),
            link=path,
            email_template="meeting_notice",
            context={
                "user": user,
                "meeting": meeting,
                "event": event,
                "other": other,
                "when": _when(meeting, user),
                "link": external_url("meetings.show_meeting", meeting_id=meeting.id),
            },
            attachments=attachments,
        )
        told += 1
    return told


def _title(event: str, other: str):
    return lambda: str(TITLES[event]) % {"other": other}


# --- reminders -----------------------------------------------------------------------------------


def _due(lower: datetime, upper: datetime, now: datetime):
    """(meeting, person, starts_at, claimed_at) for every accepted meeting starting in (lower, upper]:
    its buyer and each attendee."""
    in_window = (Meeting.status == MeetingStatus.ACCEPTED, Meeting.starts_at > lower, Meeting.starts_at <= upper)
    claimed = literal(now, UTCDateTime())
    buyers = select(Meeting.id, Meeting.buyer_id, Meeting.starts_at, claimed).where(*in_window)
    attendees = (
        select(Meeting.id, MeetingAttendee.user_id, Meeting.starts_at, claimed)
        .join(MeetingAttendee, MeetingAttendee.meeting_id == Meeting.id)
        .where(*in_window)
    )
    return union_all(buyers, attendees)


def claim_due_reminders(now: datetime | None = None) -> list[tuple[int, int]]:
    """Claim the reminders due (meetings starting within the hour) and queue them: (meeting, person).

    INSERT ... ON CONFLICT DO NOTHING on (meeting, person, start) is the guard: a scheduler firing
    twice, or two beat processes, find nothing left to claim; a meeting moved to a new time is
    reminded again at the new time.
    """
    now = now or utcnow()
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(MeetingReminder)
        .from_select(["meeting_id", "person_id", "starts_at", "claimed_at"], _due(now, now + REMINDER_BEFORE, now))
        .on_conflict_do_nothing()
        .returning(MeetingReminder.meeting_id, MeetingReminder.person_id)
    )
    claimed = [(meeting_id, person_id) for meeting_id, person_id in db.session.execute(statement).all()]
    for meeting_id, person_id in claimed:
        enqueue_after_commit(REMINDER_TASK, meeting_id, person_id)
    return claimed


def send_reminder(meeting_id: int, person_id: int) -> bool:
    meeting = db.session.get(Meeting, meeting_id)
    user = db.session.get(User, person_id)
    if meeting is None or user is None or meeting.status != MeetingStatus.ACCEPTED or user.is_disabled:
        return False
    other = _other_name(meeting, user)
    notify(
        user,
        "meeting.reminder",
        dedupe_key=f"meeting-reminder:{meeting.id}:{user.id}:{meeting.starts_at.isoformat()}",
        title=lambda: str(_l("Your meeting with %(other)s starts within the hour")) % {"other": other},
        body=_when(meeting, user),
        link=site_path("meetings.show_meeting", meeting_id=meeting.id),
        email_template="meeting_notice",
        context={
            "user": user,
            "meeting": meeting,
            "event": "reminder",
            "other": other,
            "when": _when(meeting, user),
            "link": external_url("meetings.show_meeting", meeting_id=meeting.id),
        },
    )
    return True

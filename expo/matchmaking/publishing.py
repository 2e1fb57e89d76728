"""Where a published hosted-buyer plan meets the meetings calendar: one adapter function.

The 1:1 meetings feature (``expo.meetings``, being built on its own branch) will own every meeting,
its holds against double booking, its agenda entry, .ics file and reminders. Until it is merged,
a published ``PlannedMeeting`` is itself the meeting people are shown (``my_planned_meetings``) and
this function only names it. Wiring it in is this function alone: call
``expo.meetings.services.book_scheduled_meeting`` (origin "scheduled") and return its id.
"""

from __future__ import annotations

from expo.accounts.models import User
from expo.editions.models import Edition
from expo.matchmaking.models import PlannedMeeting


def create_scheduled_meeting(actor: User, edition: Edition, planned: PlannedMeeting) -> str:
    """Create the calendar's meeting for one planned meeting; returns a reference to it."""
    return f"planned:{planned.id}"

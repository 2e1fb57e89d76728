"""The dashboard: where a signed-in person lands, with a part for each role they hold."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from expo.dashboard import services
from expo.db_types import utcnow
from expo.matchmaking import services as matchmaking

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@login_required
def show_dashboard():
    now = utcnow()
    return render_template(
        "dashboard/dashboard.html",
        attendee=services.attendee_day(current_user, now),
        booth_days=services.team_days(current_user, now),
        edition_days=services.organizer_days(current_user, now),
        reviews=services.review_queue(current_user),
        recommendations=matchmaking.top_recommendations(current_user),
        now=now,
    )

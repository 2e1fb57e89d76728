"""The public programme: agenda by day and forum, session, forum and speaker pages, calendars."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("forums", __name__, url_prefix="/editions/<slug>")

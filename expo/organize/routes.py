"""Organizer tools for the forum programme: forums, sessions, speakers, questions, registrants."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("organize", __name__, url_prefix="/editions/<slug>/organize")

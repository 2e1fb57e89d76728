"""Checking tickets in at the door, for organizers and check-in staff."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("checkin", __name__, url_prefix="/editions/<slug>/checkin")

"""Registering, cancelling, the personal agenda, tickets and the agenda feed."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("registrations", __name__)

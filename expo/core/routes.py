"""The home page, language choice, health check and the development mail outbox."""

from __future__ import annotations

import email
from datetime import date
from email import policy
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from expo.accounts.forms import ConfirmActionForm
from expo.db_types import utcnow
from expo.editions.services import featured_edition
from expo.exhibition.front_door import front_door
from expo.extensions import csrf, db
from expo.heartbeat import worker_state
from expo.i18n import LANGUAGES, without_language_parameter
from expo.lib.urls import safe_next_path
from expo.page_cache import cached_page
from expo.permissions import can_see_dev_outbox

bp = Blueprint("core", __name__)


@bp.route("/")
@cached_page
def home():
    today = date.today()
    edition = featured_edition(today)
    door = front_door(edition, today, utcnow()) if edition else None
    return render_template(
        "core/home.html", edition=edition, today=today, door=door, live=door is not None and door.live
    )


@bp.route("/language", methods=["POST"])
def set_language():
    """The header's picker: the choice is kept in the session and, for a signed-in person, as their
    preferred language (the one their e-mails use); then back to the same page, on this site only."""
    form = ConfirmActionForm()
    language = request.form.get("language")
    if language not in LANGUAGES:
        abort(400, description=_("Choose one of the languages in the list."))
    if form.validate_on_submit():
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = language
            db.session.commit()
    back = safe_next_path(request.form.get("next"))
    return redirect(without_language_parameter(back) if back else url_for("core.home"))


@bp.route("/healthz")
@csrf.exempt
def healthz():
    checks = {"database": _check_database(), "broker": _check_broker(), "worker": worker_state(current_app)}
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", **checks), 200 if healthy else 503


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the database is down for us
        current_app.logger.error("health check: database unavailable: %s", exc)
        return f"error: {type(exc).__name__}"
    finally:
        db.session.rollback()


def _check_broker() -> str:
    try:
        with current_app.extensions["celery"].connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        current_app.logger.error("health check: broker unavailable: %s", exc)
        return f"error: {type(exc).__name__}"


def _outbox_dir() -> Path:
    if not can_see_dev_outbox(current_app.config, request.remote_addr):
        abort(404)
    return current_app.config["MAIL_OUTBOX_PATH"]


@bp.route("/dev/outbox")
def dev_outbox():
    outbox = _outbox_dir()
    messages = []
    if outbox.exists():
        for path in sorted(outbox.glob("*.eml"), reverse=True)[:100]:
            parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            messages.append(
                {"name": path.stem, "to": parsed["To"], "subject": parsed["Subject"], "date": path.stat().st_mtime}
            )
    return render_template("core/dev_outbox.html", messages=messages)


@bp.route("/dev/outbox/<name>")
def dev_outbox_message(name: str):
    outbox = _outbox_dir()
    if not (name.isascii() and name.isdigit()):
        abort(404)
    path = outbox / f"{name}.eml"
    if not path.exists():
        abort(404)
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    return render_template(
        "core/dev_outbox_message.html",
        message=parsed,
        text_body=text_part.get_content() if text_part else "",
        html_body=html_part.get_content() if html_part else "",
    )

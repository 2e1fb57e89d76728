"""Registrant lists as CSV and Excel files, with one column per custom question (written by expo.exports)."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _

from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.exports import table_file
from expo.extensions import db
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession
from expo.i18n import country_name
from expo.organize.services import utc_to_local
from expo.permissions import can_manage_edition, ensure
from expo.registrations.models import Registration
from expo.registrations.services import forum_of, registrants_query

Target = ProgrammeSession | Forum


def answer_text(question: ForumQuestion, answers: dict | None) -> str:
    value = (answers or {}).get(str(question.id))
    if question.kind == ForumQuestion.CHECKBOX:
        if value is None:
            return ""
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


def export_filename(target: Target, extension: str) -> str:
    if isinstance(target, ProgrammeSession):
        return f"registrants-{target.id}.{extension}"
    return f"registrants-forum-{target.id}.{extension}"


def _header(questions: list[ForumQuestion], zone: str) -> list[str]:
    return [
        _("Full name"),
        _("Organisation"),
        _("Country or region"),
        _("E-mail address"),
        _("Status"),
        _("Waiting-list number"),
        _("Registered at (%(zone)s)", zone=zone),
        _("Checked in at (%(zone)s)", zone=zone),
    ] + [question.label for question in questions]


def _rows(target: Target, questions: list[ForumQuestion], zone: str) -> Iterator[list]:
    """One list per registrant: plain values (str, int, naive local datetime or None)."""
    registrations = db.session.scalars(registrants_query(target).execution_options(yield_per=500))
    for registration in registrations:
        user = registration.user
        yield [
            user.name,
            user.organisation,
            country_name(user.country),
            user.email,
            Registration.Status(registration.status).label,
            registration.waitlist_number if registration.status == Registration.Status.WAITLISTED else None,
            utc_to_local(registration.created_at, zone),
            utc_to_local(registration.checked_in_at, zone),
        ] + [answer_text(question, registration.answers) for question in questions]


def _table(target: Target) -> tuple[list[str], Iterator[list]]:
    zone = forum_of(target).edition.timezone
    questions = list(forum_of(target).questions)
    return _header(questions, zone), _rows(target, questions, zone)


def export_registrants(actor, target: Target, fmt: str) -> bytes:
    """The registrant list as a CSV or XLSX file; personal data leaving the site, so the audit
    trail records who took which list."""
    edition = forum_of(target).edition
    ensure(can_manage_edition(actor, edition))
    header, rows = _table(target)
    exported = 0

    def counted(rows):
        nonlocal exported
        for row in rows:
            exported += 1
            yield row

    content = table_file(fmt, _("Registrants"), header, counted(rows))
    record_registrants_taken(actor, target, fmt, exported)
    return content


def record_registrants_taken(actor, target: Target, fmt: str, people: int) -> None:
    """Personal data leaving the site (a file, or a page of the API's list): the audit trail records
    who took how many people of which list, in the caller's transaction."""
    record(
        actor,
        AuditAction.REGISTRANTS_EXPORTED,
        target,
        edition_id=forum_of(target).edition_id,
        after={"format": fmt, "people": people},
    )

"""Printing badges: a few at once in the request, many by the worker with progress, every download logged.

A print of at most DIRECT_LIMIT badges answers at once: a PDF costs a fixed second or two (reading
the fonts, embedding what is used; more with Chinese) and some 15 ms of CPU a badge
(bench/badge_pdf.py), so fifty badges come back within a few seconds even on a busy machine. A
bigger print is a ``BadgePrint`` the worker makes: two thousand badges take half a minute to a
minute, past what a request may hold a server for, and the page shows how far it is.

Every PDF holds people's names, companies and codes: each download leaves an audit entry with
how many people it holds.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from expo.accounts.models import User
from expo.audit.models import AuditAction, AuditObject
from expo.audit.services import Subject, record
from expo.background import enqueue_after_commit
from expo.badges import printing
from expo.badges.models import Badge, BadgePrint
from expo.badges.services import BadgeError, Selection, badge_for, issue_badges, mark_printed, selected_badges
from expo.content_languages import localized
from expo.db_types import utcnow
from expo.editions.models import Edition, Pavilion
from expo.extensions import db
from expo.i18n import format_day
from expo.lib import jobs
from expo.permissions import can_manage_edition, ensure
from expo.uploads import storage_root

log = logging.getLogger(__name__)

DIRECT_LIMIT = 50
COMPILE_TASK = "badges.make_badge_print"
ISSUE_TASK = "badges.issue_badges"
FOLDER = "badge-prints"
CHUNK = 100  # badges between two progress commits
# What a print starts again from: no badge drawn.
PROGRESS_RESET = {"badges_done": 0}


class NothingToPrint(BadgeError):
    status = 404


class PrintNotStuck(BadgeError):
    status = 409


@dataclass(frozen=True)
class Direct:
    """A print small enough to answer at once."""

    content: bytes
    count: int


def _layout(key: str) -> printing.Layout:
    layout = printing.LAYOUTS.get(key)
    if layout is None:
        raise BadgeError(_("Choose a badge size from the list."), "layout")
    return layout


def _check_selection(edition: Edition, selection: Selection) -> Pavilion | None:
    if selection.day is not None and not (edition.starts_on <= selection.day <= edition.ends_on):
        raise BadgeError(_("Choose one of the edition's days."), "day")
    if selection.pavilion_id is None:
        return None
    pavilion = db.session.get(Pavilion, selection.pavilion_id)
    if pavilion is None or pavilion.edition_id != edition.id:
        raise BadgeError(_("Choose one of the edition's pavilions."), "pavilion")
    return pavilion


def describe_selection(edition: Edition, selection: Selection) -> dict:
    """The filters of a print as the audit entry keeps them (only those that were set)."""
    described: dict = {}
    if selection.day is not None:
        described["day"] = selection.day.isoformat()
    if selection.pavilion_id is not None:
        pavilion = db.session.get(Pavilion, selection.pavilion_id)
        described["pavilion"] = pavilion.name if pavilion else selection.pavilion_id
    if selection.role is not None:
        described["role"] = Badge.Role(selection.role).value
    return described


def request_print(
    actor: User, edition: Edition, selection: Selection, layout_key: str, language: str
) -> Direct | BadgePrint:
    """Issue the badges still missing, then print the chosen ones: at once when they are few
    (the PDF, its download already recorded), else as a job for the worker."""
    ensure(can_manage_edition(actor, edition))
    layout = _layout(layout_key)
    _check_selection(edition, selection)
    issue_badges(actor, edition)
    badges = selected_badges(edition, selection)
    if not badges:
        raise NothingToPrint(_("No badge matches this choice. Choose another day, pavilion or role."))
    if len(badges) <= DIRECT_LIMIT:
        content = printing.render_badges(layout, edition, badges, language)
        mark_printed([badge.id for badge in badges])
        record(
            actor,
            AuditAction.BADGES_PRINTED,
            Subject(AuditObject.BADGE_PRINT, None, _print_label(edition, selection, layout)),
            edition_id=edition.id,
            after={
                "format": "pdf",
                "layout": layout.key,
                "people": len(badges),
                **describe_selection(edition, selection),
            },
        )
        return Direct(content, len(badges))
    job = BadgePrint(
        edition_id=edition.id,
        requested_by_id=actor.id,
        layout=layout.key,
        day=selection.day,
        pavilion_id=selection.pavilion_id,
        role=selection.role,
        language=language,
        status=BadgePrint.Status.QUEUED,
        badges_total=len(badges),
    )
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(COMPILE_TASK, job.id)
    return job


def print_one(actor: User, edition: Edition, user: User, layout_key: str, language: str) -> tuple[bytes, Badge]:
    """The help desk prints one person's badge (issuing it if they are entitled and have none)."""
    ensure(can_manage_edition(actor, edition))
    layout = _layout(layout_key)
    badge = badge_for(edition, user)
    if badge is None:
        raise NothingToPrint(_("%(name)s has no badge for this edition: nothing entitles them to one.", name=user.name))
    if badge.revoked_at is not None:
        raise BadgeError(_("This badge is revoked. Reprint it to give the person a valid badge."))
    content = printing.render_badges(layout, edition, [badge], language)
    mark_printed([badge.id])
    record(
        actor,
        AuditAction.BADGES_PRINTED,
        badge,
        edition_id=edition.id,
        after={"format": "pdf", "layout": layout.key, "people": 1},
    )
    return content, badge


def prepare_badges(actor: User, edition: Edition) -> None:
    """Ask the worker to issue every missing badge of the edition ("Prepare badges")."""
    ensure(can_manage_edition(actor, edition))
    enqueue_after_commit(ISSUE_TASK, edition.id, actor.id)


def issue_for_task(edition_id: int, actor_id: int | None) -> int:
    """The task's body: issue the missing badges of an edition (nothing if it is gone)."""
    edition = db.session.get(Edition, edition_id)
    if edition is None:
        return 0
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    if actor is not None and not can_manage_edition(actor, edition):
        actor = None  # they stopped organizing meanwhile: the worker issues in nobody's name
    return issue_badges(actor, edition).created


# --- the worker's side -----------------------------------------------------------------------------


def claim(print_id: int, now: datetime | None = None) -> bool:
    """Take the print for making: queued, failed or stalled ones; a done one is left alone."""
    return jobs.claim(BadgePrint, print_id, now, reset=PROGRESS_RESET)


def selection_of(job: BadgePrint) -> Selection:
    return Selection(day=job.day, pavilion_id=job.pavilion_id, role=Badge.Role(job.role) if job.role else None)


def make_steps(print_id: int) -> Iterator[str]:
    """Make a claimed print's PDF, yielding after each CHUNK of badges so the task commits the
    progress. The file is written beside its final name and renamed when complete."""
    job = db.session.get(BadgePrint, print_id)
    edition = job.edition
    layout = printing.LAYOUTS[job.layout]
    with force_locale(job.language or "en"):
        badges = selected_badges(edition, selection_of(job))
        texts = printing.printed(badges)
        badge_ids = [badge.id for badge in badges]
        job.badges_total = len(texts)
        job.heartbeat_at = utcnow()
        db.session.flush()
        yield "selected"
        sheet = printing.BadgeSheet(
            layout, edition, [t for b in texts for t in (b.name, b.company, b.country, b.role_label)]
        )
        for number, text in enumerate(texts, start=1):
            sheet.add(text)
            if number % CHUNK == 0:
                job.badges_done = number
                job.heartbeat_at = utcnow()
                db.session.flush()
                yield "chunk"
        content = sheet.output()
    folder = storage_root() / FOLDER / str(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(8)}.pdf"
    part = path.with_suffix(".pdf.part")
    part.write_bytes(content)
    os.replace(part, path)
    root = storage_root()
    if job.pdf_path:
        (root / job.pdf_path).unlink(missing_ok=True)
    now = utcnow()
    mark_printed(badge_ids, now)
    job.pdf_path = str(path.relative_to(root))
    job.pdf_size = len(content)
    job.badges_done = job.badges_total
    job.status = BadgePrint.Status.DONE
    job.finished_at = now
    job.heartbeat_at = now
    db.session.flush()
    yield "done"


def record_failure(print_id: int, error: BaseException) -> None:
    if isinstance(error, printing.BadgeFontsMissing):
        message = _(
            "The server lacks the fonts badges are printed in. Tell the site's administrators (reference %(id)s).",
            id=print_id,
        )
    else:
        message = _(
            "The badges could not be made. Make them again; if it fails again, tell the site's administrators (reference %(id)s).",
            id=print_id,
        )
    if jobs.record_failure(BadgePrint, print_id, message) is not None:
        log.error("badge print %s failed", print_id, exc_info=error)


# --- the organizer's side --------------------------------------------------------------------------


def make_again(actor: User, job: BadgePrint) -> None:
    ensure(can_manage_edition(actor, job.edition))
    if not jobs.is_stuck(job):
        raise PrintNotStuck(_("This print is not stuck: it is %(status)s.", status=BadgePrint.Status(job.status).label))
    jobs.queue_again(job, reset=PROGRESS_RESET)
    enqueue_after_commit(COMPILE_TASK, job.id)


def progress(job: BadgePrint) -> dict:
    """What the print's page polls for (the keys the lead-report page's script reads)."""
    return jobs.progress(
        job,
        ngettext("%(done)s of %(num)d badge", "%(done)s of %(num)d badges", job.badges_total, done=job.badges_done),
    )


def prints_query(edition: Edition):
    return select(BadgePrint).where(BadgePrint.edition_id == edition.id).order_by(BadgePrint.id.desc())


def _print_label(edition: Edition, selection: Selection, layout: printing.Layout) -> str:
    parts = [localized(edition, "name").text]
    if selection.day is not None:
        parts.append(format_day(selection.day))
    if selection.pavilion_id is not None:
        pavilion = db.session.get(Pavilion, selection.pavilion_id)
        parts.append(localized(pavilion, "name").text)
    if selection.role is not None:
        parts.append(Badge.Role(selection.role).label)
    parts.append(str(layout.label))
    return " · ".join(part for part in parts if part)


def describe_print(job: BadgePrint) -> str:
    return _print_label(job.edition, selection_of(job), printing.LAYOUTS[job.layout])


def record_download(actor: User, job: BadgePrint) -> None:
    """A print holds people's names, companies and badge codes: who took it is recorded."""
    ensure(can_manage_edition(actor, job.edition))
    record(
        actor,
        AuditAction.BADGES_PRINTED,
        Subject(AuditObject.BADGE_PRINT, job.id, describe_print(job)),
        edition_id=job.edition_id,
        after={
            "format": "pdf",
            "layout": job.layout,
            "people": job.badges_total,
            **describe_selection(job.edition, selection_of(job)),
        },
    )


def stored_file(job: BadgePrint) -> Path | None:
    if job.status != BadgePrint.Status.DONE or not job.pdf_path:
        return None
    path = storage_root() / job.pdf_path
    return path if path.exists() else None


def filename(job: BadgePrint) -> str:
    return f"badges-{job.edition.slug}-{job.id}.pdf"

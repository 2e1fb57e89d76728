"""Writing the audit trail from inside the services that change things, and reading it back.

``record`` adds its entry to the session of the change it describes: flushed with it, committed
or rolled back with it. Nothing here updates or deletes an entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from expo.accounts.models import User
from expo.audit.models import AuditAction, AuditEntry, AuditObject
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.exports import table_file
from expo.extensions import db
from expo.permissions import can_view_audit_log, ensure

# An account in an object label, as ``describe`` writes it: "Name <address>".
NAMED_ADDRESS = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


@dataclass(frozen=True)
class Subject:
    """What an entry is about when it is no single row (the audit log itself), or to name a row
    differently from ``describe``."""

    type: AuditObject
    id: int | None
    label: str


def describe(obj: Any) -> Subject:
    """The kind, id and a readable name of the row an entry is about."""
    if isinstance(obj, Subject):
        return obj
    table = getattr(obj, "__tablename__", None)
    if table == "users":
        return Subject(AuditObject.USER, obj.id, f"{obj.name} <{obj.email}>")
    if table == "exhibitor_companies":
        return Subject(AuditObject.COMPANY, obj.id, obj.name)
    if table == "booths":
        return Subject(AuditObject.BOOTH, obj.id, obj.company.name)
    if table == "programme_sessions":
        return Subject(AuditObject.SESSION, obj.id, obj.title)
    if table == "forums":
        return Subject(AuditObject.FORUM, obj.id, obj.title)
    if table == "registrations":
        return Subject(AuditObject.REGISTRATION, obj.id, f"{obj.user.name} <{obj.user.email}>: {obj.target.title}")
    if table == "badges":
        return Subject(AuditObject.BADGE, obj.id, f"{obj.name} <{obj.user.email}>")
    if table == "editions":
        return Subject(AuditObject.EDITION, obj.id, obj.name)
    if table == "api_tokens":
        return Subject(AuditObject.API_TOKEN, obj.id, f"{obj.name} ({obj.prefix}…)")
    if table == "lead_reports":
        if obj.booth is not None:
            scope = obj.booth.company.name
        elif obj.pavilion is not None:
            scope = f"{obj.edition.name} / {obj.pavilion.name}"
        else:
            scope = obj.edition.name if obj.edition is not None else "*"
        return Subject(
            AuditObject.LEAD_REPORT,
            obj.id,
            f"#{obj.id} {scope}, {obj.period_from.isoformat()} – {obj.period_to.isoformat()}",
        )
    raise TypeError(f"the audit trail does not know how to name {obj!r}")


def _plain(value: Any) -> Any:
    """JSON for the before and after columns: dates as ISO text, everything else as it is."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def record(
    actor: User | None,
    action: AuditAction,
    obj: Any,
    *,
    edition_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Leave an entry in the caller's transaction: ``actor`` (None: the system) did ``action`` to
    ``obj``, changing ``before`` into ``after`` (small dicts of the fields that changed).
    ``edition_id`` makes the entry visible to that edition's organizers; admins see every entry."""
    subject = describe(obj)
    entry = AuditEntry(
        occurred_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.name if actor is not None else "",
        actor_email=actor.email if actor is not None else "",
        action=AuditAction(action).value,
        object_type=subject.type.value,
        object_id=subject.id,
        object_label=subject.label[:300],
        edition_id=edition_id,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        ip_address=(request.remote_addr or None) if has_request_context() else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the log is narrowed to; dates are whole days in ``timezone`` (the viewer's)."""

    action: str | None = None
    actor: str = ""
    object_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    timezone: str = "UTC"

    def as_dict(self) -> dict[str, Any]:
        """The filters that were set, for the entry recording an export."""
        return {key: _plain(value) for key, value in asdict(self).items() if value and key != "timezone"}


def entries_query(edition_id: int | None, filters: AuditFilters) -> Select:
    """Newest first; ``edition_id`` None means every entry (admins)."""
    query = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    if edition_id is not None:
        query = query.where(AuditEntry.edition_id == edition_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.actor:
        words = filters.actor.strip().lower()
        query = query.where(
            or_(
                func.lower(AuditEntry.actor_name).contains(words, autoescape=True),
                func.lower(AuditEntry.actor_email).contains(words, autoescape=True),
            )
        )
    zone = ZoneInfo(filters.timezone)
    if filters.date_from:
        query = query.where(AuditEntry.occurred_at >= datetime.combine(filters.date_from, time(), zone))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), zone)
        query = query.where(AuditEntry.occurred_at < end)
    return query


# The names the log page gives the fields an export's entry records (others show as stored).
FIELD_LABELS = {
    "people": _l("People in the file"),
    "format": _l("File format"),
    "entries": _l("Entries"),
    "rows": _l("Rows"),
    "layout": _l("Badge size"),
    "day": _l("Day"),
    "pavilion": _l("Pavilion"),
    "role": _l("Role"),
    "serial": _l("Badge number"),
    "created": _l("Badges created"),
    "role_changed": _l("Roles brought up to date"),
}


def field_label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else key


def changes(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for every field either side names, in a stable order."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(before) + [key for key in after if key not in before]
    return [(key, before.get(key), after.get(key)) for key in keys]


# --- exporting -----------------------------------------------------------------------------------


def _header(zone: str) -> list[str]:
    return [
        _("Date and time (%(zone)s)", zone=zone),
        _("Full name"),
        _("E-mail address"),
        _("Action"),
        _("Object type"),
        _("Object"),
        _("Object ID"),
        _("Edition ID"),
        _("Before"),
        _("After"),
        _("IP address"),
    ]


def _json_text(value: dict | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _rows(query: Select, zone: str) -> Iterator[list]:
    local = ZoneInfo(zone)
    for entry in db.session.scalars(query.execution_options(yield_per=1000)):
        yield [
            entry.occurred_at.astimezone(local).replace(tzinfo=None),
            entry.actor_name,
            entry.actor_email,
            entry.action_label,
            entry.object_type_label,
            entry.object_label,
            entry.object_id,
            entry.edition_id,
            _json_text(entry.before),
            _json_text(entry.after),
            entry.ip_address or "",
        ]


def export_entries(actor: User, edition: Edition | None, filters: AuditFilters, fmt: str) -> bytes:
    """``edition``'s log (None: every entry) filtered, as CSV or XLSX. The export itself is
    recorded, after the rows are read: it is not in its own file."""
    ensure(can_view_audit_log(actor, edition))
    edition_id = edition.id if edition is not None else None
    query = entries_query(edition_id, filters)
    header, rows = _header(filters.timezone), _rows(query, filters.timezone)
    exported = [0]
    people: set[str] = set()

    def counted(rows):
        for row in rows:
            exported[0] += 1
            # Who the row names: its actor, and anyone its object label names ("Name <e-mail>").
            people.update(address.lower() for address in (row[2], *NAMED_ADDRESS.findall(row[5])) if address)
            yield row

    # Text cells are inline strings in the workbook, never read as a formula.
    content = table_file(
        fmt, _("Audit log"), header, counted(rows), widths=[20, 24, 30, 30, 18, 40, 10, 10, 40, 40, 16]
    )
    count = exported[0]
    label = edition.name if edition is not None else _("Every edition")
    record(
        actor,
        AuditAction.AUDIT_LOG_EXPORTED,
        Subject(AuditObject.AUDIT_LOG, edition_id, label),
        edition_id=edition_id,
        after={"format": fmt, "entries": count, "people": len(people), **filters.as_dict()},
    )
    return content

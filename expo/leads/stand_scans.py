"""Badge scans at a booth's stand: a batch recorded once, in one transaction, each scan joining its visitor's lead.

The offline app's sync endpoint and the online "Scan a badge" form both call ``record_stand_scans``.
Every scan carries an id its device made (a UUID), unique in stand_scans: a scan sent again (a sync
retried after a lost answer, a double click) is stored once, and sending it again is answered
``already_recorded`` (or ``refused``, for the first time's reason) and changes nothing.

A scan is recorded when
- the scanner is on the booth's team; anybody else is refused the whole batch (NotAllowed, 403) and
  nothing is stored, so the device keeps its queue for a member of the team to send;
- the text is a genuine badge code (expo.badges), of an edition the booth is placed in: a booth is
  open all year online, but at a stand only in the editions it has a place in;
- the badge opened that edition's doors when it was scanned (expo.badges.services.check_claim: not
  revoked, not replaced by a reprint, not expired, judged at the device's time of the scan so that a
  device syncing after the edition still hands its scans in), and its holder is not on the booth's
  own team.
A badge refused for one of these reasons is stored as refused, without its holder, so that sending
the scan again gives the same answer. What the device got wrong (an id that is not a UUID, a rating
outside 1 to 5, notes or tags too long) is refused and not stored: put right, the scan can be sent
again under the same id. Products of the scan that are not (or no longer) the booth's are left out.

A visitor scanned twice is one lead with two scans (expo.leads.scoring); the lead shows the latest
rating and notes. The answer names the visitor as the team may see them: their name and organisation
when they are named to the booth (``scoring.named_clause``: most often they said yes to sharing
their contact details on a badge scan), else their organisation and country.

A batch of up to MAX_BATCH scans runs a fixed number of statements, whatever its size.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import JSON, Row, Select, Text, bindparam, cast, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, selectinload

from expo import permissions
from expo.accounts.models import User
from expo.badges.codes import BadgeClaim, BadgeCodeError, is_badge_payload, read_badge_payload
from expo.badges.models import Badge
from expo.badges.services import BadgeRefused, check_claim
from expo.booths.models import Booth, BoothPlacement
from expo.catalog.models import Product
from expo.checkin.services import normal_scan_id
from expo.db_types import utcnow
from expo.editions.models import Edition
from expo.exhibitors.models import CompanyMember
from expo.extensions import db
from expo.i18n import country_name
from expo.leads.models import StandScan, stand_scan_products
from expo.leads.scoring import named_visitor_ids
from expo.leads.services import LeadError

MAX_BATCH = 500
MAX_NOTES_LENGTH = 2000
MAX_TAGS = 10
MAX_TAG_LENGTH = 40
MAX_PRODUCTS = 20

RECORDED = "recorded"
ALREADY_RECORDED = "already_recorded"
REFUSED = "refused"


class TooManyScans(LeadError):
    status = 413


@dataclass(frozen=True)
class StandScanInput:
    scan_id: str  # a UUID made by the scanning device; idempotency key
    payload: str  # the badge QR text as scanned
    scanned_at: datetime  # device time, aware (a naive time is taken as UTC)
    rating: int | None  # 1..5
    notes: str
    tags: tuple[str, ...]
    product_ids: tuple[int, ...]  # products of this booth discussed


@dataclass(frozen=True)
class StandScanOutcome:
    scan_id: str
    result: str  # "recorded" | "already_recorded" | "refused"
    message: str  # translated, safe to show on the device
    visitor_label: str  # what the team may see: name+company, or company+country without consent

    def as_json(self) -> dict:
        """The answer the offline app shows for the scan."""
        return {"id": self.scan_id, "status": self.result, "message": self.message, "name": self.visitor_label}


def clean_tags(tags: Sequence[str]) -> tuple[str, ...]:
    """Tags as the team typed them, trimmed, without blanks or repeats (case aside), in their order."""
    seen: set[str] = set()
    kept = []
    for tag in tags:
        text = " ".join(str(tag).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            kept.append(text)
    return tuple(kept)


def _input_problem(item: StandScanInput) -> str | None:
    """What is wrong with what the device sent, in words for the person holding it; None: nothing."""
    if item.rating is not None and (type(item.rating) is not int or not 1 <= item.rating <= 5):
        return _("Give a rating from 1 to 5, or none.")
    if len(item.notes or "") > MAX_NOTES_LENGTH:
        return _("Keep the notes to %(count)s characters at most.", count=MAX_NOTES_LENGTH)
    tags = clean_tags(item.tags or ())
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        return _(
            "Give at most %(count)s tags of at most %(length)s characters each.",
            count=MAX_TAGS,
            length=MAX_TAG_LENGTH,
        )
    if len(set(item.product_ids or ())) > MAX_PRODUCTS:
        return _("Choose at most %(count)s products.", count=MAX_PRODUCTS)
    if not isinstance(item.scanned_at, datetime):
        return _("This scan has no valid time: scan the badge again.")
    return None


def _read(payload: str) -> BadgeClaim | StandScan.Refusal:
    if not is_badge_payload(payload or ""):
        return StandScan.Refusal.NOT_A_BADGE
    try:
        return read_badge_payload(payload)
    except BadgeCodeError:
        return StandScan.Refusal.NOT_GENUINE


def visitor_label(user: User | None, *, named: bool, organisation: str = "", country: str | None = None) -> str:
    """The visitor as the team may see them: "Name, Organisation" when named, else "Organisation,
    Country" (organisation and country as recorded with the scan when the account is gone)."""
    if user is not None:
        organisation, country = user.organisation, user.country
    if named and user is not None:
        return ", ".join(part for part in (user.name, user.organisation) if part)
    where = country_name(country)
    if organisation and where:
        return _("%(organisation)s, %(country)s", organisation=organisation, country=where)
    if organisation:
        return organisation
    if where:
        return _("A visitor from %(country)s", country=where)
    return _("A visitor")


def _scan_time(item: StandScanInput, now: datetime) -> datetime:
    """When the scan was made, by the device's clock; never later than it arrived."""
    moment = item.scanned_at if item.scanned_at.tzinfo is not None else item.scanned_at.replace(tzinfo=UTC)
    return min(moment, now)


def _badge_refusal(
    edition: Edition, claim: BadgeClaim, badge: Badge | None, when: datetime
) -> StandScan.Refusal | None:
    """Why the badge does not open the edition's doors at ``when`` (expo.badges' rules), or None."""
    try:
        check_claim(edition, claim, badge, when)
    except BadgeRefused as refused:
        if refused.status == 404 or badge is None:
            return StandScan.Refusal.UNKNOWN
        if badge.revoked_at is not None:
            return StandScan.Refusal.REVOKED
        if claim.serial < badge.serial:
            return StandScan.Refusal.REPLACED
        return StandScan.Refusal.EXPIRED
    return None


def _refused(scan_id: str, message: str) -> StandScanOutcome:
    return StandScanOutcome(scan_id=scan_id, result=REFUSED, message=message, visitor_label="")


def _unnest(column, values: list):
    """PostgreSQL: one column's values as an array parameter, unnested to rows. A JSON value is sent
    as its text (an array of lists would read as a two-dimensional array) and cast back."""
    if isinstance(column.type, JSON):
        text_values = [None if value is None else json.dumps(value) for value in values]
        return cast(func.unnest(bindparam(f"column_{column.name}", text_values, type_=postgresql.ARRAY(Text))), JSON)
    return func.unnest(bindparam(f"column_{column.name}", values, type_=postgresql.ARRAY(column.type)))


def _insert_rows(table, rows: list[dict], *, conflict_key: str | None = None, returning=()):
    """INSERT many rows in one statement (ON CONFLICT DO NOTHING on ``conflict_key``).

    On PostgreSQL the rows travel as one array per column, unnested by the server: a statement of a
    few hundred bytes whatever the batch, where a VALUES list of 500 rows is 8,000 parameters for
    SQLAlchemy and psycopg to process one by one (three quarters of a batch's time, measured in
    bench/stand_scans.py). SQLite takes the VALUES list."""
    if db.session.get_bind().dialect.name == "postgresql":
        names = list(rows[0])
        unnested = select(*[_unnest(table.c[name], [row[name] for row in rows]).label(name) for name in names])
        statement = postgresql.insert(table).from_select(names, unnested)
        parameters = None
    else:
        statement, parameters = sqlite.insert(table), rows
    if conflict_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=[table.c[conflict_key]])
    if returning:
        statement = statement.returning(*returning)
    return db.session.execute(statement, parameters) if parameters is not None else db.session.execute(statement)


def _insert_new(rows: list[dict]) -> dict[str, int]:
    """Insert the scans, leaving out any whose id is stored already (a concurrent sync of the same
    device); returns scan_id → row id of those inserted. One statement."""
    if not rows:
        return {}
    table = StandScan.__table__
    result = _insert_rows(table, rows, conflict_key="scan_id", returning=(table.c.id, table.c.scan_id))
    return {scan_id: row_id for row_id, scan_id in result.all()}


def _stored_scans(scan_ids: list[str]) -> dict[str, Row]:
    """The scans of these ids stored already, by id, with what answering them again needs. One query."""
    return {
        row.scan_id: row
        for row in db.session.execute(
            select(
                StandScan.scan_id,
                StandScan.booth_id,
                StandScan.outcome,
                StandScan.refusal,
                StandScan.visitor_id,
                StandScan.visitor_organisation,
                StandScan.visitor_country,
            ).where(StandScan.scan_id.in_(scan_ids))
        )
    }


def record_stand_scans(
    actor: User, booth: Booth, items: Sequence[StandScanInput], now: datetime | None = None
) -> list[StandScanOutcome]:
    """Record a batch of scans made at ``booth``'s stand by ``actor``: one outcome per item, in order.

    One transaction (the caller commits); see the module's docstring for the rules. Raises NotAllowed
    when ``actor`` is not on the booth's team and TooManyScans past MAX_BATCH items, storing nothing.
    """
    permissions.ensure(
        permissions.can_scan_badges(actor, booth), _("Only the booth's own team can scan badges at its stand.")
    )
    if len(items) > MAX_BATCH:
        raise TooManyScans(
            ngettext("Send at most %(num)d scan at a time.", "Send at most %(num)d scans at a time.", MAX_BATCH)
        )
    now = now or utcnow()
    outcomes: list[StandScanOutcome | None] = [None] * len(items)
    # The first item of each scan id; later items with the same id get its outcome.
    first_of: dict[str, int] = {}
    repeats: list[tuple[int, int]] = []
    for index, item in enumerate(items):
        scan_id = normal_scan_id(item.scan_id)
        if scan_id is None:
            outcomes[index] = _refused(str(item.scan_id), _("This scan has no valid id: scan the badge again."))
        elif scan_id in first_of:
            repeats.append((index, first_of[scan_id]))
        elif (problem := _input_problem(item)) is not None:
            outcomes[index] = _refused(scan_id, problem)
        else:
            first_of[scan_id] = index

    stored = _stored_scans(list(first_of)) if first_of else {}
    claims: dict[str, BadgeClaim | StandScan.Refusal] = {
        scan_id: _read(items[index].payload) for scan_id, index in first_of.items() if scan_id not in stored
    }
    # The editions the booth has a stand in, and the badges the claims of those editions name.
    editions = {
        edition.id: edition
        for edition in db.session.scalars(
            select(Edition)
            .join(BoothPlacement, BoothPlacement.edition_id == Edition.id)
            .where(BoothPlacement.booth_id == booth.id)
        )
    }
    at_stand = [claim for claim in claims.values() if isinstance(claim, BadgeClaim) and claim.edition_id in editions]
    badges: dict[tuple[int, int], Badge] = {}
    if at_stand:
        for badge in db.session.scalars(
            select(Badge).where(
                Badge.edition_id.in_({claim.edition_id for claim in at_stand}),
                Badge.user_id.in_({claim.user_id for claim in at_stand}),
            )
        ):
            badges[badge.edition_id, badge.user_id] = badge
    team = set(db.session.scalars(select(CompanyMember.user_id).where(CompanyMember.company_id == booth.company_id)))
    wanted_users = {badge.user_id for badge in badges.values()}
    wanted_users |= {row.visitor_id for row in stored.values() if row.visitor_id is not None}
    users = (
        {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(wanted_users)))}
        if wanted_users
        else {}
    )

    # Decide each new scan: recorded for a visitor, or refused for a reason.
    decided: dict[str, tuple[User | None, StandScan.Refusal | None, int | None]] = {}
    for scan_id, claim in claims.items():
        if not isinstance(claim, BadgeClaim):
            decided[scan_id] = (None, claim, None)
            continue
        if claim.edition_id not in editions:
            decided[scan_id] = (None, StandScan.Refusal.OTHER_EDITION, None)
            continue
        badge = badges.get((claim.edition_id, claim.user_id))
        # Valid when it was scanned: a device that syncs after the edition ended still hands its scans in.
        refusal = _badge_refusal(editions[claim.edition_id], claim, badge, _scan_time(items[first_of[scan_id]], now))
        if refusal is None and claim.user_id in team:
            refusal = StandScan.Refusal.OWN_TEAM
        if refusal is None and claim.user_id not in users:
            refusal = StandScan.Refusal.UNKNOWN
        decided[scan_id] = (users[claim.user_id] if refusal is None else None, refusal, claim.edition_id)

    visitor_ids = {user.id for user, refusal, _edition in decided.values() if user is not None}
    visitor_ids |= {row.visitor_id for row in stored.values() if row.visitor_id is not None}
    named = named_visitor_ids(booth, visitor_ids)
    scanned_before = (
        set(
            db.session.scalars(
                select(StandScan.visitor_id)
                .where(
                    StandScan.booth_id == booth.id,
                    StandScan.visitor_id.in_(visitor_ids),
                    StandScan.outcome == StandScan.Outcome.RECORDED,
                )
                .distinct()
            )
        )
        if visitor_ids
        else set()
    )
    wanted_products = {product_id for scan_id in decided for product_id in items[first_of[scan_id]].product_ids or ()}
    booth_products = (
        set(db.session.scalars(select(Product.id).where(Product.booth_id == booth.id, Product.id.in_(wanted_products))))
        if wanted_products
        else set()
    )

    def label_of(user: User | None) -> str:
        if user is None:
            return ""
        return visitor_label(user, named=user.share_contact_on_badge_scan or user.id in named)

    rows = []
    for scan_id, (visitor, refusal, edition_id) in decided.items():
        item = items[first_of[scan_id]]
        rows.append(
            {
                "scan_id": scan_id,
                "booth_id": booth.id,
                "edition_id": edition_id,
                "visitor_id": visitor.id if visitor else None,
                "scanned_by_id": actor.id,
                "scanned_at": _scan_time(item, now),
                "received_at": now,
                "outcome": StandScan.Outcome.REFUSED if refusal else StandScan.Outcome.RECORDED,
                "refusal": refusal,
                "rating": item.rating if visitor else None,
                "notes": (item.notes or "").strip() if visitor else "",
                "tags": list(clean_tags(item.tags or ())) if visitor else [],
                "visitor_organisation": visitor.organisation if visitor else "",
                "visitor_country": visitor.country if visitor else None,
                "personal_data_removed_at": None,
            }
        )
    inserted = _insert_new(rows)
    links = [
        {"stand_scan_id": inserted[scan_id], "product_id": product_id}
        for scan_id, (visitor, _refusal, _edition) in decided.items()
        if visitor is not None and scan_id in inserted
        for product_id in sorted(set(items[first_of[scan_id]].product_ids or ()) & booth_products)
    ]
    if links:
        _insert_rows(stand_scan_products, links)
    if len(inserted) < len(decided):
        # Another sync of the same scans committed between our read and our insert: theirs is the first outcome.
        late = [scan_id for scan_id in decided if scan_id not in inserted]
        for scan_id, row in _stored_scans(late).items():
            stored[scan_id] = row
            del decided[scan_id]

    already = _("This scan was recorded already.")
    for scan_id, row in stored.items():
        index = first_of[scan_id]
        if row.booth_id != booth.id:
            outcomes[index] = _refused(scan_id, _("This scan's id was used at another booth: scan the badge again."))
        elif row.outcome == StandScan.Outcome.REFUSED:
            outcomes[index] = _refused(scan_id, StandScan.Refusal(row.refusal).label)
        else:
            visitor = users.get(row.visitor_id) if row.visitor_id is not None else None
            label = (
                label_of(visitor)
                if visitor is not None
                else visitor_label(
                    None, named=False, organisation=row.visitor_organisation, country=row.visitor_country
                )
            )
            outcomes[index] = StandScanOutcome(
                scan_id=scan_id,
                result=ALREADY_RECORDED,
                message=already,
                visitor_label=label,
            )
    joined_in_batch: set[int] = set()
    new_lead = _("Recorded: a new lead for your booth.")
    joins_lead = _("Recorded: this visitor was scanned at your stand before, and the scan joins their lead.")
    for scan_id, (visitor, refusal, _edition) in decided.items():
        index = first_of[scan_id]
        if refusal is not None:
            outcomes[index] = _refused(scan_id, refusal.label)
            continue
        message = joins_lead if visitor.id in scanned_before or visitor.id in joined_in_batch else new_lead
        joined_in_batch.add(visitor.id)
        outcomes[index] = StandScanOutcome(
            scan_id=scan_id, result=RECORDED, message=message, visitor_label=label_of(visitor)
        )
    for index, first in repeats:
        first_outcome = outcomes[first]
        if first_outcome.result == RECORDED:
            first_outcome = StandScanOutcome(
                scan_id=first_outcome.scan_id,
                result=ALREADY_RECORDED,
                message=already,
                visitor_label=first_outcome.visitor_label,
            )
        outcomes[index] = first_outcome
    assert all(outcome is not None for outcome in outcomes)
    return outcomes  # type: ignore[return-value]


# --- reading a lead's scans ----------------------------------------------------------------------


def lead_scans_query(booth: Booth, visitor_id: int) -> Select:
    """The visitor's recorded scans at the booth's stand, newest first, with their products and scanner."""
    return (
        select(StandScan)
        .where(
            StandScan.booth_id == booth.id,
            StandScan.visitor_id == visitor_id,
            StandScan.outcome == StandScan.Outcome.RECORDED,
        )
        .options(selectinload(StandScan.products), joinedload(StandScan.scanned_by))
        .order_by(StandScan.scanned_at.desc(), StandScan.id.desc())
    )


@dataclass(frozen=True)
class Assessment:
    """The team's latest word on a lead: the rating and the notes of its latest scans that have them."""

    rating: int | None
    notes: str


def latest_assessment(booth: Booth, visitor_id: int) -> Assessment:
    def newest(column, *conditions):
        return db.session.scalar(
            select(column)
            .where(
                StandScan.booth_id == booth.id,
                StandScan.visitor_id == visitor_id,
                StandScan.outcome == StandScan.Outcome.RECORDED,
                *conditions,
            )
            .order_by(StandScan.scanned_at.desc(), StandScan.id.desc())
            .limit(1)
        )

    return Assessment(
        rating=newest(StandScan.rating, StandScan.rating.is_not(None)),
        notes=newest(StandScan.notes, StandScan.notes != "") or "",
    )

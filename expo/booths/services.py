"""Booths: opening one for an approved company, the team's editor, the organizers' review, and
finding the ones a viewer may see.

Services take an explicit actor, flush and never commit; the view commits once. Files are
stored before the flush and removed again if the transaction rolls back; replaced files are
removed only after the commit. E-mails are queued on the session and leave after that commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from babel.lists import format_list
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from expo import uploads
from expo.accounts.models import User
from expo.audit.models import AuditAction
from expo.audit.services import record
from expo.booths import contacts, hours, video
from expo.booths.models import Booth, BoothDocument
from expo.db_types import utcnow
from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.i18n import is_known_timezone
from expo.lib.ordering import moved
from expo.lib.rules import RuleBroken
from expo.lib.text import MAX_MARKDOWN_LENGTH, plain_text, render_markdown
from expo.lib.urls import external_url, site_path
from expo.notifications.notify import notify
from expo.permissions import can_edit_booth, can_review_booths, ensure

# The company's logo lives where the exhibitor application stores it.
LOGO_FOLDER = "logos"
BANNER_FOLDER = "banners"
VIDEO_FOLDER = "videos"
DOCUMENT_FOLDER = "brochures"
BANNER_MIN_WIDTH = 960
BANNER_MIN_ASPECT_RATIO = 2.0
BANNER_MAX_SIDE = 2400
MAX_DOCUMENTS = 20
MIN_DESCRIPTION_LENGTH = 100
TAGLINE_MAX_LENGTH = 200
DOCUMENT_TITLE_MAX_LENGTH = 200


class BoothError(RuleBroken):
    """A booth rule said no; the message is safe to show, ``field`` names the form field at fault."""


class BoothIncomplete(BoothError):
    """The booth lacks what a visitor needs before it can go to review."""


class BoothStateChanged(BoothError):
    """The booth is not (or no longer) in the state the action needs: somebody acted first."""

    status = 409


# --- opening and finding -------------------------------------------------------------------------


def open_booth(company: ExhibitorCompany) -> Booth:
    """The company's booth, created as a draft the first time (approval opens it)."""
    booth = db.session.scalar(select(Booth).where(Booth.company_id == company.id))
    if booth is None:
        booth = Booth(
            company=company,
            slug=company.slug,
            country=company.country,
            status=Booth.Status.DRAFT,
            timezone=hours.country_timezone(company.country) or "UTC",
        )
        db.session.add(booth)
        db.session.flush()
    return booth


def find_booth(slug: str) -> Booth | None:
    """The booth at ``slug`` with what its page and permission checks read: the company and its
    team, and the brochures."""
    return db.session.scalar(
        select(Booth)
        .where(Booth.slug == slug)
        .options(joinedload(Booth.company).selectinload(ExhibitorCompany.members), selectinload(Booth.documents))
    )


def booths_by_company(company_ids: list[int]) -> dict[int, Booth]:
    """{company id: booth} for the companies that have one, in one query."""
    if not company_ids:
        return {}
    return {
        booth.company_id: booth for booth in db.session.scalars(select(Booth).where(Booth.company_id.in_(company_ids)))
    }


# --- the team's editor ---------------------------------------------------------------------------


def _ensure_editor(actor: User, booth: Booth) -> None:
    ensure(can_edit_booth(actor, booth), "Only the company's team edits its booth.")


def update_profile(actor: User, booth: Booth, *, tagline: str, description: str) -> None:
    """The tagline and the description (Markdown, kept as typed and rendered to sanitised HTML)."""
    _ensure_editor(actor, booth)
    tagline = " ".join(tagline.split())
    if len(tagline) > TAGLINE_MAX_LENGTH:
        raise BoothError(_("Keep the tagline to %(count)s characters.", count=TAGLINE_MAX_LENGTH), "tagline")
    description = description.strip().replace("\r\n", "\n")
    if len(description) > MAX_MARKDOWN_LENGTH:
        raise BoothError(_("Keep the description to %(count)s characters.", count=MAX_MARKDOWN_LENGTH), "description")
    booth.tagline = tagline
    booth.description = description
    booth.description_html = render_markdown(description)
    db.session.flush()


@dataclass(frozen=True)
class ContactDetails:
    contact_email: str = ""
    contact_phone: str = ""
    whatsapp: str = ""
    wechat: str = ""
    line_id: str = ""


def update_contacts(actor: User, booth: Booth, details: ContactDetails) -> None:
    """E-mail, phone and WhatsApp (international format), WeChat and LINE IDs; any may be left empty."""
    _ensure_editor(actor, booth)
    try:
        cleaned = ContactDetails(
            contact_email=contacts.clean_email(details.contact_email),
            contact_phone=contacts.clean_phone(details.contact_phone, booth.country, "contact_phone"),
            whatsapp=contacts.clean_phone(details.whatsapp, booth.country, "whatsapp"),
            wechat=contacts.clean_wechat(details.wechat),
            line_id=contacts.clean_line_id(details.line_id),
        )
    except contacts.InvalidContact as exc:
        raise BoothError(str(exc), exc.field) from None
    for name, value in vars(cleaned).items():
        setattr(booth, name, value)
    db.session.flush()


def update_opening_hours(actor: User, booth: Booth, *, timezone: str, week: dict[str, list[tuple[str, str]]]) -> None:
    """The booth's zone and its week: each day closed, or one or two periods of local time."""
    _ensure_editor(actor, booth)
    if not is_known_timezone(timezone):
        raise BoothError(_("Choose the booth's time zone from the list."), "timezone")
    try:
        cleaned = hours.clean_week(week)
    except hours.InvalidHours as exc:
        raise BoothError(str(exc), exc.field) from None
    booth.timezone = timezone
    booth.opening_hours = cleaned
    db.session.flush()


def _replace_file(old: str | None) -> None:
    if old:
        uploads.delete_after_commit(old)


def _stored(path: str) -> str:
    uploads.discard_on_rollback(path)
    return path


def _refused_on(field: str, exc: uploads.UploadRejected) -> BoothError:
    error = BoothError(str(exc), field)
    error.status = exc.status
    return error


def _store(field: str, store, *args, **kwargs):
    """Store an upload with ``store``; a refused file becomes a BoothError on ``field`` (400, or 413 if too large)."""
    try:
        return _stored(store(*args, **kwargs))
    except uploads.UploadRejected as exc:
        raise _refused_on(field, exc) from None


IMAGE_CHECKS = {
    "logo": {},
    "banner": {"max_side": BANNER_MAX_SIDE, "min_width": BANNER_MIN_WIDTH, "min_aspect_ratio": BANNER_MIN_ASPECT_RATIO},
}


def _image(field: str, image: uploads.PreparedImage | IO[bytes] | None, read=uploads.read_image):
    if image is None or isinstance(image, uploads.PreparedImage):
        return image
    try:
        return read(image, **IMAGE_CHECKS[field])
    except uploads.UploadRejected as exc:
        raise _refused_on(field, exc) from None


def prepare_images(
    *, logo: IO[bytes] | None = None, banner: IO[bytes] | None = None
) -> tuple[uploads.PreparedImage | None, uploads.PreparedImage | None]:
    """Check and re-encode a new logo and banner before the change (expo.uploads.prepare_image ends
    the request's transaction, so decoding never holds the database's write lock).

    A file that is not a fitting image is refused as a BoothError on its field (400, or 413 when too large).
    """
    return _image("logo", logo, uploads.prepare_image), _image("banner", banner, uploads.prepare_image)


def update_images(
    actor: User,
    booth: Booth,
    *,
    logo: uploads.PreparedImage | IO[bytes] | None = None,
    remove_logo: bool = False,
    banner: uploads.PreparedImage | IO[bytes] | None = None,
    remove_banner: bool = False,
) -> None:
    """The company's logo (the one its application and every listing show) and the booth's wide banner.

    Requests pass what prepare_images made; a stream (commands, tests) is read here. A file that is
    not a fitting image is refused (400, or 413 when too large).
    """
    _ensure_editor(actor, booth)
    logo, banner = _image("logo", logo), _image("banner", banner)
    company = booth.company
    if logo is not None:
        new_logo = _store("logo", uploads.store_image, logo, LOGO_FOLDER)
        _replace_file(company.logo_path)
        company.logo_path = new_logo
    elif remove_logo:
        _replace_file(company.logo_path)
        company.logo_path = None
    if banner is not None:
        new_banner = _store("banner", uploads.store_image, banner, BANNER_FOLDER)
        _replace_file(booth.banner_path)
        booth.banner_path = new_banner
    elif remove_banner:
        _replace_file(booth.banner_path)
        booth.banner_path = None
    db.session.flush()


def _clear_video(booth: Booth) -> None:
    _replace_file(booth.video_path)
    booth.video_path = None
    booth.video_embed_url = ""


def upload_video(actor: User, booth: Booth, stream: IO[bytes]) -> None:
    """An MP4 or WebM file, in place of any earlier video; as large as the site accepts in one upload."""
    _ensure_editor(actor, booth)
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or uploads.VIDEO_MAX_BYTES
    path = _store("video", uploads.store_video, stream, VIDEO_FOLDER, max_bytes=limit)
    _clear_video(booth)
    booth.video_path = path
    db.session.flush()


def link_video(actor: User, booth: Booth, link: str) -> None:
    """A video on an allow-listed host, stored as its canonical player address, in place of any earlier video."""
    _ensure_editor(actor, booth)
    try:
        embed_url = video.canonical_embed_url(link)
    except video.UnsupportedVideoLink as exc:
        raise BoothError(str(exc), "video_link") from None
    _clear_video(booth)
    booth.video_embed_url = embed_url
    db.session.flush()


def remove_video(actor: User, booth: Booth) -> None:
    _ensure_editor(actor, booth)
    _clear_video(booth)
    db.session.flush()


def _title_from_filename(filename: str) -> str:
    stem = Path(filename.replace("\\", "/")).stem
    return " ".join(re.sub(r"[_]+", " ", stem).split())[:DOCUMENT_TITLE_MAX_LENGTH]


def prepare_document(stream: IO[bytes]) -> uploads.PreparedPdf:
    """Parse a brochure before the change (with the request's transaction ended: a long PDF is slow
    to read); anything but an openable PDF within the size limit is refused (400, or 413 when too large)."""
    try:
        return uploads.prepare_pdf(stream)
    except uploads.UploadRejected as exc:
        raise _refused_on("document", exc) from None


def add_document(
    actor: User, booth: Booth, stream: uploads.PreparedPdf | IO[bytes], *, title: str = "", filename: str = ""
) -> BoothDocument:
    """A PDF brochure at the end of the booth's list; its title defaults to the file's name.

    ``stream`` is what prepare_document made (a stream is read here, outside requests). Anything
    but an openable PDF within the size limit is refused (400, or 413 when too large).
    """
    _ensure_editor(actor, booth)
    title = " ".join(title.split()) or _title_from_filename(filename)
    if not title:
        raise BoothError(_("Give the brochure a title, for example “Product catalogue 2027”."), "title")
    if len(title) > DOCUMENT_TITLE_MAX_LENGTH:
        raise BoothError(_("Keep the title to %(count)s characters.", count=DOCUMENT_TITLE_MAX_LENGTH), "title")
    if len(booth.documents) >= MAX_DOCUMENTS:
        raise BoothError(
            _("A booth holds at most %(count)s brochures. Delete one before adding another.", count=MAX_DOCUMENTS),
            "document",
        )
    path, page_count = _store("document", uploads.store_pdf, stream, DOCUMENT_FOLDER)  # a stream is read here
    position = max((document.position for document in booth.documents), default=-1) + 1
    document = BoothDocument(
        title=title, path=path, page_count=page_count, size_bytes=uploads.stored_size(path), position=position
    )
    booth.documents.append(document)
    db.session.flush()
    return document


def _ordered_documents(booth: Booth) -> list[BoothDocument]:
    return sorted(booth.documents, key=lambda document: (document.position, document.id))


def _document_of(booth: Booth, document: BoothDocument) -> None:
    ensure(document.booth_id == booth.id, "brochure of another booth")


def move_document(actor: User, booth: Booth, document: BoothDocument, step: int) -> bool:
    """Move a brochure one place up (step -1) or down (+1); False when it is already at that end."""
    _ensure_editor(actor, booth)
    _document_of(booth, document)
    ordered = _ordered_documents(booth)
    reordered = moved(ordered, document, 1 if step > 0 else -1)
    if reordered == ordered:
        return False
    for position, row in enumerate(reordered):
        row.position = position  # renumbered from 0, so ties left by an old race cannot stick
    db.session.flush()
    return True


def delete_document(actor: User, booth: Booth, document: BoothDocument) -> None:
    _ensure_editor(actor, booth)
    _document_of(booth, document)
    booth.documents.remove(document)
    uploads.delete_after_commit(document.path)
    db.session.flush()


# --- submitting and the organizers' review -------------------------------------------------------


def missing_for_review(booth: Booth) -> list[str]:
    """What the booth still lacks before it can be submitted, each item as the team reads it."""
    missing = []
    if not booth.tagline.strip():
        missing.append(_("a tagline"))
    description_length = len(plain_text(booth.description, limit=10 * MIN_DESCRIPTION_LENGTH))
    if description_length == 0:
        missing.append(_("a description of at least %(count)s characters", count=MIN_DESCRIPTION_LENGTH))
    elif description_length < MIN_DESCRIPTION_LENGTH:
        missing.append(
            _(
                "a longer description (at least %(count)s characters; it has %(length)s)",
                count=MIN_DESCRIPTION_LENGTH,
                length=description_length,
            )
        )
    if not any(contacts.contact_channels(booth)):
        missing.append(_("at least one contact channel (e-mail, phone, WhatsApp, WeChat or LINE)"))
    return missing


def _in_list(items: list[str]) -> str:
    return format_list(items, locale=str(get_locale() or "en"))


def submit_for_review(actor: User, booth: Booth, *, now: datetime | None = None) -> None:
    """Send a draft (or a suspended booth, once fixed) to the organizers' queue."""
    _ensure_editor(actor, booth)
    if booth.status == Booth.Status.SUBMITTED:
        raise BoothStateChanged(_("This booth is already waiting for review."))
    if booth.status == Booth.Status.PUBLISHED:
        raise BoothStateChanged(_("This booth is already published; your changes are live as soon as you save them."))
    missing = missing_for_review(booth)
    if missing:
        raise BoothIncomplete(_("Before you submit the booth for review, add %(missing)s.", missing=_in_list(missing)))
    submitted = db.session.execute(
        update(Booth)
        .where(Booth.id == booth.id, Booth.status.in_([Booth.Status.DRAFT, Booth.Status.SUSPENDED]))
        .values(status=Booth.Status.SUBMITTED, submitted_at=now or utcnow())
    ).rowcount
    if not submitted:
        raise BoothStateChanged(_("The booth's status changed meanwhile. Reload the page to see it."))


def booths_awaiting_review_query():
    return (
        select(Booth)
        .where(Booth.status == Booth.Status.SUBMITTED)
        .options(joinedload(Booth.company).selectinload(ExhibitorCompany.members).joinedload(CompanyMember.user))
        .order_by(Booth.submitted_at, Booth.id)
    )


def count_booths_awaiting_review() -> int:
    return db.session.scalar(select(func.count(Booth.id)).where(Booth.status == Booth.Status.SUBMITTED)) or 0


def publish_booth(actor: User, booth: Booth, *, now: datetime | None = None) -> None:
    """Publish a submitted booth, or publish a suspended one again: visitors see it at once."""
    ensure(can_review_booths(actor))
    _decide(actor, booth, {Booth.Status.SUBMITTED, Booth.Status.SUSPENDED}, Booth.Status.PUBLISHED, now=now)


def send_back_booth(actor: User, booth: Booth, note: str, *, now: datetime | None = None) -> None:
    """Return a submission to draft with a note the team reads on its editor and in the e-mail."""
    ensure(can_review_booths(actor))
    note = note.strip()
    if not note:
        raise BoothError(
            _("Write what the team should change: they read it in the e-mail and on their editor."), "note"
        )
    _decide(actor, booth, {Booth.Status.SUBMITTED}, Booth.Status.DRAFT, note=note, now=now)


def suspend_booth(actor: User, booth: Booth, reason: str, *, now: datetime | None = None) -> None:
    """Take a published booth down: visitors get 404 until an organizer publishes it again."""
    ensure(can_review_booths(actor))
    reason = reason.strip()
    if not reason:
        raise BoothError(
            _("Give the reason for the suspension: the team reads it in the e-mail and on their editor."), "note"
        )
    _decide(actor, booth, {Booth.Status.PUBLISHED}, Booth.Status.SUSPENDED, reason=reason, now=now)


def _decide(
    actor: User,
    booth: Booth,
    from_statuses: set[str],
    status: str,
    *,
    note: str = "",
    reason: str = "",
    now: datetime | None,
) -> None:
    previous = booth.status
    if previous not in from_statuses:
        raise BoothStateChanged(_decided_meanwhile(booth))
    now = now or utcnow()
    values = {"status": status, "reviewed_by_id": actor.id, "reviewed_at": now}
    if status == Booth.Status.PUBLISHED:
        # Settled: neither the old note nor the old reason is what the team should read any more.
        values.update(published_at=now, review_note="", suspended_reason="")
    elif status == Booth.Status.DRAFT:
        values.update(review_note=note)
    else:
        values.update(suspended_reason=reason)
    # Conditional, so two organizers deciding at once cannot both win (nor both e-mail the team).
    decided = db.session.execute(
        update(Booth).where(Booth.id == booth.id, Booth.status.in_(sorted(from_statuses))).values(**values)
    ).rowcount
    if not decided:
        db.session.refresh(booth)
        raise BoothStateChanged(_decided_meanwhile(booth))
    action = {
        Booth.Status.PUBLISHED: AuditAction.BOOTH_PUBLISHED,
        Booth.Status.DRAFT: AuditAction.BOOTH_SENT_BACK,
        Booth.Status.SUSPENDED: AuditAction.BOOTH_SUSPENDED,
    }[status]
    after = {"status": status}
    if note:
        after["review_note"] = note
    if reason:
        after["suspended_reason"] = reason
    record(actor, action, booth, before={"status": previous}, after=after)
    _notify_team(booth, republished=previous == Booth.Status.SUSPENDED)


def _decided_meanwhile(booth: Booth) -> str:
    labels = {
        Booth.Status.DRAFT: _("a draft"),
        Booth.Status.SUBMITTED: _("waiting for review"),
        Booth.Status.PUBLISHED: _("published"),
        Booth.Status.SUSPENDED: _("suspended"),
    }
    return _(
        "Somebody else has just changed this booth's status: it is now %(status)s. Reload the page to see it.",
        status=labels.get(booth.status, booth.status),
    )


def _notify_team(booth: Booth, *, republished: bool) -> None:
    owner_member = booth.company.owner
    if owner_member is None:  # a team is never left without an owner; nobody to tell if it were
        return
    owner = owner_member.user
    status = booth.status
    template = {
        Booth.Status.PUBLISHED: "booth_published",
        Booth.Status.DRAFT: "booth_sent_back",
        Booth.Status.SUSPENDED: "booth_suspended",
    }[status]
    name = booth.company.name
    if status == Booth.Status.PUBLISHED:
        title = _l("The booth of %(company)s is open to visitors", company=name)
        body, link = "", site_path("booths.show_booth", slug=booth.slug)
    elif status == Booth.Status.DRAFT:
        title = _l("The organizers sent the booth of %(company)s back for changes", company=name)
        body, link = booth.review_note, site_path("booths.edit_booth", slug=booth.slug)
    else:
        title = _l("The booth of %(company)s is suspended", company=name)
        body = _l("The organizers' reason: %(reason)s", reason=booth.suspended_reason)
        link = site_path("booths.edit_booth", slug=booth.slug)
    notify(
        owner,
        f"booth.{template.removeprefix('booth_')}",
        # One notice per decision: each is stamped with its own reviewed_at.
        dedupe_key=f"booth-decision:{booth.id}:{status}:{booth.reviewed_at:%Y%m%dT%H%M%S%f}",
        title=title,
        body=body,
        link=link,
        email_template=template,
        context={
            "user": owner,
            "company": booth.company,
            "booth": booth,
            "note": booth.review_note,
            "reason": booth.suspended_reason,
            "republished": republished,
            "booth_url": external_url("booths.show_booth", slug=booth.slug),
            "editor_url": external_url("booths.edit_booth", slug=booth.slug),
        },
    )

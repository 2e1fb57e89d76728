"""Booth pages: the public booth and its files, the team's editor, and the organizers' review."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from expo import content_security_policy, structured_data, uploads
from expo.booths import contacts, hours, services, video
from expo.booths.forms import (
    ContactsForm,
    DocumentForm,
    HoursForm,
    ImagesForm,
    ProfileForm,
    ReviewForm,
    VideoForm,
    file_stream,
)
from expo.booths.models import Booth, BoothDocument
from expo.catalog.services import booth_products_query
from expo.db_types import utcnow
from expo.engagement import services as engagement
from expo.engagement.models import EngagementEvent
from expo.engagement.services import saved_ids
from expo.errors import render_error
from expo.extensions import db
from expo.lib.pagination import requested_page
from expo.lib.rules import show_on_form
from expo.page_cache import cached_page
from expo.pavilions.services import places_of_booth
from expo.permissions import can_edit_booth, can_review_booths, can_view_booth, require
from expo.structured_data import script_json

bp = Blueprint("booths", __name__, url_prefix="/booths")

PRODUCTS_PER_PAGE = 24
BOOTHS_PER_REVIEW_PAGE = 20


def load_booth(slug: str) -> Booth:
    """The booth at ``slug`` if the viewer may see it; a draft is not acknowledged to exist (404)."""
    booth = services.find_booth(slug)
    if booth is None or not can_view_booth(current_user, booth):
        abort(404)
    return booth


def load_booth_for_team(slug: str) -> Booth:
    """The booth for its editor: another company's booth is not there (404); organizers, who see
    every booth, may look but not edit (403)."""
    booth = services.find_booth(slug)
    if booth is None or not (can_edit_booth(current_user, booth) or can_review_booths(current_user)):
        abort(404)
    require(can_edit_booth(current_user, booth))
    return booth


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(error):
    # Raised while the form is read, before anything is changed: what was saved stays as it was.
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    detail = (
        _(
            "The upload is larger than %(size)s, the most the site accepts at once. Nothing was changed; choose "
            "a smaller file and try again.",
            size=uploads.describe_size(limit),
        )
        if limit
        else None
    )
    return render_error(413, detail)


# --- the public booth ----------------------------------------------------------------------------


def _booth_page(template: str, booth: Booth, status: int = 200, **extra):
    """Render a page showing the booth as visitors see it, allowing its video player (if any) in frames."""
    now = utcnow()
    products = db.paginate(
        booth_products_query(booth.id), page=requested_page(), per_page=PRODUCTS_PER_PAGE, error_out=False
    )
    state = hours.open_state(booth.opening_hours or {}, booth.timezone, now)
    origin = video.player_origin(booth.video_embed_url) if booth.video_embed_url else None
    today = date.today()
    response = make_response(
        render_template(
            template,
            booth=booth,
            company=booth.company,
            products=products,
            can_edit=can_edit_booth(current_user, booth),
            places=places_of_booth(booth, today=today),
            today=today,
            saved=saved_ids(current_user, booths=[booth], products=products.items),
            channels=contacts.contact_channels(booth),
            week=hours.week_view(booth.opening_hours or {}, booth.timezone, get_timezone().zone, now),
            open_state=state,
            open_state_text=hours.describe_open_state(state, booth.timezone, now) if state else "",
            player_origin=origin,
            structured_data=script_json(structured_data.booth_organization(booth)),
            **extra,
        ),
        status,
    )
    if origin:
        response.headers["Content-Security-Policy"] = content_security_policy(frame_origin=origin)
    return response


@bp.route("/<slug>")
@cached_page
def show_booth(slug: str):
    booth = load_booth(slug)
    engagement.record(EngagementEvent.BOOTH_VISIT, booth)
    return _booth_page("booths/booth.html", booth)


@bp.route("/<slug>/banner")
def booth_banner(slug: str):
    booth = load_booth(slug)
    return uploads.stored_file_response(booth.banner_path, private=not booth.is_published)


@bp.route("/<slug>/video")
def booth_video(slug: str):
    booth = load_booth(slug)
    return uploads.stored_file_response(booth.video_path, private=not booth.is_published)


def download_filename(title: str) -> str:
    """A file name made of the title's letters and digits (any script), safe in every file system."""
    name = re.sub(r"[^\w\s.-]+", " ", title, flags=re.UNICODE)
    name = re.sub(r"\s+", " ", name).strip(" .-")[:80].strip(" .-")
    return f"{name or 'brochure'}.pdf"


@bp.route("/<slug>/brochures/<int:document_id>")
def download_document(slug: str, document_id: int):
    booth = load_booth(slug)
    document = next((document for document in booth.documents if document.id == document_id), None)
    if document is None:
        abort(404)
    engagement.record(EngagementEvent.BROCHURE_DOWNLOAD, booth, document=document)
    return uploads.stored_file_response(
        document.path, download_name=download_filename(document.title), private=not booth.is_published
    )


# --- the team's editor ---------------------------------------------------------------------------


def _editor(section: str, booth: Booth, form, status: int = 200, **extra):
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return render_template(
        f"booths/edit_{section}.html",
        booth=booth,
        company=booth.company,
        form=form,
        section=section,
        missing=services.missing_for_review(booth),
        day_names=hours.day_names(),
        max_upload=uploads.describe_size(limit) if limit else "",
        **extra,
    ), status


def _saved(booth: Booth, message: str, endpoint: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, slug=booth.slug))


def _refused(section: str, slug: str, form, error: services.BoothError, **extra):
    """Show a refusal on the form; the rollback expired what the page shows, so load it again."""
    show_on_form(form, error)
    return _editor(section, load_booth_for_team(slug), form, error.status, **extra)


def _live_note(booth: Booth) -> str:
    if booth.is_published:
        return _("The booth is published: visitors see the change now.")
    return _("Visitors will see it once an organizer publishes the booth.")


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_booth(slug: str):
    booth = load_booth_for_team(slug)
    form = ProfileForm(obj=booth) if request.method == "GET" else ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user, booth, tagline=form.tagline.data or "", description=form.description.data or ""
            )
        except services.BoothError as exc:
            return _refused("profile", slug, form, exc)
        return _saved(booth, _("Tagline and description saved. %(live)s", live=_live_note(booth)), "booths.edit_booth")
    return _editor("profile", booth, form, 400 if form.is_submitted() else 200)


@bp.route("/<slug>/edit/images", methods=["GET", "POST"])
@login_required
def edit_images(slug: str):
    booth = load_booth_for_team(slug)
    form = ImagesForm()
    if form.validate_on_submit():
        logo, banner = file_stream(form.logo), file_stream(form.banner)
        if not (logo or banner or form.remove_logo.data or form.remove_banner.data):
            form.form_errors.append(_("Choose an image to upload, or tick what to remove."))
            return _editor("images", booth, form, 400)
        try:
            logo, banner = services.prepare_images(logo=logo, banner=banner)  # decoded before the change
            services.update_images(
                current_user,
                booth,
                logo=logo,
                remove_logo=form.remove_logo.data,
                banner=banner,
                remove_banner=form.remove_banner.data,
            )
        except services.BoothError as exc:
            return _refused("images", slug, form, exc)
        return _saved(booth, _("Images saved. %(live)s", live=_live_note(booth)), "booths.edit_images")
    return _editor("images", booth, form, 400 if form.is_submitted() else 200)


@bp.route("/<slug>/edit/video", methods=["GET", "POST"])
@login_required
def edit_video(slug: str):
    booth = load_booth_for_team(slug)
    form = VideoForm()
    if form.validate_on_submit():
        link, stream = (form.video_link.data or "").strip(), form.video_stream()
        if link and stream:
            form.form_errors.append(_("Paste a link or upload a file, not both: a booth shows one video."))
            return _editor("video", booth, form, 400)
        if not link and not stream:
            form.form_errors.append(_("Paste a link to the video or choose a video file."))
            return _editor("video", booth, form, 400)
        try:
            if stream:
                services.upload_video(current_user, booth, stream)
            else:
                services.link_video(current_user, booth, link)
        except services.BoothError as exc:
            return _refused("video", slug, form, exc)
        return _saved(booth, _("Video saved. %(live)s", live=_live_note(booth)), "booths.edit_video")
    return _editor("video", booth, form, 400 if form.is_submitted() else 200)


@bp.route("/<slug>/edit/video/remove", methods=["POST"])
@login_required
def remove_video(slug: str):
    booth = load_booth_for_team(slug)
    services.remove_video(current_user, booth)
    return _saved(booth, _("The video is removed."), "booths.edit_video")


@bp.route("/<slug>/edit/brochures", methods=["GET", "POST"])
@login_required
def edit_documents(slug: str):
    booth = load_booth_for_team(slug)
    form = DocumentForm()
    if form.validate_on_submit():
        stream = file_stream(form.document)
        if stream is None:
            form.document.errors = [_("Choose the PDF file to add.")]
            return _editor("documents", booth, form, 400)
        try:
            document = services.add_document(
                current_user,
                booth,
                services.prepare_document(stream),
                title=form.title.data or "",
                filename=form.document.data.filename,
            )
        except services.BoothError as exc:
            return _refused("documents", slug, form, exc)
        return _saved(
            booth,
            _("“%(title)s” is added (%(pages)s pages).", title=document.title, pages=document.page_count),
            "booths.edit_documents",
        )
    return _editor("documents", booth, form, 400 if form.is_submitted() else 200)


def _document(booth: Booth, document_id: int) -> BoothDocument:
    document = next((document for document in booth.documents if document.id == document_id), None)
    if document is None:
        abort(404)
    return document


@bp.route("/<slug>/edit/brochures/<int:document_id>/move", methods=["POST"])
@login_required
def move_document(slug: str, document_id: int):
    booth = load_booth_for_team(slug)
    document = _document(booth, document_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400, _("Say whether to move the brochure up or down."))
    services.move_document(current_user, booth, document, -1 if direction == "up" else 1)
    db.session.commit()
    return redirect(url_for("booths.edit_documents", slug=booth.slug))


@bp.route("/<slug>/edit/brochures/<int:document_id>/delete", methods=["POST"])
@login_required
def delete_document(slug: str, document_id: int):
    booth = load_booth_for_team(slug)
    document = _document(booth, document_id)
    title = document.title
    services.delete_document(current_user, booth, document)
    return _saved(booth, _("“%(title)s” is deleted.", title=title), "booths.edit_documents")


@bp.route("/<slug>/edit/contacts", methods=["GET", "POST"])
@login_required
def edit_contacts(slug: str):
    booth = load_booth_for_team(slug)
    form = ContactsForm(obj=booth) if request.method == "GET" else ContactsForm()
    if form.validate_on_submit():
        try:
            services.update_contacts(current_user, booth, form.details())
        except services.BoothError as exc:
            return _refused("contacts", slug, form, exc)
        return _saved(booth, _("Contact channels saved. %(live)s", live=_live_note(booth)), "booths.edit_contacts")
    return _editor("contacts", booth, form, 400 if form.is_submitted() else 200)


@bp.route("/<slug>/edit/hours", methods=["GET", "POST"])
@login_required
def edit_hours(slug: str):
    booth = load_booth_for_team(slug)
    if request.method == "GET":
        form = HoursForm(data={"timezone": booth.timezone})
        form.fill_week(booth.opening_hours or {})
    else:
        form = HoursForm()
    if form.validate_on_submit():
        try:
            services.update_opening_hours(current_user, booth, timezone=form.timezone.data or "", week=form.week())
        except services.BoothError as exc:
            return _refused("hours", slug, form, exc)
        return _saved(booth, _("Opening hours saved. %(live)s", live=_live_note(booth)), "booths.edit_hours")
    return _editor("hours", booth, form, 400 if form.is_submitted() else 200)


@bp.route("/<slug>/submit", methods=["POST"])
@login_required
def submit_booth(slug: str):
    booth = load_booth_for_team(slug)
    try:
        services.submit_for_review(current_user, booth)
    except services.BoothError as exc:
        form = ProfileForm(formdata=None, obj=booth)
        return _refused("profile", slug, form, exc)
    return _saved(
        booth,
        _("The booth is submitted. The organizers review it and the owner hears from them by e-mail."),
        "booths.edit_booth",
    )


# --- the organizers' review ----------------------------------------------------------------------


@bp.route("/review")
@login_required
def review_queue():
    require(can_review_booths(current_user))
    pagination = db.paginate(
        services.booths_awaiting_review_query(), page=requested_page(), per_page=BOOTHS_PER_REVIEW_PAGE, error_out=False
    )
    return render_template("booths/review_queue.html", pagination=pagination)


@bp.route("/<slug>/review", methods=["GET", "POST"])
@login_required
def review_booth(slug: str):
    booth = load_booth(slug)
    require(can_review_booths(current_user))
    form = ReviewForm()
    if form.validate_on_submit():
        note = form.note.data or ""
        try:
            if form.publish.data:
                services.publish_booth(current_user, booth)
                message = _("“%(name)s” is published; its owner is told by e-mail.", name=booth.company.name)
            elif form.send_back.data:
                services.send_back_booth(current_user, booth, note)
                message = _("“%(name)s” is sent back to its team with your note.", name=booth.company.name)
            elif form.suspend.data:
                services.suspend_booth(current_user, booth, note)
                message = _(
                    "“%(name)s” is suspended: visitors no longer see it, and its owner is told why by e-mail.",
                    name=booth.company.name,
                )
            else:
                abort(400, _("Choose a decision: publish, send back or suspend."))
        except services.BoothError as exc:
            show_on_form(form, exc)
            return _booth_page("booths/review.html", load_booth(slug), exc.status, form=form)
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("booths.review_queue"))
    return _booth_page("booths/review.html", booth, 400 if form.is_submitted() else 200, form=form)

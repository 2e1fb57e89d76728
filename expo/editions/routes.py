"""Edition pages for visitors and the organizers' edition editor."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from expo import structured_data
from expo.editions import services
from expo.editions.forms import EditionForm
from expo.editions.models import Edition
from expo.extensions import db
from expo.forums.models import Forum, ProgrammeSession
from expo.lib.rules import show_on_form
from expo.permissions import can_create_edition, can_manage_edition, can_view_edition, is_organizer, require
from expo.structured_data import script_json

bp = Blueprint("editions", __name__, url_prefix="/editions")


def load_edition(slug: str) -> Edition:
    """404 for unknown editions and for drafts the viewer may not see (drafts stay secret)."""
    edition = db.session.scalar(
        select(Edition)
        .where(Edition.slug == slug)
        .options(selectinload(Edition.pavilions), selectinload(Edition.forums).selectinload(Forum.sub_forums))
    )
    if edition is None or not can_view_edition(current_user, edition):
        abort(404)
    return edition


def load_in_edition(model, object_id: int, edition_id_of=lambda row: row.edition_id):
    """Load by id within ``g.edition``; another edition's object is a 404, as if it did not exist."""
    row = db.session.get(model, object_id)
    if row is None or edition_id_of(row) != g.edition.id:
        abort(404)
    return row


def scope_to_edition(blueprint: Blueprint) -> None:
    """For blueprints under /editions/<slug>/...: views take no slug argument.

    The slug is pulled from the URL into ``g.edition_slug``; the blueprint's own before_request
    loads the edition into ``g.edition``, and url_for fills the slug in from it, so links inside
    the area (and the shared organizer header) need not repeat it.
    """

    @blueprint.url_value_preprocessor
    def _pull_edition_slug(endpoint, values) -> None:
        g.edition_slug = (values or {}).pop("slug", None)

    @blueprint.url_defaults
    def _add_edition_slug(endpoint, values) -> None:
        if "slug" not in values and "edition" in g:
            values["slug"] = g.edition.slug


@bp.route("/")
def list_editions():
    editions = services.editions_visible_to(current_user, include_drafts=is_organizer(current_user))
    return render_template("editions/list.html", editions=editions, can_create=can_create_edition(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create_edition():
    require(can_create_edition(current_user))
    form = EditionForm()
    if not form.is_submitted():
        form.timezone.data = "Asia/Shanghai"
        # A proposal the organizers see and can change: a year after the edition, then the data goes.
        form.lead_retention_amount.data = 12
    if form.validate_on_submit():
        try:
            edition = services.create_edition(current_user, form.edition_data())
        except services.EditionError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Edition “%(name)s” created.", name=edition.name), "success")
            return redirect(url_for("editions.show_edition", slug=edition.slug))
    return render_template("editions/form.html", form=form, edition=None)


@bp.route("/<slug>")
def show_edition(slug: str):
    edition = load_edition(slug)
    main_forums = [forum for forum in edition.forums if forum.parent_id is None]
    # The forums are the ones already loaded; this fills in their sessions and speakers in two queries.
    forums = db.session.scalars(
        select(Forum)
        .where(Forum.edition_id == edition.id)
        .order_by(Forum.position)
        .options(selectinload(Forum.sessions).selectinload(ProgrammeSession.speakers))
    ).all()
    return render_template(
        "editions/show.html",
        edition=edition,
        main_forums=main_forums,
        structured_data=script_json(structured_data.edition_event(edition, forums)),
        can_manage=can_manage_edition(current_user, edition),
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_edition(slug: str):
    edition = load_edition(slug)
    require(can_manage_edition(current_user, edition))
    form = EditionForm(obj=edition)
    if form.validate_on_submit():
        try:
            services.update_edition(current_user, edition, form.edition_data())
        except services.EditionError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Edition “%(name)s” saved.", name=edition.name), "success")
            return redirect(url_for("editions.show_edition", slug=edition.slug))
    return render_template("editions/form.html", form=form, edition=edition)

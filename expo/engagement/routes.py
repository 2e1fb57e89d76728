"""Engagement pages: events the browser reports, a booth's analytics, and each user's favourites."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import ImmutableMultiDict

from expo import exports
from expo.booths.models import Booth, BoothDocument
from expo.booths.routes import load_booth
from expo.booths.services import find_booth
from expo.catalog.models import Product
from expo.engagement import analytics, services
from expo.engagement.charts import trend_chart
from expo.engagement.forms import FavouriteForm, TrackEventForm
from expo.extensions import db, limiter
from expo.lib.pagination import requested_page
from expo.lib.urls import safe_next_path
from expo.permissions import can_view_booth, can_view_booth_analytics

bp = Blueprint("engagement", __name__)

FAVOURITES_PER_PAGE = 24
# Per client address, above the per-visitor limit: a whole trade-show hall can share one address.
TRACK_ADDRESS_LIMIT = "600 per minute"


def _track_limit() -> str:
    return current_app.config["ENGAGEMENT_TRACK_RATE_LIMIT"]


def _refuse(message: str, errors: dict | None = None):
    return jsonify(error=message, fields=errors or {}), 400


@bp.route("/engagement/track", methods=["POST"])
@limiter.limit(_track_limit, key_func=services.current_visitor_key)
@limiter.limit(TRACK_ADDRESS_LIMIT)
def track_event():
    """A video play (or another event only the browser sees); answers 204 whether or not it was counted."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not all(
        value is None or (isinstance(value, (str, int)) and not isinstance(value, bool)) for value in payload.values()
    ):
        return _refuse(_("Send the event as a JSON object of names and plain values."))
    form = TrackEventForm(
        formdata=ImmutableMultiDict({name: str(value) for name, value in payload.items() if value is not None})
    )
    if not form.validate():
        return _refuse(_("The event is not complete or not valid."), form.errors)
    booth = find_booth(form.booth.data)
    if booth is None or not booth.is_published:
        return _refuse(_("There is no booth on show at that address."))
    product = document = None
    if form.product.data is not None:
        product = db.session.get(Product, form.product.data)
        if product is None or product.booth_id != booth.id:
            return _refuse(_("That product is not in this booth."))
    if form.document.data is not None:
        document = db.session.get(BoothDocument, form.document.data)
        if document is None or document.booth_id != booth.id:
            return _refuse(_("That brochure is not in this booth."))
    services.record(form.kind.data, booth, product=product, document=document)
    return "", 204


def load_booth_for_analytics(slug: str) -> Booth:
    """Analytics are the team's and the reviewers' business; for anyone else they do not exist (404)."""
    booth = load_booth(slug)
    if not can_view_booth_analytics(current_user, booth):
        abort(404)
    return booth


def _period_days() -> int:
    days = request.args.get("days", type=int)
    return days if days in analytics.PERIODS else analytics.DEFAULT_PERIOD


@bp.route("/booths/<slug>/analytics")
@login_required
def show_booth_analytics(slug: str):
    booth = load_booth_for_analytics(slug)
    stats = analytics.booth_analytics(booth, _period_days())
    return render_template(
        "engagement/analytics.html",
        booth=booth,
        company=booth.company,
        stats=stats,
        chart=trend_chart(stats.daily),
        periods=analytics.PERIODS,
    )


@bp.route("/booths/<slug>/analytics.csv")
@login_required
def export_booth_analytics(slug: str):
    booth = load_booth_for_analytics(slug)
    period = analytics.period_ending_today(booth, _period_days())
    # The company's own business figures: sent as no-store.
    return exports.download(analytics.daily_csv(booth, period), "csv", analytics.csv_filename(booth, period))


@bp.route("/favourites")
@login_required
def my_favourites():
    show = request.args.get("show")
    show = show if show in services.FAVOURITE_KINDS else None
    favourites = db.paginate(
        services.favourites_of(current_user, show), page=requested_page(), per_page=FAVOURITES_PER_PAGE, error_out=False
    )
    if not favourites.items and favourites.page > 1 and favourites.pages:
        # The last one on the last page was just removed: show what is left, not an empty page.
        return redirect(url_for("engagement.my_favourites", show=show, page=favourites.pages))
    return render_template(
        "engagement/favourites.html", favourites=favourites, show=show, counts=services.favourite_counts(current_user)
    )


def _load_target(kind: str, target_id: int) -> Booth | Product:
    """The booth or product to save; one the user may not see is not acknowledged to exist (404)."""
    target = db.session.get(Booth if kind == "booth" else Product, target_id)
    if target is None or not can_view_booth(current_user, target if kind == "booth" else target.booth):
        abort(404)
    return target


def _target_name(target: Booth | Product) -> str:
    return target.company.name if isinstance(target, Booth) else target.name


def _target_url(target: Booth | Product) -> str:
    if isinstance(target, Booth):
        return url_for("booths.show_booth", slug=target.slug)
    return url_for("catalog.show_product", slug=target.booth.slug, product_slug=target.slug)


@bp.route("/favourites/<any(booth, product):kind>/<int:target_id>", methods=["POST"])
@login_required
def save_favourite(kind: str, target_id: int):
    target = _load_target(kind, target_id)
    form = FavouriteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.add_favourite(current_user, target)
    except services.FavouriteError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("“%(name)s” is in your favourites.", name=_target_name(target)), "success")
    return redirect(safe_next_path(form.next.data) or _target_url(target))


@bp.route("/favourites/<any(booth, product):kind>/<int:target_id>/remove", methods=["POST"])
@login_required
def remove_favourite(kind: str, target_id: int):
    target = _load_target(kind, target_id)
    form = FavouriteForm()
    if not form.validate_on_submit():
        abort(400)
    services.remove_favourite(current_user, target)
    db.session.commit()
    flash(_("“%(name)s” is no longer in your favourites.", name=_target_name(target)), "info")
    return redirect(safe_next_path(form.next.data) or _target_url(target))

"""Webhook pages for an exhibitor team's owner (/booths/<slug>/webhooks) and an edition's organizers
(/editions/<slug>/webhooks): subscriptions, their secret (shown once, after a redirect), their
deliveries and replay.

Each view is registered for both owners; ``kind`` says which ("booth" or "edition").
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from expo.booths.models import Booth
from expo.content_languages import localized
from expo.editions.models import Edition
from expo.extensions import db
from expo.lib import once
from expo.lib.pagination import requested_page
from expo.lib.rules import show_as_message, show_on_form
from expo.permissions import (
    can_manage_booth_webhooks,
    can_manage_edition_webhooks,
    can_view_edition,
    is_company_member,
    require,
)
from expo.webhooks import services
from expo.webhooks.events import ORGANIZER, TEAM
from expo.webhooks.forms import SubscriptionForm
from expo.webhooks.models import WebhookDelivery, WebhookSubscription

bp = Blueprint("webhooks", __name__)

DELIVERIES_PER_PAGE = 25
KINDS = {"booth": TEAM, "edition": ORGANIZER}


class Owner:
    """The booth or edition whose webhooks the page shows, loaded and authorised."""

    def __init__(self, kind: str, booth: Booth | None, edition: Edition | None):
        self.kind = kind
        self.booth = booth
        self.edition = edition
        self.audience = KINDS[kind]
        self.slug = booth.slug if booth is not None else edition.slug
        # In the reader's language, as the rest of the site names the company or the edition.
        self.name = localized(booth.company, "name") if booth is not None else localized(edition, "name")

    def url(self, action: str, **values) -> str:
        return url_for(f"webhooks.{self.kind}_{action}", slug=self.slug, **values)

    def owns(self, subscription: WebhookSubscription) -> bool:
        if self.booth is not None:
            return subscription.booth_id == self.booth.id
        return subscription.edition_id == self.edition.id


def _owner(kind: str, slug: str) -> Owner:
    """404 for a booth the viewer is not on the team of (an edition they cannot see); 403 for team
    staff and edition viewers who may not manage its webhooks."""
    if kind == "booth":
        booth = db.session.scalar(select(Booth).where(Booth.slug == slug))
        if booth is None or not is_company_member(current_user, booth.company):
            abort(404)
        require(can_manage_booth_webhooks(current_user, booth))
        return Owner(kind, booth, None)
    edition = db.session.scalar(select(Edition).where(Edition.slug == slug))
    if edition is None or not can_view_edition(current_user, edition):
        abort(404)
    require(can_manage_edition_webhooks(current_user, edition))
    return Owner(kind, None, edition)


def _subscription(owner: Owner, subscription_id: int) -> WebhookSubscription:
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or not owner.owns(subscription):
        abort(404)
    return subscription


def _to_secret_page(owner: Owner, subscription: WebhookSubscription, *, rotated: bool):
    """After the POST that made a secret, the page that shows it once (reloading makes nothing twice)."""
    page = owner.url("rotate_secret", subscription_id=subscription.id)
    once.keep_for(page, subscription.secret, rotated=rotated)
    return redirect(page, code=303)


@login_required
def subscriptions(kind: str, slug: str):
    owner = _owner(kind, slug)
    found = services.subscriptions_of(booth=owner.booth, edition=owner.edition)
    return render_template("webhooks/list.html", owner=owner, subscriptions=found)


@login_required
def new_subscription(kind: str, slug: str):
    owner = _owner(kind, slug)
    form = SubscriptionForm(audience=owner.audience)
    del form.enabled
    status = 200
    if form.validate_on_submit():
        try:
            subscription = services.create_subscription(
                current_user, form.data_for_service(), booth=owner.booth, edition=owner.edition
            )
        except services.WebhookRefused as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            return _to_secret_page(owner, subscription, rotated=False)
    elif form.is_submitted():
        status = 400
    return render_template("webhooks/form.html", owner=owner, form=form, subscription=None), status


@login_required
def edit_subscription(kind: str, slug: str, subscription_id: int):
    owner = _owner(kind, slug)
    subscription = _subscription(owner, subscription_id)
    form = SubscriptionForm(obj=subscription, audience=owner.audience)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_subscription(current_user, subscription, form.data_for_service(), enabled=form.enabled.data)
        except services.WebhookRefused as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(_("The subscription is saved."), "success")
            return redirect(owner.url("subscriptions"))
    elif form.is_submitted():
        status = 400
    return render_template("webhooks/form.html", owner=owner, form=form, subscription=subscription), status


@login_required
def rotate_secret(kind: str, slug: str, subscription_id: int):
    """POST: a new signing secret; GET: the page showing a secret just made, once."""
    owner = _owner(kind, slug)
    subscription = _subscription(owner, subscription_id)
    if request.method == "POST":
        services.rotate_secret(current_user, subscription)
        db.session.commit()
        return _to_secret_page(owner, subscription, rotated=True)
    kept = once.take_for(request.path)
    if kept is None:
        return redirect(owner.url("subscriptions"))  # shown once already: rotating makes a new one
    return once.never_stored(
        make_response(
            render_template(
                "webhooks/secret.html",
                owner=owner,
                subscription=subscription,
                secret=kept["secret"],
                rotated=kept.get("rotated", False),
            )
        )
    )


@login_required
def delete_subscription(kind: str, slug: str, subscription_id: int):
    owner = _owner(kind, slug)
    subscription = _subscription(owner, subscription_id)
    services.delete_subscription(current_user, subscription)
    db.session.commit()
    flash(_("The subscription is deleted; nothing more is sent to it."), "success")
    return redirect(owner.url("subscriptions"))


@login_required
def deliveries(kind: str, slug: str, subscription_id: int):
    owner = _owner(kind, slug)
    subscription = _subscription(owner, subscription_id)
    pagination = db.paginate(
        services.deliveries_query(subscription), page=requested_page(), per_page=DELIVERIES_PER_PAGE, error_out=False
    )
    return render_template(
        "webhooks/deliveries.html",
        owner=owner,
        subscription=subscription,
        pagination=pagination,
        attempts=services.attempts_of(pagination.items),
    )


@login_required
def replay_delivery(kind: str, slug: str, subscription_id: int, delivery_id: int):
    owner = _owner(kind, slug)
    subscription = _subscription(owner, subscription_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        abort(404)
    try:
        services.replay(current_user, delivery)
    except services.WebhookRefused as exc:
        show_as_message(exc)
    else:
        db.session.commit()
        flash(_("The delivery is sent again."), "success")
    return redirect(owner.url("deliveries", subscription_id=subscription.id, page=request.args.get("page", type=int)))


for _kind, _prefix in (("booth", "/booths/<slug>/webhooks"), ("edition", "/editions/<slug>/webhooks")):
    _defaults = {"kind": _kind}
    bp.add_url_rule(f"{_prefix}/", f"{_kind}_subscriptions", subscriptions, defaults=_defaults)
    bp.add_url_rule(
        f"{_prefix}/new", f"{_kind}_new_subscription", new_subscription, defaults=_defaults, methods=["GET", "POST"]
    )
    bp.add_url_rule(
        f"{_prefix}/<int:subscription_id>/edit",
        f"{_kind}_edit_subscription",
        edit_subscription,
        defaults=_defaults,
        methods=["GET", "POST"],
    )
    bp.add_url_rule(
        f"{_prefix}/<int:subscription_id>/secret",
        f"{_kind}_rotate_secret",
        rotate_secret,
        defaults=_defaults,
        methods=["GET", "POST"],
    )
    bp.add_url_rule(
        f"{_prefix}/<int:subscription_id>/delete",
        f"{_kind}_delete_subscription",
        delete_subscription,
        defaults=_defaults,
        methods=["POST"],
    )
    bp.add_url_rule(f"{_prefix}/<int:subscription_id>", f"{_kind}_deliveries", deliveries, defaults=_defaults)
    bp.add_url_rule(
        f"{_prefix}/<int:subscription_id>/deliveries/<int:delivery_id>/replay",
        f"{_kind}_replay_delivery",
        replay_delivery,
        defaults=_defaults,
        methods=["POST"],
    )

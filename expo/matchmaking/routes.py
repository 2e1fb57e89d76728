"""Matchmaking pages: a buyer's sourcing profile and recommendations, a team's offer and the buyers
who fit it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from expo.booths.routes import load_booth_for_team
from expo.catalog.services import category_tree
from expo.extensions import db
from expo.lib.pagination import requested_page
from expo.lib.rules import show_on_form
from expo.matchmaking import display, hosted, services
from expo.matchmaking.forms import SourcingProfileForm, TeamOfferForm

bp = Blueprint("matchmaking", __name__)


@bp.app_context_processor
def _matchmaking_helpers():
    return {"reasons_text": display.reasons_text, "language_name": display.language_name}


def meeting_request_url(booth) -> str:
    """Where "Request a meeting" leads: the meetings' request form for the booth."""
    return url_for("meetings.request_meeting", slug=booth.slug)


@bp.route("/my/sourcing-profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    profile = services.profile_of(current_user)
    form = SourcingProfileForm(categories=category_tree())
    status = 200
    if request.method == "GET" and profile is not None:
        form.process(data=SourcingProfileForm.data_of(profile))
    elif request.method == "POST":
        if form.validate_on_submit():
            try:
                services.save_buyer_profile(current_user, form.profile_data())
            except services.MatchmakingError as exc:
                show_on_form(form, exc)
                status = exc.status
            else:
                db.session.commit()
                flash(_("Your sourcing profile is saved. Recommendations are updated within a minute."), "success")
                return redirect(url_for("matchmaking.recommended_for_you"))
        else:
            status = 400
    return render_template("matchmaking/profile.html", form=form, profile=profile), status


@bp.route("/my/recommendations")
@login_required
def recommended_for_you():
    profile = services.profile_of(current_user)
    page = services.recommended_exhibitors(current_user, requested_page()) if profile else None
    return render_template(
        "matchmaking/recommendations.html",
        profile=profile,
        page=page,
        meeting_request_url=meeting_request_url,
        reader=display.BUYER,
    )


@bp.route("/booths/<slug>/offer", methods=["GET", "POST"])
@login_required
def edit_offer(slug: str):
    booth = load_booth_for_team(slug)
    offer = services.offer_of(booth.company)
    form = TeamOfferForm()
    status = 200
    if request.method == "GET" and offer is not None:
        form.process(data=TeamOfferForm.data_of(offer))
    elif request.method == "POST":
        if form.validate_on_submit():
            try:
                services.save_team_offer(current_user, booth.company, form.offer_data())
            except services.MatchmakingError as exc:
                show_on_form(form, exc)
                status = exc.status
            else:
                db.session.commit()
                flash(_("Your offer is saved. Buyers who fit are updated within a minute."), "success")
                return redirect(url_for("matchmaking.buyers_who_fit", slug=booth.slug))
        else:
            status = 400
    return render_template("matchmaking/offer.html", form=form, booth=booth), status


@bp.route("/booths/<slug>/buyers-who-fit")
@login_required
def buyers_who_fit(slug: str):
    booth = load_booth_for_team(slug)
    page = services.buyers_who_fit(booth.company, requested_page())
    return render_template(
        "matchmaking/buyers.html",
        booth=booth,
        page=page,
        reader=display.TEAM,
        programmes=hosted.programmes_of_booth(booth),
    )

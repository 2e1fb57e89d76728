"""Exhibitor onboarding pages: applying, the review queue, a company's team, and invitations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from expo import uploads
from expo.booths import services as booth_services
from expo.exhibitors import services
from expo.exhibitors.forms import ApplicationForm, InviteForm, ReviewForm
from expo.exhibitors.models import CompanyInvitation, CompanyMember, ExhibitorCompany
from expo.extensions import db, limiter
from expo.lib.pagination import requested_page
from expo.lib.rules import show_on_form
from expo.permissions import (
    can_apply_as_exhibitor,
    can_edit_company_application,
    can_manage_company_team,
    can_review_booths,
    can_review_exhibitors,
    can_view_company_logo,
    can_view_company_team,
    is_company_member,
    require,
)

bp = Blueprint("exhibitors", __name__, url_prefix="/exhibitors")

APPLICATIONS_PER_PAGE = 20
# Invitations e-mail any address the owner types: a cap keeps an account from becoming a spam relay.
INVITATION_LIMIT = "20 per hour"


def _find_company(slug: str) -> ExhibitorCompany:
    company = db.session.scalar(
        select(ExhibitorCompany)
        .where(ExhibitorCompany.slug == slug)
        .options(selectinload(ExhibitorCompany.members).selectinload(CompanyMember.user))
    )
    if company is None:
        abort(404)
    return company


def load_company(slug: str) -> ExhibitorCompany:
    company = _find_company(slug)
    # Another company's team is not even acknowledged to exist.
    if not can_view_company_team(current_user, company):
        abort(404)
    return company


def _member(company: ExhibitorCompany, member_id: int) -> CompanyMember:
    member = next((member for member in company.members if member.id == member_id), None)
    if member is None:
        abort(404)
    return member


# --- my companies and applying -------------------------------------------------------------------


@bp.route("/mine")
@login_required
def my_companies():
    pending = services.count_pending_applications() if can_review_exhibitors(current_user) else None
    booths_pending = booth_services.count_booths_awaiting_review() if can_review_booths(current_user) else None
    memberships = services.memberships_of(current_user)
    return render_template(
        "exhibitors/mine.html",
        memberships=memberships,
        pending_count=pending,
        booths_pending_count=booths_pending,
        booths=booth_services.booths_by_company([member.company_id for member in memberships]),
    )


def _logo(form: ApplicationForm) -> uploads.PreparedImage | None:
    """The new logo, decoded and re-encoded before the change (no transaction open while decoding)."""
    stream = form.logo_stream()
    return uploads.prepare_image(stream) if stream is not None else None


@bp.route("/apply", methods=["GET", "POST"])
@login_required
def apply_to_exhibit():
    require(can_apply_as_exhibitor(current_user))
    form = ApplicationForm()
    status = 200
    if form.validate_on_submit():
        try:
            company = services.apply_for_exhibitor(current_user, form.application_data(), logo=_logo(form))
        except uploads.UploadRejected as exc:
            db.session.rollback()
            form.logo.errors = [str(exc)]
            status = exc.status
        except services.ExhibitorError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            flash(
                _(
                    "Your application for “%(name)s” is sent. The organizers review it and you will hear from "
                    "them by e-mail.",
                    name=company.name,
                ),
                "success",
            )
            return redirect(url_for("exhibitors.show_team", slug=company.slug))
    elif form.is_submitted():
        status = 400
    return render_template("exhibitors/application_form.html", form=form, company=None), status


@bp.route("/<slug>/application", methods=["GET", "POST"])
@login_required
def edit_application(slug: str):
    company = load_company(slug)
    require(can_edit_company_application(current_user, company))
    if company.status == ExhibitorCompany.Status.APPROVED:
        flash(_("“%(name)s” is already approved; its application cannot be changed.", name=company.name), "info")
        return redirect(url_for("exhibitors.show_team", slug=company.slug))
    form = ApplicationForm(obj=company)
    status = 200
    if form.validate_on_submit():
        try:
            resubmitted = services.update_application(
                current_user, company, form.application_data(), logo=_logo(form), remove_logo=form.remove_logo.data
            )
        except uploads.UploadRejected as exc:
            db.session.rollback()
            form.logo.errors = [str(exc)]
            status = exc.status
        except services.ExhibitorError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            if resubmitted:
                flash(
                    _(
                        "Your application is sent again. The organizers review it and you will hear from them "
                        "by e-mail."
                    ),
                    "success",
                )
            else:
                flash(_("Your application is saved."), "success")
            return redirect(url_for("exhibitors.show_team", slug=company.slug))
    elif form.is_submitted():
        status = 400
    return render_template("exhibitors/application_form.html", form=form, company=company), status


@bp.route("/<slug>/logo")
def company_logo(slug: str):
    company = _find_company(slug)
    if not can_view_company_logo(current_user, company):
        abort(404)
    return uploads.stored_file_response(company.logo_path)


# --- the organizers' review ----------------------------------------------------------------------


@bp.route("/review")
@login_required
def review_queue():
    require(can_review_exhibitors(current_user))
    pagination = db.paginate(
        services.pending_applications_query(), page=requested_page(), per_page=APPLICATIONS_PER_PAGE, error_out=False
    )
    return render_template("exhibitors/review_queue.html", pagination=pagination)


@bp.route("/<slug>/review", methods=["GET", "POST"])
@login_required
def review_application(slug: str):
    company = load_company(slug)
    require(can_review_exhibitors(current_user))
    form = ReviewForm()
    status = 200
    if form.validate_on_submit():
        try:
            if form.reject.data:
                services.reject_application(current_user, company, form.reason.data or "")
            else:
                services.approve_application(current_user, company)
        except services.ExhibitorError as exc:
            show_on_form(form, exc)
            status = exc.status
        else:
            db.session.commit()
            if company.status == ExhibitorCompany.Status.APPROVED:
                flash(_("“%(name)s” is approved; its owner is told by e-mail.", name=company.name), "success")
            else:
                flash(_("“%(name)s” is rejected; its owner is told why by e-mail.", name=company.name), "success")
            return redirect(url_for("exhibitors.review_queue"))
    elif form.is_submitted():
        status = 400
    return render_template("exhibitors/review.html", company=company, form=form), status


# --- the team ------------------------------------------------------------------------------------


def _render_team(company: ExhibitorCompany, invite_form: InviteForm | None = None, status: int = 200):
    can_manage = can_manage_company_team(current_user, company)
    return render_template(
        "exhibitors/team.html",
        company=company,
        can_manage=can_manage,
        can_edit_application=can_edit_company_application(current_user, company),
        is_member=is_company_member(current_user, company),
        invite_form=invite_form or (InviteForm(formdata=None) if can_manage else None),
        invitations=services.open_invitations(company) if can_manage else [],
        booth=booth_services.booths_by_company([company.id]).get(company.id),
    ), status


@bp.route("/<slug>/team")
@login_required
def show_team(slug: str):
    company = load_company(slug)
    require(can_view_company_team(current_user, company))
    return _render_team(company)


def _signed_in_user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else "anonymous"


@bp.route("/<slug>/team/invite", methods=["POST"])
@limiter.limit(INVITATION_LIMIT, key_func=_signed_in_user_key)
@login_required
def invite_member(slug: str):
    company = load_company(slug)
    require(can_manage_company_team(current_user, company))
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_team(company, form, 400)
    try:
        invitation, _token = services.invite_staff(current_user, company, form.email.data)
    except services.ExhibitorError as exc:
        show_on_form(form, exc)
        company = load_company(slug)  # the rollback expired what the page shows
        return _render_team(company, form, exc.status)
    db.session.commit()
    flash(
        _(
            "Invitation sent to %(email)s. It is valid for %(days)s days.",
            email=invitation.email,
            days=services.INVITATION_VALID_FOR.days,
        ),
        "success",
    )
    return redirect(url_for("exhibitors.show_team", slug=company.slug))


@bp.route("/<slug>/invitations/<int:invitation_id>/cancel", methods=["POST"])
@login_required
def cancel_invitation(slug: str, invitation_id: int):
    company = load_company(slug)
    require(can_manage_company_team(current_user, company))
    invitation = db.session.get(CompanyInvitation, invitation_id)
    if invitation is None or invitation.company_id != company.id:
        abort(404)
    email = invitation.email
    services.cancel_invitation(current_user, company, invitation)
    db.session.commit()
    flash(_("The invitation for %(email)s is withdrawn; its link no longer works.", email=email), "success")
    return redirect(url_for("exhibitors.show_team", slug=company.slug))


def _team_action(slug: str, member_id: int, action, success):
    """Remove or promote a member: owner only, the member of this company (404), PRG with a flash."""
    company = load_company(slug)
    require(can_manage_company_team(current_user, company))
    member = _member(company, member_id)
    name = member.user.name
    try:
        action(current_user, company, member)
    except services.ExhibitorError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(success(name), "success")
    return redirect(url_for("exhibitors.show_team", slug=slug))


@bp.route("/<slug>/team/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(slug: str, member_id: int):
    return _team_action(
        slug, member_id, services.remove_member, lambda name: _("%(name)s is no longer on the team.", name=name)
    )


@bp.route("/<slug>/team/<int:member_id>/make-owner", methods=["POST"])
@login_required
def hand_over_ownership(slug: str, member_id: int):
    return _team_action(
        slug,
        member_id,
        services.hand_over_ownership,
        lambda name: _("%(name)s is now the owner; you stay on the team as staff.", name=name),
    )


@bp.route("/<slug>/leave", methods=["POST"])
@login_required
def leave_company(slug: str):
    company = load_company(slug)
    require(is_company_member(current_user, company))
    try:
        services.leave_company(current_user, company)
    except services.ExhibitorError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("exhibitors.show_team", slug=slug))
    db.session.commit()
    flash(_("You have left “%(name)s”.", name=company.name), "success")
    return redirect(url_for("exhibitors.my_companies"))


# --- accepting an invitation ---------------------------------------------------------------------


def _invitation_problem(problem: services.InvitationProblem):
    return render_template("exhibitors/invitation_problem.html", problem=problem), problem.status


@bp.route("/invitations/<token>")
@login_required
def show_invitation(token: str):
    try:
        invitation = services.invitation_for_token(token)
        services.check_invitation(invitation, current_user)
    except services.InvitationUsed as exc:
        if is_company_member(current_user, exc.invitation.company):
            flash(_("You are already on the team of “%(name)s”.", name=exc.invitation.company.name), "info")
            return redirect(url_for("exhibitors.show_team", slug=exc.invitation.company.slug))
        return _invitation_problem(exc)
    except services.InvitationProblem as exc:
        return _invitation_problem(exc)
    return render_template("exhibitors/invitation.html", invitation=invitation, company=invitation.company)


@bp.route("/invitations/<token>", methods=["POST"])
@login_required
def accept_invitation(token: str):
    try:
        member = services.accept_invitation(current_user, token)
    except services.InvitationProblem as exc:
        db.session.rollback()
        return _invitation_problem(exc)
    except services.ExhibitorError as exc:
        db.session.rollback()
        flash(str(exc), "info")
        return redirect(url_for("exhibitors.my_companies"))
    company = member.company
    db.session.commit()
    flash(_("Welcome to the team of “%(name)s”.", name=company.name), "success")
    return redirect(url_for("exhibitors.show_team", slug=company.slug))

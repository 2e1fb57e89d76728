"""The exhibitor companies a user belongs to, and each company's team."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from expo.exhibitors.models import CompanyMember, ExhibitorCompany
from expo.extensions import db
from expo.permissions import can_view_company_team, require

bp = Blueprint("exhibitors", __name__, url_prefix="/exhibitors")


def load_company(slug: str) -> ExhibitorCompany:
    company = db.session.scalar(
        select(ExhibitorCompany)
        .where(ExhibitorCompany.slug == slug)
        .options(selectinload(ExhibitorCompany.members).selectinload(CompanyMember.user))
    )
    if company is None:
        abort(404)
    # Another company's team is not even acknowledged to exist.
    if not can_view_company_team(current_user, company):
        abort(404)
    return company


@bp.route("/mine")
@login_required
def my_companies():
    memberships = db.session.scalars(
        select(CompanyMember)
        .where(CompanyMember.user_id == current_user.id)
        .options(selectinload(CompanyMember.company))
        .order_by(CompanyMember.id)
    ).all()
    return render_template("exhibitors/mine.html", memberships=memberships)


@bp.route("/<slug>/team")
@login_required
def show_team(slug: str):
    company = load_company(slug)
    require(can_view_company_team(current_user, company))
    return render_template("exhibitors/team.html", company=company)

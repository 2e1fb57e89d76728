"""Administrators find accounts and grant or revoke organizer roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from expo.accounts import services as accounts
from expo.accounts.forms import ConfirmActionForm
from expo.accounts.models import EditionRole, User
from expo.admin.forms import GrantOrganizerForm
from expo.editions.models import Edition
from expo.extensions import db
from expo.lib.pagination import requested_page
from expo.permissions import can_manage_roles, require

bp = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 50


@bp.before_request
@login_required
def _admins_only():
    require(can_manage_roles(current_user))


def load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
def list_users():
    query = request.args.get("q", "").strip()
    page = db.paginate(
        accounts.find_accounts(current_user, query), page=requested_page(), per_page=USERS_PER_PAGE, error_out=False
    )
    return render_template("admin/users.html", page=page, query=query)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def show_user(user_id: int):
    user = load_user(user_id)
    editions = db.session.scalars(select(Edition).order_by(Edition.starts_on.desc())).all()
    form = GrantOrganizerForm(editions)
    if form.validate_on_submit():
        edition_id = None if form.edition.data == "all" else int(form.edition.data)
        if edition_id is not None and db.session.get(Edition, edition_id) is None:
            abort(404)
        accounts.grant_organizer(current_user, user, edition_id)
        db.session.commit()
        flash(_("%(name)s is now an organizer.", name=user.name), "success")
        return redirect(url_for("admin.show_user", user_id=user.id))
    return render_template("admin/user.html", user=user, form=form, revoke_form=ConfirmActionForm())


@bp.route("/users/<int:user_id>/roles/<int:role_id>/revoke", methods=["POST"])
def revoke_role(user_id: int, role_id: int):
    user = load_user(user_id)
    role = db.session.get(EditionRole, role_id)
    if role is None or role.user_id != user.id:
        abort(404)
    if ConfirmActionForm().validate_on_submit():
        accounts.revoke_role(current_user, role)
        db.session.commit()
        flash(_("Role revoked."), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))

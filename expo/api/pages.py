"""The pages where people make, list and revoke API tokens: their own (account settings), an
exhibitor team's (its owner, beside the team page) and an edition's (its organizers)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from expo.accounts.forms import ConfirmActionForm
from expo.api import tokens
from expo.api.forms import TokenForm
from expo.api.models import ApiToken
from expo.content_languages import localized
from expo.db_types import utcnow
from expo.editions.routes import load_edition
from expo.exhibitors.routes import load_company
from expo.extensions import db
from expo.lib import once
from expo.lib.rules import show_as_message, show_on_form
from expo.permissions import can_manage_edition_tokens, can_manage_team_tokens, require

bp = Blueprint("api_tokens", __name__)


def _tokens_page(
    kind: str,
    *,
    heading: str,
    listed: list[ApiToken],
    create_url: str,
    back_url: str,
    back_label: str,
    revoke_endpoint: str,
    url_values: dict,
    form: TokenForm | None = None,
    status: int = 200,
):
    # A token just made is shown on the page the creation redirected to, once (expo.lib.once).
    made = once.take_for(create_url) if request.method == "GET" else None
    response = make_response(
        render_template(
            "api/tokens.html",
            kind=kind,
            heading=heading,
            tokens=listed,
            form=form or TokenForm(kind, formdata=None),
            create_url=create_url,
            back_url=back_url,
            back_label=back_label,
            revoke_endpoint=revoke_endpoint,
            url_values=url_values,
            new_secret=made["secret"] if made else None,
            now=utcnow(),
            scope_labels=tokens.SCOPES,
            docs_url=url_for("api_docs.show_docs"),
        ),
        status,
    )
    return once.never_stored(response) if made else response


def _create(kind: str, make, render, page: str):
    """Make the token from the posted form, then redirect to the page that shows its secret once:
    reloading that page neither makes another token nor shows this one again."""
    form = TokenForm(kind)
    if not form.validate_on_submit():
        return render(form=form, status=400)
    try:
        made = make(form.token_data())
    except tokens.TokenError as exc:
        show_on_form(form, exc)
        return render(form=form, status=exc.status)
    db.session.commit()
    once.keep_for(page, made.secret)
    return redirect(page, code=303)


def _revoke(token_id: int, belongs, back: str):
    if not ConfirmActionForm().validate_on_submit():
        abort(400)
    token = tokens.find_token(token_id)
    if token is None or not belongs(token):
        abort(404)
    try:
        tokens.revoke_token(current_user, token)
    except tokens.TokenError as exc:
        show_as_message(exc)
    else:
        db.session.commit()
        flash(
            _("The token “%(name)s” is revoked: programs using it are refused from now on.", name=token.name), "success"
        )
    return redirect(back)


# --- personal tokens -----------------------------------------------------------------------------------


def _personal_page(form=None, status=200):
    return _tokens_page(
        ApiToken.Kind.PERSONAL,
        heading=_("Your API tokens"),
        listed=tokens.personal_tokens(current_user),
        create_url=url_for("api_tokens.personal_tokens"),
        back_url=url_for("accounts.profile"),
        back_label=_("Your profile"),
        revoke_endpoint="api_tokens.revoke_personal_token",
        url_values={},
        form=form,
        status=status,
    )


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def personal_tokens():
    if TokenForm(ApiToken.Kind.PERSONAL).is_submitted():
        return _create(
            ApiToken.Kind.PERSONAL,
            lambda data: tokens.create_personal_token(current_user, data),
            _personal_page,
            url_for("api_tokens.personal_tokens"),
        )
    return _personal_page()


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_personal_token(token_id: int):
    return _revoke(
        token_id,
        lambda token: token.kind == ApiToken.Kind.PERSONAL and token.user_id == current_user.id,
        url_for("api_tokens.personal_tokens"),
    )


# --- an exhibitor team's tokens ------------------------------------------------------------------------


def _team_page(company, form=None, status=200):
    return _tokens_page(
        ApiToken.Kind.TEAM,
        heading=_("API tokens of %(company)s", company=localized(company, "name")),
        listed=tokens.team_tokens(company),
        create_url=url_for("api_tokens.team_tokens", slug=company.slug),
        back_url=url_for("exhibitors.show_team", slug=company.slug),
        back_label=_("Team"),
        revoke_endpoint="api_tokens.revoke_team_token",
        url_values={"slug": company.slug},
        form=form,
        status=status,
    )


@bp.route("/exhibitors/<slug>/api-tokens", methods=["GET", "POST"])
@login_required
def team_tokens(slug: str):
    company = load_company(slug)
    require(can_manage_team_tokens(current_user, company))
    if TokenForm(ApiToken.Kind.TEAM).is_submitted():
        return _create(
            ApiToken.Kind.TEAM,
            lambda data: tokens.create_team_token(current_user, company, data),
            lambda **kw: _team_page(load_company(slug), **kw),
            url_for("api_tokens.team_tokens", slug=company.slug),
        )
    return _team_page(company)


@bp.route("/exhibitors/<slug>/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_team_token(slug: str, token_id: int):
    company = load_company(slug)
    require(can_manage_team_tokens(current_user, company))
    return _revoke(
        token_id, lambda token: token.company_id == company.id, url_for("api_tokens.team_tokens", slug=company.slug)
    )


# --- an edition's tokens -------------------------------------------------------------------------------


def _edition_page(edition, form=None, status=200):
    return _tokens_page(
        ApiToken.Kind.EDITION,
        heading=_("API tokens of %(edition)s", edition=localized(edition, "name")),
        listed=tokens.edition_tokens(edition),
        create_url=url_for("api_tokens.edition_tokens", slug=edition.slug),
        back_url=url_for("organize.index", slug=edition.slug),
        back_label=_("Organize"),
        revoke_endpoint="api_tokens.revoke_edition_token",
        url_values={"slug": edition.slug},
        form=form,
        status=status,
    )


@bp.route("/editions/<slug>/organize/api-tokens", methods=["GET", "POST"])
@login_required
def edition_tokens(slug: str):
    edition = load_edition(slug)
    require(can_manage_edition_tokens(current_user, edition))
    if TokenForm(ApiToken.Kind.EDITION).is_submitted():
        return _create(
            ApiToken.Kind.EDITION,
            lambda data: tokens.create_edition_token(current_user, edition, data),
            lambda **kw: _edition_page(load_edition(slug), **kw),
            url_for("api_tokens.edition_tokens", slug=edition.slug),
        )
    return _edition_page(edition)


@bp.route("/editions/<slug>/organize/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_edition_token(slug: str, token_id: int):
    edition = load_edition(slug)
    require(can_manage_edition_tokens(current_user, edition))
    return _revoke(
        token_id, lambda token: token.edition_id == edition.id, url_for("api_tokens.edition_tokens", slug=edition.slug)
    )

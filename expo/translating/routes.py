"""The translations page of every record visitors read: which languages it has, one language filled
in beside the source, and the language it is written in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from expo.content_languages import (
    DEFAULT_SOURCE_LANGUAGE,
    content_languages,
    language_name,
)
from expo.extensions import db
from expo.lib.rules import show_on_form
from expo.permissions import NotAllowed
from expo.translating import services
from expo.translating.forms import SourceLanguageForm, shown_value, translation_form_for

bp = Blueprint("translating", __name__, url_prefix="/translations")


def _load(kind_key: str, record_id: int) -> tuple[services.RecordKind, Any]:
    """The record (404), then its editor's permission: another company's record is a 404, an
    edition's record a 403 for anyone but its organizers."""
    kind = services.record_kind(kind_key)
    if kind is None:
        abort(404)
    record = db.session.get(kind.model, record_id)
    if record is None:
        abort(404)
    if not kind.may_edit(current_user, record):
        abort(404 if kind.hidden_when_refused else 403)
    return kind, record


def editor_url(kind: services.RecordKind, record: Any) -> str:
    """The record's own editor, where its source texts are changed."""
    match kind.key:
        case "company":
            return url_for("exhibitors.show_team", slug=record.slug)
        case "booth":
            return url_for("booths.edit_booth", slug=record.slug)
        case "product":
            return url_for("catalog.edit_product", slug=record.booth.slug, product_id=record.id)
        case "edition":
            return url_for("editions.edit_edition", slug=record.slug)
        case "pavilion":
            return url_for("pavilions.edit_pavilion", slug=record.edition.slug, pavilion_id=record.id)
        case "forum":
            return url_for("organize.edit_forum", slug=record.edition.slug, forum_id=record.id)
        case "session":
            return url_for("organize.edit_session", slug=record.forum.edition.slug, session_id=record.id)
        case "speaker":
            return url_for("organize.edit_speaker", slug=services.edition_of(record).slug, speaker_id=record.id)
        case _:
            return url_for("organize.edit_question", slug=record.forum.edition.slug, question_id=record.id)


def _chosen_language(record: Any, asked: str | None) -> str | None:
    """The language being filled: the one asked for, else the first that is not the source."""
    source = record.source_language or DEFAULT_SOURCE_LANGUAGE
    languages = [code for code in content_languages() if code != source]
    if asked in languages:
        return asked
    return languages[0] if languages else None


def _render(kind, record, language, form=None, source_form=None, status: int = 200):
    fields = services.shown_fields(kind, record)
    source = record.source_language or DEFAULT_SOURCE_LANGUAGE
    if form is None and language is not None:
        stored = (record.translations or {}).get(language) or {}
        form = translation_form_for(fields, language, stored)
    if source_form is None:
        source_form = SourceLanguageForm(data={"source_language": source})
    rows = []
    if form is not None:
        for field in fields:
            rows.append((field, shown_value(field, getattr(record, field.name)), form[f"text_{field.name}"]))
    return render_template(
        "translating/edit.html",
        kind=kind,
        record=record,
        title=kind.title(record),
        language=language,
        source=source,
        chips=services.language_chips(record),
        rows=rows,
        form=form,
        source_form=source_form,
        editor_url=editor_url(kind, record),
    ), status


@bp.route("/<kind_key>/<int:record_id>")
@login_required
def edit_translations(kind_key: str, record_id: int):
    kind, record = _load(kind_key, record_id)
    return _render(kind, record, _chosen_language(record, request.args.get("language")))


@bp.route("/<kind_key>/<int:record_id>/<language>", methods=["POST"])
@login_required
def save_translation(kind_key: str, record_id: int, language: str):
    kind, record = _load(kind_key, record_id)
    if language not in content_languages():
        abort(404)
    stored = (record.translations or {}).get(language) or {}
    form = translation_form_for(services.shown_fields(kind, record), language, stored)
    if not form.validate_on_submit():
        return _render(kind, record, language, form=form, status=400)
    try:
        services.save_translation(current_user, record, language, form.typed())
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except services.TranslationRefused as exc:
        show_on_form(form, exc)
        for name, message in exc.problems.items():
            field = getattr(form, f"text_{name}", None)
            if field is not None and message not in field.errors:
                field.errors.append(message)
        return _render(kind, record, language, form=form, status=exc.status)
    db.session.commit()
    flash(_("The %(language)s texts are saved.", language=language_name(language)), "success")
    return redirect(url_for("translating.edit_translations", kind_key=kind.key, record_id=record.id, language=language))


@bp.route("/<kind_key>/<int:record_id>/source", methods=["POST"])
@login_required
def change_source_language(kind_key: str, record_id: int):
    kind, record = _load(kind_key, record_id)
    form = SourceLanguageForm()
    if not form.validate_on_submit():
        return _render(kind, record, _chosen_language(record, None), source_form=form, status=400)
    old = record.source_language or DEFAULT_SOURCE_LANGUAGE
    try:
        services.change_source_language(current_user, record, form.source_language.data)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except services.TranslationRefused as exc:
        show_on_form(form, exc)
        return _render(kind, record, _chosen_language(record, None), source_form=form, status=exc.status)
    db.session.commit()
    flash(
        _(
            "The record is now written in %(language)s; its %(old)s texts are kept as a translation.",
            language=language_name(record.source_language),
            old=language_name(old),
        ),
        "success",
    )
    return redirect(url_for("translating.edit_translations", kind_key=kind.key, record_id=record.id, language=old))

"""Editors' translations of the records visitors read: which languages a record has, saving one
language's texts, and changing the language a record is written in.

Each kind of record names its editor's form (whose labels and length limits the translation reuses)
and the permission of that editor; saving a translation asks the same permission again. Like the
editors' own saves (a product, a booth's profile, a session), a translation leaves no audit entry:
the audit trail records who may do what and decisions, not content edits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import Length

from expo.accounts.models import User
from expo.booths.models import Booth
from expo.catalog import values
from expo.catalog.models import Product
from expo.content_languages import (
    DEFAULT_SOURCE_LANGUAGE,
    Translatable,
    content_languages,
    language_name,
)
from expo.editions.models import Edition, Pavilion
from expo.exhibitors.models import ExhibitorCompany
from expo.extensions import db
from expo.forums.models import Forum, ForumQuestion, ProgrammeSession, Speaker
from expo.lib.rules import RuleBroken
from expo.lib.text import render_markdown
from expo.permissions import (
    can_edit_booth,
    can_edit_company_application,
    can_manage_edition,
    ensure,
)


class TranslationRefused(RuleBroken):
    """A translation or a change of source language breaks a rule; ``problems`` maps fields to reasons."""

    def __init__(self, problems: dict[str, str]):
        first_field, first_message = next(iter(problems.items()))
        super().__init__(first_message, first_field)
        self.problems = problems


class FieldKind(StrEnum):
    LINE = "line"  # one line of plain text
    TEXT = "text"  # paragraphs of plain text
    MARKDOWN = "markdown"  # Markdown; its sanitised HTML is stored beside as <field>_html
    SPECIFICATIONS = "specifications"  # "Name: value" lines, stored as [[name, value], ...]
    CHOICES = "choices"  # one option per line, as many as the source has


@dataclass(frozen=True)
class TranslatedField:
    name: str
    kind: FieldKind
    # The source editor's form and field: the label and the length limit come from there.
    form: type
    form_field: str = ""
    required: bool = False  # the record cannot be written in a language that lacks it

    @property
    def unbound(self):
        return getattr(self.form, self.form_field or self.name)

    @property
    def label(self) -> str:
        return self.unbound.args[0] if self.unbound.args else self.unbound.kwargs.get("label", self.name)

    @property
    def max_length(self) -> int | None:
        for validator in self.unbound.kwargs.get("validators", ()):
            if isinstance(validator, Length) and validator.max and validator.max > 0:
                return validator.max
        return None


@dataclass(frozen=True)
class RecordKind:
    """A kind of translatable record as its editors see it."""

    key: str
    model: type[Translatable]
    fields: tuple[TranslatedField, ...]
    may_edit: Callable[[User, Any], bool]
    # Another company's record is not shown to exist (404); organizer records answer 403.
    hidden_when_refused: bool
    label: Any

    def title(self, record: Any) -> str:
        return getattr(record, self.fields[0].name) or ""


def edition_of(speaker: Speaker) -> Edition:
    return db.session.get(Edition, speaker.edition_id)


def _kinds() -> dict[str, RecordKind]:
    # The editors' forms import services that import models; read them when first asked.
    from expo.booths.forms import ProfileForm
    from expo.catalog.forms import ProductForm
    from expo.editions.forms import EditionForm
    from expo.exhibitors.forms import ApplicationForm
    from expo.organize.forms import ForumForm, QuestionForm, SessionForm, SpeakerForm
    from expo.pavilions.forms import PavilionForm

    F, K = TranslatedField, FieldKind
    kinds = (
        RecordKind(
            "company",
            ExhibitorCompany,
            (
                F("name", K.LINE, ApplicationForm, required=True),
                F("sector", K.LINE, ApplicationForm),
                F("description", K.TEXT, ApplicationForm),
            ),
            lambda user, company: can_edit_company_application(user, company),
            True,
            _l("Company"),
        ),
        RecordKind(
            "booth",
            Booth,
            (F("tagline", K.LINE, ProfileForm), F("description", K.MARKDOWN, ProfileForm)),
            lambda user, booth: can_edit_booth(user, booth),
            True,
            _l("Booth"),
        ),
        RecordKind(
            "product",
            Product,
            (
                F("name", K.LINE, ProductForm, required=True),
                F("description", K.MARKDOWN, ProductForm),
                F("specifications", K.SPECIFICATIONS, ProductForm),
            ),
            lambda user, product: can_edit_booth(user, product.booth),
            True,
            _l("Product"),
        ),
        RecordKind(
            "edition",
            Edition,
            (
                F("name", K.LINE, EditionForm, required=True),
                F("tagline", K.LINE, EditionForm),
                F("description", K.TEXT, EditionForm),
                F("venue", K.LINE, EditionForm),
                F("city", K.LINE, EditionForm),
            ),
            lambda user, edition: can_manage_edition(user, edition),
            False,
            _l("Edition"),
        ),
        RecordKind(
            "pavilion",
            Pavilion,
            (F("name", K.LINE, PavilionForm, required=True), F("description", K.TEXT, PavilionForm)),
            lambda user, pavilion: can_manage_edition(user, pavilion.edition),
            False,
            _l("Pavilion"),
        ),
        RecordKind(
            "forum",
            Forum,
            (F("title", K.LINE, ForumForm, required=True), F("description", K.TEXT, ForumForm)),
            lambda user, forum: can_manage_edition(user, forum.edition),
            False,
            _l("Forum"),
        ),
        RecordKind(
            "session",
            ProgrammeSession,
            (
                F("title", K.LINE, SessionForm, required=True),
                F("abstract", K.TEXT, SessionForm),
                F("room", K.LINE, SessionForm),
            ),
            lambda user, session: can_manage_edition(user, session.forum.edition),
            False,
            _l("Session"),
        ),
        RecordKind(
            "speaker",
            Speaker,
            (
                F("name", K.LINE, SpeakerForm, required=True),
                F("title", K.LINE, SpeakerForm),
                F("organisation", K.LINE, SpeakerForm),
                F("biography", K.TEXT, SpeakerForm),
            ),
            lambda user, speaker: can_manage_edition(user, edition_of(speaker)),
            False,
            _l("Speaker"),
        ),
        RecordKind(
            "question",
            ForumQuestion,
            (F("label", K.LINE, QuestionForm, required=True), F("choices", K.CHOICES, QuestionForm)),
            lambda user, question: can_manage_edition(user, question.forum.edition),
            False,
            _l("Registration question"),
        ),
    )
    return {kind.key: kind for kind in kinds}


_KINDS: dict[str, RecordKind] = {}


def record_kind(key: str) -> RecordKind | None:
    if not _KINDS:
        _KINDS.update(_kinds())
    return _KINDS.get(key)


def kind_of(record: Any) -> RecordKind:
    record_kind("product")
    return next(kind for kind in _KINDS.values() if isinstance(record, kind.model))


def shown_fields(kind: RecordKind, record: Any) -> tuple[TranslatedField, ...]:
    """The fields an editor translates: a question's options only when it is a choice."""
    if isinstance(record, ForumQuestion) and record.kind != ForumQuestion.CHOICE:
        return tuple(field for field in kind.fields if field.kind != FieldKind.CHOICES)
    return kind.fields


# --- which languages are filled ---------------------------------------------------------------------


class Coverage(StrEnum):
    SOURCE = "source"
    FILLED = "filled"
    PARTLY = "partly"
    EMPTY = "empty"


COVERAGE_LABELS = {
    Coverage.SOURCE: _l("written in"),
    Coverage.FILLED: _l("translated"),
    Coverage.PARTLY: _l("partly translated"),
    Coverage.EMPTY: _l("not translated"),
}


@dataclass(frozen=True)
class LanguageChip:
    language: str
    name: str
    coverage: Coverage

    @property
    def label(self) -> str:
        return str(COVERAGE_LABELS[self.coverage])


def coverage(record: Translatable, language: str, fields: tuple[TranslatedField, ...]) -> Coverage:
    """Whether ``language`` has every field the source fills, some, or none."""
    if language == (record.source_language or DEFAULT_SOURCE_LANGUAGE):
        return Coverage.SOURCE
    wanted = [field.name for field in fields if getattr(record, field.name)]
    if not wanted:
        return Coverage.EMPTY
    texts = (record.translations or {}).get(language) or {}
    filled = sum(1 for name in wanted if texts.get(name))
    if filled == 0:
        return Coverage.EMPTY
    return Coverage.FILLED if filled == len(wanted) else Coverage.PARTLY


def language_chips(record: Translatable) -> list[LanguageChip]:
    """Every content language, the source first, with how far the record is translated into it."""
    fields = shown_fields(kind_of(record), record)
    source = record.source_language or DEFAULT_SOURCE_LANGUAGE
    languages = [source, *(code for code in content_languages() if code != source)]
    return [LanguageChip(code, language_name(code), coverage(record, code, fields)) for code in languages]


# --- saving -----------------------------------------------------------------------------------------


def _check_language(language: str, field: str = "language") -> None:
    if language not in content_languages():
        raise TranslationRefused({field: _("Choose a language from the list.")})


def clean_texts(record: Any, fields: tuple[TranslatedField, ...], typed: dict[str, str]) -> dict[str, Any]:
    """What an editor typed for one language, checked like the source editor checks it and turned into
    the values stored (specifications and options as lists). Raises TranslationRefused."""
    problems: dict[str, str] = {}
    texts: dict[str, Any] = {}
    for field in fields:
        raw = (typed.get(field.name) or "").replace("\r\n", "\n")
        text = " ".join(raw.split()) if field.kind == FieldKind.LINE else raw.strip()
        limit = field.max_length
        if limit is not None and len(text) > limit:
            problems[field.name] = _("At most %(max)s characters.", max=limit)
            continue
        if field.kind == FieldKind.SPECIFICATIONS:
            try:
                pairs = values.parse_specifications(text)
                values.check_specifications(pairs)
            except values.InvalidValue as exc:
                problems[field.name] = str(exc)
                continue
            texts[field.name] = pairs
        elif field.kind == FieldKind.CHOICES:
            from expo.organize.services import parse_choices

            options = list(parse_choices(text))
            source_count = len(record.choices or [])
            if options and len(options) != source_count:
                problems[field.name] = _(
                    "Give as many options as the question has (%(count)s), one per line, in the same order.",
                    count=source_count,
                )
                continue
            if any(len(option) > 200 for option in options):
                problems[field.name] = _("An option has at most %(max)s characters.", max=200)
                continue
            texts[field.name] = options
        else:
            texts[field.name] = text
            if field.kind == FieldKind.MARKDOWN:
                texts[f"{field.name}_html"] = render_markdown(text) if text else ""
    if problems:
        raise TranslationRefused(problems)
    return texts


def save_translation(actor: User, record: Translatable, language: str, typed: dict[str, str]) -> None:
    """Replace ``record``'s texts in ``language`` (not its source language) with what ``actor`` typed;
    empty fields fall back to the source for visitors, and no field left removes the language."""
    kind = kind_of(record)
    ensure(kind.may_edit(actor, record))
    _check_language(language)
    if language == (record.source_language or DEFAULT_SOURCE_LANGUAGE):
        raise TranslationRefused(
            {"language": _("This is the language the record is written in: change its texts in its own editor.")}
        )
    record.set_translation(language, clean_texts(record, shown_fields(kind, record), typed))
    db.session.flush()


def _source_texts(record: Translatable, fields: tuple[TranslatedField, ...]) -> dict[str, Any]:
    texts: dict[str, Any] = {}
    for field in fields:
        texts[field.name] = getattr(record, field.name)
        if field.kind == FieldKind.MARKDOWN:
            texts[f"{field.name}_html"] = getattr(record, f"{field.name}_html", "")
    return texts


def change_source_language(actor: User, record: Translatable, language: str) -> None:
    """Say that ``record`` is written in ``language``: the old source language's texts move into the
    translations and ``language``'s translation into the record's own columns. Refused when that
    language lacks a text the record must have (a product's name)."""
    kind = kind_of(record)
    ensure(kind.may_edit(actor, record))
    _check_language(language, "source_language")
    old = record.source_language or DEFAULT_SOURCE_LANGUAGE
    if language == old:
        return
    fields = kind.fields
    incoming = dict((record.translations or {}).get(language) or {})
    missing = [field for field in fields if field.required and not incoming.get(field.name)]
    if missing:
        raise TranslationRefused(
            {
                "source_language": _(
                    "Fill in the %(field)s in %(language)s first: a record written in a language has its %(field)s in it.",
                    field=str(missing[0].label).lower(),
                    language=language_name(language),
                )
            }
        )
    swap_source_language(record, language, fields)
    db.session.flush()


def swap_source_language(
    record: Translatable, language: str, fields: tuple[TranslatedField, ...] | None = None
) -> None:
    """Move ``language``'s translation into the record's columns and the columns' texts into the old
    source language's translation (no permission asked: callers ask, or load demo data)."""
    fields = fields if fields is not None else kind_of(record).fields
    old = record.source_language or DEFAULT_SOURCE_LANGUAGE
    incoming = dict((record.translations or {}).get(language) or {})
    outgoing = _source_texts(record, fields)
    for field in fields:
        value = incoming.get(field.name)
        if field.kind in (FieldKind.SPECIFICATIONS, FieldKind.CHOICES):
            value = list(value or [])
        setattr(
            record, field.name, value or ([] if field.kind in (FieldKind.SPECIFICATIONS, FieldKind.CHOICES) else "")
        )
        if field.kind == FieldKind.MARKDOWN:
            html = incoming.get(f"{field.name}_html")
            setattr(record, f"{field.name}_html", html if html is not None else render_markdown(value or ""))
    translations = {code: dict(texts) for code, texts in (record.translations or {}).items() if code != language}
    record.translations = translations
    record.source_language = language
    record.set_translation(old, outgoing)

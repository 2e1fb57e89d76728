"""The forms of the translations page: one language's texts beside the source, and the source language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from expo.catalog import values
from expo.content_languages import content_languages, language_name
from expo.i18n import language_tag
from expo.lib.form_fields import Form
from expo.translating.services import FieldKind, TranslatedField


class TranslationForm(Form):
    submit = SubmitField(_l("Save translation"))

    def text_fields(self):
        return [field for field in self if field.name.startswith("text_")]

    def typed(self) -> dict[str, str]:
        return {field.name.removeprefix("text_"): field.data or "" for field in self.text_fields()}


def shown_value(field: TranslatedField, value: Any) -> str:
    """A stored value as an editor types it."""
    if field.kind == FieldKind.SPECIFICATIONS:
        return values.format_specifications(value or [])
    if field.kind == FieldKind.CHOICES:
        return "\n".join(value or [])
    return value or ""


def translation_form_for(fields: tuple[TranslatedField, ...], language: str, stored: dict[str, Any]) -> TranslationForm:
    """One field per translated field, labelled like the source editor's with the language named.
    Lengths and formats are checked by the service, like the source editor's."""

    class _Form(TranslationForm):
        pass

    for field in fields:
        kind = StringField if field.kind == FieldKind.LINE else TextAreaField
        rows = {FieldKind.LINE: None, FieldKind.TEXT: 6, FieldKind.MARKDOWN: 8}.get(field.kind, 5)
        setattr(
            _Form,
            f"text_{field.name}",
            kind(
                _l("%(field)s in %(language)s", field=field.label, language=language_name(language)),
                render_kw={"lang": language_tag(language), **({"rows": rows} if rows else {})},
            ),
        )
    data = {f"text_{field.name}": shown_value(field, stored.get(field.name)) for field in fields}
    return _Form(data=data)  # a submitted form's own values win


class SourceLanguageForm(Form):
    source_language = SelectField(
        _l("Written in"),
        description=_l(
            "The language of the texts in the editor. Changing it moves those texts into their "
            "language's translation and the chosen language's translation into the editor."
        ),
    )
    submit = SubmitField(_l("Change the language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_language.choices = [(code, language_name(code)) for code in content_languages()]

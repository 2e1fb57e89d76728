"""The registration form, built from each forum's custom questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from expo.accounts.forms import badge_scan_consent_field
from expo.content_languages import localized
from expo.forums.models import Forum, ForumQuestion
from expo.lib.form_fields import Form


class RegistrationForm(Form):
    share_contact_on_badge_scan = badge_scan_consent_field()
    submit = SubmitField(_l("Register"))

    def question_fields(self):
        return [field for field in self if field.name.startswith("question_")]

    def answers(self) -> dict[str, object]:
        return {field.name.removeprefix("question_"): field.data for field in self.question_fields()}

    def attach_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            field = getattr(self, f"question_{key}", None)
            if field is not None:
                field.errors = list(field.errors or []) + [message]


def choice_labels(question: ForumQuestion) -> list[tuple[str, str]]:
    """(value, label) for each choice: the value is the source language's text, which the answer
    stores; the label is the page language's when its list has as many options."""
    shown = localized(question, "choices").text or []
    if len(shown) != len(question.choices or []):
        shown = question.choices or []
    return list(zip(question.choices or [], shown))


def registration_form_for(forum: Forum) -> RegistrationForm:
    """One field per question, in the page's language; rules (required, valid choice) are checked
    again by the service against the source language's choices."""

    class _Form(RegistrationForm):
        pass

    for question in forum.questions:
        name = f"question_{question.id}"
        presence = [DataRequired(message=_l("This question needs an answer."))] if question.required else [Optional()]
        if question.kind == ForumQuestion.CHECKBOX:
            field = BooleanField(localized(question, "label").text, validators=presence)
        elif question.kind == ForumQuestion.CHOICE:
            field = RadioField(
                localized(question, "label").text,
                choices=choice_labels(question),
                validators=presence,
                validate_choice=False,
            )
        else:
            field = TextAreaField(
                localized(question, "label").text, validators=[*presence, Length(max=2000)], render_kw={"rows": 2}
            )
        setattr(_Form, name, field)
    form = _Form()
    if forum.enrols_whole_course:
        form.submit.label.text = _l("Enrol in the course")
    return form

"""The notification settings form: one in-app and one e-mail switch per category."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField

from expo.lib.form_fields import Form
from expo.notifications.categories import CATEGORIES
from expo.notifications.preferences import Choice


class PreferencesForm(Form):
    submit = SubmitField(_l("Save settings"))

    def load(self, choices: dict[str, Choice]) -> None:
        for key, choice in choices.items():
            self[f"{key}_in_app"].data = choice.in_app
            self[f"{key}_email"].data = choice.email

    def choices(self) -> dict[str, Choice]:
        return {
            category.key: Choice(
                in_app=bool(self[f"{category.key}_in_app"].data), email=bool(self[f"{category.key}_email"].data)
            )
            for category in CATEGORIES
        }


# Two switches per category, named "<category>_in_app" and "<category>_email"; the labels name the
# channel, the page's table names the category (so screen readers hear both: see the template).
for _category in CATEGORIES:
    setattr(
        PreferencesForm,
        f"{_category.key}_in_app",
        BooleanField(_l("In the app: %(category)s", category=_category.label), default=True),
    )
    setattr(
        PreferencesForm,
        f"{_category.key}_email",
        BooleanField(_l("By e-mail: %(category)s", category=_category.label), default=True),
    )

"""The form that makes an API token: input validation only (the service checks the rest)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from expo.api import tokens
from expo.lib.form_fields import Form


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=tokens.NAME_LENGTH)],
        description=_l("What the token is for, for example “CRM sync”."),
    )
    scopes = _Checkboxes(_l("What it may do"), validate_choice=False)
    lifetime_days = SelectField(_l("Expires after"), coerce=int, validate_choice=False, default=tokens.DEFAULT_LIFETIME)
    submit = SubmitField(_l("Create token"))

    def __init__(self, kind: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = [(scope, tokens.SCOPES[scope]) for scope in tokens.SCOPES_BY_KIND[kind]]
        self.lifetime_days.choices = [(days, _l("%(days)s days", days=days)) for days in tokens.LIFETIMES]

    def token_data(self) -> tokens.TokenData:
        return tokens.TokenData(
            name=self.name.data or "", scopes=tuple(self.scopes.data or ()), lifetime_days=self.lifetime_days.data or 0
        )

"""The subscription form: an address, what it is for, and the events it receives."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from expo.lib.form_fields import Form
from expo.webhooks.events import events_for
from expo.webhooks.services import SubscriptionData


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SubscriptionForm(Form):
    url = StringField(
        _l("Endpoint URL"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("The https:// address that receives a POST for each event."),
    )
    description = StringField(
        _l("Description"),
        validators=[Optional(), Length(max=200)],
        description=_l("For your team: what receives these events (optional)."),
    )
    events = CheckboxesField(_l("Events"), validators=[DataRequired(message=_l("Choose at least one event."))])
    enabled = BooleanField(_l("Enabled"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, audience: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = [(event.name, f"{event.label} ({event.name})") for event in events_for(audience)]

    def data_for_service(self) -> SubscriptionData:
        return SubscriptionData(
            url=self.url.data.strip(),
            description=(self.description.data or "").strip(),
            events=tuple(self.events.data or ()),
        )

"""The organizers' badge forms: a bulk print, the help desk's search, print and correction."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from expo.badges.models import Badge
from expo.badges.printing import layout_choices
from expo.badges.services import Selection
from expo.content_languages import localized
from expo.editions.models import Edition
from expo.i18n import format_day
from expo.lib.form_fields import Form
from expo.lib.ranges import parse_whole_number
from expo.lib.text import one_line


def layout_field() -> SelectField:
    return SelectField(_l("Badge size"), validators=[DataRequired()])


class PrintForm(Form):
    layout = layout_field()
    day = SelectField(
        _l("Day"),
        validators=[Optional()],
        description=_l("People with a session or course that day; exhibitor staff and organizers every day."),
    )
    pavilion = SelectField(
        _l("Pavilion"),
        validators=[Optional()],
        description=_l("Only exhibitor staff belong to a pavilion: choosing one prints their badges alone."),
    )
    role = SelectField(_l("Role"), validators=[Optional()])
    submit = SubmitField(_l("Print badges"))

    def __init__(self, *args, edition: Edition, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.layout.choices = layout_choices()
        self.day.choices = [("", _l("Every day"))] + [(day.isoformat(), format_day(day)) for day in days]
        self.pavilion.choices = [("", _l("Everyone"))] + [
            (str(p.id), localized(p, "name").text) for p in edition.pavilions
        ]
        self.role.choices = [("", _l("Every role"))] + Badge.Role.choices()

    def selection(self) -> Selection:
        return Selection(
            day=date.fromisoformat(self.day.data) if self.day.data else None,
            pavilion_id=parse_whole_number(self.pavilion.data, minimum=1) if self.pavilion.data else None,
            role=Badge.Role(self.role.data) if self.role.data else None,
        )


class DeskPrintForm(Form):
    layout = layout_field()
    submit = SubmitField(_l("Print badge"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.layout.choices = layout_choices()


class ReprintForm(Form):
    serial = HiddenField(validators=[DataRequired()])

    def seen_serial(self) -> int | None:
        return parse_whole_number(self.serial.data, minimum=1, maximum=2**31 - 1)


class CorrectBadgeForm(Form):
    name = StringField(_l("Name to print"), validators=[DataRequired(), Length(max=120)], filters=[one_line])
    company = StringField(_l("Company to print"), validators=[Optional(), Length(max=200)], filters=[one_line])
    submit = SubmitField(_l("Save the correction"))

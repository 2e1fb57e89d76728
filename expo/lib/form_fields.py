"""The project's base form and the form fields several areas share."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, DecimalField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Regexp, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from expo.i18n import wtforms_translations
from expo.lib.ranges import FIRST_DAY, LAST_DAY, WHOLE_NUMBER, in_calendar, parse_whole_number

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class Form(FlaskForm):
    """Every form of the site. WTForms' own messages ("This field is required.", "Not a valid
    choice.") come from our "wtforms" catalogue and then WTForms' own: WTForms ships none for
    Vietnamese, Thai, Indonesian or Malay, and Flask-WTF alone shows their errors in English."""

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_translations()


def web_address_field(example: str, *, max_length: int = 80) -> StringField:
    """The slug that names a thing in its links: lower-case letters, digits and single hyphens."""
    return StringField(
        _l("Web address"),
        validators=[
            DataRequired(),
            Length(max=max_length),
            Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits and hyphens only.")),
        ],
        description=_l("Appears in links, for example %(example)s.", example=example),
    )


# Numbers and days typed into forms. WTForms' own fields take whatever int(), Decimal() and strptime()
# accept: 'sNaN' and 'Infinity' (which then raise when compared), digits of other scripts, '1_000', and
# days whose arithmetic overflows. These take the digits 0-9 only and say so; the NumberRange validator
# beside each one bounds it to what its column holds.


class WholeNumberField(IntegerField):
    """A whole number typed with the digits 0-9."""

    def process_formdata(self, valuelist) -> None:
        text = str(valuelist[0]).strip() if valuelist and valuelist[0] is not None else ""
        if not text:
            self.data = None
            return
        self.data = parse_whole_number(text)
        if self.data is None:
            if WHOLE_NUMBER.fullmatch(text):
                raise ValueError(_l("This number is too large."))
            raise ValueError(_l("Enter a whole number with the digits 0-9, for example 200."))


class AmountField(DecimalField):
    """An amount typed with the digits 0-9 and a decimal point: never NaN, Infinity or an exponent."""

    def process_formdata(self, valuelist) -> None:
        text = str(valuelist[0]).strip() if valuelist and valuelist[0] is not None else ""
        if not text:
            self.data = None
            return
        if not AMOUNT.fullmatch(text):
            self.data = None
            raise ValueError(_l("Enter an amount with the digits 0-9 and a point, for example 12.50."))
        if len(text) > 30:
            self.data = None
            raise ValueError(_l("This amount is too large."))
        self.data = Decimal(text)


class _WithinCalendar:
    """A day (or a time) typed with the digits 0-9, between FIRST_DAY and LAST_DAY: far days overflow
    the arithmetic that adds a day or converts a time zone, in the page or later in the worker."""

    def process_formdata(self, valuelist) -> None:
        if valuelist and not " ".join(valuelist).isascii():
            self.data = None
            raise ValueError(_l("Enter the date with the digits 0-9, for example 2027-09-10."))
        super().process_formdata(valuelist)

    def pre_validate(self, form) -> None:
        super().pre_validate(form)
        if not in_calendar(self.data):
            raise StopValidation(
                _l(
                    "Choose a date between %(first)s and %(last)s.",
                    first=FIRST_DAY.isoformat(),
                    last=LAST_DAY.isoformat(),
                )
            )


class DayField(_WithinCalendar, DateField):
    """A day between FIRST_DAY and LAST_DAY."""


class LocalTimeField(_WithinCalendar, DateTimeLocalField):
    """A date and time (as typed in a time zone) on a day between FIRST_DAY and LAST_DAY."""


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (a multiple select is hard to use on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

"""Check-in forms: input validation only; the ticket rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from expo.lib.form_fields import Form

# A genuine payload is about 70 characters; anything far longer is not a ticket.
MAX_CODE_LENGTH = 500


def _stripped(value: str | None) -> str | None:
    # Addresses are pasted from e-mails and spreadsheets with spaces around them.
    return value.strip() if isinstance(value, str) else value


class CheckInForm(Form):
    code = StringField(
        _l("Ticket code"),
        validators=[DataRequired(message=_l("Scan or type the code on the ticket.")), Length(max=MAX_CODE_LENGTH)],
        # Hand-held scanners type the code and press Enter: the field must be ready for them.
        render_kw={
            "autofocus": True,
            "autocomplete": "off",
            "autocapitalize": "off",
            "autocorrect": "off",
            "spellcheck": "false",
            "enterkeyhint": "go",
        },
        description=_l("Scan the QR code, or type or paste the code printed under it."),
    )
    submit = SubmitField(_l("Check in"))


class AddCheckinStaffForm(Form):
    email = EmailField(
        _l("E-mail address of their account"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[_stripped],
        render_kw={"autocomplete": "off"},
        description=_l("They need a confirmed Expo account; they can sign up first."),
    )
    submit = SubmitField(_l("Add to check-in staff"))

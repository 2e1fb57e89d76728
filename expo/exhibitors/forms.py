"""Exhibitor forms: input validation only; onboarding's rules live in exhibitors.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from expo.exhibitors.services import ApplicationData, is_web_address
from expo.i18n import country_choices
from expo.lib.form_fields import Form
from expo.lib.text import one_line


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class ApplicationForm(Form):
    name = StringField(
        _l("Company name"),
        validators=[DataRequired(), Length(max=200)],
        filters=[one_line],
        render_kw={"autocomplete": "organization"},
        description=_l("The name buyers will see, for example “Nanning Mask Machinery Co.”."),
    )
    country = SelectField(_l("Country or region"), validators=[DataRequired()])
    sector = StringField(
        _l("Sector"),
        validators=[DataRequired(), Length(max=120)],
        filters=[one_line],
        description=_l("For example “Medical equipment” or “Agricultural products”."),
    )
    website = StringField(
        _l("Website"),
        validators=[Optional(), Length(max=300)],
        description=_l("Starting with http:// or https://."),
        render_kw={"inputmode": "url"},
    )
    description = TextAreaField(
        _l("About the company"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 6},
        description=_l("What you make or sell, and for which markets."),
    )
    logo = FileField(
        _l("Logo"),
        description=_l("Optional. A JPEG, PNG or WebP image of at most 5 MB."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    remove_logo = BooleanField(_l("Remove the current logo"))
    submit = SubmitField(_l("Send the application"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("— Choose —"))] + country_choices()

    def validate_website(self, field) -> None:
        if field.data and not is_web_address(field.data.strip()):
            raise ValidationError(_l("Enter a web address starting with http:// or https://."))

    def application_data(self) -> ApplicationData:
        return ApplicationData(
            name=(self.name.data or "").strip(),
            country=self.country.data or None,
            sector=(self.sector.data or "").strip(),
            website=(self.website.data or "").strip(),
            description=(self.description.data or "").strip(),
        )

    def logo_stream(self):
        """The uploaded file's stream, or None when the field was left empty."""
        upload = self.logo.data
        return upload.stream if upload and getattr(upload, "filename", "") else None


class InviteForm(Form):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[_stripped],
        description=_l("They join as staff once they accept with an account using this address."),
    )
    submit = SubmitField(_l("Send invitation"))


class ReviewForm(Form):
    reason = TextAreaField(
        _l("Reason for a rejection"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 4},
        description=_l("Required to reject. The applicant reads it in the e-mail and can correct the application."),
    )
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))

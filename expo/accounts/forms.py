"""Account forms: input validation only; rules about accounts live in the services."""

from __future__ import annotations

from dataclasses import replace

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from expo.accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, ProfileData
from expo.i18n import country_choices, is_known_timezone, language_choices, timezone_choices
from expo.lib.form_fields import Form
from expo.lib.text import one_line


def _password_field(label):
    return PasswordField(
        label,
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
    )


class ProfileFieldsMixin:
    # One line each: a pasted U+2028 or line break in a name would end up in e-mail subjects.
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=120)],
        filters=[one_line],
        render_kw={"autocomplete": "name"},
    )
    organisation = StringField(
        _l("Organisation"),
        validators=[Optional(), Length(max=200)],
        filters=[one_line],
        render_kw={"autocomplete": "organization"},
    )
    job_title = StringField(
        _l("Job title"),
        validators=[Optional(), Length(max=120)],
        filters=[one_line],
        render_kw={"autocomplete": "organization-title"},
    )
    country = SelectField(_l("Country or region"), validators=[Optional()])
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()], default="UTC")
    language = SelectField(_l("Preferred language"), validators=[DataRequired()], default="en")

    def fill_choices(self) -> None:
        self.country.choices = [("", _l("— Choose —"))] + country_choices()
        self.timezone.choices = timezone_choices(keep=self.timezone.data)
        self.language.choices = language_choices()

    def validate_timezone(self, field) -> None:
        if not is_known_timezone(field.data):
            raise ValidationError(_l("Choose a time zone from the list."))

    def profile_data(self) -> ProfileData:
        return ProfileData(
            name=self.name.data,
            organisation=self.organisation.data or "",
            job_title=self.job_title.data or "",
            country=self.country.data or None,
            timezone=self.timezone.data,
            language=self.language.data,
        )


def badge_scan_consent_field() -> BooleanField:
    """The visitor's choice for badge scans at exhibitors' stands, asked at sign-up, at registration and in the profile."""
    return BooleanField(
        _l("Share my contact details when an exhibitor scans my badge"),
        description=_l(
            "At the venue, exhibitors may scan the QR code on your badge at their stand. On: that exhibitor's "
            "team sees your name, organisation, job title and e-mail address among its leads. Off: it sees "
            "only your organisation and country."
        ),
    )


class SignUpForm(ProfileFieldsMixin, Form):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)], render_kw={"autocomplete": "email"}
    )
    password = _password_field(_l("Password"))
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    share_contact_on_badge_scan = badge_scan_consent_field()
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_choices()

    def profile_data(self) -> ProfileData:
        return replace(super().profile_data(), share_contact_on_badge_scan=self.share_contact_on_badge_scan.data)


class ProfileForm(ProfileFieldsMixin, Form):
    share_contact_with_booths = BooleanField(
        _l("Share my contact details with booths I visit"),
        description=_l(
            "Exhibitors then see your name, organisation and e-mail address among their leads. "
            "Off: booths you have not written to only count you, anonymously."
        ),
    )
    share_contact_on_badge_scan = badge_scan_consent_field()
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_choices()

    def profile_data(self) -> ProfileData:
        return replace(
            super().profile_data(),
            share_contact_with_booths=self.share_contact_with_booths.data,
            share_contact_on_badge_scan=self.share_contact_on_badge_scan.data,
        )


class LoginForm(Form):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Email()], render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Log in"))


class EmailOnlyForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()], render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send link"))


class ResetPasswordForm(Form):
    password = _password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set new password"))


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    password = _password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))


class ConfirmActionForm(Form):
    """A bare form for POST-only buttons (log out, end sessions): carries the CSRF token."""

    submit = SubmitField(_l("Confirm"))

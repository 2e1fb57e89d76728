"""Edition forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from expo.editions.models import Edition
from expo.editions.services import MAX_RETENTION, EditionData
from expo.i18n import country_choices, is_known_timezone, timezone_choices
from expo.lib.form_fields import DayField, Form, WholeNumberField, web_address_field


class EditionForm(Form):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=200)], description=_l("For example “18th China-ASEAN Expo”.")
    )
    slug = web_address_field("18th-caexpo")
    tagline = StringField(_l("Tagline"), validators=[Optional(), Length(max=300)])
    starts_on = DayField(_l("First day"), validators=[DataRequired()])
    ends_on = DayField(_l("Last day"), validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    country = SelectField(_l("Country"), validators=[Optional()])
    timezone = SelectField(_l("Time zone of the venue"), validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=Edition.Status.choices())
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 6})
    lead_retention_amount = WholeNumberField(
        _l("Keep the personal data of stand scans for"),
        validators=[Optional(), NumberRange(min=1, max=MAX_RETENTION[Edition.RetentionUnit.DAYS])],
        render_kw={"inputmode": "numeric"},
    )
    lead_retention_unit = SelectField(
        _l("Unit of the retention period"),
        choices=Edition.RetentionUnit.choices(),
        default=Edition.RetentionUnit.MONTHS,
    )
    submit = SubmitField(_l("Save edition"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("— Choose —"))] + country_choices()
        self.timezone.choices = timezone_choices(keep=self.timezone.data)

    def validate_timezone(self, field) -> None:
        if not is_known_timezone(field.data):
            raise ValidationError(_l("Choose a time zone from the list."))

    def validate_lead_retention_amount(self, field) -> None:
        limit = MAX_RETENTION.get(self.lead_retention_unit.data)
        if field.data is not None and limit is not None and field.data > limit:
            raise ValidationError(_l("Keep the data for at least a day and at most ten years."))

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def edition_data(self) -> EditionData:
        return EditionData(
            name=self.name.data.strip(),
            slug=self.slug.data.strip(),
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            timezone=self.timezone.data,
            status=self.status.data,
            tagline=(self.tagline.data or "").strip(),
            venue=(self.venue.data or "").strip(),
            city=(self.city.data or "").strip(),
            country=self.country.data or None,
            description=self.description.data or "",
            lead_retention_amount=self.lead_retention_amount.data,
            lead_retention_unit=self.lead_retention_unit.data,
        )

"""Pavilion and booth-placement forms: input validation only; the rules (unique address, country and
stand, one place per booth and edition) live in pavilions.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from expo.content_languages import localized
from expo.editions.models import Pavilion
from expo.i18n import country_choices
from expo.lib.form_fields import Form, web_address_field
from expo.pavilions.services import STAND_MAX_LENGTH, PavilionData

KIND_CHOICES = [
    (Pavilion.THEMED, _l("Themed pavilion: exhibitors of one industry or topic")),
    (Pavilion.COUNTRY, _l("Country pavilion: exhibitors from one country")),
]


class PavilionForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example “Smart Manufacturing” or “Pavilion of Malaysia”."),
    )
    slug = web_address_field("smart-manufacturing")
    kind = RadioField(_l("Kind"), choices=KIND_CHOICES, default=Pavilion.THEMED)
    # No Optional(): it would stop the chain before validate_country could ask for a country pavilion's country.
    country = SelectField(_l("Country"), description=_l("Only for country pavilions."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 5})
    submit = SubmitField(_l("Save pavilion"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("— Choose —"))] + country_choices()
        if self.country.data is None:
            self.country.data = ""

    def validate_country(self, field) -> None:
        if self.kind.data == Pavilion.COUNTRY and not field.data:
            raise ValidationError(_l("Choose the country of a country pavilion."))

    def pavilion_data(self) -> PavilionData:
        return PavilionData(
            name=self.name.data.strip(),
            slug=self.slug.data.strip(),
            kind=self.kind.data,
            country=self.country.data or None,
            description=self.description.data or "",
        )


def _stand_field() -> StringField:
    return StringField(
        _l("Stand"),
        validators=[Optional(), Length(max=STAND_MAX_LENGTH)],
        description=_l(
            "For example A-12; it can be left empty and set later. Each stand number names one booth in the edition."
        ),
    )


class PlaceBoothForm(Form):
    stand = _stand_field()
    submit = SubmitField(_l("Place booth here"))


class PlacementForm(Form):
    """Where a placed booth stands: any pavilion of the same edition, and its stand."""

    pavilion = SelectField(_l("Pavilion"), coerce=int)
    stand = _stand_field()
    submit = SubmitField(_l("Save place"))

    def __init__(self, pavilions: list[Pavilion], *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped as visitors walk the hall; pavilions are ordered by the caller.
        groups = {
            str(_l("Themed pavilions")): [
                (p.id, localized(p, "name").text) for p in pavilions if p.kind == Pavilion.THEMED
            ],
            str(_l("Country pavilions")): [
                (p.id, localized(p, "name").text) for p in pavilions if p.kind == Pavilion.COUNTRY
            ],
        }
        self.pavilion.choices = {label: choices for label, choices in groups.items() if choices}

"""Matchmaking forms: input validation only; the rules live in expo.matchmaking.services and .hosted."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from expo.catalog import values
from expo.catalog.display import category_label
from expo.catalog.models import ProductCategory
from expo.i18n import country_choices
from expo.lib.form_fields import AmountField, CheckboxListField, Form, WholeNumberField
from expo.matchmaking import display, services
from expo.matchmaking.models import MAX_NOTE_LENGTH


def category_choices(tree: list[ProductCategory]) -> list[tuple[int, str]]:
    """Each top-level category (which covers its subcategories) followed by its subcategories."""
    choices = []
    for parent in tree:
        choices.append((parent.id, category_label(parent)))
        choices += [(child.id, "— " + category_label(child)) for child in parent.children]
    return choices


class _TradeTermsMixin:
    incoterms = CheckboxListField(_l("Incoterms"), validators=[Optional()])
    languages = CheckboxListField(_l("Languages spoken"), validators=[Optional()])
    certifications = StringField(
        _l("Certifications"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Separated by commas, for example “CE, ISO 13485, FDA”."),
    )

    def fill_terms(self) -> None:
        self.incoterms.choices = display.incoterm_choices()
        self.languages.choices = display.spoken_language_choices()

    def validate_certifications(self, field) -> None:
        try:
            services.parse_certifications(field.data or "")
        except services.MatchmakingError as exc:
            raise ValidationError(str(exc)) from None


class SourcingProfileForm(_TradeTermsMixin, Form):
    categories = CheckboxListField(_l("Categories you source"), coerce=int, validators=[Optional()])
    hs_codes = StringField(
        _l("HS codes"),
        validators=[Optional(), Length(max=400)],
        description=_l(
            "Optional, separated by commas; a chapter or heading covers the codes "
            "under it, for example “4015, 6307.90”."
        ),
    )
    quantity = WholeNumberField(
        _l("Quantity wanted per order"),
        validators=[Optional(), NumberRange(min=1, max=values.MAX_QUANTITY)],
        render_kw={"inputmode": "numeric"},
    )
    unit = SelectField(_l("Unit"), default=values.DEFAULT_UNIT)
    price_min = AmountField(
        _l("Lowest target price per unit"),
        validators=[Optional(), NumberRange(min=0, max=values.MAX_PRICE)],
        render_kw={"inputmode": "decimal"},
    )
    price_max = AmountField(
        _l("Highest target price per unit"),
        validators=[Optional(), NumberRange(min=0, max=values.MAX_PRICE)],
        render_kw={"inputmode": "decimal"},
    )
    currency = SelectField(_l("Currency"), default=values.DEFAULT_CURRENCY)
    delivery_countries = SelectMultipleField(
        _l("Delivery countries"),
        validators=[Optional()],
        render_kw={"size": 8},
        description=_l("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    note = TextAreaField(
        _l("What else exhibitors should know"),
        validators=[Optional(), Length(max=MAX_NOTE_LENGTH)],
        render_kw={"rows": 3},
    )
    discoverable = BooleanField(_l("Let exhibitors whose offer fits find me and my profile"))
    submit = SubmitField(_l("Save sourcing profile"))

    def __init__(self, *args, categories: list[ProductCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_terms()
        self.categories.choices = category_choices(categories)
        self.unit.choices = values.unit_choices()
        self.currency.choices = values.currency_choices()
        self.delivery_countries.choices = country_choices()

    def validate_hs_codes(self, field) -> None:
        try:
            services.parse_hs_codes(field.data or "")
        except services.MatchmakingError as exc:
            raise ValidationError(str(exc)) from None

    def validate_price_max(self, field) -> None:
        if field.data is not None and self.price_min.data is not None and field.data < self.price_min.data:
            raise ValidationError(_l("The highest target price is below the lowest."))

    @staticmethod
    def data_of(profile) -> dict:
        return {
            "categories": profile.category_ids,
            "hs_codes": ", ".join(profile.hs_codes),
            "quantity": profile.quantity,
            "unit": profile.unit,
            "price_min": profile.price_min,
            "price_max": profile.price_max,
            "currency": profile.currency,
            "incoterms": profile.incoterms,
            "delivery_countries": profile.delivery_countries,
            "languages": profile.languages,
            "certifications": ", ".join(profile.certifications),
            "note": profile.note,
            "discoverable": profile.discoverable,
        }

    def profile_data(self) -> services.ProfileData:
        return services.ProfileData(
            category_ids=list(self.categories.data or []),
            hs_codes=services.parse_hs_codes(self.hs_codes.data or ""),
            quantity=self.quantity.data,
            unit=self.unit.data,
            price_min=self.price_min.data,
            price_max=self.price_max.data,
            currency=self.currency.data,
            incoterms=list(self.incoterms.data or []),
            delivery_countries=list(self.delivery_countries.data or []),
            languages=list(self.languages.data or []),
            certifications=services.parse_certifications(self.certifications.data or ""),
            note=(self.note.data or "").strip(),
            discoverable=bool(self.discoverable.data),
        )


class TeamOfferForm(_TradeTermsMixin, Form):
    export_markets = SelectMultipleField(
        _l("Export markets"),
        validators=[Optional()],
        render_kw={"size": 8},
        description=_l("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    submit = SubmitField(_l("Save offer"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_terms()
        self.export_markets.choices = country_choices()

    @staticmethod
    def data_of(offer) -> dict:
        return {
            "export_markets": offer.export_markets,
            "incoterms": offer.incoterms,
            "languages": offer.languages,
            "certifications": ", ".join(offer.certifications),
        }

    def offer_data(self) -> services.OfferData:
        return services.OfferData(
            export_markets=list(self.export_markets.data or []),
            incoterms=list(self.incoterms.data or []),
            languages=list(self.languages.data or []),
            certifications=services.parse_certifications(self.certifications.data or ""),
        )


class InviteHostedBuyersForm(Form):
    emails = TextAreaField(
        _l("E-mail addresses"),
        validators=[DataRequired(), Length(max=50_000)],
        render_kw={"rows": 4},
        description=_l("One per line (or separated by commas): people who have an account."),
    )
    submit = SubmitField(_l("Invite"))

    def addresses(self) -> list[str]:
        return [part.strip() for part in (self.emails.data or "").replace(",", "\n").splitlines() if part.strip()]


class MovePlannedMeetingForm(Form):
    slot = SelectField(_l("Slot"), validators=[DataRequired()])
    table = SelectField(_l("Table"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Move"))

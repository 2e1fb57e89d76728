"""Inquiry, thread, quotation and report forms: input validation only; the rules live in leads.services."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from expo.i18n import country_choices
from expo.leads.models import Incoterm, TradeInquiry
from expo.leads.services import MAX_MESSAGE_LENGTH, InquiryData, QuotationData
from expo.leads.stand_scans import MAX_NOTES_LENGTH, MAX_PRODUCTS, MAX_TAG_LENGTH, MAX_TAGS, clean_tags
from expo.lib.form_fields import AmountField, CheckboxListField, DayField, Form, WholeNumberField
from expo.lib.ranges import parse_id

# What the 32-bit quantity columns hold with room to spare, and the catalogue's own limit.
MAX_QUANTITY = 1_000_000_000

# The currencies buyers in China and ASEAN trade in, then the world's usual ones.
CURRENCIES = (
    "USD",
    "CNY",
    "EUR",
    "THB",
    "VND",
    "IDR",
    "MYR",
    "SGD",
    "PHP",
    "MMK",
    "KHR",
    "LAK",
    "BND",
    "JPY",
    "KRW",
    "HKD",
    "GBP",
    "AUD",
)


def incoterm_choices():
    return [(term.value, f"{term.value} — {term.label}") for term in Incoterm]


def _file_stream(field):
    upload = field.data
    return (upload.stream, upload.filename) if upload and getattr(upload, "filename", "") else None


def _text(field) -> str:
    return (field.data or "").strip()


class InquiryForm(Form):
    kind = RadioField(
        _l("What are you sending?"),
        default=TradeInquiry.Kind.INQUIRY,
        choices=[
            (TradeInquiry.Kind.INQUIRY, _l("An inquiry: a question, a price or samples")),
            (TradeInquiry.Kind.ORDER_REQUEST, _l("An order request: I want to order")),
        ],
        validators=[InputRequired()],
    )
    products = SelectMultipleField(
        _l("Products"),
        coerce=int,
        validators=[Optional()],
        description=_l("One or several of this booth's products. An order request names at least one."),
    )
    quantity = WholeNumberField(
        _l("Quantity"),
        validators=[Optional(), NumberRange(min=1, max=MAX_QUANTITY)],
        render_kw={"inputmode": "numeric"},
    )
    unit = StringField(
        _l("Unit"),
        validators=[Optional(), Length(max=30)],
        description=_l("For example pieces, boxes, cartons or tonnes."),
    )
    target_price = AmountField(
        _l("Target price per unit"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=Decimal("999999999999"))],
        render_kw={"inputmode": "decimal"},
    )
    currency = SelectField(_l("Currency"), default="USD", choices=[(code, code) for code in CURRENCIES])
    incoterm = SelectField(
        _l("Incoterm (2020)"),
        validators=[Optional()],
        description=_l("Who pays for transport, insurance and duties, and where the goods change hands."),
    )
    destination_country = SelectField(_l("Destination country or region"), validators=[Optional()])
    destination_port = StringField(
        _l("Destination port or city"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example Port Klang, Laem Chabang or Jakarta (Tanjung Priok)."),
    )
    delivery_date = DayField(_l("Wanted delivery date"), validators=[Optional()])
    message = TextAreaField(
        _l("Message"),
        validators=[DataRequired(), Length(max=MAX_MESSAGE_LENGTH)],
        render_kw={"rows": 6},
        description=_l("What you need: specifications, certificates, packaging, samples."),
    )
    attachment = FileField(
        _l("Attachment"),
        description=_l("Optional. A PDF or an image (JPEG, PNG, WebP) of at most 10 MB."),
        render_kw={"accept": "application/pdf,image/jpeg,image/png,image/webp"},
    )
    buyer_organisation = StringField(
        _l("Your organisation"), validators=[Optional(), Length(max=200)], render_kw={"autocomplete": "organization"}
    )
    buyer_country = SelectField(_l("Your country or region"), validators=[Optional()])
    submit = SubmitField(_l("Send to the exhibitor"))

    def __init__(self, *args, products: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.products.choices = list(products)
        countries = [("", _l("— Choose —"))] + country_choices()
        self.destination_country.choices = countries
        self.buyer_country.choices = countries
        self.incoterm.choices = [("", _l("— Not decided yet —"))] + incoterm_choices()

    def inquiry_data(self) -> InquiryData:
        return InquiryData(
            kind=self.kind.data,
            product_ids=tuple(self.products.data or ()),
            message=_text(self.message),
            quantity=self.quantity.data,
            unit=_text(self.unit),
            target_price=self.target_price.data,
            currency=self.currency.data,
            incoterm=self.incoterm.data or None,
            destination_country=self.destination_country.data or None,
            destination_port=_text(self.destination_port),
            delivery_date=self.delivery_date.data,
            buyer_organisation=_text(self.buyer_organisation),
            buyer_country=self.buyer_country.data or None,
        )

    def attachment_upload(self):
        return _file_stream(self.attachment)


class MessageForm(Form):
    body = TextAreaField(
        _l("Your reply"), validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)], render_kw={"rows": 4}
    )
    attachment = FileField(
        _l("Attachment"),
        description=_l("Optional. A PDF or an image (JPEG, PNG, WebP) of at most 10 MB."),
        render_kw={"accept": "application/pdf,image/jpeg,image/png,image/webp"},
    )
    # Ids of their own: the team's inquiry page shows the reply, note, quotation, status and assignee
    # forms together, and a repeated id would tie one label (or button) to another form's field.
    submit = SubmitField(_l("Send"), id="reply-submit")

    def attachment_upload(self):
        return _file_stream(self.attachment)


class NoteForm(Form):
    note = TextAreaField(
        _l("Internal note"),
        id="internal-note",
        validators=[DataRequired(), Length(max=MAX_MESSAGE_LENGTH)],
        render_kw={"rows": 3},
        description=_l("Only your team sees notes; the buyer never does."),
    )
    submit = SubmitField(_l("Add note"), id="note-submit")


class QuotationForm(Form):
    unit_price = AmountField(
        _l("Unit price"),
        places=2,
        validators=[InputRequired(), NumberRange(min=0, max=Decimal("999999999999"))],
        render_kw={"inputmode": "decimal"},
    )
    currency = SelectField(_l("Currency"), default="USD", choices=[(code, code) for code in CURRENCIES])
    quantity = WholeNumberField(
        _l("Quantity"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_QUANTITY)],
        render_kw={"inputmode": "numeric"},
    )
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=30)])
    incoterm = SelectField(_l("Incoterm (2020)"), validators=[DataRequired()])
    lead_time_days = WholeNumberField(
        _l("Lead time (days)"),
        validators=[InputRequired(), NumberRange(min=0, max=3650)],
        description=_l("From the buyer's acceptance to shipment."),
    )
    valid_until = DayField(
        _l("Valid until"),
        validators=[DataRequired()],
        description=_l("The last day the buyer can accept, in your booth's time zone."),
    )
    note = TextAreaField(
        _l("Terms and remarks"),
        validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)],
        render_kw={"rows": 3},
        description=_l("Shown to the buyer with the quotation."),
    )
    submit = SubmitField(_l("Send quotation"), id="quotation-submit")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.incoterm.choices = incoterm_choices()

    def fill_from(self, inquiry: TradeInquiry, today: date) -> None:
        """Start from what the buyer asked for."""
        self.quantity.data = inquiry.quantity
        self.unit.data = inquiry.unit
        self.currency.data = inquiry.currency
        self.incoterm.data = inquiry.incoterm or "FOB"
        self.unit_price.data = inquiry.target_price
        self.valid_until.data = today + timedelta(days=30)

    def quotation_data(self) -> QuotationData:
        return QuotationData(
            unit_price=self.unit_price.data,
            currency=self.currency.data,
            quantity=self.quantity.data,
            unit=_text(self.unit),
            incoterm=self.incoterm.data,
            lead_time_days=self.lead_time_days.data,
            valid_until=self.valid_until.data,
            note=_text(self.note),
        )


class StatusForm(Form):
    status = SelectField(_l("Move to"), validators=[DataRequired()])
    submit = SubmitField(_l("Change status"), id="status-submit")


class AssignForm(Form):
    assignee = SelectField(_l("Assignee"), validators=[Optional()])
    submit = SubmitField(_l("Assign"), id="assign-submit")

    def assignee_id(self) -> int | None:
        return parse_id(self.assignee.data)


class BoothReportForm(Form):
    edition = SelectField(
        _l("Edition"),
        validators=[Optional()],
        description=_l("Choose an edition for its days, or leave it and give the dates."),
    )
    date_from = DayField(_l("First day"), validators=[Optional()])
    date_to = DayField(_l("Last day (included)"), validators=[Optional()])
    submit = SubmitField(_l("Compile the report"))

    def __init__(self, *args, editions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.edition.choices = [("", _l("— No edition: use the dates —"))] + [
            (str(edition.id), edition.name) for edition in editions
        ]

    def edition_id(self) -> int | None:
        return parse_id(self.edition.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.edition_id() is None and (self.date_from.data is None or self.date_to.data is None):
            self.date_from.errors.append(_l("Give both dates, or choose an edition."))
            return False
        return True


class ExpoReportForm(BoothReportForm):
    pavilion = SelectField(
        _l("Pavilion"),
        validators=[Optional()],
        description=_l("Only the booths placed in this pavilion of the chosen edition."),
    )

    def __init__(self, *args, editions=(), pavilions=(), **kwargs):
        super().__init__(*args, editions=editions, **kwargs)
        self.edition.choices[0] = ("", _l("— Every booth —"))
        self.edition.description = _l("Only the booths placed in this edition, over its days unless you give dates.")
        self.pavilion.choices = [("", _l("— Every pavilion —"))] + [
            (str(pavilion.id), f"{pavilion.edition.name} · {pavilion.name}") for pavilion in pavilions
        ]

    def pavilion_id(self) -> int | None:
        return parse_id(self.pavilion.data)


# Tags are typed separated by commas (Latin, Chinese and Japanese commas, the enumeration comma) or
# semicolons; static/js/stand-scans.js splits them alike on a device with no network.
TAG_SEPARATORS = re.compile(r"[,，、;；]")


class StandScanForm(Form):
    """The online "Scan a badge" form: a hand-held scanner types the badge's code into the first field
    and presses Enter. ``scan_id`` is made when the form is shown, so sending it twice records once."""

    scan_id = HiddenField(validators=[DataRequired()])
    code = StringField(
        _l("Badge code"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Scan the QR code on the visitor's badge with a hand-held scanner, or type the text it holds."),
        render_kw={"autofocus": True, "autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"},
    )
    rating = RadioField(
        _l("Rating"),
        choices=[(value, str(value)) for value in range(1, 6)],
        coerce=int,
        validators=[Optional()],
        description=_l("1: not interested … 5: ready to buy. Leave it empty if you cannot tell yet."),
    )
    products = CheckboxListField(_l("Products discussed"), coerce=int, validators=[Optional()])
    tags = StringField(
        lazy_pgettext("stand scan", "Tags"),
        validators=[Optional(), Length(max=500)],
        description=_l("Separated by commas, for example: distributor, wants samples, call back."),
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=MAX_NOTES_LENGTH)],
        render_kw={"rows": 3},
        description=_l("Only your team sees them; the visitor never does."),
    )
    submit = SubmitField(_l("Record the scan"))

    def tag_list(self) -> tuple[str, ...]:
        return clean_tags(TAG_SEPARATORS.split(self.tags.data or ""))

    def validate_tags(self, field) -> None:
        tags = self.tag_list()
        if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            raise ValidationError(
                _l(
                    "Give at most %(count)s tags of at most %(length)s characters each.",
                    count=MAX_TAGS,
                    length=MAX_TAG_LENGTH,
                )
            )

    def validate_products(self, field) -> None:
        if len(set(field.data or ())) > MAX_PRODUCTS:
            raise ValidationError(_l("Choose at most %(count)s products.", count=MAX_PRODUCTS))

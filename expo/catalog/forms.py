"""Catalogue forms: turning what the team types into values (expo.catalog.values); the rules live in
expo.catalog.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from expo.catalog import values
from expo.catalog.display import category_label
from expo.catalog.images import MAX_ALT_TEXT_LENGTH, MAX_IMAGES_PER_PRODUCT, Upload
from expo.catalog.importer import LEGACY_ENCODINGS
from expo.catalog.models import Product, ProductCategory
from expo.catalog.services import MAX_NAME_LENGTH, ProductData
from expo.lib.form_fields import Form
from expo.lib.text import MAX_MARKDOWN_LENGTH


def category_choices(tree: list[ProductCategory]) -> list[SelectChoice]:
    """No category, then each top-level category's subcategories under its name (an optgroup); a
    top-level category without subcategories is a choice of its own."""
    choices = [SelectChoice("", str(_l("— No category —")))]
    for parent in tree:
        if parent.children:
            choices += [
                SelectChoice(str(child.id), category_label(child), optgroup=category_label(parent))
                for child in parent.children
            ]
        else:
            choices.append(SelectChoice(str(parent.id), category_label(parent)))
    return choices


def _parsed(parse, text: str | None):
    try:
        return parse(text or "")
    except values.InvalidValue as exc:
        raise ValidationError(str(exc)) from None


class ProductForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)],
        description=_l("What buyers search for, for example “KN95 respirator, 5-layer”."),
    )
    category = SelectField(_l("Category"), validate_choice=True)
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=MAX_MARKDOWN_LENGTH)],
        render_kw={"rows": 8},
        description=_l("Markdown: **bold**, *italic*, lists starting with “-”, links as [text](https://…)."),
    )
    specifications = TextAreaField(
        _l("Specifications"),
        render_kw={
            "rows": 6,
            "placeholder": _l("Material: Non-woven polypropylene\nColour: Blue\nSize: 17.5 × 9.5 cm"),
        },
        description=_l("One per line, as “Name: value”. Buyers see them as a table, in this order."),
    )
    min_order_quantity = StringField(
        _l("Minimum order quantity"),
        render_kw={"inputmode": "numeric"},
        description=_l("Optional. A whole number, for example 200."),
    )
    order_unit = SelectField(_l("Unit"), default=values.DEFAULT_UNIT)
    order_unit_other = StringField(
        _l("Other unit"),
        validators=[Length(max=values.MAX_UNIT_LENGTH)],
        description=_l("Only when the unit is “other…”, for example “drum”."),
    )
    price_min = StringField(
        _l("Lowest price per unit"), render_kw={"inputmode": "decimal"}, description=_l("Optional, for example 2.50.")
    )
    price_max = StringField(
        _l("Highest price per unit"),
        render_kw={"inputmode": "decimal"},
        description=_l("Optional; the same as the lowest for a single price."),
    )
    currency = SelectField(_l("Currency"), default=values.DEFAULT_CURRENCY)
    hs_code = StringField(
        _l("HS code"),
        validators=[Length(max=20)],
        description=_l("Optional. 6 to 10 digits; dots and spaces are fine, for example 4015.19."),
    )
    availability = RadioField(_l("Availability"), default=Product.Availability.IN_STOCK)
    submit = SubmitField(_l("Save product"))

    def __init__(self, *args, categories: list[ProductCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices(categories)
        self.order_unit.choices = values.unit_choices()
        self.currency.choices = values.currency_choices()
        self.availability.choices = values.availability_choices()

    @staticmethod
    def data_of(product: Product) -> dict:
        """What the form shows for a saved product."""
        known_unit = product.order_unit in values.ORDER_UNITS
        return {
            "name": product.name,
            "category": str(product.category_id) if product.category_id else "",
            "description": product.description,
            "specifications": values.format_specifications(product.specifications or []),
            "min_order_quantity": str(product.min_order_quantity) if product.min_order_quantity else "",
            "order_unit": product.order_unit if known_unit else values.OTHER_UNIT,
            "order_unit_other": "" if known_unit else product.order_unit,
            "price_min": "" if product.price_min is None else str(product.price_min),
            "price_max": "" if product.price_max is None else str(product.price_max),
            "currency": product.currency,
            "hs_code": product.hs_code,
            "availability": product.availability,
        }

    def validate_specifications(self, field) -> None:
        _parsed(values.parse_specifications, field.data)

    def validate_min_order_quantity(self, field) -> None:
        _parsed(values.parse_quantity, field.data)

    def validate_order_unit_other(self, field) -> None:
        if self.order_unit.data == values.OTHER_UNIT and not (field.data or "").strip():
            raise ValidationError(_l("Name the unit, or choose one from the list."))

    def validate_price_min(self, field) -> None:
        _parsed(values.parse_price, field.data)

    def validate_price_max(self, field) -> None:
        _parsed(values.parse_price, field.data)

    def validate_hs_code(self, field) -> None:
        _parsed(values.parse_hs_code, field.data)

    def product_data(self) -> ProductData:
        unit = self.order_unit.data
        if unit == values.OTHER_UNIT:
            unit = " ".join((self.order_unit_other.data or "").split())
        return ProductData(
            name=" ".join((self.name.data or "").split()),
            category_id=int(self.category.data) if self.category.data else None,
            description=(self.description.data or "").strip(),
            specifications=values.parse_specifications(self.specifications.data or ""),
            min_order_quantity=values.parse_quantity(self.min_order_quantity.data or ""),
            order_unit=unit,
            price_min=values.parse_price(self.price_min.data or ""),
            price_max=values.parse_price(self.price_max.data or ""),
            currency=self.currency.data,
            hs_code=values.parse_hs_code(self.hs_code.data or ""),
            availability=self.availability.data,
        )


class ImageUploadForm(Form):
    images = MultipleFileField(
        _l("Pictures"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
        description=_l(
            "JPEG, PNG or WebP, at most 5 MB each; up to %(max)s per product. The first is the main picture.",
            max=MAX_IMAGES_PER_PRODUCT,
        ),
    )
    alt_text = StringField(
        _l("What the pictures show"),
        validators=[Length(max=MAX_ALT_TEXT_LENGTH)],
        description=_l(
            "Optional. Read aloud to buyers who cannot see them, for example "
            "“Box of 50 blue nitrile gloves”. You can change it for each picture."
        ),
    )
    submit = SubmitField(_l("Upload"))

    def uploads(self) -> list[Upload]:
        return [
            Upload(filename=item.filename, stream=item.stream)
            for item in (self.images.data or [])
            if item and getattr(item, "filename", "")
        ]


class AltTextForm(Form):
    alt_text = StringField(_l("What the picture shows"), validators=[Length(max=MAX_ALT_TEXT_LENGTH)])
    submit = SubmitField(_l("Save"))


class ImportForm(Form):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileRequired(_l("Choose the file to import."))],
        render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    legacy_encoding = SelectField(
        _l("Encoding of a CSV file that is not UTF-8"),
        choices=[(code, label) for code, label in LEGACY_ENCODINGS.items()],
        description=_l(
            "CSV files are read as UTF-8 (with or without a byte-order mark). A file Excel saved as "
            "plain “CSV” on Windows is in your Windows language's code page instead: choose that "
            "language here. “CSV UTF-8” and XLSX files need no choice."
        ),
    )
    submit = SubmitField(_l("Import"))

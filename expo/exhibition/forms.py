"""The search form (a GET form, so results can be linked): input validation only.

Filters a link names but that no longer exist (a deleted pavilion, a country whose last booth
closed) are reported next to their field and left out of the search; the rest of the search,
and what the visitor typed, stay as they were.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import ValidationError

from expo.content_languages import language_name, page_language
from expo.exhibition import services
from expo.exhibition.filter_options import FilterOptions
from expo.exhibition.search_index import MAX_QUERY_LENGTH
from expo.i18n import LANGUAGES, country_name
from expo.lib.form_fields import Form

MAX_ORDER_QUANTITY = 1_000_000_000
# The languages content may be written in, beyond the interface's: China's and ASEAN's.
CONTENT_LANGUAGES = ("en", "zh", "vi", "th", "id", "ms", "km", "lo", "my", "fil")

SORT_LABELS = {
    services.RELEVANCE: _l("Best match"),
    services.NEWEST: _l("Newest"),
    services.NAME: _l("Name"),
    services.MIN_ORDER: _l("Lowest minimum order"),
}


class FilterField(SelectField):
    """A filter chosen from a list; a value not on the list (a stale link) is an error shown on the
    field, and the search runs without that filter."""

    def pre_validate(self, form) -> None:
        if self.data not in (value for value, _label in self._flat_choices()):
            raise ValidationError(_l("This choice is no longer available; the search shows all instead."))

    def _flat_choices(self):
        if isinstance(self.choices, dict):
            for group in self.choices.values():
                yield from group
        else:
            yield from self.choices


class QuantityField(IntegerField):
    """An optional whole number from 1 up, with one message a buyer understands when it is not."""

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip().replace(",", ""))
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter the quantity as a whole number, for example 100.")) from None

    def pre_validate(self, form) -> None:
        if self.data is not None and not 1 <= self.data <= MAX_ORDER_QUANTITY:
            raise ValidationError(_l("Enter a quantity of at least 1."))


class SearchForm(Form):
    class Meta:
        csrf = False  # a search changes nothing, and its address is meant to be shared

    q = StringField(
        _l("Search booths and products"),
        filters=[lambda value: (value or "").strip()],
        render_kw={"placeholder": _l("Masks, durian, Vietnam coffee…"), "type": "search"},
    )
    type = HiddenField(default=services.PRODUCTS)
    country = FilterField(_l("Country"), default="")
    edition = FilterField(_l("Edition"), default="")
    pavilion = FilterField(_l("Pavilion"), default="")
    category = FilterField(_l("Category"), default="")
    language = FilterField(_l("Available in"), default="")
    moq = QuantityField(
        _l("I want to order"), description=_l("Shows products whose minimum order is at most this quantity.")
    )
    sort = FilterField(_l("Sort by"), default="")

    def __init__(self, options: FilterOptions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        self.country.choices = [("", _l("All countries"))] + [
            (code, f"{country_name(code)} ({count})") for code, count in options.countries
        ]
        language = page_language()
        self.edition.choices = [("", _l("All editions"))] + [
            (edition.slug, edition.name_in(language)) for edition in options.editions
        ]
        pavilions = {
            edition.name_in(language): [
                (str(pavilion.id), pavilion.name_in(language)) for pavilion in edition.pavilions
            ]
            for edition in options.editions
            if edition.pavilions
        }
        self.pavilion.choices = {"": [("", _l("All pavilions"))], **pavilions}
        self.category.choices = [("", _l("All categories"))] + [
            (category.slug, ("— " * depth) + _category_label(category)) for category, depth in options.category_tree()
        ]
        self.language.choices = [("", _l("Any language"))] + [
            (code, language_name(code)) for code in dict.fromkeys((*LANGUAGES, *CONTENT_LANGUAGES))
        ]
        self.sort.choices = [("", _l("Default"))] + [(sort, SORT_LABELS[sort]) for sort in services.SORTS[self.kind]]
        if self.type.data not in services.KINDS:
            self.type.data = services.PRODUCTS

    @property
    def kind(self) -> str:
        return self.type.data if self.type.data in services.KINDS else services.PRODUCTS

    @property
    def query_was_cut(self) -> bool:
        return len(self.q.data or "") > MAX_QUERY_LENGTH

    def criteria(self, page: int) -> services.SearchCriteria:
        """What to search for: the valid fields; a field with an error counts as not chosen."""

        def valid(field) -> str | None:
            return field.data or None if not field.errors else None

        edition = next((e for e in self.options.editions if e.slug == valid(self.edition)), None)
        category = next((c for c in self.options.categories if c.slug == valid(self.category)), None)
        pavilion = valid(self.pavilion)
        return services.SearchCriteria(
            text=self.q.data or "",
            kind=self.kind,
            country=valid(self.country),
            pavilion_id=int(pavilion) if pavilion else None,
            edition_id=edition.id if edition else None,
            category_ids=self.options.category_descendants(category.id) if category else (),
            order_quantity=None if self.moq.errors else self.moq.data,
            language=valid(self.language),
            sort=valid(self.sort) or "",
            page=page,
        )


def _category_label(category) -> str:
    from expo.catalog.display import category_label

    return category_label(category)

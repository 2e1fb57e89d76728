"""What exhibitors type becomes catalogue values, or a reason they can act on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from expo.catalog import values
from expo.catalog.values import InvalidValue


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("2.5", Decimal("2.50")),
        ("2,50", Decimal("2.50")),
        ("1,234.50", Decimal("1234.50")),
        ("1.234,50", Decimal("1234.50")),
        ("1 234,5", Decimal("1234.50")),
        ("12,000", Decimal("12000.00")),
        ("0", Decimal("0.00")),
        (" 3 ", Decimal("3.00")),
        ("", None),
    ],
)
def test_prices_are_read_the_way_people_write_them(typed, amount):
    assert values.parse_price(typed) == amount


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("-1", "cannot be negative"),
        ("2.555", "at most two decimals"),
        ("abc", "Enter a number"),
        ("NaN", "Enter a number"),
        ("1e13", "below one trillion"),
    ],
)
def test_wrong_prices_are_refused_with_the_reason(typed, reason):
    with pytest.raises(InvalidValue, match=reason):
        values.parse_price(typed)


@pytest.mark.parametrize("typed, quantity", [("200", 200), ("1,000", 1000), ("1 000", 1000), ("5.0", 5), ("", None)])
def test_minimum_order_quantities(typed, quantity):
    assert values.parse_quantity(typed) == quantity


@pytest.mark.parametrize("typed", ["0", "-3", "2.5", "two hundred", "2000000000"])
def test_minimum_order_must_be_a_positive_whole_number(typed):
    with pytest.raises(InvalidValue):
        values.parse_quantity(typed)


@pytest.mark.parametrize(
    "typed, code",
    [
        ("4015.19", "401519"),
        ("4015 19 00", "40151900"),
        ("9018.90.8000", "9018908000"),
        ("", ""),
    ],
)
def test_hs_codes_keep_their_digits(typed, code):
    assert values.parse_hs_code(typed) == code


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("30617", "6 to 10 digits"),
        ("40151900123", "6 to 10 digits"),
        ("4015.1A", "digits only"),
    ],
)
def test_wrong_hs_codes_are_refused(typed, reason):
    with pytest.raises(InvalidValue, match=reason):
        values.parse_hs_code(typed)


def test_a_short_hs_code_explains_the_lost_leading_zero():
    with pytest.raises(InvalidValue, match="starting with 0"):
        values.parse_hs_code("30617")


def test_specifications_are_ordered_pairs_and_values_may_hold_colons():
    text = "Material: Nitrile\n\nRatio: 1:2\r\nSize：S, M, L"
    assert values.parse_specifications(text) == [["Material", "Nitrile"], ["Ratio", "1:2"], ["Size", "S, M, L"]]
    assert values.parse_specifications("Material: Nitrile; Size: M", item_separator=";") == [
        ["Material", "Nitrile"],
        ["Size", "M"],
    ]
    assert values.format_specifications([["Material", "Nitrile"], ["Size", "M"]]) == "Material: Nitrile\nSize: M"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("Material Nitrile", "needs a name, a colon and a value"),
        (": Nitrile", "needs a name"),
        ("Size: S\nsize: M", "given twice"),
        ("\n".join(f"Item {number}: value" for number in range(41)), "at most 40"),
        ("Material: " + "x" * 301, "longer than 300"),
    ],
)
def test_wrong_specifications_are_refused(text, reason):
    with pytest.raises(InvalidValue, match=reason):
        values.parse_specifications(text)


def test_units_are_recognised_by_code_alias_and_name_and_others_are_kept_as_typed(app_ctx):
    lookup = values.unit_lookup(["en", "zh"])
    assert values.parse_unit("pcs", lookup) == "piece"
    assert values.parse_unit("Boxes", lookup) == "box"
    assert values.parse_unit("KG", lookup) == "kg"
    assert values.parse_unit("", lookup) == "piece"
    assert values.parse_unit("drum", lookup) == "drum"
    with pytest.raises(InvalidValue, match="at most 30"):
        values.parse_unit("a very long unit nobody has heard of", lookup)


def test_quantities_read_in_the_units_language(app_ctx):
    assert values.quantity_with_unit(1, "box") == "1 box"
    assert values.quantity_with_unit(200, "box") == "200 boxes"
    assert values.quantity_with_unit(1500, "kg") == "1,500 kg"
    assert values.quantity_with_unit(3, "drums") == "3 drums"


def test_currencies_are_iso_4217_money_with_the_regions_first(app_ctx):
    assert values.parse_currency("cny") == "CNY"
    assert values.parse_currency("") == "USD"
    with pytest.raises(InvalidValue, match="ISO 4217"):
        values.parse_currency("XAU")  # gold is not a currency prices are quoted in
    codes = [code for code, _label in values.currency_choices()]
    assert codes[:3] == ["USD", "CNY", "EUR"] and "VND" in codes[:13] and "XAU" not in codes
    assert dict(values.currency_choices())["THB"] == "THB · Thai Baht"

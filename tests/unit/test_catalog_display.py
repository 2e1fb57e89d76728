"""Product cards read in the viewer's language: prices, minimum orders and category names, also
where a task renders for someone else's language (force_locale)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import force_locale

from expo.catalog.display import category_label, minimum_order, price_per_unit, price_range
from expo.catalog.models import Product, ProductCategory


def masks(**fields) -> Product:
    defaults = dict(
        name="Surgical masks",
        price_min=Decimal("0.92"),
        price_max=Decimal("1.48"),
        currency="USD",
        order_unit="box",
        min_order_quantity=10_000,
    )
    defaults.update(fields)
    return Product(**defaults)


def test_labels_in_english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert price_per_unit(masks()) == "$0.92 – $1.48 / box"
        assert price_range(masks(price_max=None)) == "from $0.92"
        assert price_range(masks(price_min=None)) == "up to $1.48"
        assert price_range(masks(price_max=Decimal("0.92"))) == "$0.92"
        assert price_per_unit(masks(price_min=None, price_max=None)) == ""
        assert minimum_order(masks()) == "Minimum order: 10,000 boxes"
        assert minimum_order(masks(min_order_quantity=None)) == ""
        assert category_label(ProductCategory(name="Masks and respirators")) == "Masks and respirators"
        assert category_label(ProductCategory(name="Rattan chairs")) == "Rattan chairs"  # not in the tree


def test_labels_in_chinese_and_under_force_locale(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert minimum_order(masks()).startswith("起订量：10,000")
        assert price_range(masks(price_max=None)) == "US$0.92 起"
        assert category_label(ProductCategory(name="Masks and respirators")) == "口罩与呼吸器"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with force_locale("zh"):
            assert category_label(ProductCategory(name="Masks and respirators")) == "口罩与呼吸器"
        assert category_label(ProductCategory(name="Masks and respirators")) == "Masks and respirators"

"""row_url writes the address url_for writes, whatever the values: text quoted in the path and in
the query string, whole numbers, letters beyond ASCII."""

from __future__ import annotations

import pytest
from flask import url_for

from expo.lib.urls import row_url

SLUGS = ["nanning-mask-machinery", "口罩 机械", "a/b?c#d&e=f+g%h", "ร้าน-ทุเรียน", "x y;z@!"]


@pytest.mark.parametrize("slug", SLUGS)
def test_row_url_matches_url_for(app, slug):
    with app.test_request_context("/search"):
        for _ in range(2):  # the first call builds the pattern, the second reuses it
            assert row_url("booths.show_booth", slug=slug) == url_for("booths.show_booth", slug=slug)
            assert row_url("catalog.show_product", slug=slug, product_slug=slug[::-1]) == url_for(
                "catalog.show_product", slug=slug, product_slug=slug[::-1]
            )
            assert row_url("catalog.product_thumbnail", image_id=42) == url_for(
                "catalog.product_thumbnail", image_id=42
            )
            assert row_url("inquiries.new_inquiry", slug=slug, product=7) == url_for(
                "inquiries.new_inquiry", slug=slug, product=7
            )
            assert row_url("exhibition.search", q=slug) == url_for("exhibition.search", q=slug)


def test_row_url_keeps_the_script_root(app):
    with app.test_request_context("/search", base_url="http://localhost/expo"):
        assert (
            row_url("booths.show_booth", slug="abc") == url_for("booths.show_booth", slug="abc") == "/expo/booths/abc"
        )

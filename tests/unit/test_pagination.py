"""Lists read their page number the same way everywhere: an edited or stale link shows page 1."""

from __future__ import annotations

import pytest

from expo.lib.pagination import requested_page


@pytest.mark.parametrize("query, page", [("", 1), ("page=3", 3), ("page=0", 1), ("page=-4", 1), ("page=two", 1)])
def test_the_page_a_link_asks_for(app, query, page):
    with app.test_request_context(f"/list?{query}"):
        assert requested_page() == page


def test_a_named_page_and_a_forms_hidden_field(app):
    with app.test_request_context("/list?unconfirmed_page=2"):
        assert (requested_page("unconfirmed_page"), requested_page()) == (2, 1)
    with app.test_request_context("/list", method="POST", data={"page": "5"}):
        assert requested_page() == 5

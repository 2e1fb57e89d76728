"""docs/architecture.md's map of areas is the one the code draws (python -m docs.architecture)."""

from __future__ import annotations

from docs import architecture


def test_the_committed_map_of_areas_is_what_the_code_imports():
    page = architecture.PAGE.read_text(encoding="utf-8")
    assert architecture.rendered_page(page) == page, (
        "docs/architecture.md no longer matches the imports between areas: run `python -m docs.architecture`"
    )


def test_every_area_is_described_in_the_table():
    page = architecture.PAGE.read_text(encoding="utf-8")
    missing = [area for area in architecture.areas() if f"| `{area}` |" not in page]
    assert not missing, f"add a row for {missing} to the table in docs/architecture.md"

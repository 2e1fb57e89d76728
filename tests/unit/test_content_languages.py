"""A record's texts in several languages: which one a reader sees, and which languages it has."""

from __future__ import annotations

import pytest

from expo.catalog.models import Product


def product(**fields) -> Product:
    return Product(
        name=fields.pop("name", "KN95 respirator"),
        description=fields.pop("description", "Five layers."),
        specifications=[],
        **fields,
    )


def test_the_reader_sees_their_language_when_it_is_filled():
    mask = product(translations={"zh": {"name": "KN95 口罩"}})
    text = mask.text_in("name", "zh")
    assert (str(text), text.language, text.is_fallback) == ("KN95 口罩", "zh", False)


def test_a_missing_language_falls_back_to_the_source_language_then_english():
    mask = product(
        source_language="th",
        name="หน้ากาก KN95",
        description="",
        translations={"en": {"name": "KN95 respirator", "description": "Five layers."}},
    )
    name = mask.text_in("name", "vi")
    assert (name.text, name.language, name.is_fallback) == ("หน้ากาก KN95", "th", True)
    # The Thai description is empty: English fills in.
    assert mask.text_in("description", "vi").language == "en"


def test_an_empty_field_everywhere_reads_as_empty():
    mask = product(description="")
    assert not mask.text_in("description", "zh")


def test_languages_lists_the_source_then_every_language_with_a_filled_field():
    mask = product(translations={"vi": {"name": "Khẩu trang"}, "th": {"name": ""}, "zh": {"description": "五层"}})
    assert mask.languages() == ["en", "vi", "zh"]


def test_set_translation_replaces_one_language_and_drops_empty_ones():
    mask = product(translations={"zh": {"name": "口罩"}})
    before = mask.translations
    mask.set_translation("vi", {"name": "Khẩu trang", "description": ""})
    mask.set_translation("zh", {"name": ""})
    assert mask.translations == {"vi": {"name": "Khẩu trang"}}
    assert before == {"zh": {"name": "口罩"}}, "the column is reassigned, so the ORM sees the change"


def test_set_translation_refuses_the_source_language_and_unknown_fields():
    mask = product()
    with pytest.raises(ValueError):
        mask.set_translation("en", {"name": "Mask"})
    with pytest.raises(KeyError):
        mask.set_translation("zh", {"slug": "kou-zhao"})


@pytest.mark.parametrize(
    ("code", "shown"),
    [("vi", "Tiếng Việt"), ("th", "ไทย"), ("km", "ខ្មែរ"), ("qq", "qq"), ("not a code", "not a code")],
)
def test_a_language_is_named_in_itself_and_an_unknown_code_as_it_is(code, shown):
    """A record whose source language Babel does not know still shows (its code), never a 500."""
    from expo.content_languages import language_name

    assert language_name(code) == shown

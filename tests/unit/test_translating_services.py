"""Editors' translations: saving one language, who may, what is checked, and changing the source language."""

from __future__ import annotations

import pytest

from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.extensions import db
from expo.forums.models import ForumQuestion, ProgrammeSession
from expo.i18n import LANGUAGES
from expo.permissions import NotAllowed
from expo.translating import services


@pytest.fixture()
def team(factory):
    owner, stranger = factory.user(), factory.user()
    company = factory.company(owner=owner, name="Guangxi Protective Gear")
    booth = factory.booth(
        company,
        tagline="Masks for hospitals",
        description="We make **masks**.",
        description_html="<p>We make <strong>masks</strong>.</p>",
    )
    product = factory.product(
        booth,
        name="KN95 respirator",
        description="Five *layers*.",
        description_html="<p>Five <em>layers</em>.</p>",
        specifications=[["Layers", "5"], ["Colour", "White"]],
    )
    return owner, stranger, booth, product


def test_a_team_member_saves_a_translation_and_empty_fields_are_dropped(app_ctx, team):
    owner, _stranger, _booth, product = team
    product = db.session.get(Product, product.id)
    services.save_translation(
        owner, product, "zh", {"name": " KN95  口罩 ", "description": "", "specifications": "层数: 5\n颜色: 白色"}
    )
    db.session.commit()
    product = db.session.get(Product, product.id)
    assert product.translations == {"zh": {"name": "KN95 口罩", "specifications": [["层数", "5"], ["颜色", "白色"]]}}
    assert product.text_in("name", "zh").text == "KN95 口罩"
    assert product.text_in("description", "zh").language == "en"

    services.save_translation(owner, product, "zh", {"name": "", "description": "", "specifications": ""})
    assert product.translations == {}, "clearing every field removes the language"


def test_markdown_translations_get_their_own_sanitised_html(app_ctx, team):
    owner, _stranger, booth, _product = team
    booth = db.session.get(Booth, booth.id)
    services.save_translation(
        owner,
        booth,
        "vi",
        {
            "tagline": "Khẩu trang cho bệnh viện",
            "description": "Chúng tôi làm **khẩu trang**.<script>alert(1)</script>[x](javascript:alert(1))",
        },
    )
    html = booth.translations["vi"]["description_html"]
    assert "<strong>khẩu trang</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html, "raw HTML is shown as text, never run"
    assert 'href="javascript:' not in html
    assert booth.description_html == "<p>We make <strong>masks</strong>.</p>", "the source's HTML is untouched"


def test_another_team_may_not_translate(app_ctx, team, factory):
    _owner, stranger, _booth, product = team
    other = factory.company(owner=stranger)
    factory.booth(other)
    product = db.session.get(Product, product.id)
    with pytest.raises(NotAllowed):
        services.save_translation(db.session.merge(stranger), product, "zh", {"name": "口罩"})


def test_lengths_and_formats_are_checked_like_the_source_editor(app_ctx, team):
    owner, _stranger, _booth, product = team
    product = db.session.get(Product, product.id)
    with pytest.raises(services.TranslationRefused) as caught:
        services.save_translation(owner, product, "th", {"name": "ก" * 201, "specifications": "ไม่มีเครื่องหมาย"})
    assert set(caught.value.problems) == {"name", "specifications"}
    assert "200" in caught.value.problems["name"]
    with pytest.raises(services.TranslationRefused):
        services.save_translation(owner, product, "en", {"name": "Mask"})  # the source language
    with pytest.raises(services.TranslationRefused):
        services.save_translation(owner, product, "xx", {"name": "Mask"})  # no such language


def test_changing_the_source_language_swaps_the_texts(app_ctx, team):
    owner, _stranger, _booth, product = team
    product = db.session.get(Product, product.id)
    services.save_translation(
        owner, product, "th", {"name": "หน้ากาก KN95", "description": "ห้า**ชั้น**", "specifications": "ชั้น: 5"}
    )
    services.save_translation(owner, product, "zh", {"name": "KN95 口罩"})
    services.change_source_language(owner, product, "th")
    db.session.commit()
    product = db.session.get(Product, product.id)
    assert product.source_language == "th"
    assert (product.name, product.description, product.specifications) == ("หน้ากาก KN95", "ห้า**ชั้น**", [["ชั้น", "5"]])
    assert "<strong>ชั้น</strong>" in product.description_html
    assert product.translations["en"] == {
        "name": "KN95 respirator",
        "description": "Five *layers*.",
        "description_html": "<p>Five <em>layers</em>.</p>",
        "specifications": [["Layers", "5"], ["Colour", "White"]],
    }
    assert product.translations["zh"] == {"name": "KN95 口罩"}
    assert "th" not in product.translations
    assert product.text_in("name", "en").text == "KN95 respirator"
    assert product.text_in("name", "vi").text == "หน้ากาก KN95", "a missing language falls back to the new source"

    services.change_source_language(owner, product, "en")  # and back again
    assert product.name == "KN95 respirator" and product.translations["th"]["name"] == "หน้ากาก KN95"


def test_the_source_cannot_move_to_a_language_without_the_required_texts(app_ctx, team):
    owner, _stranger, _booth, product = team
    product = db.session.get(Product, product.id)
    services.save_translation(owner, product, "vi", {"description": "Năm lớp."})
    with pytest.raises(services.TranslationRefused) as caught:
        services.change_source_language(owner, product, "vi")
    assert caught.value.field == "source_language"
    assert product.source_language == "en" and product.name == "KN95 respirator"


def test_chips_say_which_languages_are_filled(app_ctx, team):
    owner, _stranger, _booth, product = team
    product = db.session.get(Product, product.id)
    services.save_translation(
        owner, product, "zh", {"name": "KN95 口罩", "description": "五层。", "specifications": "层数: 5\n颜色: 白色"}
    )
    services.save_translation(owner, product, "vi", {"name": "Khẩu trang KN95"})
    chips = {chip.language: chip.coverage for chip in services.language_chips(product)}
    filled = {"en": "source", "zh": "filled", "vi": "partly"}
    assert chips == {language: filled.get(language, "empty") for language in LANGUAGES}


def test_organizers_translate_sessions_and_question_options(app_ctx, factory):
    edition = factory.edition()
    organizer, outsider = factory.organizer(edition), factory.user()
    forum = factory.forum(edition)
    session = factory.programme_session(forum, title="Opening plenary", room="Hall A")
    question = factory._save(
        ForumQuestion(
            forum_id=forum.id,
            label="Diet",
            kind=ForumQuestion.CHOICE,
            choices=["None", "Halal", "Vegetarian"],
            position=1,
        )
    )
    session = db.session.get(ProgrammeSession, session.id)
    services.save_translation(db.session.merge(organizer), session, "zh", {"title": "开幕全体大会", "room": "A 厅"})
    assert session.text_in("room", "zh").text == "A 厅"
    with pytest.raises(NotAllowed):
        services.save_translation(db.session.merge(outsider), session, "zh", {"title": "开幕"})
    question = db.session.get(ForumQuestion, question.id)
    with pytest.raises(services.TranslationRefused) as caught:
        services.save_translation(db.session.merge(organizer), question, "zh", {"label": "饮食", "choices": "无\n清真"})
    assert "3" in caught.value.problems["choices"]
    services.save_translation(
        db.session.merge(organizer), question, "zh", {"label": "饮食", "choices": "无\n清真\n素食"}
    )
    assert question.translations["zh"]["choices"] == ["无", "清真", "素食"]

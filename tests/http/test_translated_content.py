"""Translated content over HTTP: visitors read their language (or are told which one they read), and
editors fill languages side by side on a record's translations page."""

from __future__ import annotations

import re

from sqlalchemy import select

from expo.catalog.models import Product
from expo.extensions import db
from expo.forums.models import ForumQuestion
from expo.registrations.models import Registration
from tests.conftest import count_queries, log_in, permission_failures

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
VI = {"Accept-Language": "vi-VN,vi;q=0.9"}


def element_with(page: str, text: str) -> str:
    """The opening tag of the element whose own text starts with ``text``."""
    match = re.search(r"<(\w+)([^<>]*)>\s*" + re.escape(text), page)
    assert match, f"{text!r} not found"
    return match.group(0)


def test_a_chinese_visitor_reads_the_chinese_texts_with_no_note(client, translated_shop):
    _owner, _staff, booth, product = translated_shop
    page = client.get(f"/booths/{booth.slug}/products/{product.slug}", headers=ZH).get_data(as_text=True)
    assert "<title>KN95 口罩 · 广西防护用品" in page
    assert 'lang="en"' not in element_with(page, "KN95 口罩")
    assert "层数" in page and "Layers" not in page
    # The description has no Chinese: it is shown in English, marked, and said once.
    assert 'lang="en"' in element_with(page, "<p>Five layers.")
    assert page.count("expo-translation-note") == 1
    assert "尚未译成" in page

    booth_page = client.get(f"/booths/{booth.slug}", headers=ZH).get_data(as_text=True)
    assert "医用口罩" in booth_page and "<strong>口罩</strong>" in booth_page
    assert "expo-translation-note" not in booth_page.split("expo-booth-description")[0]


def test_a_vietnamese_visitor_reads_english_marked_and_noted(client, translated_shop):
    _owner, _staff, booth, product = translated_shop
    page = client.get(f"/booths/{booth.slug}/products/{product.slug}", headers=VI).get_data(as_text=True)
    heading = re.search(r"<h1[^>]*>", page).group(0)
    assert 'lang="en"' in heading and "KN95 respirator</h1>" in page
    note = re.search(r'<p class="expo-translation-note[^"]*">(.*?)</p>', page, re.DOTALL).group(1)
    assert '<span lang="en">English</span>' in note and '<span lang="vi">Tiếng Việt</span>' in note
    assert page.count("expo-translation-note") == 1, "one note per block, not per field"


def test_search_cards_show_the_reader_language_without_more_queries(app, client, translated_shop, factory):
    _owner, _staff, booth, _product = translated_shop
    client.get("/search?q=respirator&type=products")  # the cached filter options are read once
    first = count_queries(app, client, "/search?q=respirator&type=products")
    for number in range(5):
        factory.product(
            booth,
            name=f"Respirator model {number}",
            translations={"zh": {"name": f"口罩型号 {number}"}, "vi": {"name": f"Khẩu trang {number}"}},
        )
    client.get("/search?q=respirator&type=products")
    assert count_queries(app, client, "/search?q=respirator&type=products") == first
    page = client.get("/search?q=respirator&type=products", headers=ZH).get_data(as_text=True)
    assert "KN95 口罩" in page and "口罩型号 3" in page and "广西防护用品" in page


def test_the_team_fills_vietnamese_beside_the_english_and_sees_the_chips(client, translated_shop):
    _owner, staff, booth, product = translated_shop
    log_in(client, staff)
    url = f"/translations/product/{product.id}"
    page = client.get(url + "?language=vi").get_data(as_text=True)
    assert 'data-coverage="source"' in page and "KN95 respirator" in page
    assert re.search(r'data-coverage="partly"[^>]*>.*?简体中文', page, re.DOTALL)  # no Chinese description
    assert re.search(r'data-coverage="empty"[^>]*>.*?Tiếng Việt', page, re.DOTALL)
    assert 'lang="vi"' in page  # the fields being typed are marked as Vietnamese

    saved = client.post(
        f"{url}/vi",
        data={"text_name": "Khẩu trang KN95", "text_description": "Năm **lớp**.", "text_specifications": "Số lớp: 5"},
    )
    assert saved.status_code == 302
    page = client.get(url + "?language=vi").get_data(as_text=True)
    assert re.search(r'data-coverage="filled"[^>]*>.*?Tiếng Việt', page, re.DOTALL)
    with client.application.app_context():
        stored = db.session.get(Product, product.id).translations["vi"]
    assert stored["description_html"].strip() == "<p>Năm <strong>lớp</strong>.</p>"

    visitor = client.application.test_client()
    shown = visitor.get(f"/booths/{booth.slug}/products/{product.slug}", headers=VI).get_data(as_text=True)
    assert "Khẩu trang KN95" in shown and "expo-translation-note" not in shown.split("More from")[0]


def test_bad_input_is_a_form_error_and_keeps_what_was_typed(client, translated_shop):
    owner, _staff, _booth, product = translated_shop
    log_in(client, owner)
    url = f"/translations/product/{product.id}"
    refused = client.post(f"{url}/th", data={"text_name": "หน้ากาก", "text_specifications": "ไม่มีเครื่องหมาย"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "invalid-feedback" in page and "หน้ากาก" in page
    with client.application.app_context():
        assert "th" not in db.session.get(Product, product.id).translations
        assert db.session.get(Product, product.id).translations["zh"]["name"] == "KN95 口罩", "nothing lost"


def test_changing_the_source_language_over_http(client, translated_shop):
    owner, _staff, _booth, product = translated_shop
    log_in(client, owner)
    url = f"/translations/product/{product.id}"
    assert client.post(f"{url}/source", data={"source_language": "vi"}).status_code == 400  # no Vietnamese name
    response = client.post(f"{url}/source", data={"source_language": "zh"})
    assert response.status_code == 302
    with client.application.app_context():
        product = db.session.get(Product, product.id)
        assert (product.source_language, product.name) == ("zh", "KN95 口罩")
        assert product.translations["en"]["name"] == "KN95 respirator"


def test_who_may_open_and_save_translations(client, translated_shop, factory):
    _owner, _staff, _booth, product = translated_shop
    edition = factory.edition()
    forum = factory.forum(edition)
    organizer = factory.organizer(edition)
    stranger = factory.user()
    factory.company(owner=stranger)
    product_url = f"/translations/product/{product.id}"
    forum_url = f"/translations/forum/{forum.id}"
    anonymous = [("GET", product_url, 302, {}), ("GET", forum_url, 302, {})]
    assert not permission_failures(client, anonymous, anonymous=True)
    log_in(client, stranger)
    assert not permission_failures(
        client,
        [
            ("GET", product_url, 404, {}),
            ("POST", f"{product_url}/vi", 404, {"data": {"text_name": "x"}}),
            ("GET", forum_url, 403, {}),
            ("GET", "/translations/nothing/1", 404, {}),
            ("GET", "/translations/product/999999", 404, {}),
        ],
    )
    organizer_client = client.application.test_client()
    log_in(organizer_client, organizer)
    assert not permission_failures(organizer_client, [("GET", forum_url, 200, {}), ("GET", product_url, 404, {})])


def test_organizers_translate_forums_sessions_and_questions_and_visitors_register_in_chinese(client, factory):
    edition = factory.edition(slug="18th")
    organizer = factory.organizer(edition)
    forum = factory.forum(edition, slug="health", title="Forum on Public Health")
    session = factory.programme_session(forum, title="Opening plenary", abstract="Welcome.")
    question = factory._save(
        ForumQuestion(
            forum_id=forum.id,
            label="Interpretation",
            kind=ForumQuestion.CHOICE,
            choices=["English", "Chinese"],
            required=True,
            position=1,
        )
    )
    log_in(client, organizer)
    assert (
        client.post(
            f"/translations/forum/{forum.id}/zh", data={"text_title": "公共卫生论坛", "text_description": ""}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/translations/session/{session.id}/zh",
            data={"text_title": "开幕全体大会", "text_abstract": "欢迎。", "text_room": ""},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/translations/question/{question.id}/zh", data={"text_label": "同声传译", "text_choices": "英语"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/translations/question/{question.id}/zh", data={"text_label": "同声传译", "text_choices": "英语\n中文"}
        ).status_code
        == 302
    )

    buyer = client.application.test_client()
    log_in(buyer, factory.user(language="zh"))
    forum_page = buyer.get("/editions/18th/forums/health").get_data(as_text=True)
    assert "公共卫生论坛" in forum_page and "开幕全体大会" in forum_page
    form = buyer.get(f"/editions/18th/sessions/{session.id}/register").get_data(as_text=True)
    assert "同声传译" in form and re.search(r">\s*中文\s*</label>", form) and re.search(r">\s*英语\s*</label>", form)
    assert 'value="Chinese"' in form, "the answer stored is the source language's option"
    assert (
        buyer.post(
            f"/editions/18th/sessions/{session.id}/register", data={f"question_{question.id}": "Chinese"}
        ).status_code
        == 302
    )
    with client.application.app_context():
        assert db.session.scalar(select(Registration)).answers == {str(question.id): "Chinese"}


def test_every_editor_links_to_its_translations_page(client, factory, translated_shop):
    owner, _staff, booth, product = translated_shop
    edition = factory.edition(slug="18th")
    organizer = factory.organizer()  # of every edition
    pavilion = factory.pavilion(edition)
    forum = factory.forum(edition)
    session = factory.programme_session(forum)
    speaker = factory.speaker(edition, name="Dr Li Ming")
    question = factory._save(ForumQuestion(forum_id=forum.id, label="Diet", kind=ForumQuestion.TEXT, position=1))
    team_pages = {
        f"/booths/{booth.slug}/edit": f"/translations/booth/{booth.id}",
        f"/booths/{booth.slug}/catalogue/{product.id}/edit": f"/translations/product/{product.id}",
        f"/exhibitors/{booth.slug}/team": f"/translations/company/{booth.company_id}",
    }
    organizer_pages = {
        "/editions/18th/edit": f"/translations/edition/{edition.id}",
        f"/editions/18th/pavilions/manage/{pavilion.id}/edit": f"/translations/pavilion/{pavilion.id}",
        f"/editions/18th/organize/forums/{forum.id}/edit": f"/translations/forum/{forum.id}",
        f"/editions/18th/organize/sessions/{session.id}/edit": f"/translations/session/{session.id}",
        f"/editions/18th/organize/speakers/{speaker.id}/edit": f"/translations/speaker/{speaker.id}",
        f"/editions/18th/organize/questions/{question.id}/edit": f"/translations/question/{question.id}",
    }
    log_in(client, owner)
    organizer_client = client.application.test_client()
    log_in(organizer_client, organizer)
    for who, pages in ((client, team_pages), (organizer_client, organizer_pages)):
        for editor, translations in pages.items():
            page = who.get(editor)
            assert page.status_code == 200, editor
            assert f'href="{translations}"' in page.get_data(as_text=True), editor
            assert who.get(translations).status_code == 200, translations


def test_the_ticket_mail_and_its_calendar_quote_the_session_in_the_recipient_language(app, client, factory):
    from tests.conftest import outbox_messages, run_recorded_tasks

    edition = factory.edition(slug="18th")
    forum = factory.forum(edition, title="Forum on Dentistry", translations={"zh": {"title": "口腔医学论坛"}})
    session = factory.programme_session(
        forum, title="Dental care", room="Room 202", translations={"zh": {"title": "口腔诊疗", "room": "202 会议室"}}
    )
    log_in(client, factory.user(language="zh"))
    assert client.post(f"/editions/18th/sessions/{session.id}/register").status_code == 302
    run_recorded_tasks(app)
    [message] = outbox_messages(app)
    assert "口腔诊疗" in message and "Dental care" not in message.split("Content-Type: text/calendar")[0]
    calendar_part = message.split("Content-Type: text/calendar", 1)[1].replace("\r\n ", "")
    assert "SUMMARY:口腔诊疗" in calendar_part and "202 会议室" in calendar_part


def test_the_team_translates_the_company_sector_and_buyers_read_and_find_it_in_their_language(
    app, client, translated_shop
):
    """The sector is a translated field like the company's name: filled beside the source on the
    translations page, shown to each reader in their language (marked where it falls back), and
    found by search in every language it is written in."""
    owner, _staff, booth, _product = translated_shop
    log_in(client, owner)
    url = f"/translations/company/{booth.company_id}"
    editor = client.get(url + "?language=zh").get_data(as_text=True)
    assert 'name="text_sector"' in editor and "Protective equipment" in editor and "防护装备" in editor
    saved = client.post(
        f"{url}/zh", data={"text_name": "广西防护用品", "text_sector": "防护设备", "text_description": ""}
    )
    assert saved.status_code == 302
    client.post(f"{url}/th", data={"text_name": "กว่างซี โพรเทคทีฟ เกียร์", "text_sector": "อุปกรณ์ป้องกันภัย"})

    visitor = app.test_client()
    chinese = visitor.get(f"/booths/{booth.slug}", headers=ZH).get_data(as_text=True)
    assert "防护设备" in chinese and "Protective equipment" not in chinese
    vietnamese = visitor.get(f"/booths/{booth.slug}", headers=VI).get_data(as_text=True)
    assert element_with(vietnamese, "Protective equipment") == '<span lang="en">Protective equipment'

    booths = visitor.get("/search?q=防护设备&type=booths", headers=ZH).get_data(as_text=True)
    assert "广西防护用品" in booths
    thai = visitor.get("/search?q=อุปกรณ์ป้องกันภัย&type=booths").get_data(as_text=True)
    assert "Guangxi Protective Gear" in thai

    (listed,) = visitor.get("/api/v1/exhibitors?lang=zh").get_json()["items"]
    assert listed["sector"] == "防护设备" and listed["translations"]["en"]["sector"] == "Protective equipment"
    assert listed["translations"]["th"]["sector"] == "อุปกรณ์ป้องกันภัย"


def test_team_and_organizer_tools_name_the_company_and_edition_in_the_readers_language(
    client, factory, translated_shop
):
    owner, _staff, booth, _product = translated_shop
    edition = factory.edition(name="China-ASEAN Expo", translations={"zh": {"name": "中国—东盟博览会"}})
    factory.placement(booth, factory.pavilion(edition), stand="A-1")
    organizer = factory.organizer(edition)

    # Signed-in people read their own language; ?lang=zh shows one page in Chinese.
    log_in(client, owner)
    for path in (
        f"/booths/{booth.slug}/webhooks/",
        "/exhibitors/guangxi/api-tokens",
        f"/booths/{booth.slug}/leads/scan",
    ):
        page = client.get(f"{path}?lang=zh").get_data(as_text=True)
        assert "广西防护用品" in page and "Guangxi Protective Gear" not in page, path
    scan = client.get(f"/booths/{booth.slug}/leads/scan?lang=zh").get_data(as_text=True)
    assert "中国—东盟博览会" in scan and "China-ASEAN Expo" not in scan
    # The company on the badge is what it prints, so only the edition is in the reader's language.
    badge = client.get(f"/my/badges/{edition.slug}?lang=zh").get_data(as_text=True)
    assert "中国—东盟博览会" in badge and "China-ASEAN Expo" not in badge

    client.post("/logout")
    log_in(client, organizer)
    for path in (
        f"/editions/{edition.slug}/webhooks/",
        f"/editions/{edition.slug}/organize/api-tokens",
        f"/editions/{edition.slug}/organize/badges",
    ):
        page = client.get(f"{path}?lang=zh").get_data(as_text=True)
        assert "中国—东盟博览会" in page and "China-ASEAN Expo" not in page, path


def test_the_search_filters_name_editions_and_pavilions_in_each_visitors_language(client, factory, translated_shop):
    _owner, _staff, booth, _product = translated_shop
    edition = factory.edition(name="China-ASEAN Expo", translations={"zh": {"name": "中国—东盟博览会"}})
    pavilion = factory.pavilion(edition, name="Public Health", translations={"zh": {"name": "公共卫生展区"}})
    placement = factory.placement(booth, pavilion, stand="A-1")

    chinese = client.get("/search?q=&lang=zh").get_data(as_text=True)
    assert "中国—东盟博览会" in chinese and "公共卫生展区" in chinese
    assert "China-ASEAN Expo" not in chinese and "Public Health" not in chinese
    # The options are kept once for everybody: the next visitor reads them in their own language.
    english = client.get("/search?q=&lang=en").get_data(as_text=True)
    assert "China-ASEAN Expo" in english and "Public Health" in english and "公共卫生展区" not in english
    # A language without a translation falls back to the source text.
    thai = client.get("/search?q=&lang=th").get_data(as_text=True)
    assert "Public Health" in thai

    # The organizers' own choices of a pavilion (a broadcast's audience, moving a booth) read alike.
    log_in(client, factory.organizer(edition))
    for path in (
        f"/editions/{edition.slug}/organize/broadcasts/new",
        f"/editions/{edition.slug}/pavilions/manage/booths/{placement.id}/edit",
    ):
        page = client.get(f"{path}?lang=zh").get_data(as_text=True)
        assert "公共卫生展区" in page and "Public Health" not in page, path

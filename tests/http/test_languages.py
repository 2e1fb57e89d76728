"""The header's language picker, ?lang= addresses, <html lang> and hreflang alternates."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask_babel import force_locale, gettext

from expo.accounts.models import User
from expo.extensions import db
from expo.i18n import LANGUAGES, in_language, lang_attributes, language_tag
from tests.conftest import log_in

OTHER_SITES = ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "evil.example"]


def _picker(html: str) -> str:
    match = re.search(r'<form class="expo-language.*?</form>', html, re.S)
    assert match, "no language picker in the header"
    return match.group(0)


def test_the_picker_names_every_language_in_its_own_name(client):
    picker = _picker(client.get("/").get_data(as_text=True))
    for code, own_name in LANGUAGES.items():
        assert f'<option value="{code}" lang="{language_tag(code)}"' in picker
        assert own_name in picker
    # Outside the collapsed menu: on a phone it is there without opening anything.
    html = client.get("/").get_data(as_text=True)
    assert html.index('class="expo-language') < html.index('id="main-nav"')


def test_the_picker_works_without_javascript(client):
    picker = _picker(client.get("/editions/?page=1").get_data(as_text=True))
    assert 'action="/language"' in picker and 'method="post"' in picker
    assert 'name="next" value="/editions/?page=1"' in picker
    assert re.search(r'<button type="submit"[^>]*data-submit-button', picker)


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_choosing_a_language_changes_the_page(app, client, language):
    response = client.post("/language", data={"language": language, "next": "/editions/"})
    assert response.status_code == 302 and response.headers["Location"] == "/editions/"

    html = client.get("/editions/").get_data(as_text=True)
    assert f'<html lang="{language_tag(language)}"' in html
    with app.test_request_context("/"), force_locale(language):
        editions = gettext("Editions")
    assert editions != "Editions" and f">{editions}<" in html


def test_going_back_drops_a_lang_parameter_so_the_choice_shows(client):
    response = client.post("/language", data={"language": "zh", "next": "/editions/?lang=en&page=2"})
    assert response.headers["Location"] == "/editions/?page=2"


@pytest.mark.parametrize("target", OTHER_SITES)
def test_choosing_a_language_never_leaves_the_site(client, target):
    response = client.post("/language", data={"language": "zh", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_signed_in_choice_is_the_accounts_language(app, client, factory):
    user = factory.user(language="en")
    log_in(client, user)
    client.post("/language", data={"language": "zh", "next": "/"})
    with app.app_context():
        assert db.session.get(User, user.id).language == "zh"
    assert '<html lang="zh-Hans"' in client.get("/").get_data(as_text=True)


def test_a_lang_parameter_shows_one_page_in_that_language_and_remembers_nothing(client):
    assert '<html lang="zh-Hans"' in client.get("/?lang=zh").get_data(as_text=True)
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in client.get("/?lang=xx").get_data(as_text=True)  # unknown: negotiated as usual


def test_a_page_asked_in_a_language_keeps_it_where_it_sends_the_visitor(app, client, factory):
    # Signed out: to the log-in page, in Thai, coming back to the page asked for.
    response = client.get("/my/agenda?lang=th")
    assert response.status_code == 302
    login = response.headers["Location"]
    assert login.startswith("/login?") and "lang=th" in login
    assert '<html lang="th"' in client.get(login).get_data(as_text=True)
    # Signed in with one badge: /my/badges sends the person to it, still in Vietnamese.
    edition = factory.edition(slug="caexpo")
    person = factory.user()
    factory.badge(edition, person)
    log_in(client, person)
    response = client.get("/my/badges?lang=vi")
    assert response.status_code == 302 and response.headers["Location"] == "/my/badges/caexpo?lang=vi"
    # An address that names its own language, another site, or no lang= asked: left as it is.
    assert "lang=" not in client.get("/my/badges").headers["Location"]
    with app.test_request_context("/?lang=zh"):
        from flask import make_response, redirect

        from expo.i18n import keep_language_on_redirect

        for target in ("https://evil.example/x", "/booths?lang=vi"):
            assert keep_language_on_redirect(make_response(redirect(target))).headers["Location"] == target


def test_pages_vary_by_language_and_cookie(client):
    response = client.get("/")
    assert "Accept-Language" in response.headers["Vary"]
    assert "Cookie" in response.headers["Vary"]


def _alternates(html: str) -> dict[str, str]:
    return {
        hreflang: unescape(href)
        for hreflang, href in re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    }


def test_public_pages_link_their_other_languages(client):
    alternates = _alternates(client.get("/editions/?page=1&lang=zh").get_data(as_text=True))
    expected = {language_tag(code): f"http://expo.test/editions/?page=1&lang={code}" for code in LANGUAGES}
    expected["x-default"] = "http://expo.test/editions/?page=1"
    assert alternates == expected


def test_signed_in_and_error_pages_have_no_alternates(client, factory):
    assert _alternates(client.get("/no-such-page").get_data(as_text=True)) == {}
    log_in(client, factory.user())
    assert _alternates(client.get("/my/agenda").get_data(as_text=True)) == {}
    assert _alternates(client.get("/").get_data(as_text=True)) == {}


def test_text_in_another_language_is_marked(app):
    with app.test_request_context("/"), force_locale("en"):
        assert in_language("口罩", "zh") == '<span lang="zh-Hans">口罩</span>'
        assert in_language("Masks", "en") == "Masks"
        assert in_language("<b>", "th") == '<span lang="th">&lt;b&gt;</span>'
        assert in_language("", "th") == ""
        assert lang_attributes("zh") == ' lang="zh-Hans"'
        assert lang_attributes("ar") == ' lang="ar" dir="rtl"'
    with app.test_request_context("/"), force_locale("zh"):
        assert in_language("口罩", "zh-Hans") == "口罩"
        assert in_language("Masks", "en") == '<span lang="en">Masks</span>'

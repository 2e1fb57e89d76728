"""The Indonesian (id) and Malaysian Malay (ms) catalogues are offered and served: chosen by the
browser, by the switcher or on the account, with placeholders filled in. Malay is not Indonesian:
each page uses its own language's words ("kata laluan" and "kata sandi" for password)."""

from __future__ import annotations

import pytest

from expo.accounts.services import MIN_PASSWORD_LENGTH
from expo.i18n import LANGUAGES
from tests.conftest import log_in


def test_both_languages_are_offered_under_their_own_names(client):
    assert LANGUAGES["id"] == "Bahasa Indonesia"
    assert LANGUAGES["ms"] == "Bahasa Melayu"
    page = client.get("/").get_data(as_text=True)
    assert "Bahasa Indonesia" in page and "Bahasa Melayu" in page


@pytest.mark.parametrize(
    ("header", "lang", "words", "other_language_words"),
    [
        (
            "id-ID,id;q=0.9,en;q=0.5",
            "id",
            ["Kata sandi", "Lupa kata sandi?", "Buat akun"],
            ["Kata laluan", "Log masuk"],
        ),
        ("ms-MY,ms;q=0.9,en;q=0.5", "ms", ["Kata laluan", "Lupa kata laluan?", "Log masuk"], ["Kata sandi"]),
    ],
)
def test_the_browser_language_chooses_the_catalogue(client, header, lang, words, other_language_words):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    for word in words:
        assert word in page
    for word in other_language_words:
        assert word not in page
    assert "Forgot your password?" not in page


def test_a_malay_form_keeps_its_placeholders_filled(client):
    client.post("/language", data={"language": "ms"})
    page = client.post(
        "/signup",
        data={
            "email": "aminah@example.com",
            "password": "short",
            "confirm": "short",
            "name": "Aminah Yusof",
            "organisation": "Syarikat Perubatan Klang",
            "job_title": "Pembeli",
            "country": "MY",
            "timezone": "Asia/Kuala_Lumpur",
            "language": "ms",
        },
    ).get_data(as_text=True)
    assert f"Sekurang-kurangnya {MIN_PASSWORD_LENGTH} aksara." in page  # the password field's hint
    assert "%(count)s" not in page


def test_indonesian_chosen_on_the_account_follows_the_user(app, client, factory):
    user = factory.user()
    log_in(client, user)
    client.post("/language", data={"language": "id"})
    other_device = app.test_client()
    log_in(other_device, user)
    page = other_device.get("/").get_data(as_text=True)
    assert '<html lang="id"' in page
    assert "Keluar" in page  # "Log out"

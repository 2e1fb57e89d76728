"""WTForms' own messages on a page are in the page's language, Vietnamese, Thai, Indonesian and Malay
included (WTForms ships no catalogue for them), and so is the reason a form without its CSRF token
is refused."""

from __future__ import annotations

import re

import pytest

from expo.accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from tests.conftest import log_in
from tests.wtforms_catalogues import compile_wtforms_catalogues

ERROR = re.compile(r'<div class="invalid-feedback d-block">([^<]*)</div>')


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    compile_wtforms_catalogues()


def _errors(response) -> list[str]:
    return ERROR.findall(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("browser", "required"),
    [
        ("th-TH,th;q=0.9,en;q=0.5", "กรุณาระบุข้อมูลในช่องนี้"),
        ("vi-VN,vi;q=0.9,en;q=0.5", "Trường này là bắt buộc."),
        ("id-ID,id;q=0.9", "Kolom ini wajib diisi."),
        ("ms-MY,ms;q=0.9", "Medan ini wajib diisi."),
        ("zh-CN,zh;q=0.9", "该字段是必填字段。"),  # WTForms' own catalogue
        ("en-GB,en;q=0.9", "This field is required."),
    ],
    ids=["th", "vi", "id", "ms", "zh", "en"],
)
def test_a_required_field_left_empty_says_so_in_the_pages_language(client, browser, required):
    response = client.post("/login", data={"email": "", "password": ""}, headers={"Accept-Language": browser})
    assert response.status_code == 200
    assert _errors(response) == [required, required]  # e-mail address and password
    if not browser.startswith("en"):
        assert "This field is required." not in response.get_data(as_text=True)


def test_a_vietnamese_sign_up_gets_the_length_and_choice_messages_in_vietnamese(client):
    response = client.post(
        "/signup",
        headers={"Accept-Language": "vi"},
        data={
            "name": "Nguyễn Văn An",
            "email": "an@example.vn",
            "password": "short",
            "confirm": "short",
            "timezone": "Asia/Ho_Chi_Minh",
            "language": "xx",
        },
    )
    assert response.status_code == 200
    errors = _errors(response)
    # Length(min, max): both counts filled in.
    assert f"Trường này phải có từ {MIN_PASSWORD_LENGTH} đến {MAX_PASSWORD_LENGTH} ký tự." in errors
    assert "Lựa chọn không hợp lệ." in errors  # SelectField: "Not a valid choice."
    assert not any(re.search(r"\b(Field|Not a valid)\b", error) for error in errors), errors


def test_a_signed_in_malay_user_gets_malay_messages_whatever_the_browser_says(app, factory):
    user = factory.user(language="ms")
    client = app.test_client()
    log_in(client, user)
    response = client.post(
        "/account/password",
        headers={"Accept-Language": "en"},
        data={"current_password": "", "password": "", "confirm": ""},
    )
    assert response.status_code == 200
    assert "Medan ini wajib diisi." in _errors(response)
    assert "This field is required." not in response.get_data(as_text=True)


@pytest.fixture()
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("vi", "Biểu mẫu đã hết hạn hoặc được gửi từ một trang web khác."),
        ("th", "แบบฟอร์มหมดอายุหรือถูกส่งมาจากเว็บไซต์อื่น"),
    ],
)
def test_a_form_sent_without_its_csrf_token_is_refused_in_the_pages_language(client, csrf_on, language, reason):
    response = client.post(
        "/login", data={"email": "an@example.vn", "password": "whatever-it-is"}, headers={"Accept-Language": language}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert reason in page
    assert "CSRF" not in page and "The form expired" not in page

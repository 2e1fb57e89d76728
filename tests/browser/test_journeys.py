"""End-to-end journeys in a real browser against the embedded stack (see conftest.py)."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

ORGANIZER_EMAIL = "organizer@example.com"
ORGANIZER_PASSWORD = "demo-organizer-2026"
ORGANIZER_NAME = "Li Wei"
CONFIRM_SUBJECT = "Confirm your e-mail address for Expo"
MAIL_TIMEOUT = 20.0  # seconds for the worker to write the confirmation e-mail to the outbox


def navbar(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main navigation")


def open_account_menu(page: Page, name: str) -> Locator:
    """The signed-in person's own pages (agenda, favourites, inquiries, companies) are in a menu under their name."""
    navbar(page).get_by_role("button", name=name).click()
    return navbar(page)


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/")
    navbar(page).get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def open_mail(page: Page, recipient: str, subject: str) -> None:
    """Reload the development outbox until the message arrives, then open it."""
    deadline = time.monotonic() + MAIL_TIMEOUT
    page.goto("/dev/outbox")
    while True:
        row = page.locator("tbody tr").filter(has_text=recipient)
        link = row.get_by_role("link", name=subject, exact=True)
        if link.count():
            link.first.click()
            return
        if time.monotonic() > deadline:
            pytest.fail(
                f"no “{subject}” message to {recipient} in /dev/outbox after {MAIL_TIMEOUT:.0f} s; "
                f"the outbox lists:\n{page.locator('main').inner_text()}"
            )
        page.wait_for_timeout(400)
        page.reload()


def test_sign_up_confirm_and_log_in(page: Page, expo_server, screenshot_dir):
    email = f"malee.{uuid.uuid4().hex[:10]}@example.org"
    password = "jasmine-rice-harvest-42"
    name = "Malee Srisuk"

    page.goto("/")
    page.screenshot(path=str(screenshot_dir / "home.png"), full_page=True)
    navbar(page).get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "sign-up.png"), full_page=True)

    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Country or region").select_option("TH")
    page.get_by_label("Time zone").select_option("Asia/Bangkok")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value(email)

    open_mail(page, email, CONFIRM_SUBJECT)
    expect(page.get_by_role("heading", name=CONFIRM_SUBJECT)).to_be_visible()
    confirm_link = page.locator("pre").get_by_role("link", name="/confirm/")
    expect(confirm_link).to_have_attribute("href", re.compile("^" + re.escape(expo_server.base_url) + "/confirm/"))
    confirm_link.click()

    expect(page).to_have_url(re.compile(r"/login\?email="))
    expect(page.get_by_role("alert").filter(has_text="your e-mail address is confirmed")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(expo_server.base_url + "/dashboard")  # where people land after signing in
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    expect(navbar(page).get_by_role("button", name=name)).to_be_visible()  # the account menu
    log_out = navbar(page).get_by_role("button", name="Log out")
    expect(log_out).to_be_visible()

    log_out.click()
    expect(page.get_by_role("alert").filter(has_text="You are logged out.")).to_be_visible()
    expect(navbar(page).get_by_role("link", name="Log in")).to_be_visible()
    expect(navbar(page).get_by_role("button", name=name)).to_have_count(0)


def test_login_with_demo_organizer_and_wrong_password(page: Page):
    log_in(page, ORGANIZER_EMAIL, "not-the-password")
    expect(page.get_by_text("The e-mail address or password is not right.")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value(ORGANIZER_EMAIL)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(navbar(page).get_by_role("button", name="Log out")).to_have_count(0)

    page.get_by_label("Password", exact=True).fill(ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Welcome, {ORGANIZER_NAME}")).to_be_visible()
    navbar(page).get_by_role("button", name="Organize").click()
    expect(navbar(page).get_by_role("link", name="Booth reviews")).to_be_visible()

    response = page.goto("/admin/users")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_language_switch_to_chinese(page: Page):
    page.goto("/editions/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")

    picker = navbar(page).get_by_label("Language")
    picker.select_option(label="简体中文")  # sent on change: no button to press with JavaScript

    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_url(re.compile(r"/editions/$"))  # back on the page the choice was made on
    expect(page.get_by_label("语言")).to_have_value("zh")

    page.goto("/")
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_label("语言")).to_have_value("zh")


def test_organizer_creates_edition(page: Page):
    log_in(page, ORGANIZER_EMAIL, ORGANIZER_PASSWORD)
    expect(page.get_by_role("heading", name=f"Welcome, {ORGANIZER_NAME}")).to_be_visible()
    navbar(page).get_by_role("link", name="Editions", exact=True).click()
    page.get_by_role("link", name="New edition").click()
    expect(page.get_by_role("heading", name="New edition")).to_be_visible()

    # First with the days the wrong way round: the form says so and keeps what was typed.
    page.get_by_label("Name", exact=True).fill("19th China-ASEAN Expo")
    page.get_by_label("Web address").fill("19th-caexpo")
    page.get_by_label("First day").fill("2027-09-28")
    page.get_by_label("Last day").fill("2027-09-20")
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_role("button", name="Save edition").click()

    expect(page.get_by_text("The last day cannot be before the first day.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/editions/new$"))
    expect(page.get_by_label("Name", exact=True)).to_have_value("19th China-ASEAN Expo")
    expect(page.get_by_label("Web address")).to_have_value("19th-caexpo")
    expect(page.get_by_label("Time zone of the venue")).to_have_value("Asia/Shanghai")

    page.get_by_label("Last day").fill("2027-10-02")
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_role("button", name="Save edition").click()

    expect(page).to_have_url(re.compile(r"/editions/19th-caexpo$"))
    expect(page.get_by_role("alert").filter(has_text="created")).to_be_visible()
    expect(page.get_by_role("heading", name="19th China-ASEAN Expo", level=1)).to_be_visible()
    hero = page.locator("section.expo-hero")
    # "Sep 28 – Oct 2, 2027" (Babel's interval format); the full month names are fine too.
    expect(hero).to_contain_text(re.compile(r"Sep(tember)? 28(, 2027)?\s*–\s*Oct(ober)? 2, 2027"))
    expect(hero).to_contain_text("local time: Asia/Shanghai")

"""A visitor's times in their browser's zone, sign-up defaulting to it, and the zone picker's labels."""

from __future__ import annotations

import re

from flask_babel import force_locale

from expo.i18n import timezone_choices
from tests.conftest import log_in


def _selected_zone(html: str) -> str:
    select = re.search(r'<select[^>]*name="timezone".*?</select>', html, re.S).group(0)
    match = re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', select)
    return match.group(1) or match.group(2)


def _zone_option(html: str, zone: str) -> str:
    return re.search(rf'<option[^>]*value="{re.escape(zone)}"[^>]*>([^<]*)</option>', html).group(1)


def test_the_browsers_zone_is_honoured_for_visitors_and_an_invalid_one_ignored(client):
    client.set_cookie("expo_tz", "Asia%2FBangkok")
    assert "Times are shown in Asia/Bangkok." in client.get("/").get_data(as_text=True)
    for bad in ("Not/AZone", "../../etc/passwd", "x" * 300, "Asia%2FNowhere"):
        client.set_cookie("expo_tz", bad)
        assert "Times are shown in UTC." in client.get("/").get_data(as_text=True), bad


def test_sign_up_defaults_to_the_browsers_zone_and_the_pages_language(client):
    client.set_cookie("expo_tz", "Asia%2FHo_Chi_Minh")
    html = client.get("/signup", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert _selected_zone(html) == "Asia/Ho_Chi_Minh"
    assert re.search(r'<option (selected )?value="zh"( selected)?', html)
    client.set_cookie("expo_tz", "Not/AZone")
    assert _selected_zone(client.get("/signup").get_data(as_text=True)) == "UTC"


def test_zone_choices_name_cities_with_offsets_in_the_viewers_language(client):
    english = client.get("/signup").get_data(as_text=True)
    assert _zone_option(english, "Asia/Bangkok") == "(UTC+07:00) Bangkok"
    chinese = client.get("/signup?lang=zh").get_data(as_text=True)
    assert _zone_option(chinese, "Asia/Bangkok") == "(UTC+07:00) 曼谷"
    assert _zone_option(chinese, "Asia/Shanghai") == "(UTC+08:00) 上海"


def test_zone_choices_go_by_offset_then_name_and_are_unambiguous(app):
    with app.test_request_context("/"), force_locale("en"):
        choices = timezone_choices()
    offsets = []
    for _zone, label in choices:
        sign, hours, minutes = re.match(r"\(UTC([+-])(\d\d):(\d\d)\)", label).groups()
        offsets.append((1 if sign == "+" else -1) * (int(hours) * 60 + int(minutes)))
    assert offsets == sorted(offsets)
    labels = [label for _zone, label in choices]
    assert len(labels) == len(set(labels))
    assert ("UTC", "(UTC+00:00) UTC") in choices


def test_only_a_visitors_get_may_reload_in_the_browsers_zone(client, factory):
    assert re.search(
        r'<meta name="expo-timezone" content="UTC" data-reload-in-browser-zone>', client.get("/").get_data(as_text=True)
    )
    log_in(client, factory.user(timezone="Asia/Jakarta"))
    page = client.get("/").get_data(as_text=True)
    assert '<meta name="expo-timezone" content="Asia/Jakarta">' in page


def test_an_old_zone_name_from_the_browser_defaults_to_its_current_name(client):
    client.set_cookie("expo_tz", "Asia%2FSaigon")  # what some browsers still report for Vietnam
    assert _selected_zone(client.get("/signup").get_data(as_text=True)) == "Asia/Ho_Chi_Minh"


def test_a_profile_kept_under_an_old_zone_name_still_lists_it(client, factory):
    log_in(client, factory.user(timezone="Asia/Calcutta"))
    html = client.get("/account").get_data(as_text=True)
    assert _selected_zone(html) == "Asia/Calcutta"
    assert "Asia/Calcutta" in _zone_option(html, "Asia/Calcutta")

"""The Thai interface: chosen by the browser or the switcher, served from the Thai catalogue, and the
choices that follow the language (sign-up's preselected language, the CSV code page of an import)."""

from __future__ import annotations

import re

from expo.catalog import importer
from tests.conftest import log_in

THAI = re.compile(r"[\u0e00-\u0e7f]")


def test_a_thai_browser_gets_the_log_in_page_in_thai(client):
    page = client.get("/login", headers={"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="th"' in page
    assert 'value="เข้าสู่ระบบ"' in page  # the form's submit label, a lazy_gettext string in Python
    assert "ลืมรหัสผ่าน?" in page  # a template string
    assert not re.search(r">\s*Log in\s*<", page)


def test_the_switcher_offers_thai_in_its_own_name_and_remembers_it(client):
    assert ">ไทย<" in client.get("/").get_data(as_text=True).replace("\n", "").replace("  ", "")
    response = client.post("/language", data={"language": "th", "next": "/exhibition"})
    assert response.status_code == 302 and response.headers["Location"] == "/exhibition"
    page = client.get("/exhibition").get_data(as_text=True)
    assert '<html lang="th"' in page and "นิทรรศการออนไลน์" in page


def test_sign_up_preselects_thai_for_a_thai_browser(client):
    page = client.get("/signup", headers={"Accept-Language": "th"}).get_data(as_text=True)
    assert re.search(r'<option selected value="th">\s*ไทย\s*</option>', page), re.findall(r"<option[^>]*th[^>]*>", page)


def test_a_placeholder_in_a_thai_message_is_filled_in(app, factory):
    user = factory.user(language="th", name="Somchai Jaidee")
    client = app.test_client()
    response = log_in(client, user)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ยินดีต้อนรับกลับมา Somchai Jaidee" in page
    assert "%(name)s" not in page and THAI.search(page)


def test_a_thai_import_page_reads_legacy_csv_as_windows_874(app, factory):
    owner = factory.user(language="th")
    booth = factory.booth(factory.company(owner=owner))
    client = app.test_client()
    log_in(client, owner)
    page = client.get(f"/booths/{booth.slug}/catalogue/import").get_data(as_text=True)
    assert '<option selected value="cp874">' in page
    assert "ไทย (Windows-874)" in page


def test_the_default_code_page_follows_the_language():
    assert importer.default_legacy_encoding("th") == "cp874"
    assert importer.default_legacy_encoding("zh") == "gb18030"
    assert importer.default_legacy_encoding("zh_Hant_TW") == "gb18030"
    assert importer.default_legacy_encoding("vi") == "cp1258"
    assert importer.default_legacy_encoding("en") == "cp1252"

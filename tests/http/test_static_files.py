"""Static files reach the browser compressed, under names that change with their content, cached
for a year; a name that was never built is a 404."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from expo import PROJECT_ROOT

HASHED_URL = re.compile(r"^/static/(?P<folder>(?:[\w-]+/)*)(?P<stem>[\w.-]+)\.[0-9a-f]{12}\.(?P<ext>\w+)$")
ASSET = re.compile(r'<(?:link rel="(?:stylesheet|icon)" href|script src)="([^"]+)"')


@pytest.fixture()
def booth_page(client, factory) -> str:
    company = factory.company(owner=factory.user(), name="Nanning Medical Textiles")
    booth = factory.booth(company)
    return client.get(f"/booths/{booth.slug}").get_data(as_text=True)


def _plain_name(url: str) -> str:
    parts = HASHED_URL.match(url)
    assert parts, f"{url} is not a content-hashed static URL"
    return f"{parts['folder']}{parts['stem']}.{parts['ext']}"


def _stylesheet_url(page: str) -> str:
    return next(url for url in ASSET.findall(page) if "bootstrap.min" in url and url.endswith(".css"))


def test_the_booth_page_links_every_stylesheet_script_and_icon_by_a_hashed_name(client, booth_page):
    assets = ASSET.findall(booth_page)
    plain = {_plain_name(url) for url in assets}
    assert {
        "vendor/bootstrap/bootstrap.min.css",
        "css/expo.css",
        "js/expo.js",
        "js/engagement.js",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "js/booths.js",
        "favicon.svg",
    } <= plain
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.data == (PROJECT_ROOT / "static" / _plain_name(url)).read_bytes(), url


@pytest.mark.parametrize(
    ("accepted", "encoding", "decompress"),
    [
        ("br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("gzip, deflate, br, zstd", "br", brotli.decompress),  # what a current browser sends
    ],
)
def test_a_compressed_body_for_a_browser_that_accepts_it(client, booth_page, accepted, encoding, decompress):
    url = _stylesheet_url(booth_page)
    response = client.get(url, headers={"Accept-Encoding": accepted})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Content-Type"].startswith("text/css")
    original = (PROJECT_ROOT / "static" / "vendor/bootstrap/bootstrap.min.css").read_bytes()
    assert len(response.data) < len(original) / 5
    assert decompress(response.data) == original


def test_the_plain_body_for_a_client_that_accepts_no_compression(client, booth_page):
    response = client.get(_stylesheet_url(booth_page), headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == (PROJECT_ROOT / "static" / "vendor/bootstrap/bootstrap.min.css").read_bytes()


def test_a_hashed_name_is_cached_for_a_year_as_immutable(client, booth_page):
    for url in ASSET.findall(booth_page):
        cache_control = {part.strip() for part in client.get(url).headers["Cache-Control"].split(",")}
        assert {"public", "immutable", "max-age=31536000"} <= cache_control, url


def test_a_plain_name_still_works_and_is_revalidated_after_a_minute(client):
    response = client.get("/static/css/expo.css")
    assert response.status_code == 200
    assert response.data == (PROJECT_ROOT / "static" / "css" / "expo.css").read_bytes()
    assert response.headers["Cache-Control"] == "max-age=60, public"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/static/css/expo.0123456789ab.css",  # a hash that was never built
        "/static/css/nothing-here.css",
        "/static/manifest.json",  # the build's bookkeeping is not published
        "/static/../expo/config.py",
        "/static/%2e%2e/expo/config.py",
    ],
)
def test_a_name_that_was_never_built_is_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_a_head_request_and_a_conditional_get(client, booth_page):
    url = _stylesheet_url(booth_page)
    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert client.head(url, headers={"Accept-Encoding": "br"}).headers["Content-Length"] == str(len(first.data))
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""

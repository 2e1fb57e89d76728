"""Search engines find every public page through the sitemap, and nothing private or unpublished;
robots.txt keeps them out of private areas and names the sitemap."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from expo.booths.models import Booth
from expo.catalog.models import Product
from expo.editions.models import Edition
from expo.exhibition import sitemap
from expo.extensions import db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def fetch_xml(client, url: str) -> ElementTree.Element:
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    return ElementTree.fromstring(response.data)


def every_url(client) -> tuple[list[str], dict[str, str | None]]:
    """Walk the index to its children: (the children's URLs, every page URL -> its lastmod)."""
    index = fetch_xml(client, "http://expo.test/sitemap.xml")
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    children = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    pages: dict[str, str | None] = {}
    for child in children:
        urlset = fetch_xml(client, child)
        entries = urlset.findall("s:url", NS)
        assert len(entries) <= sitemap.URLS_PER_SITEMAP
        for entry in entries:
            location = entry.find("s:loc", NS).text
            assert location not in pages, f"{location} listed twice"
            lastmod = entry.find("s:lastmod", NS)
            pages[location] = lastmod.text if lastmod is not None else None
    return children, pages


@pytest.fixture()
def catalogue(app, factory):
    owner = factory.user()
    published = factory.booth(factory.company(owner=owner, name="Open Co", slug="open-co"))
    draft = factory.booth(factory.company(owner=owner, name="Draft Co", slug="draft-co"), status=Booth.Status.DRAFT)
    suspended = factory.booth(
        factory.company(owner=owner, name="Gone Co", slug="gone-co"),
        status=Booth.Status.SUSPENDED,
        suspended_reason="Certificates expired",
    )
    with app.app_context():
        db.session.add_all(
            [
                Product(booth_id=published.id, slug="durian-cake", name="Durian cake"),
                Product(booth_id=published.id, slug="rice", name="Rice"),
                Product(booth_id=draft.id, slug="secret", name="Secret"),
                Product(booth_id=suspended.id, slug="hidden", name="Hidden"),
            ]
        )
        db.session.commit()
    edition = factory.edition(slug="caexpo-18")
    pavilion = factory.pavilion(edition, slug="public-health")
    forum = factory.forum(edition, slug="health-forum")
    session = factory.programme_session(forum)
    speaker = factory.speaker(edition)
    hidden_edition = factory.edition(slug="caexpo-19", status=Edition.Status.DRAFT)
    hidden_forum = factory.forum(hidden_edition, slug="secret-forum")
    factory.programme_session(hidden_forum)
    factory.pavilion(hidden_edition, slug="secret-pavilion")
    return {"session": session, "speaker": speaker, "pavilion": pavilion}


def test_the_sitemap_lists_every_public_page_and_nothing_unpublished(client, catalogue):
    _children, pages = every_url(client)
    base = "http://expo.test"
    expected = {
        f"{base}/",
        f"{base}/exhibition",
        f"{base}/editions/",
        f"{base}/booths/open-co",
        f"{base}/booths/open-co/products/durian-cake",
        f"{base}/booths/open-co/products/rice",
        f"{base}/editions/caexpo-18",
        f"{base}/editions/caexpo-18/programme",
        f"{base}/editions/caexpo-18/pavilions/",
        f"{base}/editions/caexpo-18/pavilions/public-health",
        f"{base}/editions/caexpo-18/forums/health-forum",
        f"{base}/editions/caexpo-18/sessions/{catalogue['session'].id}",
        f"{base}/editions/caexpo-18/speakers/{catalogue['speaker'].id}",
    }
    assert set(pages) == expected
    assert all(not re.search(r"draft-co|gone-co|secret|hidden|caexpo-19", url) for url in pages)
    # Booths and products say when they last changed, in W3C form.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", pages[f"{base}/booths/open-co"])
    assert pages[f"{base}/booths/open-co/products/rice"]


def test_every_listed_page_opens(client, catalogue):
    _children, pages = every_url(client)
    for url in pages:
        assert client.get(urlsplit(url).path).status_code == 200, url


def test_large_sections_are_split_into_numbered_sitemaps(client, catalogue, monkeypatch):
    monkeypatch.setattr(sitemap, "URLS_PER_SITEMAP", 2)
    children, pages = every_url(client)
    paths = [urlsplit(child).path for child in children]
    assert "/sitemaps/products-1.xml" in paths and "/sitemaps/products-2.xml" not in paths  # two products
    assert {"/sitemaps/pages-1.xml", "/sitemaps/pages-2.xml", "/sitemaps/pages-3.xml"} <= set(paths)
    assert "/sitemaps/programme-2.xml" in paths
    assert len(pages) == 13
    assert client.get("/sitemaps/products-2.xml").status_code == 404
    assert client.get("/sitemaps/products-0.xml").status_code == 404
    assert client.get("/sitemaps/secrets-1.xml").status_code == 404


def test_an_empty_site_still_has_a_valid_sitemap(client):
    children, pages = every_url(client)
    assert [urlsplit(child).path for child in children] == ["/sitemaps/pages-1.xml"]
    assert set(pages) == {"http://expo.test/", "http://expo.test/exhibition", "http://expo.test/editions/"}


# --- robots.txt ----------------------------------------------------------------------------------


def robots_allows(robots: str, path: str) -> bool:
    """Google's reading: the longest matching rule wins, Allow on a tie; * matches anything."""
    best: tuple[int, bool] = (-1, True)
    for line in robots.splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() not in ("allow", "disallow") or not value.strip():
            continue
        pattern = value.strip()
        if re.match(re.escape(pattern).replace(r"\*", ".*"), path):
            allowed = field.strip().lower() == "allow"
            if len(pattern) > best[0] or (len(pattern) == best[0] and allowed):
                best = (len(pattern), allowed)
    return best[1]


def test_robots_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    robots = response.get_data(as_text=True)
    assert "Sitemap: http://expo.test/sitemap.xml" in robots
    assert robots.startswith("User-agent: *")
    for private in (
        "/account",
        "/account/password",
        "/admin/users",
        "/login",
        "/signup",
        "/reset/abc",
        "/my/agenda",
        "/calendar/secret-token.ics",
        "/dev/outbox",
        "/editions/new",
        "/editions/caexpo/edit",
        "/editions/caexpo/organize/",
        "/editions/caexpo/checkin/",
        "/editions/caexpo/pavilions/manage/new",
        "/editions/caexpo/sessions/3/register",
        "/exhibitors/apply",
        "/exhibitors/mine",
        "/exhibitors/review",
        "/exhibitors/acme/team",
        "/search?q=durian",
    ):
        assert not robots_allows(robots, private), private
    for public in (
        "/",
        "/exhibition",
        "/booths/acme",
        "/booths/acme/products/rice",
        "/editions/caexpo",
        "/editions/caexpo/programme",
        "/editions/caexpo/pavilions/public-health",
        "/editions/caexpo/sessions/3",
        "/exhibitors/acme/logo",
        "/sitemap.xml",
        "/static/css/expo.css",
    ):
        assert robots_allows(robots, public), public

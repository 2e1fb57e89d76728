"""What the exhibition's areas show on each other's pages: visits counted on the booth and product
pages and brochure downloads, the favourite buttons, where a booth stands and its "live" marker."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from expo.booths.models import BoothDocument
from tests.conftest import log_in

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"}


@pytest.fixture()
def booth(factory):
    company = factory.company(owner=factory.user(), name="Mekong Herbal Co", country="VN")
    return factory.booth(company, tagline="Herbs from the delta")


def kinds(buffer) -> list[str]:
    batch = buffer.read_batch()
    return [event["kind"] for event in batch.events] if batch else []


def test_visiting_a_booth_and_a_product_and_downloading_a_brochure_are_counted(
    app, client, factory, booth, engagement_buffer, tmp_path
):
    product = factory.product(booth, name="Ginseng tea")
    storage = app.config["STORAGE_PATH"]
    (storage / "docs").mkdir(parents=True, exist_ok=True)
    (storage / "docs" / "brochure.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    brochure = factory._save(BoothDocument(booth_id=booth.id, title="Catalogue", path="docs/brochure.pdf"))
    assert client.get(f"/booths/{booth.slug}", headers=BROWSER).status_code == 200
    assert client.get(f"/booths/{booth.slug}/products/{product.slug}", headers=BROWSER).status_code == 200
    # Looking through the product's gallery is the same view, not another one.
    client.get(f"/booths/{booth.slug}/products/{product.slug}?image=1", headers=BROWSER)
    assert client.get(f"/booths/{booth.slug}/brochures/{brochure.id}", headers=BROWSER).status_code == 200
    assert kinds(engagement_buffer) == ["booth_visit", "product_view", "brochure_download"]


def test_the_booth_page_offers_saving_the_booth_and_the_product_page_the_product(client, factory, booth):
    product = factory.product(booth, name="Ginseng tea")
    log_in(client, factory.user())
    booth_page = client.get(f"/booths/{booth.slug}").get_data(as_text=True)
    assert f'action="/favourites/booth/{booth.id}"' in booth_page
    product_page = client.get(f"/booths/{booth.slug}/products/{product.slug}").get_data(as_text=True)
    assert f'action="/favourites/product/{product.id}"' in product_page


def test_the_team_gets_its_tools_instead_of_a_favourite_button(client, factory):
    owner = factory.user()
    booth = factory.booth(factory.company(owner=owner))
    log_in(client, owner)
    page = client.get(f"/booths/{booth.slug}").get_data(as_text=True)
    assert f"/booths/{booth.slug}/catalogue" in page and f"/booths/{booth.slug}/analytics" in page
    assert "/favourites/booth/" not in page


def test_a_booth_says_where_it_stands_and_is_live_while_its_edition_is_on(client, factory, booth):
    today = date.today()
    running = factory.edition(
        name="19th China-ASEAN Expo", starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=2)
    )
    pavilion = factory.pavilion(running, name="Traditional Medicine and Health Tourism")
    factory.placement(booth, pavilion, stand="C-07")
    page = client.get(f"/booths/{booth.slug}").get_data(as_text=True)
    assert "19th China-ASEAN Expo" in page and "Traditional Medicine and Health Tourism" in page
    assert "stand C-07" in page and "Live now" in page
    hall = client.get(f"/editions/{running.slug}/pavilions/{pavilion.slug}").get_data(as_text=True)
    assert hall.count("Live now") == 1, "the pavilion's card shows the marker once"


def test_between_editions_the_booth_is_open_without_the_live_marker(client, factory, booth):
    later = factory.edition(starts_on=date.today() + timedelta(days=200), ends_on=date.today() + timedelta(days=203))
    factory.placement(booth, factory.pavilion(later), stand="A-01")
    page = client.get(f"/booths/{booth.slug}").get_data(as_text=True)
    assert "stand A-01" in page and "Live now" not in page

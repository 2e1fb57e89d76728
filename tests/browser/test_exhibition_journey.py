"""The online exhibition in a real browser: a newcomer applies to exhibit, an organizer approves, the
team builds its booth with a product and a picture, the organizer publishes it, and a visitor who
knows nothing of it finds the product by searching."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_journeys import log_in, navbar, open_mail

pytestmark = pytest.mark.browser

ORGANIZER = ("organizer@example.com", "demo-organizer-2026")
CONFIRM_SUBJECT = "Confirm your e-mail address for Expo"


def sign_up_and_confirm(page: Page, email: str, password: str, name: str) -> None:
    page.goto("/signup")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Country or region").select_option("VN")
    page.get_by_label("Time zone").select_option("Asia/Ho_Chi_Minh")
    page.get_by_role("button", name="Create account").click()
    open_mail(page, email, CONFIRM_SUBJECT)
    page.locator("pre").get_by_role("link", name="/confirm/").click()
    log_in(page, email, password)
    expect(navbar(page).get_by_role("button", name=name)).to_be_visible()


def product_picture() -> bytes:
    image = Image.new("RGB", (800, 600), (200, 60, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return buffer.getvalue()


def organizer_page(browser: Browser, expo_server) -> Page:
    context = browser.new_context(
        base_url=expo_server.base_url,
        locale="en-US",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, *ORGANIZER)
    return page


def test_a_booth_is_built_published_and_its_product_found_by_a_visitor(
    page: Page, browser, expo_server, screenshot_dir
) -> None:
    tag = uuid.uuid4().hex[:6]
    company = f"Saigon Herbal Labs {tag}"
    product = f"Artichoke tea {tag}"
    sign_up_and_confirm(page, f"linh.{tag}@example.org", "lotus-pond-evening-7", "Tran Thi Linh")

    # Applying to exhibit.
    page.goto("/exhibitors/apply")
    page.get_by_label("Company name").fill(company)
    page.get_by_label("Country or region").select_option("VN")
    page.get_by_label("Sector").fill("Traditional medicine")
    page.get_by_label("About the company").fill("Herbal teas and remedies from the Mekong delta.")
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_text("Your application for")).to_be_visible()

    organizer = organizer_page(browser, expo_server)
    try:
        navbar(organizer).get_by_role("button", name="Organize").click()
        navbar(organizer).get_by_role("link", name="Exhibitor applications").click()
        organizer.get_by_role("row").filter(has_text=company).get_by_role("link", name="Review").click()
        organizer.get_by_role("button", name="Approve").click()
        expect(organizer.get_by_text("is approved")).to_be_visible()

        # The team builds the booth: its profile, a contact channel, a product with a picture.
        page.goto("/exhibitors/mine")
        page.get_by_role("link", name=company).first.click()
        page.get_by_role("link", name="Edit booth").click()
        page.get_by_label("Tagline").fill("Herbal teas from the Mekong delta")
        page.get_by_label("Description").fill(
            "We grow and dry **artichoke**, lotus and pandan leaves on our own farms near Da Lat, and pack "
            "herbal teas for pharmacies and tea shops across the ASEAN region and China."
        )
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_role("link", name="Contact channels").click()
        page.get_by_label("E-mail").fill(f"sales.{tag}@example.org")
        page.get_by_role("button", name="Save contacts").click()

        page.get_by_role("link", name="Products").click()
        page.get_by_role("link", name="New product").first.click()
        page.get_by_label("Name", exact=True).fill(product)
        page.get_by_label("Category").select_option(label="Herbal medicine")
        page.get_by_label("Minimum order quantity").fill("200")
        page.get_by_label("Unit", exact=True).select_option("box")
        page.get_by_label("Lowest price per unit").fill("2.50")
        page.get_by_label("Highest price per unit").fill("3.10")
        page.get_by_role("button", name="Save product").click()
        expect(page.get_by_role("heading", name=f"Pictures of {product}")).to_be_visible()  # straight on
        page.get_by_label("Pictures", exact=True).set_input_files(
            files=[{"name": "tea.jpg", "mimeType": "image/jpeg", "buffer": product_picture()}]
        )
        page.get_by_label("What the pictures show").fill("A box of artichoke tea")
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_text("picture added")).to_be_visible()

        page.goto("/exhibitors/mine")
        page.get_by_role("link", name=company).first.click()
        page.get_by_role("link", name="Edit booth").click()
        page.get_by_role("button", name="Submit for review").click()
        expect(page.get_by_text("Submitted for review")).to_be_visible()

        # Before publication, visitors cannot see the booth.
        slug = page.url.split("/booths/")[1].split("/")[0]
        visitor = browser.new_context(base_url=expo_server.base_url, locale="en-US", timezone_id="UTC")
        visitor_page = visitor.new_page()
        assert visitor_page.goto(f"/booths/{slug}").status == 404

        navbar(organizer).get_by_role("button", name="Organize").click()
        navbar(organizer).get_by_role("link", name="Booth reviews").click()
        organizer.get_by_role("row").filter(has_text=company).get_by_role("link", name="Review").click()
        expect(organizer.get_by_text("Herbal teas from the Mekong delta").first).to_be_visible()
        organizer.get_by_role("button", name="Publish").click()
        expect(organizer.get_by_text("published")).to_be_visible()
    except Exception:
        organizer.screenshot(path=str(screenshot_dir / "failed-exhibition-organizer.png"), full_page=True)
        raise
    finally:
        organizer.context.close()

    # A visitor searches the exhibition from the navigation and finds the product.
    try:
        visitor_page.goto("/")
        navbar(visitor_page).get_by_label("Search booths and products").fill(f"artichoke {tag}")
        navbar(visitor_page).get_by_role("button", name="Search").click()
        result = visitor_page.get_by_role("link", name=product)
        expect(result).to_be_visible()
        visitor_page.screenshot(path=str(screenshot_dir / "search-results.png"), full_page=True)
        result.click()
        expect(visitor_page.get_by_role("heading", name=product)).to_be_visible()
        expect(visitor_page.get_by_text("200 boxes")).to_be_visible()
        expect(visitor_page.get_by_role("img", name="A box of artichoke tea").first).to_be_visible()
        visitor_page.get_by_role("link", name=company).first.click()
        expect(visitor_page.get_by_role("heading", name=company)).to_be_visible()
        expect(visitor_page.get_by_text("Herbal teas from the Mekong delta").first).to_be_visible()
        visitor_page.screenshot(path=str(screenshot_dir / "booth.png"), full_page=True)
    finally:
        visitor.close()

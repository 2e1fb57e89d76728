"""Out-of-range input (issue #16, item 3): ids past 2^63, page numbers and days no list reaches, digits of
other scripts, NaN amounts and far dates answer 404 or a form error with a reason, on both databases,
and nothing is stored or queued for the worker."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from expo.extensions import db
from expo.lib.ranges import MAX_ID, parse_day, parse_id, parse_whole_number
from tests.conftest import log_in
from tests.security.hostile_world import build_world

PAST_BIGINT = str(2**63)


@pytest.fixture()
def world(app, factory):
    return build_world(app, factory)


def _client(app, world, role: str):
    client = app.test_client()
    if world.users[role] is not None:
        log_in(client, world.users[role])
    return client


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- the values themselves ---------------------------------------------------------------------------


def test_whole_numbers_are_written_with_the_digits_0_to_9_and_fit_a_bigint():
    assert parse_whole_number("42") == 42
    assert parse_whole_number(" -7 ") == -7
    assert parse_id(str(MAX_ID)) == MAX_ID and parse_id(str(MAX_ID + 1)) is None
    assert parse_whole_number(str(2**63 - 1)) == 2**63 - 1
    for text in ("²", "١٢", "1_000", "1e3", "", None, "0x10", PAST_BIGINT, "9" * 5000, "12 3"):
        assert parse_whole_number(text) is None, text
    assert parse_id("0") is None and parse_id("-1") is None


def test_days_are_iso_and_within_the_calendar_the_site_works_in():
    assert parse_day("2027-09-10") == date(2027, 9, 10)
    for text in ("9999-12-31", "0001-01-01", "2027-02-30", "２０２７-09-10", "20270910", "", "2027-9-1"):
        assert parse_day(text) is None, text


# --- addresses ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/product-images/" + PAST_BIGINT,
        "/product-images/2147483648",  # past PostgreSQL's INTEGER keys
        "/product-images/" + PAST_BIGINT + "/thumbnail",
        "/editions/{slug}/sessions/" + PAST_BIGINT,
        "/editions/{slug}/sessions/" + "9" * 5000,
        "/editions/{slug}/speakers/" + PAST_BIGINT,
        "/sitemaps/booths-" + PAST_BIGINT + ".xml",
        "/sitemaps/products-922337203685477.xml",
        "/product-images/١",  # Arabic-Indic one: not an address the site writes
    ],
)
def test_an_id_no_database_holds_is_a_page_that_does_not_exist(app, world, path):
    response = app.test_client().get(path.format(**world.values))
    assert response.status_code == 404


def test_an_id_at_the_limit_is_looked_up_like_any_other(app, world):
    assert app.test_client().get(f"/product-images/{MAX_ID}").status_code == 404
    assert app.test_client().get(f"/product-images/{world.values['image_id']}").status_code == 200


@pytest.mark.parametrize(
    "role, path",
    [
        ("anonymous", "/search?page={big}"),
        ("anonymous", "/booths/{booth_slug}?page={big}"),
        ("anonymous", "/editions/{slug}/pavilions/{pavilion_slug}?page={big}"),
        ("attendee", "/notifications/?page={big}"),
        ("attendee", "/favourites?page={big}"),
        ("attendee", "/inquiries/{inquiry_id}?page={big}"),
        ("owner", "/booths/{booth_slug}/leads/?page={big}"),
        ("owner", "/booths/{booth_slug}/leads/ranking?page={big}"),
        ("owner", "/booths/{booth_slug}/leads/inquiries/{inquiry_id}?notes_page={big}"),
        ("admin", "/admin/users?page={big}"),
    ],
)
def test_a_page_number_no_list_reaches_is_a_404_that_says_so(app, world, role, path):
    response = _client(app, world, role).get(path.format(big=PAST_BIGINT, **world.values))
    assert response.status_code == 404
    assert "This list has no page" in _text(response)


@pytest.mark.parametrize("page", ["two", "²", "-4", "", "1e3"])
def test_an_unreadable_page_number_still_shows_the_first_page(app, world, page):
    response = app.test_client().get(f"/search?page={page}")
    assert response.status_code == 200


def test_a_programme_day_no_edition_reaches_is_a_404_with_the_days_it_could_be(app, world):
    client = app.test_client()
    for day in ("9999-12-31", "0001-01-01"):
        response = client.get(f"/editions/{world.values['slug']}/programme?day={day}")
        assert response.status_code == 404
        assert f"There is nothing on {day}" in _text(response)
    # An unreadable day shows the whole programme, as before.
    assert client.get(f"/editions/{world.values['slug']}/programme?day=2027-02-30").status_code == 200


@pytest.mark.parametrize(
    "query", ["assignee=²", "assignee=" + PAST_BIGINT, "product=" + PAST_BIGINT, "product=١", "assignee=-1"]
)
def test_an_inbox_filter_that_names_nobody_is_left_out(app, world, query):
    response = _client(app, world, "owner").get(f"/booths/{world.values['booth_slug']}/leads/?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "role, path",
    [
        ("attendee", "/booths/{booth_slug}/inquire?product={big}"),
        ("anonymous", "/booths/{booth_slug}/products/{product_slug}?image={big}"),
        ("organizer", "/editions/{slug}/organize/forums/new?parent={big}"),
        ("organizer", "/editions/{slug}/pavilions/manage/booths/{placement_id}/edit?pavilion={big}"),
        ("owner", "/booths/{booth_slug}/analytics?days={big}"),
    ],
)
def test_a_query_id_no_row_has_is_ignored(app, world, role, path):
    response = _client(app, world, role).get(path.format(big=PAST_BIGINT, **world.values))
    assert response.status_code == 200


# --- forms ----------------------------------------------------------------------------------------------


def _inquiry(**fields) -> dict:
    return {"kind": "inquiry", "message": "Please quote.", "currency": "USD", **fields}


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"target_price": "sNaN"}, "Enter an amount with the digits 0-9"),
        ({"target_price": "NaN"}, "Enter an amount with the digits 0-9"),
        ({"target_price": "-Infinity"}, "Enter an amount with the digits 0-9"),
        ({"target_price": "1e9999999"}, "Enter an amount with the digits 0-9"),
        ({"target_price": "٣"}, "Enter an amount with the digits 0-9"),
        ({"target_price": "9" * 40}, "This amount is too large"),
        ({"quantity": "²"}, "Enter a whole number with the digits 0-9"),
        ({"quantity": PAST_BIGINT}, "This number is too large"),
        ({"quantity": "5000000000"}, "Number must be between 1 and 1000000000"),  # past PostgreSQL's INTEGER
        ({"delivery_date": "9999-12-31"}, "Choose a date between 2000-01-01 and 2100-12-31"),
        ({"delivery_date": "٢٠٢٧-٠٩-١٠"}, "Enter the date with the digits 0-9"),
    ],
)
def test_an_inquiry_with_a_number_or_day_out_of_range_is_sent_back_with_the_reason(app, world, fields, message):
    from expo.leads.models import TradeInquiry

    before = _count(app, TradeInquiry)
    response = _client(app, world, "attendee").post(
        f"/booths/{world.values['booth_slug']}/inquire", data=_inquiry(**fields)
    )
    assert response.status_code == 400
    assert message in _text(response)
    assert _count(app, TradeInquiry) == before


def test_an_inquiry_with_plain_numbers_is_still_sent(app, world):
    from expo.leads.models import TradeInquiry

    before = _count(app, TradeInquiry)
    response = _client(app, world, "attendee").post(
        f"/booths/{world.values['booth_slug']}/inquire",
        data=_inquiry(target_price="12.50", quantity="200", unit="boxes", delivery_date="2027-11-01"),
    )
    assert response.status_code == 302
    assert _count(app, TradeInquiry) == before + 1


def test_a_quotation_at_a_nan_price_is_sent_back(app, world):
    from expo.leads.models import Quotation

    response = _client(app, world, "owner").post(
        f"/booths/{world.values['booth_slug']}/leads/inquiries/{world.values['inquiry_id']}/quotations",
        data={
            "unit_price": "sNaN",
            "currency": "USD",
            "quantity": "1",
            "unit": "pieces",
            "incoterm": "FOB",
            "lead_time_days": "²",
            "valid_until": "9999-12-31",
        },
    )
    assert response.status_code == 400
    page = _text(response)
    assert "Enter an amount with the digits 0-9" in page and "Enter a whole number with the digits 0-9" in page
    assert "Choose a date between" in page
    assert _count(app, Quotation) == 0


@pytest.mark.parametrize(
    "role, path", [("owner", "/booths/{booth_slug}/leads/reports"), ("organizer", "/organize/lead-reports")]
)
@pytest.mark.parametrize("first, last", [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31")])
def test_a_report_over_years_no_worker_can_compute_is_refused_in_the_form(
    app, world, recorded_tasks, role, path, first, last
):
    from expo.leads.models import LeadReport

    before = _count(app, LeadReport)
    response = _client(app, world, role).post(path.format(**world.values), data={"date_from": first, "date_to": last})
    assert response.status_code == 400
    assert "Choose a date between 2000-01-01 and 2100-12-31" in _text(response)
    assert _count(app, LeadReport) == before
    assert not [name for name, _args in recorded_tasks if "report" in name]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"capacity": PAST_BIGINT}, "This number is too large"),
        ({"capacity": "3000000000"}, "Number must be between 0 and 1000000"),
        ({"capacity": "١٠"}, "Enter a whole number with the digits 0-9"),
        ({"starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T01:00"}, "Choose a date between"),
        ({"starts_at": "9999-12-31T22:00", "ends_at": "9999-12-31T23:00"}, "Choose a date between"),
    ],
)
def test_a_session_out_of_range_is_sent_back_with_the_reason(app, world, fields, message):
    from expo.forums.models import ProgrammeSession

    before = _count(app, ProgrammeSession)
    data = {"title": "Opening", "starts_at": "2027-09-11T10:00", "ends_at": "2027-09-11T11:00", **fields}
    response = _client(app, world, "organizer").post(
        "/editions/{slug}/organize/forums/{forum_id}/sessions/new".format(**world.values), data=data
    )
    assert response.status_code in (200, 400)
    assert message in _text(response)
    assert _count(app, ProgrammeSession) == before


def test_an_edition_in_year_9999_is_sent_back(app, world):
    response = _client(app, world, "organizer").post(
        "/editions/new",
        data={
            "name": "Far",
            "slug": "far",
            "starts_on": "9999-12-30",
            "ends_on": "9999-12-31",
            "timezone": "UTC",
            "status": "draft",
        },
    )
    assert response.status_code in (200, 400)
    assert "Choose a date between" in _text(response)


def test_a_video_link_whose_start_is_not_a_time_is_refused_with_the_reason(app, world):
    from expo.booths.models import Booth

    response = _client(app, world, "owner").post(
        f"/booths/{world.values['booth_slug']}/edit/video", data={"video_link": "https://youtu.be/dQw4w9WgXcQ?t=²"}
    )
    assert response.status_code == 400
    assert "is not a time such as 90, 90s or 1m30s" in _text(response)
    with app.app_context():
        assert db.session.get(Booth, int(world.values["booth_id"])).video_embed_url == ""


def test_a_browser_event_naming_a_product_past_bigint_is_refused(app, world):
    response = app.test_client().post(
        "/engagement/track", json={"kind": "video_play", "booth": world.values["booth_slug"], "product": PAST_BIGINT}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "method, path, options",
    [
        ("GET", "/booths/%00/video", {}),
        ("GET", "/search", {"query_string": {"q": "rice\x00"}}),
        ("POST", "/login", {"data": {"email": "a\x00@example.com", "password": "x"}}),
        ("POST", "/engagement/track", {"json": {"kind": "video_play", "booth": "a\x00"}}),
    ],
)
def test_text_with_a_nul_character_is_refused_before_any_query(app, world, method, path, options):
    # PostgreSQL text cannot hold NUL: psycopg raised wherever such a slug, search or name met a query.
    response = app.test_client().open(path, method=method, **options)
    assert response.status_code == 400
    if method == "GET":
        assert "contains a NUL character" in _text(response)


@pytest.mark.parametrize(
    "link",
    [
        "https://youtu.be/dQw4w9WgXcQ?t=²",
        "https://youtu.be/dQw4w9WgXcQ?t=١٢",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1e3",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&start=" + "9" * 5000,
    ],
)
def test_a_start_time_that_is_not_a_time_is_refused_with_the_reason(app_ctx, link):
    from expo.booths.video import UnsupportedVideoLink, canonical_embed_url

    with pytest.raises(UnsupportedVideoLink, match="is not a time such as 90, 90s or 1m30s"):
        canonical_embed_url(link)


def test_start_times_people_paste_still_work_and_ids_take_the_digits_0_to_9(app_ctx):
    from expo.booths.video import UnsupportedVideoLink, canonical_embed_url

    assert canonical_embed_url("https://youtu.be/dQw4w9WgXcQ?t=1h2m3s").endswith("?start=3723")
    assert canonical_embed_url("https://youtu.be/dQw4w9WgXcQ?t=").endswith("/dQw4w9WgXcQ")
    with pytest.raises(UnsupportedVideoLink):
        canonical_embed_url("https://vimeo.com/١٢٣٤٥")


@pytest.mark.parametrize("price", ["1e999999", "9" * 5000, "sNaN", "-Infinity"])
def test_a_product_price_past_any_precision_is_refused_on_the_field(app, world, price):
    from expo.catalog.models import Product

    before = _count(app, Product)
    response = _client(app, world, "owner").post(
        f"/booths/{world.values['booth_slug']}/catalogue/new",
        data={
            "name": "Gloves",
            "category": "",
            "order_unit": "piece",
            "currency": "USD",
            "availability": "in_stock",
            "price_min": price,
        },
    )
    assert response.status_code == 400
    assert "Enter a price below one trillion" in _text(response) or "Enter a number such as 2.50" in _text(response)
    assert _count(app, Product) == before


def test_a_time_zone_name_longer_than_a_file_name_is_refused_on_the_field(app, world):
    response = _client(app, world, "organizer").post(
        "/editions/new",
        data={
            "name": "Far",
            "slug": "far",
            "starts_on": "2027-09-10",
            "ends_on": "2027-09-13",
            "timezone": "Asia/" + "a" * 3000,
            "status": "draft",
        },
    )
    assert response.status_code in (200, 400)
    assert "Choose a time zone from the list." in _text(response)


def test_the_report_service_itself_refuses_years_the_worker_cannot_compute(app, world, recorded_tasks):
    from expo.booths.models import Booth
    from expo.leads import reports

    recorded_tasks.clear()  # the world's catalogue queued its matchmaking recomputation
    with app.test_request_context():
        booth = db.session.get(Booth, int(world.values["booth_id"]))
        owner = db.session.merge(world.users["owner"])
        with pytest.raises(reports.ReportError, match="Choose a date between 2000-01-01 and 2100-12-31"):
            reports.request_booth_report(
                owner, booth, period_from=date(9999, 12, 1), period_to=date(9999, 12, 31), timezone="Asia/Shanghai"
            )
        db.session.rollback()
    assert not recorded_tasks

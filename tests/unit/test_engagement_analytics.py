"""Booth analytics: totals, unique visitors, days in the booth's zone (zeros included), top lists, CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from expo.booths.models import Booth, BoothDocument
from expo.engagement import analytics
from expo.engagement.charts import trend_chart
from expo.engagement.models import EngagementEvent as Event
from expo.extensions import db
from tests.conftest import add_engagement_event

# Noon in Nanning on Sunday 12 September 2027.
NOW = datetime(2027, 9, 12, 4, 0, tzinfo=UTC)


def utc(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture()
def shop(app, factory):
    company = factory.company(owner=factory.user(), name="Nanning Masks")
    booth = factory.booth(company, timezone="Asia/Shanghai")
    masks, gowns = factory.product(booth, name="Masks"), factory.product(booth, name="Gowns")
    brochure = factory._save(BoothDocument(booth_id=booth.id, title="Catalogue 2027", path="docs/catalogue.pdf"))
    other_booth = factory.booth(factory.company(owner=factory.user()))
    events = [
        (Event.BOOTH_VISIT, "a", utc(11, 15, 59), None, None),  # 23:59 on the 11th in Nanning
        (Event.BOOTH_VISIT, "a", utc(11, 16, 0), None, None),  # midnight: the 12th
        (Event.BOOTH_VISIT, "b", utc(12, 1), None, None),
        (Event.PRODUCT_VIEW, "a", utc(12, 2), masks, None),
        (Event.PRODUCT_VIEW, "b", utc(12, 2), masks, None),
        (Event.PRODUCT_VIEW, "b", utc(12, 3), gowns, None),
        (Event.PRODUCT_VIEW, "c", utc(10, 3), masks, None),
        (Event.BROCHURE_DOWNLOAD, "a", utc(12, 3), None, brochure),
        (Event.VIDEO_PLAY, "c", utc(12, 3, 30), None, None),
        (Event.BOOTH_VISIT, "d", utc(5, 15, 59), None, None),  # the 5th in Nanning: the previous period
    ]
    for kind, visitor, at, product, document in events:
        add_engagement_event(app, booth, kind, visitor=visitor, at=at, product=product, document=document)
    add_engagement_event(app, other_booth, Event.BOOTH_VISIT, visitor="a", at=utc(12, 1))
    return booth, masks, gowns, brochure


def load(booth) -> Booth:
    return db.session.get(Booth, booth.id)


def test_totals_count_each_visitor_once_and_compare_with_the_previous_period(app, shop):
    booth, *_ = shop
    with app.app_context():
        stats = analytics.booth_analytics(load(booth), 7, now=NOW)
    assert (stats.period.first_day, stats.period.last_day) == (date(2027, 9, 6), date(2027, 9, 12))
    assert stats.totals == analytics.Counts(
        visits=3, unique_visitors=3, product_views=4, brochure_downloads=1, video_plays=1
    )
    assert stats.previous == analytics.Counts(visits=1, unique_visitors=1)


def test_days_are_the_booths_days_and_a_quiet_day_is_a_row_of_zeros(app, shop):
    booth, *_ = shop
    with app.app_context():
        daily = analytics.booth_analytics(load(booth), 7, now=NOW).daily
    assert [day.day for day in daily] == [date(2027, 9, 6) + timedelta(days=n) for n in range(7)]
    by_day = {day.day.day: day for day in daily}
    for quiet in (6, 7, 8, 9):
        assert by_day[quiet] == analytics.Day(day=date(2027, 9, quiet))
    assert (by_day[10].visits, by_day[10].product_views, by_day[10].unique_visitors) == (0, 1, 1)
    assert (by_day[11].visits, by_day[11].unique_visitors) == (1, 1)
    twelfth = by_day[12]
    assert (
        twelfth.visits,
        twelfth.unique_visitors,
        twelfth.product_views,
        twelfth.brochure_downloads,
        twelfth.video_plays,
    ) == (2, 3, 3, 1, 1)


def test_the_same_events_fall_on_other_days_for_a_booth_in_utc(app, shop):
    booth, *_ = shop
    with app.app_context():
        load(booth).timezone = "UTC"
        db.session.commit()
        daily = {day.day.day: day for day in analytics.booth_analytics(load(booth), 7, now=NOW).daily}
    assert daily[11].visits == 2 and daily[12].visits == 1


def test_a_day_with_a_daylight_saving_change_keeps_all_its_hours(app, factory):
    booth = factory.booth(factory.company(owner=factory.user()), timezone="Europe/Berlin")
    # 31 October 2027 has 25 hours in Berlin; 22:30 UTC is 23:30 local, still the 31st.
    add_engagement_event(app, booth, Event.BOOTH_VISIT, at=utc(31, 22, 30, month=10))
    add_engagement_event(app, booth, Event.BOOTH_VISIT, at=utc(30, 21, 59, month=10))  # 23:59 on the 30th
    with app.app_context():
        daily = analytics.booth_analytics(load(booth), 7, now=utc(1, 12, month=11)).daily
    assert {day.day: day.visits for day in daily if day.visits} == {date(2027, 10, 30): 1, date(2027, 10, 31): 1}


def test_top_products_and_brochures_rank_by_views_with_unique_viewers(app, shop):
    booth, masks, gowns, brochure = shop
    with app.app_context():
        stats = analytics.booth_analytics(load(booth), 7, now=NOW)
    assert [(item.name, item.views, item.viewers) for item in stats.top_products] == [("Masks", 3, 3), ("Gowns", 1, 1)]
    assert [(item.title, item.downloads, item.downloaders) for item in stats.top_brochures] == [
        ("Catalogue 2027", 1, 1)
    ]


def test_the_period_must_be_one_the_page_offers(app, shop):
    with app.app_context(), pytest.raises(ValueError):
        analytics.booth_analytics(load(shop[0]), 12, now=NOW)


def test_the_csv_has_one_row_per_day_in_the_booths_zone(app, shop):
    booth, *_ = shop
    with app.test_request_context():
        content = analytics.daily_csv(load(booth), analytics.period_ending_today(load(booth), 7, now=NOW))
    assert content.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so spreadsheet programs read UTF-8"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Date (Asia/Shanghai)",
        "Booth visits",
        "Unique visitors",
        "Product views",
        "Brochure downloads",
        "Video plays",
    ]
    assert rows[1] == ["2027-09-06", "0", "0", "0", "0", "0"]
    assert rows[-1] == ["2027-09-12", "2", "3", "3", "1", "1"]
    assert len(rows) == 8


def test_the_trend_chart_scales_to_the_busiest_day_and_describes_it(app, shop):
    booth, *_ = shop
    with app.test_request_context():
        stats = analytics.booth_analytics(load(booth), 7, now=NOW)
        chart = trend_chart(stats.daily)
        quiet = trend_chart([analytics.Day(day=date(2027, 9, 1))])
    assert len(chart.bars) == len(chart.points) == 7
    assert [bar.height for bar in chart.bars[:4]] == [0, 0, 0, 0]
    assert chart.bars[-1].height > chart.bars[-2].height > 0
    assert all(chart.top <= point.y <= chart.bottom for point in chart.points)
    assert chart.y_ticks[0].label == "0" and chart.y_ticks[-1].position == chart.top
    assert "busiest day was Sep 12 with 2" in chart.summary
    assert "No booth visits" in quiet.summary

"""Opening hours: what the team may type, "open now" in the booth's zone, and the week in the viewer's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from expo.booths import hours

WEEKDAYS_NINE_TO_FIVE = {day: [["09:00", "12:00"], ["13:30", "17:30"]] for day in ("mon", "tue", "wed", "thu", "fri")}
WEEK = {**WEEKDAYS_NINE_TO_FIVE, "sat": [["10:00", "14:00"]], "sun": []}


def typed(**days):
    return {day: periods for day, periods in days.items()}


def test_a_typed_week_is_stored_with_closed_days_empty(app_ctx):
    week = hours.clean_week(
        typed(
            mon=[("09:00", "12:00"), ("13:30", "17:30")],
            tue=[("08:00:00", "16:00"), ("", "")],
            sat=[("", ""), ("", "")],
        )
    )
    assert week["mon"] == [["09:00", "12:00"], ["13:30", "17:30"]]
    assert week["tue"] == [["08:00", "16:00"]] and week["sat"] == [] and week["sun"] == []


def test_a_week_with_no_open_day_means_no_hours_given(app_ctx):
    assert hours.clean_week(typed(mon=[("", "")])) == {}


@pytest.mark.parametrize(
    ("days", "field", "message"),
    [
        (typed(mon=[("09:00", "")]), "mon_closes_1", "Monday: give both the opening and the closing time"),
        (typed(tue=[("", "17:00")]), "tue_opens_1", "Tuesday: give both"),
        (typed(wed=[("9am", "17:00")]), "wed_opens_1", "Enter a time as HH:MM"),
        (typed(wed=[("09:00", "24:00")]), "wed_closes_1", "Enter a time as HH:MM"),
        (
            typed(thu=[("17:00", "09:00")]),
            "thu_closes_1",
            "Thursday: the closing time must be after the opening time (17:00)",
        ),
        (typed(fri=[("09:00", "09:00")]), "fri_closes_1", "must be after the opening time"),
        (
            typed(sat=[("09:00", "13:00"), ("12:00", "18:00")]),
            "sat_opens_2",
            "Saturday: the second period must start after the first one ends (13:00)",
        ),
    ],
)
def test_invalid_hours_name_the_day_and_the_input(app_ctx, days, field, message):
    with pytest.raises(hours.InvalidHours) as refused:
        hours.clean_week(days)
    assert refused.value.field == field and message in str(refused.value)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def read(text: str | tuple[str, ...]) -> str:
    """As a reader sees it (periods one after the other): Babel puts a narrow no-break space before AM and PM."""
    return (text if isinstance(text, str) else ", ".join(text)).replace("\u202f", " ")


def test_open_now_is_judged_in_the_booths_zone(app_ctx):
    # Monday 10:00 in Nanning is Monday 02:00 UTC: open until noon.
    state = hours.open_state(WEEK, "Asia/Shanghai", at("2027-09-13T10:00:00+08:00"))
    assert state.is_open and state.closes_at == at("2027-09-13T12:00:00+08:00")
    assert (
        read(hours.describe_open_state(state, "Asia/Shanghai", at("2027-09-13T10:00:00+08:00")))
        == "Open now, until 12:00 PM"
    )


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        ("2027-09-13T12:30:00+08:00", "Closed now, opens today at 1:30 PM"),  # lunch break
        ("2027-09-13T18:00:00+08:00", "Closed now, opens tomorrow at 9:00 AM"),
        ("2027-09-11T15:00:00+08:00", "Closed now, opens Monday at 9:00 AM"),  # Saturday afternoon, Sunday closed
    ],
)
def test_closed_now_says_when_the_booth_opens(app_ctx, moment, text):
    state = hours.open_state(WEEK, "Asia/Shanghai", at(moment))
    assert not state.is_open
    assert read(hours.describe_open_state(state, "Asia/Shanghai", at(moment))) == text


def test_no_hours_means_no_open_state_nor_week(app_ctx):
    assert hours.open_state({}, "Asia/Shanghai", at("2027-09-13T10:00:00+08:00")) is None
    assert hours.week_view({}, "Asia/Shanghai", "Europe/Berlin", at("2027-09-13T10:00:00+08:00")) is None


def test_the_week_in_the_viewers_zone_names_another_day_when_the_date_changes(app_ctx):
    view = hours.week_view(WEEK, "Asia/Shanghai", "America/New_York", at("2027-09-13T10:00:00+08:00"))
    monday = view.rows[0]
    assert view.show_viewer and monday.is_today and monday.label == "Monday"
    assert read(monday.booth_times) == "9:00 AM–12:00 PM, 1:30 PM–5:30 PM"
    # 09:00 in Nanning on Monday is 21:00 on Sunday in New York (summer time, UTC-4).
    assert read(monday.viewer_times) == "Sun 9:00 PM–Mon 12:00 AM, 1:30 AM–5:30 AM"
    assert view.rows[6].booth_times == view.rows[6].viewer_times == ("Closed",)


def test_a_viewer_whose_clock_reads_the_same_sees_one_column(app_ctx):
    view = hours.week_view(WEEK, "Asia/Shanghai", "Asia/Singapore", at("2027-09-13T10:00:00+08:00"))
    assert not view.show_viewer


def test_summer_time_is_counted_on_each_days_own_date(app_ctx):
    # Europe moves its clocks back on Sunday 31 October 2027: Monday after that is an hour closer to Nanning.
    view = hours.week_view(WEEK, "Asia/Shanghai", "Europe/Berlin", at("2027-10-30T10:00:00+08:00"))
    saturday, monday = view.rows[5], view.rows[0]
    assert read(saturday.viewer_times) == "4:00 AM–8:00 AM"  # Saturday 30 October, still summer time (UTC+2)
    assert read(monday.viewer_times).startswith("2:00 AM")  # Monday 1 November, winter time (UTC+1)


def test_a_country_suggests_its_time_zone():
    assert hours.country_timezone("CN") == "Asia/Shanghai"
    assert hours.country_timezone("vn") == "Asia/Ho_Chi_Minh"
    assert hours.country_timezone(None) is None

"""School days for follow-up targets: Monday to Friday in the district's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from juntos.messaging.inbox import school_days_between

CHICAGO = ZoneInfo("America/Chicago")


def local(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CHICAGO)


def test_two_weekdays_are_two_school_days() -> None:
    # Monday 9:00 to Wednesday 9:00.
    assert school_days_between(local(2026, 11, 23, 9), local(2026, 11, 25, 9), CHICAGO) == 2.0


def test_a_weekend_does_not_count() -> None:
    # Friday 15:00 to Monday 15:00: nine hours of Friday and fifteen of Monday.
    days = school_days_between(local(2026, 11, 20, 15), local(2026, 11, 23, 15), CHICAGO)
    assert days == pytest.approx(1.0)
    # Friday 15:00 to Tuesday 15:00 is two school days; to Tuesday 16:00 a little more.
    assert school_days_between(
        local(2026, 11, 20, 15), local(2026, 11, 24, 15), "America/Chicago"
    ) == pytest.approx(2.0)


def test_a_message_sent_on_saturday_waits_from_monday() -> None:
    saturday = local(2026, 11, 21, 10)
    assert school_days_between(saturday, local(2026, 11, 22, 23), CHICAGO) == 0.0
    assert school_days_between(saturday, local(2026, 11, 24, 12), CHICAGO) == pytest.approx(1.5)


def test_the_districts_time_zone_decides_the_weekday() -> None:
    # 03:00 UTC on Saturday is still Friday 21:00 in Chicago: three hours of school day count
    # there, none in UTC (it is Saturday) — and both reach Monday midnight with nothing more.
    start = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    end_utc = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    assert school_days_between(start, end_utc, "UTC") == 0.0
    assert school_days_between(start, end_utc, CHICAGO) == pytest.approx(3 / 24)


def test_a_daylight_saving_day_is_still_one_day() -> None:
    # Sunday 8 March 2026 is 23 hours long in Chicago; Monday-to-Monday across it is 5 days.
    assert school_days_between(
        local(2026, 3, 2, 8), local(2026, 3, 9, 8), CHICAGO
    ) == pytest.approx(5.0)
    # Sunday 1 November 2026 is 25 hours long; the week around it still has five school days.
    assert school_days_between(
        local(2026, 10, 26, 8), local(2026, 11, 2, 8), CHICAGO
    ) == pytest.approx(5.0)


def test_an_end_before_the_start_is_zero_and_naive_times_are_refused() -> None:
    assert school_days_between(local(2026, 11, 25, 9), local(2026, 11, 23, 9), CHICAGO) == 0.0
    with pytest.raises(ValueError, match="aware"):
        school_days_between(datetime(2026, 11, 23), local(2026, 11, 25, 9), CHICAGO)  # noqa: DTZ001

"""A non-urgent message waits for the family's contact window, in their time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from juntos.messaging.windows import Window, next_send_time

CHICAGO = "America/Chicago"
EVENINGS = Window((1, 2, 3, 4, 5), time(17, 0), time(20, 0))


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_inside_the_window_it_sends_now() -> None:
    now = at(2026, 11, 25, 0, 30)  # Tuesday 18:30 in Chicago (CST, UTC-6)
    assert next_send_time([EVENINGS], time_zone=CHICAGO, district_time_zone="", now=now) == now


def test_before_the_window_it_waits_for_the_start() -> None:
    now = at(2026, 11, 24, 15, 0)  # Tuesday 09:00 in Chicago
    sent = next_send_time([EVENINGS], time_zone=CHICAGO, district_time_zone="", now=now)
    assert sent == at(2026, 11, 24, 23, 0)  # 17:00 CST


def test_after_friday_evening_it_waits_for_monday() -> None:
    now = at(2026, 11, 28, 3, 0)  # Friday 21:00 in Chicago, after the window
    sent = next_send_time([EVENINGS], time_zone=CHICAGO, district_time_zone="", now=now)
    assert sent == at(2026, 11, 30, 23, 0)  # Monday 17:00 CST


def test_the_earliest_of_several_windows_wins_across_weekdays() -> None:
    saturday_morning = Window((6,), time(9, 0), time(11, 0))
    now = at(2026, 11, 28, 3, 0)  # Friday 21:00
    sent = next_send_time(
        [EVENINGS, saturday_morning], time_zone=CHICAGO, district_time_zone="", now=now
    )
    assert sent == at(2026, 11, 28, 15, 0)  # Saturday 09:00 CST


def test_the_window_follows_the_clock_across_daylight_saving() -> None:
    # Saturday 7 March 2026, 21:00 CST; the clocks go forward that night.
    now = at(2026, 3, 8, 3, 0)
    sent = next_send_time([EVENINGS], time_zone=CHICAGO, district_time_zone="", now=now)
    assert sent == at(2026, 3, 9, 22, 0)  # Monday 17:00 CDT (UTC-5), not 23:00 UTC
    # And back in November: Monday 2 November 17:00 CST is 23:00 UTC.
    now = at(2026, 10, 31, 12, 0)
    sent = next_send_time([EVENINGS], time_zone=CHICAGO, district_time_zone="", now=now)
    assert sent == at(2026, 11, 2, 23, 0)


def test_a_window_in_the_spring_gap_opens_when_the_clock_reaches_it() -> None:
    early = Window((7,), time(2, 30), time(4, 0))
    now = at(2026, 3, 8, 6, 0)  # Sunday 00:00 CST
    sent = next_send_time([early], time_zone=CHICAGO, district_time_zone="", now=now)
    assert sent == at(2026, 3, 8, 8, 30)  # 02:30 never happened: 03:30 CDT


def test_the_district_zone_is_the_fallback() -> None:
    now = at(2026, 11, 24, 15, 0)
    sent = next_send_time([EVENINGS], time_zone="", district_time_zone="Asia/Tokyo", now=now)
    assert sent == at(2026, 11, 25, 8, 0)  # Wednesday 17:00 in Tokyo (UTC+9)
    bad = next_send_time([EVENINGS], time_zone="Mars/Olympus", district_time_zone=CHICAGO, now=now)
    assert bad == at(2026, 11, 24, 23, 0)


def test_emergencies_and_families_without_windows_go_now() -> None:
    now = at(2026, 11, 24, 8, 0)  # 02:00 in Chicago
    assert (
        next_send_time(
            [EVENINGS], time_zone=CHICAGO, district_time_zone="", now=now, emergency=True
        )
        == now
    )
    assert next_send_time([], time_zone=CHICAGO, district_time_zone="", now=now) == now


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the mistake under test
    with pytest.raises(ValueError, match="aware"):
        next_send_time([EVENINGS], time_zone=CHICAGO, district_time_zone="", now=naive)

"""When a non-urgent message may reach a family: their contact windows, in their time zone.

A window is a set of ISO weekdays and a local start and end time (``people.ContactWindow``).
Times are compared as instants (UTC), never as wall-clock values: two datetimes that share a
``ZoneInfo`` compare by wall time in Python, which is wrong across a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Window:
    weekdays: tuple[int, ...]  # ISO: 1 = Monday … 7 = Sunday
    start: time
    end: time


def zone(name: str, fallback: str) -> ZoneInfo:
    """The caregiver's zone, else the district's, else UTC (a bad name must not stop a send)."""
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def _instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    # fold=0: an ambiguous time (autumn) is its first occurrence; a time in the spring gap maps
    # to the instant just after the change (02:30 that never happened → 03:30 daylight time).
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def next_send_time(
    windows: Iterable[Window],
    *,
    time_zone: str,
    district_time_zone: str,
    now: datetime,
    emergency: bool = False,
) -> datetime:
    """The first instant at or after ``now`` inside one of ``windows`` (UTC).

    Emergencies, and caregivers who set no window, may be reached at once.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    windows = [w for w in windows if w.end > w.start and w.weekdays]
    if emergency or not windows:
        return now
    tz = zone(time_zone, district_time_zone)
    now_utc = now.astimezone(UTC)
    today = now.astimezone(tz).date()
    best: datetime | None = None
    # Eight days: every weekday once, and today's weekday again a week later.
    for offset in range(8):
        day = today + timedelta(days=offset)
        for window in windows:
            if day.isoweekday() not in window.weekdays:
                continue
            start, end = _instant(day, window.start, tz), _instant(day, window.end, tz)
            if start <= now_utc < end:
                return now
            if start > now_utc and (best is None or start < best):
                best = start
        if best is not None:
            return best
    return now  # unreachable with a valid window; sending beats never sending


class SendTimes:
    """:func:`next_send_time` for a whole audience from one instant.

    It depends only on the windows and the time zone once the instant and the district are
    fixed, and a school has a few distinct window sets, not one per family: each distinct
    (windows, time zone) pair is computed once.
    """

    def __init__(self, *, district_time_zone: str, now: datetime, emergency: bool = False) -> None:
        self._district_time_zone = district_time_zone
        self._now = now
        self._emergency = emergency
        self._known: dict[tuple[tuple[Window, ...], str], datetime] = {}

    def __call__(self, windows: tuple[Window, ...], time_zone: str) -> datetime:
        if self._emergency or not windows:
            return self._now
        key = (windows, time_zone)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = next_send_time(
                windows,
                time_zone=time_zone,
                district_time_zone=self._district_time_zone,
                now=self._now,
            )
        return known

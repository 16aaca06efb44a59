"""Which time option reaches the most invited families, broken down by language.

Two signals, both proxies, shown side by side rather than blended into one opaque score:

1. **Contact windows.** A caregiver's windows say when the family is glad to be reached
   (people.ContactWindow: ISO weekdays and a local start/end). An option that overlaps a window
   on its weekday is taken as a time the family is likely free. Families with no window
   recorded are counted apart ("no window"), never as available.
2. **Past answers.** For earlier events of the same school, the share of invitations answered
   "yes" for an option starting on the same weekday and hour of day, per language.

The top option is the one with the most invited families whose windows overlap it; ties go to
the better past yes rate, then to the earlier option. Counts of 1-4 families in a language are
shown as "fewer than 5" (DESIGN.md section 2, rule 7).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from juntos.events.models import Event, Invitation, Rsvp, TimeOption
from juntos.messaging.windows import zone
from juntos.people.models import Caregiver, ContactWindow

SMALL = 5


@dataclass(frozen=True)
class Slot:
    weekday: int  # ISO
    start: time
    end: time


def local_slot(option: TimeOption, time_zone: ZoneInfo) -> Slot:
    start, end = option.starts_at.astimezone(time_zone), option.ends_at.astimezone(time_zone)
    # An option past midnight is read up to midnight (families' windows are within a day).
    end_time = end.time() if end.date() == start.date() else time(23, 59, 59)
    return Slot(start.isoweekday(), start.time(), end_time)


def overlaps(windows: list[ContactWindow], slot: Slot) -> bool:
    return any(
        slot.weekday in (w.weekdays or []) and w.start < slot.end and w.end > slot.start
        for w in windows
    )


@dataclass
class OptionRow:
    option: TimeOption
    # language → counts: invited, window (overlapping), no_window
    by_language: dict[str, Counter[str]] = field(default_factory=dict)
    reachable: int = 0
    no_window: int = 0
    past_rate: dict[str, float | None] = field(default_factory=dict)
    past_rate_all: float | None = None


@dataclass
class BestTime:
    rows: list[OptionRow]
    top: OptionRow | None
    invited: int


def _key(moment: datetime, time_zone: ZoneInfo) -> tuple[int, int]:
    local = moment.astimezone(time_zone)
    return local.isoweekday(), local.hour


def _past_rates(
    event: Event, district_zone: ZoneInfo
) -> dict[tuple[int, int], tuple[Counter[str], Counter[str]]]:
    """(weekday, hour) → (invitations per language, yes answers per language) of past events."""
    rates: dict[tuple[int, int], tuple[Counter[str], Counter[str]]] = defaultdict(
        lambda: (Counter(), Counter())
    )
    past = Event.objects.filter(school_id=event.school_id).exclude(pk=event.pk)
    options = TimeOption.objects.filter(event__in=past).values_list("pk", "event_id", "starts_at")
    keys_by_event: dict[int, set[tuple[int, int]]] = defaultdict(set)
    key_of_option: dict[int, tuple[int, int]] = {}
    for pk, event_id, starts_at in options:
        key = _key(starts_at, district_zone)
        keys_by_event[event_id].add(key)
        key_of_option[pk] = key
    for event_id, language in Invitation.objects.filter(event__in=past).values_list(
        "event_id", "caregiver__preferred_language"
    ):
        for key in keys_by_event.get(event_id, ()):
            rates[key][0][language] += 1
    for option_id, language in Rsvp.objects.filter(
        event__in=past, answer=Rsvp.Answer.YES, time_option__isnull=False
    ).values_list("time_option_id", "caregiver__preferred_language"):
        found = key_of_option.get(option_id) if option_id is not None else None
        if found is not None:
            rates[found][1][language] += 1
    return rates


def best_time(event: Event) -> BestTime:
    district_tz = event.district.time_zone
    district_zone = zone("", district_tz)
    options = list(event.time_options.order_by("starts_at", "pk"))
    caregivers = list(
        Caregiver.objects.filter(event_invitations__event=event).only(
            "pk", "preferred_language", "time_zone"
        )
    )
    windows: dict[int, list[ContactWindow]] = defaultdict(list)
    for window in ContactWindow.objects.filter(caregiver__in=[c.pk for c in caregivers]):
        windows[window.caregiver_id].append(window)
    past = _past_rates(event, district_zone)
    rows: list[OptionRow] = []
    for option in options:
        row = OptionRow(option)
        by_language: dict[str, Counter[str]] = defaultdict(Counter)
        for caregiver in caregivers:
            counts = by_language[caregiver.preferred_language]
            counts["invited"] += 1
            own = windows.get(caregiver.pk)
            if not own:
                counts["no_window"] += 1
                row.no_window += 1
            elif overlaps(own, local_slot(option, zone(caregiver.time_zone, district_tz))):
                counts["window"] += 1
                row.reachable += 1
        row.by_language = dict(sorted(by_language.items()))
        invited, yes = past.get(_key(option.starts_at, district_zone), (Counter(), Counter()))
        for language in row.by_language:
            row.past_rate[language] = (
                yes[language] / invited[language] if invited[language] else None
            )
        total = sum(invited.values())
        row.past_rate_all = sum(yes.values()) / total if total else None
        rows.append(row)
    top = None
    if rows:
        top = max(
            rows,
            key=lambda r: (r.reachable, r.past_rate_all or 0.0, -r.option.starts_at.timestamp()),
        )
    return BestTime(rows=rows, top=top, invited=len(caregivers))


def shown(count: int) -> str:
    """A count as a report shows it: 1-4 suppressed."""
    return str(count) if count == 0 or count >= SMALL else f"<{SMALL}"

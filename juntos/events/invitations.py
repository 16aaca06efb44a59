"""What an invitation says in each language: the values of the ``event.invitation`` template.

The title and place are staff's words, translated once per language through the pipeline (so
their provenance folds into the message's); dates and times are written as CLDR says families
who read that language write them, in the district's time zone. The options are numbered as
the SMS answers read them (answers.py): with several options, "(1)", "(2)" follow each.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from juntos.language import pipeline, registry

if TYPE_CHECKING:
    from juntos.events.models import Event, TimeOption


def event_link(event: Event, base_url: str = "") -> str:
    """The family page of the event: on ``PUBLIC_BASE_URL``, else on ``base_url`` (the address
    the inviting staff member used), else a path."""
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or base_url).rstrip("/")
    return base + reverse("events:family_event", kwargs={"event_id": event.pk})


def _zone(event: Event) -> ZoneInfo:
    try:
        return ZoneInfo(event.district.time_zone)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def when(options: list[TimeOption], event: Event, language: str) -> tuple[str, str]:
    """({date}, {time}) for ``language``: one option as it is; several numbered."""
    zone = _zone(event)
    local = [o.starts_at.astimezone(zone) for o in options]
    if not local:
        return "", ""
    dates = [pipeline.format_date(d.date(), language) for d in local]
    times = [pipeline.format_time(d.time(), language) for d in local]
    if len(local) == 1:
        return dates[0], times[0]
    numbered_times = ", ".join(f"{t} ({i})" for i, t in enumerate(times, start=1))
    if len(set(dates)) == 1:
        return dates[0], numbered_times
    numbered_dates = ", ".join(f"{d} ({i})" for i, d in enumerate(dates, start=1))
    return numbered_dates, numbered_times


def option_label(option: TimeOption, event: Event, language: str) -> str:
    """The option's date, start and end times as ``language`` writes them (district zone)."""
    zone = _zone(event)
    start, end = option.starts_at.astimezone(zone), option.ends_at.astimezone(zone).time()
    day = pipeline.format_date(start.date(), language)
    begins, ends = pipeline.format_time(start.time(), language), pipeline.format_time(end, language)
    return f"{day} {begins}\u2013{ends}"


def event_contexts(
    event: Event,
    languages: Iterable[str],
    *,
    policy: pipeline.TranslationPolicy,
    base_url: str = "",
) -> dict[str, dict[str, str | pipeline.Rendition]]:
    """The template context for each distinct language (normalised tag)."""
    tags = sorted({registry.normalize(language) for language in languages})
    source = registry.normalize(event.source_language)
    titles = pipeline.translate_for_languages(
        event.title, source=source, targets=tags, district_policy=policy
    )
    places = pipeline.translate_for_languages(
        event.place or "-", source=source, targets=tags, district_policy=policy
    )
    options = list(event.time_options.order_by("starts_at", "pk"))
    link = event_link(event, base_url)
    contexts: dict[str, dict[str, str | pipeline.Rendition]] = {}
    for tag in tags:
        date_text, time_text = when(options, event, tag)
        contexts[tag] = {
            "event": titles[tag],
            "place": places[tag],
            "school": event.school.name,
            "date": date_text,
            "time": time_text,
            "link": link,
        }
    return contexts


def event_context_for(
    event: Event, language: str, *, policy: pipeline.TranslationPolicy
) -> dict[str, str | pipeline.Rendition]:
    tag = registry.normalize(language)
    return event_contexts(event, [tag], policy=policy)[tag]

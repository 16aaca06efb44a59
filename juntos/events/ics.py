"""An event as an iCalendar file (RFC 5545), written by hand: one VEVENT per time option.

Text values are escaped (backslash, semicolon, comma, newline) and lines folded at 75 octets,
as the RFC requires; times are in UTC ("Z"), which every calendar converts to local time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from juntos.events.models import Event

PRODID = "-//Juntos//Events//EN"


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets (never inside a character)."""
    out: list[str] = []
    current = ""
    for ch in line:
        limit = 75 if not out else 74  # continuation lines start with a space
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return "\r\n ".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(event: Event, *, now: datetime, host: str = "juntos") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]  # fmt: skip
    description = event.learning_statement
    if event.modality != Event.Modality.IN_PERSON:
        description += f"\n({event.get_modality_display()})"
    for option in event.time_options.order_by("starts_at", "pk"):
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{event.pk}-option-{option.pk}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(option.starts_at)}",
            f"DTEND:{_stamp(option.ends_at)}",
            f"SUMMARY:{escape(event.title)}",
            f"DESCRIPTION:{escape(description)}",
        ]
        if event.place:
            lines.append(f"LOCATION:{escape(event.place + ', ' + event.school.name)}")
        if event.status == Event.Status.CANCELLED:
            lines.append("STATUS:CANCELLED")
        else:
            lines.append("STATUS:CONFIRMED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

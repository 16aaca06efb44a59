"""The weekly email digest to school leaders (issue 8, reports): what needs them this week.

For each school leader, once per ISO week, on Monday from 7:00 in the district's time zone:

1. family messages waiting past the follow-up target at their school;
2. the unreached-families worklist's size, by home language (counts under 5 shown as "fewer
   than 5", like every published figure: juntos/insights/suppression.py);
3. the next partnership-team meeting of the school.

Sent only when email is set up (like the staff notices: without a mail server the pages are the
notice). The leader's staff language (English or Spanish) writes it. Deduplicated per leader
and week in the cache, so the hourly beat and the embedded sweeper can both call it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from juntos.insights import metrics, queries
from juntos.insights.suppression import MINIMUM
from juntos.people.models import Role, School, Staff, StaffRole

SEND_WEEKDAY = 0  # Monday
SEND_HOUR = 7
DEDUP_SECONDS = 8 * 24 * 3600


@dataclass(frozen=True)
class Digest:
    school: School
    waiting_past_target: int | None
    unreached: list[tuple[str, str]]  # (language name, count or "fewer than 5")
    unreached_total: int
    next_meeting: str

    def subject(self) -> str:
        return _("Juntos this week: %(school)s") % {"school": self.school.name}

    def body(self) -> str:
        base = str(getattr(settings, "PUBLIC_BASE_URL", "")).rstrip("/")
        lines = [self.subject(), ""]
        if self.waiting_past_target is None:
            lines.append(_("Family messages waiting past the target: fewer than 5."))
        else:
            lines.append(
                _("Family messages waiting past the target: %(count)s.")
                % {"count": self.waiting_past_target}
            )
        lines.append(base + reverse("messaging:inbox"))
        lines += ["", _("Families with no two-way contact in 4 weeks: %(count)s.")
                  % {"count": self.unreached_total}]  # fmt: skip
        lines += [f"  {name}: {count}" for name, count in self.unreached]
        lines.append(base + reverse("insights:unreached"))
        lines += ["", self.next_meeting or _("No partnership-team meeting is planned.")]
        return "\n".join(lines) + "\n"


def _language_of(staff: Staff) -> str:
    staff_languages = getattr(settings, "STAFF_LANGUAGES", ["en"])
    for code in staff.languages or []:
        if code in staff_languages and code != "en":
            return str(code)
    return "en"


def build_digest(school: School, *, now: datetime) -> Digest:
    from juntos.teams.models import Meeting

    population = metrics.Population(school.district_id, frozenset({school.pk}))
    period = metrics.school_year_to_date(school.district, now=now)
    follow = metrics.follow_up(population, period, now=now)
    languages = Counter(
        queries.unreached(population, queries.WorklistFilters(), now=now).values_list(
            "home_language", flat=True
        )
    )
    rows = [
        (
            metrics.language_label(code),
            str(count) if count >= MINIMUM else _("fewer than 5"),
        )
        for code, count in languages.most_common()
    ]
    meeting = (
        Meeting.objects.filter(team__school=school, status="planned", starts_at__gt=now)
        .select_related("team")
        .order_by("starts_at")
        .first()
    )
    next_meeting = ""
    if meeting is not None:
        when = timezone.localtime(meeting.starts_at, ZoneInfo(school.district.time_zone))
        next_meeting = _("Next team meeting: %(title)s (%(team)s), %(when)s.") % {
            "title": meeting.title,
            "team": meeting.team.name,
            "when": when.strftime("%Y-%m-%d %H:%M"),
        }
    return Digest(
        school=school,
        waiting_past_target=follow.waiting_past_target.value,
        unreached=rows,
        unreached_total=sum(languages.values()),
        next_meeting=next_meeting,
    )


def do_send_weekly_digests(*, now: datetime | None = None) -> int:
    """Email each school leader their school's digest (see the module docstring); returns how
    many were sent."""
    from juntos.messaging.inbox_actions import email_configured

    now = now or timezone.now()
    if not email_configured():
        return 0
    sent = 0
    roles = StaffRole.objects.filter(
        role=Role.SCHOOL_LEADER, staff__is_active=True, school__isnull=False
    ).select_related("staff__user", "school__district")
    for role in roles:
        school = role.school
        if school is None:
            continue
        local = timezone.localtime(now, ZoneInfo(school.district.time_zone))
        if local.weekday() != SEND_WEEKDAY or local.hour < SEND_HOUR:
            continue
        address = role.staff.email or role.staff.user.email
        if not address:
            continue
        year, week, _day = local.isocalendar()
        if not cache.add(f"juntos:digest:{role.staff_id}:{school.pk}:{year}-{week}", 1,
                         DEDUP_SECONDS):  # fmt: skip
            continue
        with translation.override(_language_of(role.staff)):
            digest = build_digest(school, now=now)
            EmailMessage(subject=digest.subject(), body=digest.body(), to=[address]).send()
        sent += 1
    return sent

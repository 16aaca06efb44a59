"""Monday's digest to school leaders: messages waiting past the target, the unreached
worklist by language (small counts shown as "fewer than 5"), the next team meeting; once a
week, in the leader's staff language, only when email is set up."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache

from juntos.insights import metrics, queries
from juntos.insights.digest import do_send_weekly_digests
from juntos.insights.tests.district import build
from juntos.teams.actions import do_create_team, do_schedule_meeting

MONDAY_8AM_CHICAGO = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()


def test_the_leader_gets_the_week_once_on_monday(db: None) -> None:
    hand = build()
    hand.leader.email = "leader@north.example.org"
    hand.leader.save(update_fields=["email"])
    team = do_create_team(district_id=hand.district.pk, school_id=hand.north.pk, name="North team")
    do_schedule_meeting(team=team, title="December meeting",
                        starts_at=MONDAY_8AM_CHICAGO + timedelta(days=3))  # fmt: skip

    assert do_send_weekly_digests(now=MONDAY_8AM_CHICAGO - timedelta(days=3)) == 0  # Friday
    assert do_send_weekly_digests(now=MONDAY_8AM_CHICAGO - timedelta(hours=2)) == 0  # 6:00
    assert do_send_weekly_digests(now=MONDAY_8AM_CHICAGO) == 1
    assert do_send_weekly_digests(now=MONDAY_8AM_CHICAGO + timedelta(hours=1)) == 0
    (email,) = mail.outbox
    assert email.to == ["leader@north.example.org"]
    assert email.subject == "Juntos this week: North Elementary"

    population = metrics.Population(hand.district.pk, frozenset({hand.north.pk}))
    unreached = Counter(
        queries.unreached(
            population, queries.WorklistFilters(), now=MONDAY_8AM_CHICAGO
        ).values_list("home_language", flat=True)
    )
    assert f"Families with no two-way contact in 4 weeks: {sum(unreached.values())}." in email.body
    for code, count in unreached.items():
        shown = str(count) if count >= 5 else "fewer than 5"
        assert f"  {metrics.language_label(code)}: {shown}" in email.body
    assert "Next team meeting: December meeting (North team), 2026-11-26 08:00." in email.body


def test_a_spanish_speaking_leader_reads_it_in_spanish_and_no_mail_server_sends_nothing(
    db: None, settings: Any
) -> None:
    hand = build()
    hand.leader.email = "leader@north.example.org"
    hand.leader.languages = ["es", "en"]
    hand.leader.save(update_fields=["email", "languages"])
    do_send_weekly_digests(now=MONDAY_8AM_CHICAGO)
    assert mail.outbox[0].subject == "Juntos esta semana: North Elementary"
    assert "No hay ninguna reunión del equipo de colaboración programada." in mail.outbox[0].body

    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_URL = ""
    assert do_send_weekly_digests(now=MONDAY_8AM_CHICAGO) == 0

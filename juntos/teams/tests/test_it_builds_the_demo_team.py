"""The demo district has a working partnership team: members in several languages, a charter,
a past meeting with its voice balance and pulse, an open decision, an action plan."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from juntos.teams.models import Decision, Meeting, Member, Team, Vote
from juntos.teams.queries import balance, pulse_summary


@pytest.mark.django_db
def test_the_demo_has_a_team_in_use() -> None:
    out = StringIO()
    call_command("seed_demo", "--seed", "7", "--students", "150", stdout=out)
    team = Team.objects.get(name="Maple Hill Action Team")
    families = Member.objects.filter(team=team, role="family")
    assert families.count() >= 2
    assert len({m.caregiver.preferred_language for m in families if m.caregiver}) >= 2
    assert families.filter(cochair=True).count() == 1
    assert team.norms.filter(status="adopted").count() == 4
    past = Meeting.objects.get(team=team, status="ended")
    family_time = next(row for row in balance(past) if row.role == "family")
    assert family_time.turns >= 2
    summary = pulse_summary([past])
    assert not summary.suppressed and summary.answers >= 5
    decision = Decision.objects.get(team=team)
    assert Vote.objects.filter(decision=decision, role="family").count() == families.count()
    assert "teams" in out.getvalue()

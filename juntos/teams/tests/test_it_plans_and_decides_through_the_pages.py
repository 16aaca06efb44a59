"""The charter, plan and decision pages: a leader writes the plan and runs a decision; a family
member of the team proposes a norm and votes from her family page, in her language."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client

from conftest import World
from juntos.teams.actions import school_year
from juntos.teams.models import Cycle, Decision, Goal, Norm, Vote
from juntos.teams.tests.helpers import room
from juntos.teams.tests.test_it_lets_a_family_member_take_part import family_client

T0 = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)


def staff_client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def test_a_leader_writes_the_plan_and_a_teacher_only_reads_it(world: World) -> None:
    r = room(world, T0)
    leader = staff_client(world, "school_leader")
    url = f"/teams/{r.team.pk}/plan/"
    for data in (
        {"step": "vision", "text": "Every family a partner in learning"},
        {"step": "reality", "kind": "need", "text": "Evening meetings miss shift workers"},
        {"step": "goal", "title": "Meet families where they are", "area": "relationships"},
    ):
        response = leader.post(url, data)
        assert response.status_code == 302, response.content.decode()[:500]
    goal = Goal.objects.get(team=r.team)
    assert goal.school_year == school_year()
    leader.post(url, {"step": "action", "goal": goal.pk, "title": "Saturday meetings",
                      "owner": r.liaison.pk, "due_on": "2026-11-30"})  # fmt: skip
    leader.post(url, {"step": "cycle", "goal": goal.pk, "plan": "Two Saturday meetings",
                      "prediction": "Twice as many families", "metric": "events"})  # fmt: skip
    cycle = Cycle.objects.get(goal=goal)
    leader.post(url, {"step": "advance", "cycle": cycle.pk, "text": "Held both"})
    bad = leader.post(url, {"step": "action", "goal": goal.pk, "title": "X", "due_on": "30/11"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    page = leader.get(url).content.decode()
    for text in ("Every family a partner in learning", "Evening meetings miss shift workers",
                 "Saturday meetings", "Held both", "What the data showed"):  # fmt: skip
        assert text in page

    teacher = staff_client(world, "teacher")
    assert "Saturday meetings" in teacher.get(url).content.decode()
    assert teacher.post(url, {"step": "goal", "title": "Mine", "area": "sel"}).status_code == 403
    assert staff_client(world, "other_teacher").get(url).status_code == 404


def test_a_decision_from_proposal_to_outcome_with_rosa_voting_in_spanish(world: World) -> None:
    r = room(world, T0)
    leader = staff_client(world, "school_leader")
    response = leader.post(f"/teams/{r.team.pk}/decisions/", {
        "title": "Family night day", "proposal": "Which day suits families?",
        "method": "ranked", "options": "Saturday morning\nWednesday evening\nSunday afternoon",
    })  # fmt: skip
    decision = Decision.objects.get(team=r.team)
    assert response["Location"] == f"/teams/decisions/{decision.pk}/"
    saturday, wednesday, sunday = decision.options.values_list("pk", flat=True)

    # Rosa, a family member, votes first from her family page, in Spanish.
    rosa = family_client(world.north_family)
    team_page = rosa.get(f"/teams/family/{r.team.pk}/").content.decode()
    assert "Decisiones" in team_page and "abierta: su voto cuenta" in team_page
    page = rosa.get(f"/teams/family/decisions/{decision.pk}/")
    assert page["Content-Language"] == "es"
    assert "Numere las opciones" in page.content.decode()
    # Two options ranked 1: refused with the reason, nothing saved.
    refused = rosa.post(
        f"/teams/family/decisions/{decision.pk}/",
        {f"option-{saturday}": "1", f"option-{wednesday}": "1", f"option-{sunday}": "2"},
    )
    assert refused.status_code == 400
    assert "Por favor, responda a cada pregunta." in refused.content.decode()
    assert not Vote.objects.exists()
    rosa.post(
        f"/teams/family/decisions/{decision.pk}/",
        {f"option-{saturday}": "1", f"option-{wednesday}": "3", f"option-{sunday}": "2"},
    )
    assert Vote.objects.get().ranking == [saturday, sunday, wednesday]

    # The leader waits for families, then opens the vote and records the outcome.
    url = f"/teams/decisions/{decision.pk}/"
    waiting = leader.get(url).content.decode()
    assert "Family members vote first. Please wait." in waiting
    leader.post(url, {"step": "open"})
    leader.post(url, {"step": "vote", f"option-{saturday}": "2", f"option-{wednesday}": "1",
                      f"option-{sunday}": "3"})  # fmt: skip
    results = leader.get(url).content.decode()
    assert 'id="results-by-role"' in results and "Family member" in results
    leader.post(url, {"step": "outcome", "outcome": "Saturday mornings",
                      "reason": "First choice of the families"})  # fmt: skip
    decision.refresh_from_db()
    assert decision.stage == "decided"
    done = rosa.get(f"/teams/family/decisions/{decision.pk}/").content.decode()
    assert "Lo que decidió el equipo" in done and "Saturday mornings" in done


def test_a_family_member_proposes_a_norm_in_her_language(world: World) -> None:
    r = room(world, T0)
    lan = family_client(world.north_family_2)
    empty = lan.post(f"/teams/family/{r.team.pk}/", {"text": "  "})
    assert empty.status_code == 400
    response = lan.post(f"/teams/family/{r.team.pk}/", {"text": "Nói chậm để mọi người hiểu"})
    assert response.status_code == 302
    norm = Norm.objects.get()
    assert (norm.proposed_by, norm.language) == (r.lan, "vi")
    page = lan.get(response["Location"]).content.decode()
    assert "Cảm ơn quý vị. Nhóm sẽ thảo luận về đề xuất của quý vị." in page
    leader = staff_client(world, "school_leader")
    leader.post(f"/teams/{r.team.pk}/charter/", {"step": "adopt", "norm": norm.pk})
    norm.refresh_from_db()
    assert norm.status == "adopted"
    # Another family's caregiver sees nothing of this team.
    assert family_client(world.south_family).get(f"/teams/family/{r.team.pk}/").status_code == 404

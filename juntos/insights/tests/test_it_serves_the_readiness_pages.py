"""The readiness self-assessment, wired: a leader opens this year's wave; staff answer on a
staff page, families by one-time links in their own language (Spanish and Somali here); the
results page shows domain scores by role side by side, the gap, the change since last year,
suppresses a role of fewer than 5, and makes a domain a goal of the team's action plan."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.insights import actions, readiness
from juntos.insights.models import ReadinessResponse, ReadinessWave
from juntos.people import models as m
from juntos.teams import actions as team_actions
from juntos.teams.models import Goal
from juntos.testing import factories as f

STAFF = ("school_leader", "liaison", "counselor", "teacher")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answers(value: int | str) -> dict[str, str]:
    return {f"item-{item.id}": str(value) for item in readiness.load_instrument().items}


@pytest.fixture
def wave(world: World) -> ReadinessWave:
    response = client_for(world.personas["school_leader"]).post(
        "/insights/readiness/open/", {"school": world.north.pk}
    )
    assert response.status_code == 302
    return ReadinessWave.objects.get(school=world.north)


def staff_answer(world: World, wave: ReadinessWave, value: int, *, how_many: int = 5) -> None:
    users = [world.personas[p] for p in STAFF]
    users.append(f.staff_with_role(m.Role.TEACHER, school=world.north, username="teacher2",
                                   district=world.district).user)  # fmt: skip
    for user in users[:how_many]:
        response = client_for(user).post(f"/insights/readiness/{wave.pk}/take/", answers(value))
        assert response.status_code == 200
        assert "Thank you. Your answers are anonymous." in response.content.decode()


def family_answer(wave: ReadinessWave, language: str, value: int, how_many: int = 5) -> str:
    page = ""
    for _ in range(how_many):
        token = actions.do_create_readiness_token(wave=wave, language=language)
        response = Client().post(f"/insights/readiness/t/{token}/", answers(value))
        assert response.status_code == 200
        page = response.content.decode()
    return page


def row(html: str, domain: str) -> str:
    start = html.index(f'<tr data-domain="{domain}">')
    return html[start : html.index("</tr>", start)]


def test_staff_and_families_in_two_languages_give_scores_and_the_gap(
    world: World, wave: ReadinessWave
) -> None:
    staff_answer(world, wave, 4)
    family_answer(wave, "es", 2)
    family_answer(wave, "so", 3)

    html = (
        client_for(world.personas["school_leader"])
        .get(f"/insights/readiness/{wave.pk}/")
        .content.decode()
    )

    communication = row(html, "communication")
    assert '<td class="staff">4.00</td>' in communication
    assert '<td class="family">2.50</td>' in communication
    assert '<td class="gap">+1.50</td>' in communication
    assert "Spanish: 2.00" in communication
    assert "Somali: 3.00" in communication
    assert ReadinessResponse.objects.filter(wave=wave, role="family").count() == 10
    # The drawing: staff to the left, families to the right.
    assert 'id="chart-readiness"' in html


def test_a_role_of_fewer_than_5_is_suppressed(world: World, wave: ReadinessWave) -> None:
    staff_answer(world, wave, 4, how_many=4)
    family_answer(wave, "es", 2)

    html = (
        client_for(world.personas["school_leader"])
        .get(f"/insights/readiness/{wave.pk}/")
        .content.decode()
    )

    advocacy = row(html, "advocacy")
    assert '<td class="staff">fewer than 5</td>' in advocacy
    assert '<td class="family">2.00</td>' in advocacy
    assert '<td class="gap">—</td>' in advocacy
    assert "4.00" not in html


def test_the_family_link_speaks_the_familys_language_and_works_once(
    world: World, wave: ReadinessWave
) -> None:
    instrument = readiness.load_instrument()
    token = actions.do_create_readiness_token(wave=wave, language="so")

    page = Client().get(f"/insights/readiness/t/{token}/")

    assert page["Content-Language"] == "so"
    html = page.content.decode()
    assert instrument.title("so") in html
    assert instrument.items[0].wording("family", "so") in html
    first = Client().post(f"/insights/readiness/t/{token}/", answers(5))
    assert first.status_code == 200
    second = Client().post(f"/insights/readiness/t/{token}/", answers(1))
    assert "Horey ayaad u jawaabtay. Mahadsanid." in second.content.decode()
    assert [r.answers for r in ReadinessResponse.objects.all()] == [
        {item.id: 5 for item in instrument.items}
    ]
    assert Client().get("/insights/readiness/t/not-a-token/").status_code == 404


def test_staff_answer_once(world: World, wave: ReadinessWave) -> None:
    client = client_for(world.personas["teacher"])
    client.post(f"/insights/readiness/{wave.pk}/take/", answers(4))

    again = client.post(f"/insights/readiness/{wave.pk}/take/", answers(1))

    assert again.status_code == 400
    assert ReadinessResponse.objects.count() == 1


def test_the_results_show_the_change_since_last_year(world: World, wave: ReadinessWave) -> None:
    last_year = ReadinessWave.objects.create(
        district=world.district, school=world.north, school_year="2000-2001", version="1"
    )
    for n in range(5):
        person = f.staff_with_role(m.Role.TEACHER, school=world.north, username=f"old{n}",
                                   district=world.district)  # fmt: skip
        actions.do_answer_readiness_as_staff(
            wave=last_year, staff=person, language="en",
            answers={item.id: 3 for item in readiness.load_instrument().items},
        )  # fmt: skip
    staff_answer(world, wave, 4)

    html = (
        client_for(world.personas["school_leader"])
        .get(f"/insights/readiness/{wave.pk}/")
        .content.decode()
    )

    assert "Change since 2000-2001: staff" in html
    assert '<td class="staff-change">+1.00</td>' in row(html, "learning")


def test_a_domain_becomes_a_goal_of_the_team(world: World, wave: ReadinessWave) -> None:
    team = team_actions.do_create_team(
        district_id=world.district.pk, school_id=world.north.pk, name="North team"
    )

    response = client_for(world.personas["school_leader"]).post(
        f"/insights/readiness/{wave.pk}/goal/", {"domain": "communication", "team": team.pk}
    )

    assert response.status_code == 302
    goal = Goal.objects.get(team=team)
    assert goal.title == readiness.load_instrument().domain("communication").name("en")
    assert goal.area == Goal.Area.OTHER


def test_only_leaders_open_a_wave_once_a_year(world: World, wave: ReadinessWave) -> None:
    again = client_for(world.personas["school_leader"]).post(
        "/insights/readiness/open/", {"school": world.north.pk}
    )
    by_liaison = client_for(world.personas["liaison"]).post(
        "/insights/readiness/open/", {"school": world.north.pk}
    )

    assert again.status_code == 302
    assert by_liaison.status_code == 403
    assert ReadinessWave.objects.count() == 1

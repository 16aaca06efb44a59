"""A liaison records attempts; a reached attempt is a two-way contact: the family leaves the
worklist and counts as reached (two-way) on the insights page."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.insights import metrics
from juntos.insights.models import Attempt
from juntos.insights.suppression import Cell
from juntos.people import models as m


def two_way(population: metrics.Population, period: metrics.Period) -> int:
    flags = metrics.student_flags("pk", period)
    counts = metrics.grouped(population.students(), "district_id", flags)
    return sum(group[metrics.TWO_WAY] for group in counts.values())


def test_it_records_outreach_attempts(world: World) -> None:
    ana = world.north_student
    liaison = Client()
    liaison.force_login(world.personas["liaison"])
    url = f"/insights/unreached/{ana.pk}/attempt/"

    invalid = liaison.post(url, {"method": "telepathy", "outcome": "reached"})
    assert invalid.status_code == 400
    missing = liaison.post(url, {"caregiver": world.south_family.pk, "method": "call",
                                 "outcome": "reached"})  # fmt: skip
    assert missing.status_code == 400  # not an adult of Ana's family
    assert not Attempt.objects.exists()

    liaison.post(url, {"caregiver": world.north_family.pk, "method": "call",
                       "outcome": "no_answer"})  # fmt: skip
    assert f'data-student="{ana.pk}"' in liaison.get("/insights/unreached/").content.decode()
    population = metrics.Population(world.district.pk, frozenset({world.north.pk}))
    period = metrics.school_year_to_date(world.district)
    assert two_way(population, period) == 0

    response = liaison.post(url, {"caregiver": world.north_family.pk, "method": "home_visit",
                                  "outcome": "reached", "note": "Met at home"})  # fmt: skip
    assert response.status_code == 302
    attempt = Attempt.objects.get(outcome="reached")
    assert (attempt.method, attempt.caregiver, attempt.note) == (
        "home_visit", world.north_family, "Met at home",
    )  # fmt: skip
    assert attempt.by == m.Staff.objects.get(user=world.personas["liaison"])
    page = liaison.get(f"/insights/unreached/{ana.pk}/").content.decode()
    assert "Home visit" in page and "Reached the family" in page and "No answer" in page
    assert f'data-student="{ana.pk}"' not in liaison.get("/insights/unreached/").content.decode()
    # Reached counts as two-way (North has 2 students: the published figure is suppressed,
    # the count under it is 1).
    period = metrics.school_year_to_date(world.district)
    assert two_way(population, period) == 1
    total = metrics.reach(population, period, "school").total
    assert total.values[metrics.TWO_WAY] == Cell(None, "small")

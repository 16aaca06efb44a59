"""The annual family-partnership report (issue 8, reports): one PDF per school or for the
district, for the board and funders.

Four parts, each from data the pages already show (and already suppressed):
1. who we reached and heard — the data walk's charts (walks.build_charts), each with the stories
   attached to it;
2. our action plan — each team's goals of the year with their actions and the stage of their
   PDSA cycles, and the stories attached to a goal;
3. you said, we did — the school's public commitments with their status and the family input
   behind them (anonymised snapshots);
4. how heard families felt — the teams' pulse over the year (fewer than 5 answers: not shown).

Written in the staff language asked for (English or Spanish): the report is read by the
district's board; the public board and the family pages serve families in their languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from juntos.commitments.models import Commitment
from juntos.insights import walks
from juntos.insights.metrics import Population
from juntos.insights.models import Story
from juntos.insights.walk import chart_svg
from juntos.people.models import District, School
from juntos.teams.actions import school_year
from juntos.teams.models import Goal, Meeting, Team
from juntos.teams.queries import pulse_summary


@dataclass(frozen=True)
class ChartSection:
    title: str
    description: str
    svg: str
    stories: list[str]


def _teams(population: Population, school: School | None) -> list[Team]:
    teams = Team.objects.filter(district_id=population.district_id)
    if school is not None:
        teams = teams.filter(school=school)
    elif population.school_ids is not None:
        teams = teams.filter(school_id__in=population.school_ids)
    return list(teams.order_by("name"))


def report_context(
    population: Population, district: District, school: School | None, *, now: datetime
) -> dict[str, Any]:
    year = school_year(timezone.localdate(now))
    data = walks.collect(population, district, school_id=school.pk if school else None)
    stories: dict[str, list[str]] = {}
    for story in walks.stories(population, school):
        stories.setdefault(story.key, []).append(story.text)
    charts = [
        ChartSection(chart.title, chart.description, chart_svg(chart), stories.get(chart.key, []))
        for chart in walks.build_charts(data)
    ]
    teams = _teams(population, school)
    goals = list(
        Goal.objects.filter(team__in=teams, school_year=year)
        .select_related("team")
        .prefetch_related("actions", "cycles")
        .order_by("team__name", "position")
    )
    goal_stories: dict[int, list[str]] = {}
    for story in Story.objects.filter(goal__in=goals):
        if story.goal_id is not None:
            goal_stories.setdefault(story.goal_id, []).append(story.text)
    commitments = Commitment.objects.filter(public=True, district_id=population.district_id)
    if school is not None:
        commitments = commitments.filter(school=school)
    elif population.school_ids is not None:
        commitments = commitments.filter(school_id__in=population.school_ids)
    meetings = Meeting.objects.filter(team__in=teams, status=Meeting.Status.ENDED)
    return {
        "year": year,
        "place": school.name if school is not None else district.name,
        "charts": charts,
        "goals": [{"goal": g, "stories": goal_stories.get(g.pk, [])} for g in goals],
        "commitments": list(
            commitments.prefetch_related("inputs").select_related("school").order_by("-pk")[:50]
        ),
        "pulse": pulse_summary(list(meetings)),
        "generated": timezone.localtime(now),
    }


def render_annual_report(
    population: Population,
    district: District,
    school: School | None,
    *,
    language: str = "en",
    now: datetime | None = None,
) -> bytes:
    now = now or timezone.now()
    with translation.override(language):
        context = report_context(population, district, school, now=now)
        html = render_to_string("insights/annual_report_pdf.html", context | {"lang": language})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf

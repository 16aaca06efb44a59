"""Reads of surveys, scoped to the reader, and the results staff see.

Staff see the surveys of the schools where they hold a role (a teacher included): results are
aggregates, suppressed under 5 respondents. School leaders, liaisons and the district admin
create surveys, open and close waves, print paper codes and type in paper forms.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from juntos.people.models import School
from juntos.people.queries import schools_run_by, scope_for
from juntos.surveys.instruments import (
    Instrument,
    QuestionCounts,
    ScaleReport,
    instrument,
    option_counts,
    scale_scores,
)
from juntos.surveys.models import Response, Survey, Wave


def surveys_for(user: Any) -> QuerySet[Survey]:
    scope = scope_for(user)
    if scope.staff is None:
        return Survey.objects.none()
    base = Survey.objects.filter(district_id=scope.staff.district_id).select_related("school")
    if scope.is_district_admin:
        return base
    return base.filter(school_id__in=scope.school_ids)


def access_survey(user: Any, survey_id: int) -> Survey:
    survey = surveys_for(user).filter(pk=survey_id).first()
    if survey is None:
        raise Http404("no such survey")
    return survey


def manageable_schools(user: Any) -> QuerySet[School]:
    """Schools where ``user`` may create and run surveys."""
    return schools_run_by(user).order_by("name")


def can_manage(user: Any, survey: Survey) -> bool:
    return manageable_schools(user).filter(pk=survey.school_id).exists()


def open_wave(survey: Survey) -> Wave | None:
    return survey.waves.filter(status=Wave.Status.OPEN).first()


def chosen_wave(survey: Survey, number: str | None) -> Wave | None:
    """The wave ``?wave=<number>`` names, else the latest."""
    waves = survey.waves.order_by("-number")
    if number and number.isdigit():
        return waves.filter(number=int(number)).first() or waves.first()
    return waves.first()


@dataclass(frozen=True)
class Results:
    instrument: Instrument
    wave: Wave | None
    scales: ScaleReport
    counts: list[QuestionCounts]


def results(survey: Survey, wave: Wave | None) -> Results:
    form = instrument(survey.instrument)
    rows = (
        list(Response.objects.filter(wave=wave).values_list("language", "answers"))
        if wave is not None
        else []
    )
    # For the engagement-needs survey only the respondent counts by language are shown.
    scales = scale_scores(form, rows)
    counts = option_counts(form, [answers for _language, answers in rows])
    return Results(form, wave, scales, counts)


def results_csv(survey: Survey, found: Results) -> str:
    """The aggregates only (never a response): one row per figure, suppressed ones empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["survey", "wave", "group", "measure", "item", "value", "suppressed"])
    wave = found.wave.name if found.wave else ""
    report = found.scales
    groups = [("all", report.overall), *report.by_language.items()]
    for group, scores in groups:
        cell = scores.respondents
        writer.writerow(
            [survey.title, wave, group, "respondents", "", _value(cell.value), _flag(cell)]
        )
        if found.instrument.kind != "scales":
            continue
        for section, score in scores.scores.items():
            writer.writerow(
                [
                    survey.title,
                    wave,
                    group,
                    "scale_score",
                    section,
                    "" if score is None else str(score),
                    "yes" if score is None else "",
                ]
            )
    for counts in found.counts:
        for option, cell in counts.cells.items():
            writer.writerow(
                [
                    survey.title,
                    wave,
                    "all",
                    "count",
                    f"{counts.question.id}.{option}",
                    _value(cell.value),
                    _flag(cell),
                ]
            )
    return out.getvalue()


def _value(value: int | None) -> str:
    return "" if value is None else str(value)


def _flag(cell: Any) -> str:
    return "yes" if cell.suppressed else ""

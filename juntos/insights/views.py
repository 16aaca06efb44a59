"""Insights pages: the leader's first screen, how we count, the CSV export, the worklist, the
data walk (observations, stories, its PDF) and the readiness self-assessment.

Function views: parse → queries (scoped) → actions → TemplateResponse. Every figure comes
from metrics.py already suppressed; this module only turns cells into text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.insights import actions, metrics, queries, readiness, walks
from juntos.insights.forms import (
    DONT_KNOW,
    AssignForm,
    AttemptForm,
    ContactForm,
    DomainGoalForm,
    ObservationForm,
    PriorityForm,
    StoryForm,
    StudyForm,
    WorklistFilterForm,
)
from juntos.insights.forms import readiness_answers as forms_readiness_answers
from juntos.insights.metrics import Breakdown, Population, Row
from juntos.insights.suppression import Cell
from juntos.insights.walk import Prompts, render_walk_pdf
from juntos.language import registry
from juntos.people.models import Caregiver, District, School, Staff, Student
from juntos.people.queries import scope_for
from juntos.people.views import staff_required
from juntos.portal import language as portal_language
from juntos.teams.actions import school_year

View = Callable[..., HttpResponse]

# A group is marked "behind" when its share is this many points below everyone's.
BEHIND_POINTS = 10

DIMENSIONS = {
    "language": gettext_lazy("Home language"),
    "school": gettext_lazy("School"),
    "grade": gettext_lazy("Grade"),
    "relationship": gettext_lazy("Relationship"),
    "channel": gettext_lazy("Preferred channel"),
}
FLAGS = {
    metrics.DELIVERED: gettext_lazy("Received a delivered message"),
    metrics.TWO_WAY: gettext_lazy("Two-way exchange"),
    metrics.NO_WORKING_CHANNEL: gettext_lazy("No working channel"),
    metrics.NO_CONTACT: gettext_lazy("No phone or email at all"),
    metrics.POSITIVE_FIRST: gettext_lazy("First contact positive"),
    metrics.RSVP_YES: gettext_lazy("Said yes"),
    metrics.ATTENDED: gettext_lazy("Came"),
}


def insights_required(view: View) -> View:
    """District admins, school leaders and liaisons; other staff 403 (queries.py)."""

    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        population = queries.population_for(request.user)
        if population is None:
            raise PermissionDenied
        return view(request, population, *args, **kwargs)

    return wrapper


def _staff(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    assert staff is not None  # noqa: S101 - insights_required let the request in
    return staff


def _district(population: Population) -> District:
    return District.objects.get(pk=population.district_id)


def cell_text(cell: Cell) -> str:
    if cell.value is None:
        return _("suppressed")
    return str(cell.value)


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def _row(
    row: Row, flags: tuple[str, ...], total: Row, *, behind_flag: str | None
) -> dict[str, Any]:
    behind = None
    if behind_flag is not None:
        mine, everyone = row.shares[behind_flag], total.shares[behind_flag]
        if mine is not None and everyone is not None:
            gap = round((everyone - mine) * 100)
            behind = gap if gap >= BEHIND_POINTS else None
    return {
        "key": row.key,
        "label": row.label,
        "size": cell_text(row.size),
        "size_share": share_text(row.size_share),
        "suppressed": row.size.suppressed,
        "values": [
            {"count": cell_text(row.values[flag]), "share": share_text(row.shares[flag])}
            for flag in flags
        ],
        "behind": behind,
    }


def table(breakdown: Breakdown, *, behind_flag: str | None = None) -> dict[str, Any]:
    return {
        "dimension": breakdown.dimension,
        "dimension_label": DIMENSIONS.get(breakdown.dimension, breakdown.dimension),
        "flags": [FLAGS[flag] for flag in breakdown.flags],
        "rows": [
            _row(row, breakdown.flags, breakdown.total, behind_flag=behind_flag)
            for row in breakdown.rows
        ],
        "total": _row(breakdown.total, breakdown.flags, breakdown.total, behind_flag=None),
    }


def _school_choices(population: Population) -> list[tuple[int, str]]:
    return list(population.schools().order_by("name").values_list("pk", "name"))


def _school_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("school", "")
    return int(raw) if raw.isdigit() else None


@require_GET
@insights_required
def index(request: HttpRequest, population: Population) -> HttpResponse:
    school_id = _school_param(request)
    narrowed = queries.narrowed(population, school_id)
    report = metrics.report(narrowed, _district(population))
    context = {
        "report": report,
        "reach": {
            dimension: table(breakdown, behind_flag=metrics.DELIVERED)
            for dimension, breakdown in report.reach.items()
        },
        "contact_health": table(report.contact_health, behind_flag=None),
        "positive_first": table(report.positive_first.by_language),
        "events": table(report.events),
        "follow_up": {
            "family_messages": cell_text(report.follow_up.family_messages),
            "answered": cell_text(report.follow_up.answered),
            "median": report.follow_up.median,
            "p90": report.follow_up.p90,
            "waiting": cell_text(report.follow_up.waiting_past_target),
        },
        "schools": _school_choices(population),
        "school_id": narrowed.school_ids and school_id,
    }
    return TemplateResponse(request, "insights/index.html", context)


@require_GET
@staff_required
def how_we_count(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "insights/how_we_count.html", {"metrics": metrics.METRICS})


@require_GET
@insights_required
def export_csv(request: HttpRequest, population: Population) -> HttpResponse:
    """The aggregates as CSV: suppressed cells read "suppressed"; never a family's row."""
    narrowed = queries.narrowed(population, _school_param(request))
    report = metrics.report(narrowed, _district(population))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="juntos-insights.csv"'
    writer = csv.writer(response)
    writer.writerow(["metric", "breakdown", "group", "group_size", "group_share", "measure",
                     "count", "share"])  # fmt: skip

    def write(metric: str, breakdown: Breakdown) -> None:
        for row in [*breakdown.rows, breakdown.total]:
            for flag in breakdown.flags:
                writer.writerow([
                    metric, breakdown.dimension, "all" if row is breakdown.total else row.label,
                    _csv_cell(row.size), share_text(row.size_share), flag,
                    _csv_cell(row.values[flag]), share_text(row.shares[flag]),
                ])  # fmt: skip

    for breakdown in report.reach.values():
        write("reach", breakdown)
    write("contact_health", report.contact_health)
    write("positive_first", report.positive_first.by_language)
    write("events", report.events)
    follow = report.follow_up
    for measure, cell in (
        ("family_messages", follow.family_messages),
        ("answered", follow.answered),
        ("waiting_past_target", follow.waiting_past_target),
    ):
        writer.writerow(["follow_up", "", "all", "", "", measure, _csv_cell(cell), ""])
    for measure, value in (("median_seconds", follow.median), ("p90_seconds", follow.p90)):
        seconds = "" if value is None else str(round(value.total_seconds()))
        writer.writerow(["follow_up", "", "all", "", "", measure, seconds, ""])
    for metric in report.unavailable:
        writer.writerow([metric.key, "", "", "", "", "", "no data yet", ""])
    return response


def _csv_cell(cell: Cell) -> str:
    return "suppressed" if cell.value is None else str(cell.value)


# --- The unreached-families worklist ----------------------------------------------------------


@require_GET
@insights_required
def unreached(request: HttpRequest, population: Population) -> HttpResponse:
    data = request.GET.copy()
    if data and not data.get("weeks"):
        data["weeks"] = str(queries.DEFAULT_WEEKS)  # keep the default visible in the form
    form = WorklistFilterForm(
        data or None,
        languages=queries.worklist_languages(population),
        schools=_school_choices(population),
    )
    filters = queries.WorklistFilters()
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        filters = queries.WorklistFilters(
            weeks=cleaned["weeks"] or queries.DEFAULT_WEEKS,
            language=cleaned["language"],
            school_id=cleaned["school"],
        )
    students = queries.unreached(population, filters)
    with metrics.without_jit():
        total = students.count()
        rows = list(students[: queries.WORKLIST_LIMIT])
    return TemplateResponse(
        request,
        "insights/unreached.html",
        {
            "form": form,
            "rows": [
                {
                    "student": student,
                    "language": metrics.language_label(student.home_language),
                    "family": [
                        (
                            link.caregiver.display_name,
                            metrics.language_label(link.caregiver.preferred_language),
                        )
                        for link in student.caregiver_links.all()
                    ],
                }
                for student in rows
            ],
            "total": total,
            "limit": queries.WORKLIST_LIMIT,
            "never": queries.NEVER,
            "weeks": filters.weeks,
        },
    )


def _caregiver_choices(student: Student) -> list[tuple[int, str]]:
    return [
        (link.caregiver_id, f"{link.caregiver.display_name} ({link.get_relationship_display()})")
        for link in student.caregiver_links.select_related("caregiver").order_by("pk")
    ]


def _assign_choices(student: Student) -> list[tuple[int, str]]:
    choices = []
    for staff, speaks in queries.liaison_candidates(student):
        label = staff.display_name
        if speaks:
            label = _("%(name)s (speaks the family's language)") % {"name": label}
        choices.append((staff.pk, label))
    return choices


def _student_page(
    request: HttpRequest,
    student: Student,
    *,
    assign_form: AssignForm | None = None,
    attempt_form: AttemptForm | None = None,
    contact_form: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    caregivers = _caregiver_choices(student)
    context = {
        "student": student,
        "never": queries.NEVER,
        "links": student.caregiver_links.select_related("caregiver")
        .prefetch_related("caregiver__contacts")
        .order_by("pk"),
        "attempts": queries.attempts_of(student),
        "assign_form": assign_form
        or AssignForm(candidates=_assign_choices(student), auto_id="assign_%s"),
        "attempt_form": attempt_form or AttemptForm(caregivers=caregivers, auto_id="attempt_%s"),
        "contact_form": contact_form or ContactForm(caregivers=caregivers, auto_id="contact_%s"),
        "family_languages": [metrics.language_label(c) for c in queries.family_languages(student)],
    }
    return TemplateResponse(request, "insights/student.html", context, status=status)


def _student(request: HttpRequest, student_id: int) -> Student:
    return queries.access_worklist_student(request.user, student_id, context=request.path)


@require_GET
@insights_required
def unreached_student(
    request: HttpRequest, population: Population, student_id: int
) -> HttpResponse:
    return _student_page(request, _student(request, student_id))


def _add_errors(form: Any, exc: actions.InputError) -> None:
    for name, error in exc.errors.items():
        form.add_error(name if name in form.fields else None, error)


@require_POST
@insights_required
def assign(request: HttpRequest, population: Population, student_id: int) -> HttpResponse:
    student = _student(request, student_id)
    form = AssignForm(request.POST, candidates=_assign_choices(student), auto_id="assign_%s")
    if form.is_valid():
        assignee = Staff.objects.get(pk=form.cleaned_data["assignee"])
        try:
            actions.do_assign_student(by=_staff(request), student=student, assignee=assignee)
        except actions.InputError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(student)s's family is assigned to %(name)s.")
                % {"student": student.display_name, "name": assignee.display_name},
            )
            return redirect("insights:unreached_student", student_id=student.pk)
    return _student_page(request, student, assign_form=form, status=400)


def _caregiver(student: Student, caregiver_id: int | None) -> Caregiver | None:
    if caregiver_id is None:
        return None
    return Caregiver.objects.filter(pk=caregiver_id, links__student=student).first()


@require_POST
@insights_required
def attempt(request: HttpRequest, population: Population, student_id: int) -> HttpResponse:
    student = _student(request, student_id)
    form = AttemptForm(request.POST, caregivers=_caregiver_choices(student), auto_id="attempt_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_attempt(
                by=_staff(request),
                student=student,
                caregiver=_caregiver(student, data["caregiver"]),
                method=data["method"],
                outcome=data["outcome"],
                note=data["note"],
            )
        except actions.InputError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The attempt is recorded."))
            return redirect("insights:unreached_student", student_id=student.pk)
    return _student_page(request, student, attempt_form=form, status=400)


@require_POST
@insights_required
def contact(request: HttpRequest, population: Population, student_id: int) -> HttpResponse:
    student = _student(request, student_id)
    form = ContactForm(request.POST, caregivers=_caregiver_choices(student), auto_id="contact_%s")
    if form.is_valid():
        data = form.cleaned_data
        caregiver = _caregiver(student, data["caregiver"])
        try:
            if caregiver is None:
                raise actions.InputError(
                    {"caregiver": _("Choose an adult of this student's family.")}
                )
            actions.do_correct_family_contact(
                by=_staff(request),
                student=student,
                caregiver=caregiver,
                phone=data["phone"],
                sms_capable=data["sms_capable"],
                email=data["email"],
                language=data["language"],
            )
        except actions.InputError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s's contact details are updated; the next message uses them.")
                % {"name": caregiver.display_name},
            )
            return redirect("insights:unreached_student", student_id=student.pk)
    return _student_page(request, student, contact_form=form, status=400)


# --- The data walk (seed 003) -----------------------------------------------------------------


def _walk_place(request: HttpRequest, population: Population) -> tuple[Population, School | None]:
    narrowed = queries.narrowed(population, _school_param(request) or _school_post(request))
    return narrowed, walks.walk_school(narrowed)


def _school_post(request: HttpRequest) -> int | None:
    raw = request.POST.get("school", "")
    return int(raw) if raw.isdigit() else None


def _walk_url(school: School | None, anchor: str = "") -> str:
    url = reverse("insights:walk")
    if school is not None:
        url += f"?school={school.pk}"
    return url + (f"#{anchor}" if anchor else "")


def _walk_stories(population: Population, school: School | None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for story in walks.stories(population, school):
        found.setdefault(story.key, []).append(story.text)
    return found


def _walk_pdf(
    request: HttpRequest,
    data: walks.WalkData,
    stories: dict[str, list[str]],
    school: School | None,
) -> HttpResponse:
    languages = walks.print_languages(school, request.GET.get("lang", ""))
    if not walks.build_charts(data):
        messages.info(request, _("There is no data to walk through yet."))
        return redirect(request.path)
    pdf = render_walk_pdf(
        title=lambda: _("Data walk: who do we reach, who do we hear?"),
        charts=lambda: walks.build_charts(data, stories=stories),
        languages=languages,
        prompts=lambda: Prompts(notice=_("What do you notice?"), wonder=_("What do you wonder?")),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="juntos-data-walk.pdf"'
    return response


def _walk_page(
    request: HttpRequest,
    population: Population,
    *,
    observation_form: ObservationForm | None = None,
    story_form: StoryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    narrowed, school = _walk_place(request, population)
    data = walks.collect(narrowed, _district(population), school_id=school.pk if school else None)
    stories = _walk_stories(narrowed, school)
    if request.method == "GET" and request.GET.get("format") == "pdf":
        return _walk_pdf(request, data, stories, school)
    built = walks.build_charts(data)
    teams = walks.manageable_teams(request.user, school)
    team_choices = [(team.pk, team.name) for team in teams]
    cycle_choices = [
        (cycle.pk, f"{cycle.goal.team.name}: {cycle.goal.title} — {cycle.plan[:60]}")
        for cycle in walks.open_cycles(teams)
    ]
    by_chart: dict[str, list[Any]] = {}
    for observation in walks.observations(narrowed, school):
        by_chart.setdefault(observation.chart, []).append(
            {
                "observation": observation,
                "priority_form": PriorityForm(
                    teams=team_choices, auto_id=f"priority-{observation.pk}-%s"
                ),
                "study_form": StudyForm(cycles=cycle_choices, auto_id=f"study-{observation.pk}-%s"),
            }
        )
    posted_chart = observation_form["chart"].value() if observation_form is not None else None
    items = [
        {
            "chart": chart,
            "observations": by_chart.get(chart.key, []),
            "stories": stories.get(chart.key, []),
            "form": observation_form
            if posted_chart == chart.key and observation_form is not None
            else ObservationForm(initial={"chart": chart.key}, auto_id=f"observe-{chart.key}-%s"),
        }
        for chart in built
    ]
    chart_choices = [(chart.key, chart.title) for chart in built]
    context = {
        "items": items,
        "school": school,
        "schools": _school_choices(population),
        "school_id": school and school.pk,
        "can_convert": bool(team_choices),
        "has_cycles": bool(cycle_choices),
        "story_form": story_form
        or StoryForm(charts=chart_choices, initial={"language": "en"}, auto_id="story-%s"),
        "languages": registry.choices(),
    }
    return TemplateResponse(request, "insights/walk.html", context, status=status)


@require_GET
@insights_required
def walk(request: HttpRequest, population: Population) -> HttpResponse:
    return _walk_page(request, population)


@require_POST
@insights_required
def walk_observe(request: HttpRequest, population: Population) -> HttpResponse:
    _narrowed, school = _walk_place(request, population)
    form = ObservationForm(request.POST, auto_id="observe-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_observation(
                by=_staff(request),
                district=_district(population),
                school=school,
                chart=data["chart"],
                kind=data["kind"],
                text=data["text"],
            )
        except actions.InputError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your observation is added."))
            return redirect(_walk_url(school, f"figure-{data['chart']}"))
    request.method = "GET"  # draw the page again, with the form's errors
    return _walk_page(request, population, observation_form=form, status=400)


@require_POST
@insights_required
def walk_priority(
    request: HttpRequest, population: Population, observation_id: int
) -> HttpResponse:
    observation = walks.access_observation(population, observation_id)
    teams = walks.manageable_teams(request.user, observation.school)
    if not teams:
        raise PermissionDenied
    form = PriorityForm(request.POST, teams=[(team.pk, team.name) for team in teams])
    if form.is_valid():
        team = next(team for team in teams if team.pk == form.cleaned_data["team"])
        try:
            actions.do_make_priority(
                observation=observation, team=team, kind=form.cleaned_data["kind"]
            )
        except actions.InputError as exc:
            messages.error(request, " ".join(exc.errors.values()))
        else:
            messages.success(request, _("It is now a priority of %(team)s.") % {"team": team.name})
    else:
        messages.error(request, _("Choose a team and need or strength."))
    return redirect(_walk_url(observation.school, f"observation-{observation.pk}"))


@require_POST
@insights_required
def walk_study(request: HttpRequest, population: Population, observation_id: int) -> HttpResponse:
    observation = walks.access_observation(population, observation_id)
    teams = walks.manageable_teams(request.user, observation.school)
    if not teams:
        raise PermissionDenied
    cycles = {cycle.pk: cycle for cycle in walks.open_cycles(teams)}
    form = StudyForm(request.POST, cycles=[(pk, str(cycle)) for pk, cycle in cycles.items()])
    if form.is_valid():
        try:
            actions.do_add_to_study(
                observation=observation, cycle=cycles[form.cleaned_data["cycle"]]
            )
        except actions.InputError as exc:
            messages.error(request, " ".join(exc.errors.values()))
        else:
            messages.success(request, _("It is added to the cycle's study evidence."))
    else:
        messages.error(request, _("Choose a cycle."))
    return redirect(_walk_url(observation.school, f"observation-{observation.pk}"))


@require_POST
@insights_required
def walk_story(request: HttpRequest, population: Population) -> HttpResponse:
    _narrowed, school = _walk_place(request, population)
    form = StoryForm(request.POST, charts=[(key, key) for key in walks.KEYS], auto_id="story-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_story(
                by=_staff(request),
                district=_district(population),
                school=school,
                key=data["key"],
                text=data["text"],
                language=data["language"],
                consent=data["consent"],
                named=data["named"],
            )
        except actions.InputError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The story is added beside its chart."))
            return redirect(_walk_url(school, f"figure-{data['key']}"))
    request.method = "GET"
    return _walk_page(request, population, story_form=form, status=400)


# --- Readiness self-assessment ------------------------------------------------------------------


def _score_text(score: readiness.Score) -> str:
    if score.value is not None:
        return f"{score.value:.2f}"
    if score.reason in ("small", "complementary", "few_answers"):
        return _("fewer than 5")
    return "—"


def _signed(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


@require_GET
@insights_required
def readiness_list(request: HttpRequest, population: Population) -> HttpResponse:
    schools = [
        (school.pk, school.name)
        for school in population.schools().order_by("name")
        if walks.can_open_waves(request.user, school)
    ]
    context = {
        "waves": walks.waves(population),
        "open_schools": schools,
        "district_wave": population.school_ids is None,
        "year": school_year(),
    }
    return TemplateResponse(request, "insights/readiness_list.html", context)


@require_POST
@insights_required
def readiness_open(request: HttpRequest, population: Population) -> HttpResponse:
    school_id = _school_post(request)
    school = population.schools().filter(pk=school_id).first() if school_id else None
    if (school_id and school is None) or not walks.can_open_waves(request.user, school):
        raise PermissionDenied
    try:
        wave = actions.do_open_readiness_wave(district=_district(population), school=school)
    except actions.InputError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect("insights:readiness")
    messages.success(request, _("The self-assessment is open."))
    return redirect("insights:readiness_results", wave_id=wave.pk)


@require_POST
@insights_required
def readiness_send(request: HttpRequest, population: Population, wave_id: int) -> HttpResponse:
    wave = walks.access_wave(population, wave_id)
    if not walks.can_open_waves(request.user, wave.school):
        raise PermissionDenied
    try:
        sent = actions.do_send_readiness_links(
            wave=wave, by=_staff(request), base_url=request.build_absolute_uri("/")
        )
    except actions.InputError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(
            request,
            _("Links sent to %(count)s families, each in their language.") % {"count": sent},
        )
    return redirect("insights:readiness_results", wave_id=wave.pk)


@require_POST
@insights_required
def readiness_close(request: HttpRequest, population: Population, wave_id: int) -> HttpResponse:
    wave = walks.access_wave(population, wave_id)
    if not walks.can_open_waves(request.user, wave.school):
        raise PermissionDenied
    actions.do_close_readiness_wave(wave=wave)
    messages.success(request, _("The self-assessment is closed."))
    return redirect("insights:readiness_results", wave_id=wave.pk)


@require_GET
@insights_required
def readiness_results(request: HttpRequest, population: Population, wave_id: int) -> HttpResponse:
    wave = walks.access_wave(population, wave_id)
    instrument = readiness.load_instrument()
    language = get_language() or "en"
    report = walks.wave_report(wave)
    previous = walks.previous_wave(wave)
    comparison = readiness.compare(walks.wave_report(previous), report) if previous else None
    teams = walks.manageable_teams(request.user, wave.school)
    team_choices = [(team.pk, team.name) for team in teams]
    domain_choices = [(domain.id, domain.name(language)) for domain in instrument.domains]
    rows = []
    for domain in instrument.domains:
        result = report.domains[domain.id]
        changes = comparison.domains.get(domain.id, {}) if comparison else {}
        rows.append(
            {
                "id": domain.id,
                "name": domain.name(language),
                "staff": _score_text(result.scores["staff"]),
                "family": _score_text(result.scores["family"]),
                "gap": _signed(result.gap),
                "staff_change": _signed(changes["staff"].change) if changes else "—",
                "family_change": _signed(changes["family"].change) if changes else "—",
                "by_language": [
                    (walks.language_name(code), _score_text(score))
                    for code, score in result.family_by_language.items()
                ],
                "goal_form": DomainGoalForm(
                    initial={"domain": domain.id},
                    domains=domain_choices,
                    teams=team_choices,
                    auto_id=f"goal-{domain.id}-%s",
                ),
            }
        )
    chart = walks.readiness_chart(report)
    context = {
        "wave": wave,
        "title": instrument.title(language),
        "respondents": {role: cell_text(cell) for role, cell in report.respondents.items()},
        "family_languages": [
            (walks.language_name(code), cell_text(cell))
            for code, cell in report.family_languages.cells.items()
        ],
        "rows": rows,
        "previous": previous,
        "chart": chart,
        "can_goal": bool(team_choices),
        "can_manage": walks.can_open_waves(request.user, wave.school),
    }
    return TemplateResponse(request, "insights/readiness_results.html", context)


@require_POST
@insights_required
def readiness_goal(request: HttpRequest, population: Population, wave_id: int) -> HttpResponse:
    wave = walks.access_wave(population, wave_id)
    teams = walks.manageable_teams(request.user, wave.school)
    if not teams:
        raise PermissionDenied
    instrument = readiness.load_instrument()
    form = DomainGoalForm(
        request.POST,
        domains=[(domain.id, domain.id) for domain in instrument.domains],
        teams=[(team.pk, team.name) for team in teams],
    )
    if not form.is_valid():
        messages.error(request, _("Choose a team."))
        return redirect("insights:readiness_results", wave_id=wave.pk)
    team = next(team for team in teams if team.pk == form.cleaned_data["team"])
    try:
        goal = actions.do_make_domain_goal(
            wave=wave,
            domain=form.cleaned_data["domain"],
            team=team,
            language=get_language() or "en",
        )
    except actions.InputError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(
            request,
            _("“%(goal)s” is now a goal of %(team)s.") % {"goal": goal.title, "team": team.name},
        )
    return redirect("insights:readiness_results", wave_id=wave.pk)


def _questionnaire(role: readiness.Role, language: str) -> list[dict[str, Any]]:
    instrument = readiness.load_instrument()
    scale = [
        (DONT_KNOW if point.value is None else str(point.value), point.label(language))
        for point in instrument.scale
    ]
    return [
        {
            "name": domain.name(language),
            "items": [
                {"id": item.id, "text": item.wording(role, language), "scale": scale}
                for item in domain.items
            ],
        }
        for domain in instrument.domains
    ]


def _item_ids() -> list[str]:
    return [item.id for item in readiness.load_instrument().items]


@require_http_methods(["GET", "POST"])
@staff_required
def readiness_take(request: HttpRequest, wave_id: int) -> HttpResponse:
    """A staff member answers the self-assessment (anonymously) in a staff language."""
    wave = walks.access_wave_to_take(request.user, wave_id)
    language = "es" if (get_language() or "en").startswith("es") else "en"
    instrument = readiness.load_instrument()
    state, status = ("open" if wave.is_open else "closed"), 200
    if request.method == "POST" and wave.is_open:
        answers = forms_readiness_answers(request.POST, _item_ids())
        try:
            if answers is None:
                raise actions.InputError({"answers": _("Choose one answer per statement.")})
            actions.do_answer_readiness_as_staff(
                wave=wave, staff=_staff_of(request), language=language, answers=answers
            )
        except actions.InputError as exc:
            messages.error(request, " ".join(exc.errors.values()))
            status = 400
        else:
            state = "thanks"
    context = {
        "wave": wave,
        "state": state,
        "title": instrument.title(language),
        "intro": instrument.intro("staff", language),
        "domains": _questionnaire("staff", language),
    }
    return TemplateResponse(request, "insights/readiness_take.html", context, status=status)


def _staff_of(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    if staff is None:
        raise PermissionDenied
    return staff


@require_http_methods(["GET", "POST"])
def readiness_link(request: HttpRequest, token: str) -> HttpResponse:
    """The family's one-time link: no sign-in, the link is the key; in the family's language."""
    link = actions.readiness_token(token)
    if link is None:
        return portal_language.render(
            request,
            "insights/family_readiness.html",
            {"state": "unknown"},
            portal_language.negotiate(request),
            status=404,
        )
    language = portal_language.page_language(link.language)
    instrument = readiness.load_instrument()
    state = "used" if link.used else ("open" if link.wave.is_open else "closed")
    status = 200
    if request.method == "POST" and state == "open":
        answers = forms_readiness_answers(request.POST, _item_ids())
        try:
            if answers is None:
                raise actions.InputError({"answers": "off the scale"})
            actions.do_answer_readiness_by_token(token=token, answers=answers)
        except actions.InputError as exc:
            if "token" in exc.errors:
                state = "used"
            else:
                state, status = "invalid", 400
        else:
            state = "thanks"
    context: dict[str, object] = {
        "state": state,
        "title": instrument.title(link.language),
        "intro": instrument.intro("family", link.language),
        "domains": _questionnaire("family", link.language),
    }
    return portal_language.render(
        request, "insights/family_readiness.html", context, language, status=status
    )


@require_GET
@insights_required
def annual_report(request: HttpRequest, population: Population) -> HttpResponse:
    """The annual family-partnership report as a PDF (annual.py), for the school asked for
    (``?school=``) or everything the reader may see, in English or Spanish (``?lang=``)."""
    from django.conf import settings

    from juntos.insights.annual import render_annual_report

    narrowed, school = _walk_place(request, population)
    language = request.GET.get("lang", "")
    if language not in settings.STAFF_LANGUAGES:
        language = get_language() or "en"
    pdf = render_annual_report(narrowed, _district(population), school, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="juntos-family-partnership-report.pdf"'
    return response

"""Team pages. Staff: teams, members, meetings and meeting mode (gettext, English and Spanish).
Family members of a team: the team and its meetings in their own language, where they ask to
speak and answer the pulse (templates named family_*.html, in every demo language).

Every page works without JavaScript: each button is a form that posts and comes back to the
page (post/redirect/get); htmx only refreshes the meeting panel in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.language import registry
from juntos.people.models import Caregiver, Role, School, Staff
from juntos.people.queries import caregivers_for, schools_for, scope_for
from juntos.people.views import staff_required
from juntos.portal import language as portal_language
from juntos.portal.session import current_caregiver, family_required
from juntos.teams import actions, queries
from juntos.teams.forms import MeetingForm, MemberForm, PulseForm, TeamForm
from juntos.teams.models import Meeting, Member, Team


def _creatable_schools(user: Any) -> Any:
    scope = scope_for(user)
    if scope.is_district_admin:
        return schools_for(user)
    return School.objects.filter(
        pk__in=[s for s in scope.school_ids],
        staff_roles__role=Role.SCHOOL_LEADER,
        staff_roles__staff=scope.staff,
    ).distinct()


def _may_create(user: Any) -> bool:
    scope = scope_for(user)
    return scope.is_district_admin or Role.SCHOOL_LEADER in scope.roles


@require_http_methods(["GET", "POST"])
@staff_required
def team_list(request: HttpRequest) -> HttpResponse:
    may_create = _may_create(request.user)
    form = TeamForm(request.POST or None, schools=_creatable_schools(request.user))
    status = 200
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied
        if form.is_valid():
            school = form.cleaned_data["school"]
            scope = scope_for(request.user)
            if school is None and not scope.is_district_admin:
                form.add_error(
                    "school", _("Only a district administrator creates a district team.")
                )
            else:
                team = actions.do_create_team(
                    district_id=scope.staff.district_id,  # type: ignore[union-attr]
                    school_id=school.pk if school else None,
                    name=form.cleaned_data["name"],
                )
                messages.success(request, _("Team created. Add its members."))
                return redirect("teams:detail", team_id=team.pk)
        status = 400
    teams = queries.teams_for(request.user).select_related("school")
    return TemplateResponse(
        request,
        "teams/team_list.html",
        {"teams": teams, "form": form, "may_create": may_create},
        status=status,
    )


def _member_form(request: HttpRequest, team: Team, data: Any = None) -> MemberForm:
    staff = Staff.objects.filter(district_id=team.district_id, is_active=True)
    caregivers = caregivers_for(request.user).filter(district_id=team.district_id)
    return MemberForm(data, staff=staff, caregivers=caregivers)


def _detail(
    request: HttpRequest,
    team: Team,
    *,
    member_form: MemberForm | None = None,
    meeting_form: MeetingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    manage = queries.can_manage(request.user, team)
    context = {
        "team": team,
        "members": queries.members(team),
        "by_role": queries.composition_by_role(team),
        "by_language": queries.composition_by_language(team),
        "meetings": team.meetings.all()[:50],
        "pulse": queries.pulse_summary(list(team.meetings.filter(status=Meeting.Status.ENDED))),
        "manage": manage,
        "member_form": member_form or (_member_form(request, team) if manage else None),
        "meeting_form": meeting_form or (MeetingForm() if manage else None),
    }
    return TemplateResponse(request, "teams/team_detail.html", context, status=status)


@require_GET
@staff_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    return _detail(request, queries.access_team(request.user, team_id))


@require_POST
@staff_required
def add_member(request: HttpRequest, team_id: int) -> HttpResponse:
    team = queries.access_team(request.user, team_id)
    queries.require_manage(request.user, team)
    form = _member_form(request, team, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        try:
            actions.do_add_member(
                team=team,
                role=data["role"],
                staff=data["staff"] if kind == "staff" else None,
                caregiver=data["caregiver"] if kind == "caregiver" else None,
                name=data["name"] if kind == "name" else "",
                organization=data["organization"],
                cochair=data["cochair"],
            )
        except actions.TeamError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Member added."))
            return redirect("teams:detail", team_id=team.pk)
    return _detail(request, team, member_form=form, status=400)


@require_POST
@staff_required
def set_rank(request: HttpRequest, team_id: int, member_id: int) -> HttpResponse:
    team = queries.access_team(request.user, team_id)
    queries.require_manage(request.user, team)
    member = Member.objects.filter(team=team, pk=member_id).first()
    if member is None:
        raise Http404
    try:
        actions.do_set_power_rank(member=member, power_rank=int(request.POST.get("rank", "")))
    except (ValueError, actions.TeamError):
        messages.error(request, _("The place must be a number between 0 and 9."))
    return redirect("teams:detail", team_id=team.pk)


@require_POST
@staff_required
def new_meeting(request: HttpRequest, team_id: int) -> HttpResponse:
    team = queries.access_team(request.user, team_id)
    queries.require_manage(request.user, team)
    form = MeetingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        languages = [
            code.strip() for code in data["interpreted_languages"].split(",") if code.strip()
        ]
        unknown = [code for code in languages if code not in registry.DEMO_LANGUAGES]
        if unknown:
            form.add_error(
                "interpreted_languages",
                _("Unknown language code: %(codes)s") % {"codes": ", ".join(unknown)},
            )
        else:
            meeting = actions.do_schedule_meeting(
                team=team,
                title=data["title"],
                starts_at=data["starts_at"],
                agenda=data["agenda"],
                interpreted_languages=languages,
            )
            return redirect("teams:meeting", meeting_id=meeting.pk)
    return _detail(request, team, meeting_form=form, status=400)


# --- Meeting mode ---------------------------------------------------------------------------


def _meeting_context(meeting: Meeting) -> dict[str, Any]:
    members = queries.members(meeting.team)
    present = set(meeting.attendance.values_list("member_id", flat=True))
    totals = queries.turn_totals(meeting)
    speaking = meeting.turns.filter(ended_at__isnull=True).select_related("member").first()
    return {
        "meeting": meeting,
        "members": [
            {
                "member": member,
                "present": member.pk in present,
                "turns": totals.get(member.pk, (0, 0.0))[0],
                "seconds": round(totals.get(member.pk, (0, 0.0))[1]),
                "speaking": speaking is not None and speaking.member_id == member.pk,
            }
            for member in members
        ],
        "stack": actions.stack(meeting),
        "speaking": speaking,
        "balance": [(Member.Role(row.role).label, row) for row in queries.balance(meeting)],
    }


@require_GET
@staff_required
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = queries.access_meeting(request.user, meeting_id)
    context = _meeting_context(found)
    context["manage"] = queries.can_manage(request.user, found.team)
    own = queries.member_of_staff(request.user, found.team)
    context["own"] = own
    context["pulse_open"] = (
        own is not None
        and found.status == Meeting.Status.ENDED
        and found.team.members.filter(pk=own.pk).exists()
        and _pulse_open(found, own)
    )
    context["pulse_form"] = PulseForm()
    template = "teams/meeting.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#panel"
    return TemplateResponse(request, template, context)


def _pulse_open(meeting: Meeting, member: Member) -> bool:
    from juntos.teams.models import PulseInvitation

    return PulseInvitation.objects.filter(meeting=meeting, member=member, used=False).exists()


STAFF_STEPS = {"start", "attend", "absent", "ask", "withdraw", "next", "turn", "stop", "end"}


@require_POST
@staff_required
def meeting_step(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """One tap of meeting mode. Steps that change who speaks need a cochair, the school's
    leader or a district admin; any staff member of the team may ask to speak for themself."""
    found = queries.access_meeting(request.user, meeting_id)
    step = request.POST.get("step", "")
    if step not in STAFF_STEPS:
        raise Http404
    manage = queries.can_manage(request.user, found.team)
    member = None
    if request.POST.get("member"):
        member = Member.objects.filter(team=found.team, pk=request.POST["member"]).first()
        if member is None:
            raise Http404
    own = queries.member_of_staff(request.user, found.team)
    if not manage and not (step in {"ask", "withdraw"} and member is not None and member == own):
        raise PermissionDenied
    now = timezone.now()
    try:
        if step == "end":
            actions.do_end_meeting(
                meeting=found,
                by=scope_for(request.user).staff,
                base_url=request.build_absolute_uri("/"),
                now=now,
            )
        else:
            _apply(step, found, member, now)
    except actions.TeamError as error:
        messages.error(request, str(error))
    url = reverse("teams:meeting", kwargs={"meeting_id": found.pk})
    if request.htmx:  # type: ignore[attr-defined]
        return meeting(request, found.pk)
    return redirect(url + "#panel")


def _apply(step: str, meeting: Meeting, member: Member | None, now: datetime) -> None:
    needs_member = {"attend", "absent", "ask", "withdraw", "turn"}
    if step in needs_member and member is None:
        raise actions.TeamError("member", "Choose a member.")
    if step == "start":
        actions.do_start_meeting(meeting=meeting, now=now)
    elif step == "attend":
        actions.do_mark_attendance(meeting=meeting, member=member, present=True)  # type: ignore[arg-type]
    elif step == "absent":
        actions.do_mark_attendance(meeting=meeting, member=member, present=False)  # type: ignore[arg-type]
    elif step == "ask":
        actions.do_ask_to_speak(meeting=meeting, member=member, now=now)  # type: ignore[arg-type]
    elif step == "withdraw":
        actions.do_withdraw_request(meeting=meeting, member=member, now=now)  # type: ignore[arg-type]
    elif step == "next":
        actions.do_call_next(meeting=meeting, now=now)
    elif step == "turn":
        actions.do_start_turn(meeting=meeting, member=member, now=now)  # type: ignore[arg-type]
    elif step == "stop":
        actions.do_end_turn(meeting=meeting, now=now)


@require_POST
@staff_required
def send_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = queries.access_meeting(request.user, meeting_id)
    queries.require_manage(request.user, found.team)
    staff = scope_for(request.user).staff
    if staff is None:
        raise PermissionDenied
    try:
        sent = actions.do_send_minutes(meeting=found, by=staff, text=request.POST.get("text", ""))
    except actions.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Notes saved and sent to %(count)s families in their languages.") % {"count": sent},
        )
    return redirect("teams:meeting", meeting_id=found.pk)


@require_POST
@staff_required
def staff_pulse(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = queries.access_meeting(request.user, meeting_id)
    own = queries.member_of_staff(request.user, found.team)
    form = PulseForm(request.POST)
    if own is None or not form.is_valid():
        messages.error(request, _("Choose a number from 1 to 5."))
    else:
        try:
            actions.do_answer_pulse_as_member(
                meeting=found, member=own, score=form.cleaned_data["score"]
            )
            messages.success(request, _("Thank you. Your answer is anonymous."))
        except actions.TeamError as error:
            messages.error(request, str(error))
    return redirect("teams:meeting", meeting_id=found.pk)


# --- Family members of a team ---------------------------------------------------------------


def _family(request: HttpRequest) -> Caregiver:
    caregiver = current_caregiver(request)
    if caregiver is None:  # family_required let it through: it cannot be None here
        raise PermissionDenied
    return caregiver


@require_GET
@family_required
def family_teams(request: HttpRequest) -> HttpResponse:
    caregiver = _family(request)
    memberships = list(queries.family_memberships(caregiver))
    teams = [
        {
            "member": m,
            "team": m.team,
            "meetings": list(m.team.meetings.exclude(status=Meeting.Status.ENDED)[:5]),
        }
        for m in memberships
    ]
    return portal_language.render(
        request,
        "teams/family_teams.html",
        {"caregiver": caregiver, "teams": teams},
        portal_language.of_caregiver(caregiver),
    )


def _family_meeting_context(meeting: Meeting, member: Member) -> dict[str, Any]:
    queue = actions.stack(meeting)
    place = next((i for i, r in enumerate(queue, 1) if r.member_id == member.pk), None)
    speaking = (
        meeting.turns.filter(ended_at__isnull=True)
        .select_related("member__staff", "member__caregiver")
        .first()
    )
    return {
        "meeting": meeting,
        "member": member,
        "place": place,
        "waiting": len(queue),
        "speaking": speaking,
        "pulse_open": meeting.status == Meeting.Status.ENDED and _pulse_open(meeting, member),
        "running": meeting.status == Meeting.Status.IN_PROGRESS,
    }


@require_http_methods(["GET", "POST"])
@family_required
def family_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    caregiver = _family(request)
    found, member = queries.family_meeting(caregiver, meeting_id)
    language = portal_language.of_caregiver(caregiver)
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "ask":
                actions.do_ask_to_speak(meeting=found, member=member)
            elif step == "withdraw":
                actions.do_withdraw_request(meeting=found, member=member)
            elif step == "pulse":
                form = PulseForm(request.POST)
                if not form.is_valid():
                    raise actions.TeamError("score", "")
                actions.do_answer_pulse_as_member(
                    meeting=found, member=member, score=form.cleaned_data["score"]
                )
            else:
                raise Http404
        except actions.TeamError as error:
            return portal_language.render(
                request,
                "teams/family_meeting.html",
                _family_meeting_context(found, member) | {"error": error.code},
                language,
                status=400,
            )
        return redirect(
            reverse("teams:family_meeting", kwargs={"meeting_id": found.pk}) + f"?done={step}"
        )
    context = _family_meeting_context(found, member)
    context["done"] = request.GET.get("done", "")
    return portal_language.render(request, "teams/family_meeting.html", context, language)


@require_http_methods(["GET", "POST"])
def pulse_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time pulse link sent to a family member: no sign-in, the link is the key. The
    page speaks the member's language; an unknown link answers in the browser's."""
    invitation = actions.pulse_invitation(token)
    if invitation is None:
        return portal_language.render(
            request,
            "teams/family_pulse.html",
            {"state": "unknown"},
            portal_language.negotiate(request),
            status=404,
        )
    caregiver = invitation.member.caregiver
    language = (
        portal_language.of_caregiver(caregiver)
        if caregiver is not None
        else portal_language.negotiate(request)
    )
    state = "used" if invitation.used else "open"
    status = 200
    if request.method == "POST" and state == "open":
        form = PulseForm(request.POST)
        if form.is_valid():
            try:
                actions.do_answer_pulse(token=token, score=form.cleaned_data["score"])
                state = "thanks"
            except actions.TeamError:
                state = "used"
        else:
            state, status = "invalid", 400
    return portal_language.render(
        request,
        "teams/family_pulse.html",
        {"state": state, "meeting": invitation.meeting},
        language,
        status=status,
    )


# --- Charter, coproduction and the action plan (staff) -----------------------------------------


def _member(team: Team, raw: str | None) -> Member | None:
    if not raw:
        return None
    member = Member.objects.filter(team=team, pk=raw).first()
    if member is None:
        raise Http404
    return member


def _date(raw: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError as error:
        raise actions.TeamError("date", _("Write the date as YYYY-MM-DD.")) from error


@require_http_methods(["GET", "POST"])
@staff_required
def charter(request: HttpRequest, team_id: int) -> HttpResponse:
    team = queries.access_team(request.user, team_id)
    manage = queries.can_manage(request.user, team)
    own = queries.member_of_staff(request.user, team)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "norm":
                # A member proposes for themself; a facilitator may write down anyone's.
                member = _member(team, request.POST.get("member")) if manage else own
                if member is None:
                    raise PermissionDenied
                actions.do_propose_norm(team=team, member=member, text=request.POST.get("text", ""))
            elif step in {"adopt", "set_aside"} and manage:
                norm = team.norms.filter(pk=request.POST.get("norm") or 0).first()
                if norm is None:
                    raise Http404
                actions.do_decide_norm(norm=norm, adopt=step == "adopt")
            elif step == "mission" and manage:
                actions.do_set_charter(
                    team=team,
                    mission=request.POST.get("mission", ""),
                    review_on=_date(request.POST.get("review_on", "")),
                )
            else:
                raise PermissionDenied
        except actions.TeamError as error:
            messages.error(request, str(error))
            status = 400
        else:
            return redirect("teams:charter", team_id=team.pk)
    context = {
        "team": team,
        "manage": manage,
        "own": own,
        "norms": actions.norms_in_stack_order(team),
        "members": queries.members(team),
        "review_due": team.charter_review_on is not None
        and team.charter_review_on <= timezone.localdate(),
    }
    return TemplateResponse(request, "teams/charter.html", context, status=status)


PLAN_STEPS = {"vision", "reality", "priority", "goal", "action", "action_status", "cycle",
              "advance"}  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_required
def plan(request: HttpRequest, team_id: int) -> HttpResponse:
    from juntos.teams.models import Cycle, Goal, PlanAction, Reality

    team = queries.access_team(request.user, team_id)
    manage = queries.can_manage(request.user, team)
    year = request.GET.get("year") or actions.school_year()
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        step = request.POST.get("step", "")
        if step not in PLAN_STEPS:
            raise Http404
        data = request.POST
        try:
            if step == "vision":
                actions.do_set_vision(team=team, text=data.get("text", ""), year=year)
            elif step == "reality":
                theme = queries.school_themes(team).filter(pk=data.get("theme") or 0).first()
                text = data.get("text", "").strip()
                if theme is not None and not text:
                    text = theme.label  # the theme's own words stand for what families said
                actions.do_add_reality(
                    team=team,
                    kind=data.get("kind", ""),
                    text=text,
                    year=year,
                    theme_id=theme.pk if theme is not None else None,
                    theme_label=theme.label if theme is not None else "",
                )
            elif step == "priority":
                reality = Reality.objects.filter(team=team, pk=data.get("reality") or 0).first()
                actions.do_add_priority(
                    team=team, text=data.get("text", ""), reality=reality, year=year
                )
            elif step == "goal":
                actions.do_add_goal(
                    team=team, title=data.get("title", ""), area=data.get("area", ""), year=year
                )
            elif step == "action":
                goal = Goal.objects.filter(team=team, pk=data.get("goal") or 0).first()
                if goal is None:
                    raise Http404
                actions.do_add_plan_action(
                    goal=goal,
                    title=data.get("title", ""),
                    owner=_member(team, data.get("owner")),
                    due_on=_date(data.get("due_on", "")),
                )
            elif step == "action_status":
                action = PlanAction.objects.filter(
                    goal__team=team, pk=data.get("action") or 0
                ).first()
                if action is None:
                    raise Http404
                actions.do_set_plan_action_status(action=action, status=data.get("status", ""))
            elif step == "cycle":
                goal = Goal.objects.filter(team=team, pk=data.get("goal") or 0).first()
                if goal is None:
                    raise Http404
                actions.do_start_cycle(
                    goal=goal,
                    plan=data.get("plan", ""),
                    prediction=data.get("prediction", ""),
                    metric=data.get("metric", ""),
                )
            else:
                cycle = Cycle.objects.filter(goal__team=team, pk=data.get("cycle") or 0).first()
                if cycle is None:
                    raise Http404
                actions.do_advance_cycle(cycle=cycle, text=data.get("text", ""))
        except actions.TeamError as error:
            messages.error(request, str(error))
            status = 400
        else:
            return redirect(reverse("teams:plan", kwargs={"team_id": team.pk}) + f"?year={year}")
    context = queries.plan_context(team, year) | {"manage": manage, "team": team, "year": year}
    return TemplateResponse(request, "teams/plan.html", context, status=status)


# --- Decisions (staff) ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def decisions(request: HttpRequest, team_id: int) -> HttpResponse:
    team = queries.access_team(request.user, team_id)
    manage = queries.can_manage(request.user, team)
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        try:
            decision = actions.do_propose_decision(
                team=team,
                title=request.POST.get("title", ""),
                proposal=request.POST.get("proposal", ""),
                method=request.POST.get("method", ""),
                options=request.POST.get("options", "").splitlines(),
            )
        except actions.TeamError as error:
            messages.error(request, str(error))
            status = 400
        else:
            return redirect("teams:decision", decision_id=decision.pk)
    from juntos.teams.models import Decision

    context = {
        "team": team,
        "manage": manage,
        "decisions": team.decisions.all(),
        "methods": Decision.Method.choices,
    }
    return TemplateResponse(request, "teams/decisions.html", context, status=status)


def _ballot_input(request: HttpRequest, decision: Any) -> dict[str, Any]:
    """The vote posted by a form: consent, or one score per option, or a rank per option."""
    option_ids = list(decision.options.values_list("pk", flat=True))
    if decision.method == "consent":
        return {"consent": request.POST.get("consent", "")}
    values: dict[int, int] = {}
    for option in option_ids:
        raw = request.POST.get(f"option-{option}", "")
        if raw.strip().isdigit():
            values[option] = int(raw)
    if decision.method == "score":
        return {"scores": values}
    ranked = sorted(values, key=lambda o: values[o])
    if sorted(values.values()) != list(range(1, len(values) + 1)):
        ranked = []  # ranks must be 1, 2, 3... each once
    return {"ranking": ranked}


@require_http_methods(["GET", "POST"])
@staff_required
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    from juntos.teams.models import Decision

    found = Decision.objects.filter(
        pk=decision_id, team__in=queries.teams_for(request.user)
    ).first()
    if found is None:
        raise Http404
    team = found.team
    manage = queries.can_manage(request.user, team)
    own = queries.member_of_staff(request.user, team)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "vote" and own is not None:
                actions.do_vote(decision=found, member=own, **_ballot_input(request, found))
            elif step == "vote_for" and manage:
                # A facilitator records the vote of a member in the room (a show of hands).
                member = _member(team, request.POST.get("member"))
                if member is None:
                    raise Http404
                actions.do_vote(decision=found, member=member, **_ballot_input(request, found))
            elif step == "open" and manage:
                actions.do_open_decision_to_everyone(decision=found)
            elif step == "outcome" and manage:
                actions.do_record_outcome(
                    decision=found,
                    outcome=request.POST.get("outcome", ""),
                    reason=request.POST.get("reason", ""),
                )
            else:
                raise PermissionDenied
        except actions.TeamError as error:
            messages.error(request, str(error))
            status = 400
        else:
            return redirect("teams:decision", decision_id=found.pk)
    context = {
        "decision": found,
        "team": team,
        "manage": manage,
        "own": own,
        "options": list(found.options.all()),
        "results": queries.decision_results(found),
        "members": queries.members(team),
    }
    return TemplateResponse(request, "teams/decision.html", context, status=status)


# --- The team for its family members ------------------------------------------------------------


def _family_team_context(member: Member) -> dict[str, Any]:
    from juntos.teams.models import Norm

    team = member.team
    year = actions.school_year()
    return {
        "member": member,
        "team": team,
        "norms": [n for n in actions.norms_in_stack_order(team) if n.status != "set_aside"],
        "adopted": Norm.Status.ADOPTED,
        "open_decisions": list(team.decisions.exclude(stage="decided")),
        "decided": list(team.decisions.filter(stage="decided")[:10]),
        "meetings": list(team.meetings.exclude(status=Meeting.Status.ENDED)[:5]),
    } | queries.plan_context(team, year)


@require_http_methods(["GET", "POST"])
@family_required
def family_team(request: HttpRequest, team_id: int) -> HttpResponse:
    caregiver = _family(request)
    member = queries.family_member(caregiver, team_id)
    language = portal_language.of_caregiver(caregiver)
    status = 200
    error = ""
    if request.method == "POST":
        try:
            actions.do_propose_norm(
                team=member.team,
                member=member,
                text=request.POST.get("text", ""),
                language=caregiver.preferred_language,
            )
        except actions.TeamError as refused:
            error, status = refused.code, 400
        else:
            return redirect(
                reverse("teams:family_team", kwargs={"team_id": team_id}) + "?done=norm#norms"
            )
    context = _family_team_context(member) | {
        "error": error,
        "done": request.GET.get("done", ""),
    }
    return portal_language.render(request, "teams/family_team.html", context, language, status)


@require_http_methods(["GET", "POST"])
@family_required
def family_decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    from juntos.teams.models import Decision

    caregiver = _family(request)
    found = Decision.objects.filter(pk=decision_id).select_related("team").first()
    if found is None:
        raise Http404
    member = queries.family_member(caregiver, found.team_id)
    language = portal_language.of_caregiver(caregiver)
    status = 200
    error = ""
    if request.method == "POST":
        try:
            actions.do_vote(decision=found, member=member, **_ballot_input(request, found))
        except actions.TeamError as refused:
            error, status = refused.code, 400
        else:
            return redirect(
                reverse("teams:family_decision", kwargs={"decision_id": found.pk}) + "?done=vote"
            )
    from juntos.teams.models import Vote

    context = {
        "decision": found,
        "member": member,
        "options": list(found.options.all()),
        "results": queries.decision_results(found),
        "voted": Vote.objects.filter(decision=found, member=member).exists(),
        "error": error,
        "done": request.GET.get("done", ""),
    }
    return portal_language.render(request, "teams/family_decision.html", context, language, status)

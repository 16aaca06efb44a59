"""Walk every URL of the site as each persona and check the allowed/denied matrix.

Adding a URL without adding it to ``MATRIX`` fails ``test_it_has_a_rule_for_every_url``.
Family and student pages are requested for a family of North Elementary's Room 4: the teacher
of that class, North's leader, counselor and liaison and the district admin may see it; the
teacher of South Middle may not (404: a family's existence is not revealed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from juntos.people.models import AuditEntry

PERSONAS = [
    "district_admin",
    "school_leader",
    "counselor",
    "liaison",
    "teacher",
    "other_teacher",
    "outsider",
    "anonymous",
]
STAFF = {"district_admin", "school_leader", "counselor", "liaison", "teacher", "other_teacher"}

# Outcomes: "ok" 200; "login" redirect to staff sign-in; "admin_login" redirect to the admin's
# sign-in; "redirect" another redirect; "forbidden" 403; "missing" 404; "unauthorized" 401;
# "not_allowed" 405 (the URL takes POST only).
Expect = dict[str, str]


def everyone(outcome: str) -> Expect:
    return dict.fromkeys(PERSONAS, outcome)


def staff_only() -> Expect:
    return {p: ("ok" if p in STAFF else "forbidden") for p in PERSONAS} | {"anonymous": "login"}


def north_family_rule() -> Expect:
    return staff_only() | {"other_teacher": "missing"}


def district_admin_only() -> Expect:
    return {p: "forbidden" for p in PERSONAS} | {"district_admin": "ok", "anonymous": "login"}


def api_rule(*, other_teacher: str = "ok") -> Expect:
    rule = {p: ("ok" if p in STAFF else "forbidden") for p in PERSONAS}
    return rule | {"anonymous": "unauthorized", "other_teacher": other_teacher}


Args = Callable[[Any], dict[str, Any]]
NO_ARGS: Args = lambda w: {}  # noqa: E731


def north_conversation(w: Any) -> dict[str, Any]:
    """A conversation with a North family, owned by the teacher of their child's class."""
    from juntos.messaging.models import Conversation
    from juntos.people.models import Staff

    conversation, _ = Conversation.objects.get_or_create(
        caregiver=w.north_family,
        defaults={"owner": Staff.objects.get(user=w.personas["teacher"]), "school": w.north},
    )
    return {"conversation_id": conversation.pk}


def triage_rule() -> Expect:
    return {p: "forbidden" for p in PERSONAS} | {
        "district_admin": "ok", "school_leader": "ok", "liaison": "ok", "anonymous": "login",
    }  # fmt: skip


def translator_rule() -> Expect:
    return {p: "forbidden" for p in PERSONAS} | {
        "district_admin": "ok", "liaison": "ok", "anonymous": "login",
    }  # fmt: skip


def event_manager_rule() -> Expect:
    denied = ("counselor", "teacher", "other_teacher")
    return staff_only() | dict.fromkeys(denied, "forbidden")


def insights_api_rule() -> Expect:
    denied = ("counselor", "teacher", "other_teacher")
    return api_rule() | dict.fromkeys(denied, "forbidden")


def insights_rule() -> Expect:
    """Insights pages: district admin, school leaders and liaisons (juntos/insights)."""
    denied = ("counselor", "teacher", "other_teacher")
    return staff_only() | dict.fromkeys(denied, "forbidden")


def north_event(w: Any) -> dict[str, Any]:
    """A North Elementary event, created once by its school leader (juntos/events)."""
    from juntos.events.models import Event
    from juntos.events.tests.helpers import make_event

    event = Event.objects.filter(school=w.north).first() or make_event(w)
    return {"event_id": event.pk}


def north_team(w: Any) -> dict[str, Any]:
    """North Elementary's partnership team and a meeting of it (juntos/teams)."""
    from datetime import UTC, datetime

    from juntos.teams.actions import do_create_team, do_schedule_meeting
    from juntos.teams.models import Meeting, Team

    team = Team.objects.filter(school=w.north).first() or do_create_team(
        district_id=w.district.pk, school_id=w.north.pk, name="North team"
    )
    meeting = Meeting.objects.filter(team=team).first() or do_schedule_meeting(
        team=team, title="October", starts_at=datetime(2026, 10, 6, 18, tzinfo=UTC)
    )
    return {"team_id": team.pk, "member_id": 1, "meeting_id": meeting.pk}


def north_wave(w: Any) -> dict[str, Any]:
    """North Elementary's readiness self-assessment of this year (juntos/insights)."""
    from juntos.insights.models import ReadinessWave

    wave, _ = ReadinessWave.objects.get_or_create(
        district=w.district, school=w.north, school_year="2026-2027", defaults={"version": "1"}
    )
    return {"wave_id": wave.pk}


def north_decision(w: Any) -> dict[str, Any]:
    from juntos.teams.actions import do_propose_decision
    from juntos.teams.models import Decision, Team

    team = Team.objects.get(pk=north_team(w)["team_id"])
    decision = Decision.objects.filter(team=team).first() or do_propose_decision(
        team=team, title="Saturdays", proposal="Meet on Saturdays", method="consent", options=[]
    )
    return {"decision_id": decision.pk}


def north_meeting(w: Any) -> dict[str, Any]:
    return {"meeting_id": north_team(w)["meeting_id"]}


def north_team_only(w: Any) -> dict[str, Any]:
    return {"team_id": north_team(w)["team_id"]}


def north_member(w: Any) -> dict[str, Any]:
    ids = north_team(w)
    return {"team_id": ids["team_id"], "member_id": ids["member_id"]}


def north_exchange(w: Any) -> dict[str, Any]:
    """A North Elementary idea exchange, created once by its school leader (juntos/listening)."""
    from juntos.listening.models import IdeaExchange
    from juntos.listening.tests.helpers import make_exchange

    exchange = IdeaExchange.objects.filter(school=w.north).first() or make_exchange(w)
    return {"exchange_id": exchange.pk}


def north_session(w: Any) -> dict[str, Any]:
    """A North Elementary listening session, set up once by its leader (listening/sessions.py)."""
    from juntos.listening.models import ListeningSession
    from juntos.listening.tests.session_helpers import make_session

    session = ListeningSession.objects.filter(school=w.north).first() or make_session(w)
    return {"session_id": session.pk}


def capture_rule() -> Expect:
    """A session's capture screen: its school's managers (and its facilitators)."""
    return event_manager_rule() | {"other_teacher": "missing"}


def session_token(w: Any) -> dict[str, Any]:
    from juntos.listening.models import ListeningSession

    return {"token": ListeningSession.objects.get(pk=north_session(w)["session_id"]).token}


def shipped_protocol(w: Any) -> dict[str, Any]:
    from juntos.listening.tests.session_helpers import shipped

    return {"protocol_id": shipped().pk}


def north_survey(w: Any) -> dict[str, Any]:
    """A North Elementary survey, created once by its school leader (juntos/surveys)."""
    from juntos.surveys.models import Survey
    from juntos.surveys.tests.helpers import make_survey

    survey = Survey.objects.filter(school=w.north).first() or make_survey(w)
    return {"survey_id": survey.pk}


def north_commitment(w: Any) -> dict[str, Any]:
    """A public commitment of North Elementary, made once by its school leader (commitments)."""
    from juntos.commitments.actions import do_create_commitment
    from juntos.commitments.models import Commitment
    from juntos.people.models import Staff

    commitment = Commitment.objects.filter(school=w.north).first() or do_create_commitment(
        by=Staff.objects.get(user=w.personas["school_leader"]),
        school=w.north,
        kind="action",
        title="Interpreters at every meeting",
    )
    return {"commitment_id": commitment.pk}


MATRIX: dict[str, tuple[Args, Expect]] = {
    "home": (NO_ARGS, everyone("ok")),
    # "You said, we did" (juntos/commitments): staff of the school see; leaders, liaisons and
    # the district admin create and change status; the public board needs no sign-in.
    "commitments:list": (NO_ARGS, staff_only()),
    "commitments:new": (NO_ARGS, event_manager_rule()),
    "commitments:detail": (north_commitment, north_family_rule()),
    "commitments:link": (north_commitment, everyone("not_allowed")),
    "commitments:unlink": (lambda w: north_commitment(w) | {"link_id": 1}, everyone("not_allowed")),
    "commitments:status": (north_commitment, everyone("not_allowed")),
    "commitments:board": (lambda w: {"school_id": w.north.pk}, everyone("ok")),
    "healthz": (NO_ARGS, everyone("ok")),
    # Django's language switch: a GET changes nothing and goes back (to "/" without a page).
    "set_language": (NO_ARGS, everyone("redirect")),
    "people:login": (
        NO_ARGS,
        {p: ("redirect" if p in STAFF or p == "outsider" else "ok") for p in PERSONAS},
    ),
    "people:logout": (NO_ARGS, everyone("not_allowed")),
    # The family portal: staff and anonymous visitors have no family session, so family pages
    # send them to the page that sends a new link (docs/portal.md).
    "portal:request_link": (NO_ARGS, everyone("ok")),
    "portal:enter": (lambda w: {"token": "not-a-real-token"}, everyone("ok")),
    "portal:sign_out": (NO_ARGS, everyone("not_allowed")),
    "portal:home": (NO_ARGS, everyone("redirect")),
    "portal:reply": (NO_ARGS, everyone("not_allowed")),
    "portal:preferences": (NO_ARGS, everyone("redirect")),
    "people:staff_home": (NO_ARGS, staff_only()),
    "people:family_list": (NO_ARGS, staff_only()),
    "people:family_detail": (lambda w: {"caregiver_id": w.north_family.pk}, north_family_rule()),
    "people:student_detail": (lambda w: {"student_id": w.north_student.pk}, north_family_rule()),
    "people:section_detail": (lambda w: {"section_id": w.north_class.pk}, north_family_rule()),
    "people:import_list": (NO_ARGS, district_admin_only()),
    "people:import_detail": (lambda w: {"run_id": w.import_run.pk}, district_admin_only()),
    # Twilio's webhooks take signed POSTs only: a GET is refused before any signature check.
    "messaging:twilio_sms": (NO_ARGS, everyone("not_allowed")),
    "messaging:twilio_status": (NO_ARGS, everyone("not_allowed")),
    # Progress notes: every staff member may open the composer and lists (each shows only the
    # students in their scope); the preview takes POST only.
    "messaging:note_new": (NO_ARGS, staff_only()),
    "messaging:note_preview": (NO_ARGS, everyone("not_allowed")),
    "messaging:no_positive": (NO_ARGS, staff_only()),
    "messaging:outbox": (NO_ARGS, staff_only()),
    # The inbox (inbox_views.py): POST-only actions answer a GET with 405.
    "messaging:inbox": (NO_ARGS, staff_only()),
    "messaging:conversation": (north_conversation, north_family_rule()),
    "messaging:reply_segments": (north_conversation, north_family_rule()),
    "messaging:reply": (north_conversation, everyone("not_allowed")),
    "messaging:reassign": (north_conversation, everyone("not_allowed")),
    "messaging:take": (north_conversation, everyone("not_allowed")),
    "messaging:conversation_status": (north_conversation, everyone("not_allowed")),
    "messaging:triage": (NO_ARGS, triage_rule()),
    "messaging:triage_match": (lambda w: {"message_id": 1}, everyone("not_allowed")),
    "messaging:triage_dismiss": (lambda w: {"message_id": 1}, everyone("not_allowed")),
    "messaging:email_inbound": (NO_ARGS, everyone("not_allowed")),
    # Announcements, saved lists, paper batches, calls (juntos/messaging/announcement_views.py).
    "messaging:announcement_list": (NO_ARGS, staff_only()),
    "messaging:announcement_new": (NO_ARGS, staff_only()),
    "messaging:announcement_detail": (
        lambda w: {"announcement_id": _announcements().north_draft(w).pk},
        staff_only() | {"teacher": "missing", "other_teacher": "missing"},
    ),
    "messaging:announcement_report": (
        lambda w: {"announcement_id": _announcements().north_draft(w).pk},
        staff_only() | {"teacher": "missing", "other_teacher": "missing"},
    ),
    "messaging:announcement_send": (
        lambda w: {"announcement_id": _announcements().north_draft(w).pk},
        everyone("not_allowed"),
    ),
    "messaging:list_index": (NO_ARGS, staff_only()),
    "messaging:list_detail": (
        lambda w: {"list_id": _announcements().north_list(w).pk},
        staff_only() | {"other_teacher": "missing"},
    ),
    "messaging:paper": (
        NO_ARGS,
        staff_only() | dict.fromkeys(("counselor", "teacher", "other_teacher"), "forbidden"),
    ),
    "messaging:paper_pdf": (
        lambda w: {"batch_id": _announcements().north_batch(w).pk},
        staff_only() | dict.fromkeys(("counselor", "teacher", "other_teacher"), "forbidden"),
    ),
    "messaging:call_list": (NO_ARGS, staff_only()),
    "messaging:call_log": (lambda w: {"delivery_id": 1}, everyone("not_allowed")),
    "api:api-root": (NO_ARGS, everyone("missing")),
    "api:openapi-json": (NO_ARGS, everyone("ok")),
    "api:me": (NO_ARGS, api_rule()),
    "api:list_caregivers": (NO_ARGS, api_rule()),
    "api:get_caregiver": (
        lambda w: {"caregiver_id": w.north_family.pk},
        api_rule(other_teacher="missing"),
    ),
    "api:get_student": (
        lambda w: {"student_id": w.north_student.pk},
        api_rule(other_teacher="missing"),
    ),
    # Messaging API (juntos/messaging/api.py).
    "api:list_conversations": (NO_ARGS, api_rule()),
    "api:get_conversation": (north_conversation, api_rule(other_teacher="missing")),
    "api:get_message": (
        lambda w: {"message_id": _translations().north_message(w).pk},
        api_rule(other_teacher="missing"),
    ),
    "api:announcement_deliveries": (
        lambda w: {"announcement_id": _announcements().north_draft(w).pk},
        api_rule(other_teacher="missing") | {"teacher": "missing"},
    ),
    # Translation queue and review (juntos/language/views.py): liaisons and district admins;
    # other staff 403. The request and rendition are in Spanish at North (its liaison speaks it).
    "language:queue": (NO_ARGS, translator_rule()),
    "language:request": (
        lambda w: {"request_id": _translations().north_request(w).pk},
        translator_rule(),
    ),
    "language:claim": (lambda w: {"request_id": 1}, everyone("not_allowed")),
    "language:translate": (lambda w: {"request_id": 1}, everyone("not_allowed")),
    "language:decline": (lambda w: {"request_id": 1}, everyone("not_allowed")),
    "language:assign": (lambda w: {"request_id": 1}, everyone("not_allowed")),
    "language:review_list": (NO_ARGS, translator_rule()),
    "language:review_rendition": (
        lambda w: {"rendition_id": _translations().north_rendition(w).pk},
        translator_rule(),
    ),
    # Family conferences (juntos/conferences/views.py): each staff member sees their own slots
    # (leaders, counselors and liaisons their schools'); the family page needs a family
    # session, so every staff persona is sent to the family sign-in.
    "conferences:index": (NO_ARGS, staff_only()),
    "conferences:interpreting": (NO_ARGS, staff_only()),
    "conferences:publish": (NO_ARGS, everyone("not_allowed")),
    "conferences:offer": (NO_ARGS, everyone("not_allowed")),
    "conferences:cancel": (lambda w: {"booking_id": 1}, everyone("not_allowed")),
    "conferences:family_book": (NO_ARGS, everyone("redirect")),
    # Events (juntos/events/views.py): staff see their schools' events; leaders, liaisons and the
    # district admin create them, invite and take attendance; the family page needs a family
    # session (everyone here is sent to the family sign-in).
    "events:list": (NO_ARGS, staff_only()),
    "teams:list": (NO_ARGS, staff_only()),
    "teams:detail": (north_team_only, north_family_rule()),
    "teams:add_member": (north_team_only, everyone("not_allowed")),
    "teams:set_rank": (north_member, everyone("not_allowed")),
    "teams:new_meeting": (north_team_only, everyone("not_allowed")),
    "teams:charter": (north_team_only, north_family_rule()),
    "teams:plan": (north_team_only, north_family_rule()),
    "teams:decisions": (north_team_only, north_family_rule()),
    "teams:decision": (north_decision, north_family_rule()),
    "teams:meeting": (north_meeting, north_family_rule()),
    "teams:meeting_step": (north_meeting, everyone("not_allowed")),
    "teams:staff_pulse": (north_meeting, everyone("not_allowed")),
    "teams:send_minutes": (north_meeting, everyone("not_allowed")),
    "teams:family_teams": (NO_ARGS, everyone("redirect")),
    "teams:family_team": (north_team_only, everyone("redirect")),
    "teams:family_decision": (north_decision, everyone("redirect")),
    "teams:pulse_link": (lambda w: {"token": "not-a-token"}, everyone("missing")),
    "teams:family_meeting": (north_meeting, everyone("redirect")),
    "events:new": (NO_ARGS, event_manager_rule()),
    "events:detail": (north_event, north_family_rule()),
    "events:ics": (north_event, north_family_rule()),
    "events:invite": (north_event, everyone("not_allowed")),
    "events:cancel": (north_event, everyone("not_allowed")),
    "events:door": (north_event, event_manager_rule() | {"other_teacher": "missing"}),
    "events:door_mark": (north_event, everyone("not_allowed")),
    "events:door_undo": (north_event, everyone("not_allowed")),
    "events:door_walk_in": (north_event, everyone("not_allowed")),
    "events:family_event": (north_event, everyone("redirect")),
    "events:family_ics": (north_event, everyone("redirect")),
    # Idea exchanges (juntos/listening/views.py): staff see their schools' exchanges; leaders,
    # liaisons and the district admin create, open, moderate and close them; the family page
    # needs a family session (everyone here is sent to the family sign-in).
    "listening:list": (NO_ARGS, staff_only()),
    "listening:new": (NO_ARGS, event_manager_rule()),
    "listening:detail": (north_exchange, north_family_rule()),
    "listening:open": (north_exchange, everyone("not_allowed")),
    "listening:close": (north_exchange, everyone("not_allowed")),
    "listening:moderate": (lambda w: {"idea_id": 1}, everyone("not_allowed")),
    "listening:family_exchange": (north_exchange, everyone("redirect")),
    "listening:family_react": (north_exchange, everyone("not_allowed")),
    # Opinion groups, themes and the strengths-and-needs report (juntos/listening/analysis.py).
    "listening:opinion_recompute": (north_exchange, everyone("not_allowed")),
    "listening:themes": (north_exchange, north_family_rule()),
    "listening:themes_recompute": (north_exchange, everyone("not_allowed")),
    "listening:theme_move": (north_exchange, everyone("not_allowed")),
    "listening:theme_rename": (lambda w: {"theme_id": 1}, everyone("not_allowed")),
    "listening:theme_merge": (lambda w: {"theme_id": 1}, everyone("not_allowed")),
    "listening:theme_split": (lambda w: {"theme_id": 1}, everyone("not_allowed")),
    "listening:theme_sort": (lambda w: {"theme_id": 1}, everyone("not_allowed")),
    "listening:school_report": (lambda w: {"school_id": w.north.pk}, north_family_rule()),
    # Listening sessions (juntos/listening/session_views.py): the school's staff see sessions,
    # results and run sheets; leaders, liaisons and the district admin set them up and capture
    # (with the session's facilitators); the families' page needs only the link's token.
    "listening:session_list": (NO_ARGS, staff_only()),
    "listening:session_new": (NO_ARGS, event_manager_rule()),
    "listening:session_detail": (north_session, north_family_rule()),
    "listening:session_capture": (north_session, capture_rule()),
    "listening:session_sheet": (north_session, north_family_rule()),
    "listening:session_protocols": (NO_ARGS, event_manager_rule()),
    "listening:session_protocol": (shipped_protocol, event_manager_rule()),
    "listening:family_session": (session_token, everyone("ok")),
    # Insights (juntos/insights/views.py): leaders and liaisons of the school and the district
    # admin; counselors and teachers 403. "How we count" holds no data: every staff member.
    "insights:index": (NO_ARGS, insights_rule()),
    "insights:how_we_count": (NO_ARGS, staff_only()),
    "insights:export_csv": (NO_ARGS, insights_rule()),
    "insights:unreached": (NO_ARGS, insights_rule()),
    "insights:unreached_student": (lambda w: {"student_id": w.north_student.pk}, insights_rule()),
    "insights:assign": (lambda w: {"student_id": 1}, everyone("not_allowed")),
    "insights:attempt": (lambda w: {"student_id": 1}, everyone("not_allowed")),
    "insights:contact": (lambda w: {"student_id": 1}, everyone("not_allowed")),
    "insights:walk": (NO_ARGS, insights_rule()),
    "insights:annual_report": (NO_ARGS, insights_rule()),
    "insights:walk_observe": (NO_ARGS, everyone("not_allowed")),
    "insights:walk_story": (NO_ARGS, everyone("not_allowed")),
    "insights:walk_priority": (lambda w: {"observation_id": 1}, everyone("not_allowed")),
    "insights:walk_study": (lambda w: {"observation_id": 1}, everyone("not_allowed")),
    "insights:readiness": (NO_ARGS, insights_rule()),
    "insights:readiness_open": (NO_ARGS, everyone("not_allowed")),
    "insights:readiness_results": (north_wave, insights_rule()),
    "insights:readiness_take": (north_wave, staff_only() | {"other_teacher": "missing"}),
    "insights:readiness_goal": (north_wave, everyone("not_allowed")),
    "insights:readiness_close": (north_wave, everyone("not_allowed")),
    "insights:readiness_send": (north_wave, everyone("not_allowed")),
    "insights:readiness_link": (lambda w: {"token": "not-a-token"}, everyone("missing")),
    "api:insights_metrics": (NO_ARGS, insights_api_rule()),
    "api:insights_unreached": (NO_ARGS, insights_api_rule()),
    # Surveys (juntos/surveys/views.py): staff of the school see results (aggregates only);
    # leaders, liaisons and the district admin run waves, print codes and type in paper forms;
    # the family page takes a one-time token (an unknown one is 404 for everyone).
    "surveys:list": (NO_ARGS, staff_only()),
    "surveys:detail": (north_survey, north_family_rule()),
    "surveys:export": (north_survey, north_family_rule()),
    "surveys:open": (north_survey, everyone("not_allowed")),
    "surveys:close": (north_survey, everyone("not_allowed")),
    "surveys:codes": (north_survey, event_manager_rule() | {"other_teacher": "missing"}),
    "surveys:paper": (north_survey, event_manager_rule() | {"other_teacher": "missing"}),
    "surveys:family": (lambda w: {"token": "not-a-token"}, everyone("missing")),
    "api:listening_exchanges": (NO_ARGS, api_rule()),
    "api:listening_exchange": (north_exchange, api_rule(other_teacher="missing")),
    # No groups computed yet for the fixture's exchange: 404 even for those who may see it.
    "api:listening_opinion": (
        north_exchange,
        api_rule(other_teacher="missing") | dict.fromkeys(STAFF, "missing"),
    ),
    "api:listening_themes": (north_exchange, api_rule(other_teacher="missing")),
}


def _north_event(w: Any) -> dict[str, Any]:
    """A North Elementary event, created by its school leader (juntos/events)."""
    from juntos.events.tests.helpers import make_event

    return {"event_id": make_event(w).pk}


def _translations() -> Any:
    from juntos.language.tests import translation_world

    return translation_world


def _announcements() -> Any:
    from juntos.messaging.tests import announcement_world

    return announcement_world


# The Django admin guards itself (staff flag + model permissions); every admin URL is walked by
# test_it_keeps_the_admin_to_district_admins.
ADMIN_NAMESPACE = "admin:"


def iter_url_names(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from iter_url_names(pattern.url_patterns, namespace)
        else:
            assert isinstance(pattern, URLPattern)
            yield f"{prefix}{pattern.name or f'<unnamed {pattern.pattern}>'}"


def outcome_of(response: Any) -> str:
    code = response.status_code
    if code in (301, 302):
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return "admin_login"
        if location.startswith(reverse("people:login")):
            return "login"
        return "redirect"
    return {
        200: "ok",
        401: "unauthorized",
        403: "forbidden",
        404: "missing",
        405: "not_allowed",
    }.get(code, str(code))


def client_for(world: Any, persona: str) -> Client:
    client = Client()
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def site(world: Any) -> Any:
    from juntos.people.models import ImportRun

    world.import_run = ImportRun.objects.create(
        district=world.district, source_name="roster.zip", path="/nonexistent.zip",
        status=ImportRun.Status.SUCCEEDED, report={"counts": {}, "errors": [], "warnings": []},
    )  # fmt: skip
    return world


def test_it_has_a_rule_for_every_url() -> None:
    names = set(iter_url_names())
    # The admin's own catch-all and object redirects are unnamed; ours must all have names.
    unnamed = sorted(n for n in names if "<unnamed" in n and not n.startswith(ADMIN_NAMESPACE))
    assert not unnamed, f"every URL needs a name: {unnamed}"
    missing = sorted(n for n in names if n not in MATRIX and not n.startswith(ADMIN_NAMESPACE))
    assert not missing, f"add these URLs to the authorization MATRIX: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"MATRIX names URLs that no longer exist: {stale}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_allows_and_denies_each_url_by_role(site: Any, persona: str) -> None:
    client = client_for(site, persona)
    failures = []
    for name, (args, expected) in sorted(MATRIX.items()):
        url = reverse(name, kwargs=args(site))
        got = outcome_of(client.get(url))
        if got != expected[persona]:
            failures.append(f"{name} {url}: expected {expected[persona]}, got {got}")
    assert not failures, "\n".join(failures)


def _admin_urls(world: Any, *, with_real_objects: bool) -> Iterator[str]:
    """Every admin URL with its arguments filled (real objects where the admin needs them)."""
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        if type(model_admin).has_add_permission is admin.ModelAdmin.has_add_permission:
            yield reverse("admin:{}_{}_add".format(*info))
        obj = model._default_manager.first() if with_real_objects else None
        pk = obj.pk if obj is not None else 1
        if with_real_objects and obj is None:
            continue
        yield reverse("admin:{}_{}_change".format(*info), args=[pk])
        yield reverse("admin:{}_{}_history".format(*info), args=[pk])
        if not with_real_objects:
            yield reverse("admin:{}_{}_delete".format(*info), args=[pk])
    yield reverse("admin:index")
    yield reverse("admin:password_change")
    for app_label in {m._meta.app_label for m in admin.site._registry}:
        yield reverse("admin:app_list", kwargs={"app_label": app_label})


def test_it_walks_every_admin_url_name() -> None:
    """Every admin URL name is one of the kinds the admin tests below request."""
    known = re.compile(
        r"admin:(index|login|logout|password_change|password_change_done|autocomplete|jsi18n"
        r"|view_on_site|app_list|\w+_(changelist|add|change|delete|history))$"
    )
    odd = sorted(
        n
        for n in iter_url_names()
        if n.startswith(ADMIN_NAMESPACE) and "<unnamed" not in n and not known.match(n)
    )
    assert not odd, f"new kinds of admin URL need a rule: {odd}"


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "district_admin"])
def test_it_keeps_the_admin_to_district_admins(site: Any, persona: str) -> None:
    client = client_for(site, persona)
    for url in _admin_urls(site, with_real_objects=False):
        got = outcome_of(client.get(url))
        assert got == "admin_login", f"{persona} {url}: {got}"


def test_it_opens_the_admin_to_the_district_admin_and_audits_records(site: Any) -> None:
    client = client_for(site, "district_admin")
    for url in _admin_urls(site, with_real_objects=True):
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
    admin_entries = AuditEntry.objects.filter(
        actor=site.personas["district_admin"], object_type="caregiver", context__startswith="admin"
    )
    # The change page (one caregiver) and the list (every caregiver shown) are both recorded.
    assert admin_entries.filter(action="view").exists()
    assert set(admin_entries.filter(action="search").values_list("object_id", flat=True)) == {
        site.north_family.pk, site.north_family_2.pk, site.south_family.pk,
    }  # fmt: skip


@pytest.mark.parametrize("persona", sorted(STAFF - {"outsider"}))
def test_it_audits_every_family_record_shown(site: Any, persona: str) -> None:
    client = client_for(site, persona)
    before = AuditEntry.objects.count()
    response = client.get(reverse("people:family_detail", args=[site.north_family.pk]))
    if response.status_code == 200:
        entry = AuditEntry.objects.latest("pk")
        assert (entry.actor, entry.object_type, entry.object_id) == (
            site.personas[persona], "caregiver", site.north_family.pk,
        )  # fmt: skip
        assert entry.context == reverse("people:family_detail", args=[site.north_family.pk])
    else:
        assert AuditEntry.objects.count() == before

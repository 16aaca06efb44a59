"""Maple Hill Elementary's partnership team for the demo district, built through the actions.

Members: the principal, a teacher, the Spanish-speaking liaison, four family members in
different languages (one a cochair) and a community partner. A charter with a mission and
norms, last month's meeting with its speaking turns, voice balance and pulse answers, the next
meeting, an open decision that the family members have started voting on, and an action plan
with a PDSA cycle under way.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from juntos.people.models import Caregiver, CaregiverLink, District, Staff
from juntos.teams import actions
from juntos.teams.models import Member, Team

SCHOOL_SLUG = "maple-hill"
FAMILY_LANGUAGES = ("es", "vi", "so", "ar")


def _staff(district: District, username: str) -> Staff | None:
    return Staff.objects.filter(user__username=username, district=district).first()


def _families(district: District, school_id: int) -> list[Caregiver]:
    chosen: list[Caregiver] = []
    for language in FAMILY_LANGUAGES:
        link = (
            CaregiverLink.objects.filter(
                caregiver__district=district,
                caregiver__preferred_language=language,
                caregiver__is_active=True,
                student__school_links__school_id=school_id,
            )
            .select_related("caregiver")
            .order_by("caregiver_id")
            .first()
        )
        if link is not None and link.caregiver not in chosen:
            chosen.append(link.caregiver)
    return chosen


def build_demo_teams(*, district: District) -> dict[str, int]:
    leader = _staff(district, f"leader.{SCHOOL_SLUG}")
    teacher = _staff(district, f"teacher.{SCHOOL_SLUG}")
    liaison = _staff(district, f"liaison.{SCHOOL_SLUG}")
    if leader is None or teacher is None:
        return {}
    school = leader.roles.filter(school__isnull=False).first()
    if (
        school is None
        or school.school_id is None
        or Team.objects.filter(school_id=school.school_id).exists()
    ):
        return {}
    team = actions.do_create_team(
        district_id=district.pk, school_id=school.school_id, name="Maple Hill Action Team"
    )
    members: dict[str, Member] = {
        "leader": actions.do_add_member(team=team, role="leader", staff=leader),
        "teacher": actions.do_add_member(team=team, role="teacher", staff=teacher),
    }
    if liaison is not None:
        members["liaison"] = actions.do_add_member(team=team, role="liaison", staff=liaison)
    for number, caregiver in enumerate(_families(district, school.school_id)):
        members[f"family{number}"] = actions.do_add_member(
            team=team, role="family", caregiver=caregiver, cochair=number == 0
        )
    members["community"] = actions.do_add_member(
        team=team, role="community", name="Amal Yusuf", organization="Riverside Somali Center"
    )
    family = [m for key, m in members.items() if key.startswith("family")]

    now = timezone.now()
    actions.do_set_charter(
        team=team,
        mission="Families and staff of Maple Hill plan together so that every child reads "
        "with joy and every family is heard, in its own language.",
        review_on=(now + timedelta(days=120)).date(),
    )
    proposers = [*family[:2], members["teacher"], members["community"]]
    for member, text in zip(
        proposers,
        ("Everyone speaks in the language they think in; we wait for the interpretation.",
         "Start and end on time; childcare is always there.",
         "No acronyms: if we use one, we say what it means.",
         "Every meeting ends with what we will do and who will do it."),
        strict=False,
    ):  # fmt: skip
        norm = actions.do_propose_norm(team=team, member=member, text=text)
        actions.do_decide_norm(norm=norm, adopt=True)

    # Last month's meeting: a few turns, the pulse.
    start = now - timedelta(days=28)
    past = actions.do_schedule_meeting(
        team=team, title="October team meeting", starts_at=start,
        agenda="Welcome and norms\nWhat families told us in September\nOur three goals",
        interpreted_languages=["es", "vi", "so", "ar"],
    )  # fmt: skip
    actions.do_start_meeting(meeting=past, now=start)
    for member in members.values():
        actions.do_mark_attendance(meeting=past, member=member)
    script = [("leader", 240), ("family0", 180), ("teacher", 200), ("family1", 90),
              ("community", 120), ("leader", 150), ("family2", 60)]  # fmt: skip
    at = start
    for key, seconds in script:
        if key in members:
            actions.do_start_turn(meeting=past, member=members[key], now=at)
            at += timedelta(seconds=seconds)
    tokens = actions.do_end_meeting(meeting=past, now=at)
    for score, token in zip((5, 4, 4, 3, 5, 4, 2, 4), tokens.values(), strict=False):
        actions.do_answer_pulse(token=token, score=score)

    upcoming = actions.do_schedule_meeting(
        team=team, title="November team meeting", starts_at=now + timedelta(days=6),
        agenda="Saturday family nights: decide\nReading at home: first PDSA results",
        interpreted_languages=["es", "vi", "so", "ar"],
    )  # fmt: skip
    decision = actions.do_propose_decision(
        team=team, title="When should family nights be?",
        proposal="Families told us weekday evenings are hard for parents working late shifts.",
        method="ranked",
        options=["Saturday morning", "Wednesday evening", "Sunday afternoon"],
    )  # fmt: skip
    saturday, wednesday, sunday = decision.options.values_list("pk", flat=True)
    rankings = ([saturday, sunday, wednesday], [saturday, wednesday, sunday],
                [sunday, saturday, wednesday], [saturday, sunday, wednesday])  # fmt: skip
    for member, ranking in zip(family, rankings, strict=False):
        actions.do_vote(decision=decision, member=member, ranking=ranking)

    year = actions.school_year(date(now.year, now.month, now.day))
    actions.do_set_vision(
        team=team, year=year,
        text="Every Maple Hill family is a partner in their child's reading.",
    )  # fmt: skip
    need = actions.do_add_reality(
        team=team, kind="need", year=year,
        text="Weekday evening events miss families who work late shifts.",
    )  # fmt: skip
    actions.do_add_reality(
        team=team, kind="strength", year=year,
        text="Families read with their children in many languages at home.",
    )  # fmt: skip
    actions.do_add_priority(team=team, text="Events at times working families can come",
                            reality=need, year=year)  # fmt: skip
    goal = actions.do_add_goal(
        team=team, title="Reading at home in every language", area="literacy", year=year
    )
    actions.do_add_plan_action(
        goal=goal, title="Lend bilingual books at every family night",
        owner=members.get("liaison"), due_on=(now + timedelta(days=30)).date(),
    )  # fmt: skip
    cycle = actions.do_start_cycle(
        goal=goal, plan="Send a reading tip each Friday by text, in each family's language.",
        prediction="Half the families who get it will say they read together that weekend.",
        metric="reach_delivered",
    )  # fmt: skip
    actions.do_advance_cycle(cycle=cycle, text="Sent four Friday tips to Room 4 families.")
    return {"teams": 1, "team members": len(members), "team meetings": 2,
            "meetings upcoming": 1 if upcoming else 0}  # fmt: skip

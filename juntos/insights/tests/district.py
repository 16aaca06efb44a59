"""A hand-built district for the insights tests: every row written out, so that each metric
can be computed by hand in the test that reads it.

Now is Friday 2026-11-20 12:00 UTC; the school year (no roster session: the August 1
fallback) started on 2026-08-01 in Chicago. Two schools:

* North Elementary: 10 Spanish-speaking students (grade 03), 6 Somali (grade 04), 4
  Vietnamese (grade 04);
* South Middle: 7 Arabic-speaking students (grade 03).

Each student has one mother who prefers the student's home language and texts; Spanish student 0
also has a grandmother (Spanish, prefers phone calls, no contact at all). Rows are created
directly (not through the messaging actions): the test is about counting, and each row says
exactly what it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count

from juntos.events.models import Attendance, Event, Invitation, Rsvp
from juntos.insights.models import Attempt
from juntos.messaging.models import Conversation, Delivery, Message
from juntos.people import models as m
from juntos.testing import factories as f

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
IN_PERIOD = NOW - timedelta(days=30)
LAST_YEAR = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
_keys = count()


@dataclass
class Hand:
    district: m.District
    north: m.School
    south: m.School
    leader: m.Staff
    liaison: m.Staff
    admin: m.Staff
    teacher: m.Staff
    students: dict[str, list[m.Student]] = field(default_factory=dict)
    mothers: dict[str, list[m.Caregiver]] = field(default_factory=dict)
    grandmother: m.Caregiver | None = None


def phone(language: str, n: int) -> str:
    code = {"es": 1, "so": 2, "vi": 3, "ar": 4}[language]
    return f"+1555{code}00{n:04d}"


def deliver(
    caregiver: m.Caregiver,
    message: Message,
    status: str,
    *,
    to: str | None = None,
    at: datetime = IN_PERIOD,
    provider_id: str = "",
) -> Delivery:
    return Delivery.objects.create(
        message=message,
        caregiver=caregiver,
        channel="sms",
        to=phone_of(caregiver) if to is None else to,
        language=caregiver.preferred_language,
        status=status,
        provider_id=provider_id,
        idempotency_key=f"hand-{next(_keys)}",
        created_at=at,
        updated_at=at,
    )


def phone_of(caregiver: m.Caregiver) -> str:
    point = caregiver.contacts.filter(kind="phone").order_by("pk").first()
    return point.value if point is not None else ""


def conversation(hand: Hand, caregiver: m.Caregiver, school: m.School) -> Conversation:
    return Conversation.objects.create(
        caregiver=caregiver, school=school, owner=hand.leader, created_at=IN_PERIOD
    )


def family_says(conv: Conversation, at: datetime) -> Message:
    return Message.objects.create(
        conversation=conv, direction="in", kind="reply", body="Hola", language="es", created_at=at
    )


def staff_says(conv: Conversation, kind: str, at: datetime, author: m.Staff) -> Message:
    return Message.objects.create(
        conversation=conv, direction="out", kind=kind, author=author, body="Note",
        language="en", created_at=at,
    )  # fmt: skip


def build() -> Hand:
    district = f.district(name="Handbuilt", slug="handbuilt", time_zone="America/Chicago")
    north = f.school(district=district, name="North Elementary", slug="north")
    south = f.school(district=district, name="South Middle", slug="south")
    north_room = f.section(school=north, title="North all")
    south_room = f.section(school=south, title="South all")
    hand = Hand(
        district, north, south,
        f.staff_with_role(m.Role.SCHOOL_LEADER, school=north, username="leader", district=district),
        f.staff_with_role(m.Role.LIAISON, school=north, username="liaison", district=district,
                          languages=("so",)),
        f.staff_with_role(m.Role.DISTRICT_ADMIN, school=None, username="admin", district=district),
        f.staff_with_role(m.Role.TEACHER, school=north, username="teacher", district=district,
                          sections=(north_room,)),
    )  # fmt: skip
    plan = (("es", 10, north_room, "03"), ("so", 6, north_room, "04"),
            ("vi", 4, north_room, "04"), ("ar", 7, south_room, "03"))  # fmt: skip
    for language, size, room, grade in plan:
        hand.students[language], hand.mothers[language] = [], []
        for n in range(size):
            student = f.student(district=district, given_name=f"{language}{n}",
                                family_name="Kid", grade=grade, home_language=language)  # fmt: skip
            f.enroll(student, room)
            mother = f.caregiver(
                district=district,
                given_name=f"Mother{language}{n}",
                preferred_language=language,
                channel_preferences=["sms"],
            )
            f.link(mother, student)
            hand.students[language].append(student)
            hand.mothers[language].append(mother)
    grandmother = f.caregiver(
        district=district, given_name="Abuela", preferred_language="es",
        channel_preferences=["voice"],
    )  # fmt: skip
    f.link(grandmother, hand.students["es"][0], m.Relationship.GRANDPARENT)
    hand.grandmother = grandmother
    _contacts(hand)
    _messages(hand)
    _events(hand)
    return hand


def _contacts(hand: Hand) -> None:
    for language, mothers in hand.mothers.items():
        for n, mother in enumerate(mothers):
            if (language, n) in {("es", 9), ("vi", 3)}:
                continue
            m.ContactPoint.objects.create(
                caregiver=mother, kind="phone", value=phone(language, n), sms_capable=True,
                opted_out_at=IN_PERIOD if (language, n) == ("so", 0) else None,
            )  # fmt: skip
    # Spanish mother 9 has only an email, which bounced (its last delivery failed).
    m.ContactPoint.objects.create(
        caregiver=hand.mothers["es"][9], kind="email", value="es9@example.org"
    )
    # Arabic mother 6: her phone is marked failing, but her email works.
    m.ContactPoint.objects.filter(caregiver=hand.mothers["ar"][6]).update(failing_since=IN_PERIOD)
    m.ContactPoint.objects.create(
        caregiver=hand.mothers["ar"][6], kind="email", value="ar6@example.org"
    )


def _messages(hand: Hand) -> None:
    es, so, vi, ar = (hand.mothers[k] for k in ("es", "so", "vi", "ar"))
    news = Message.objects.create(
        direction="out", kind="announcement", author=hand.leader, body="News", language="en",
        created_at=IN_PERIOD,
    )  # fmt: skip
    for n in range(8):
        deliver(es[n], news, "delivered")
    deliver(es[8], news, "sent")
    deliver(es[9], news, "failed", to="es9@example.org")
    for n in range(3):
        deliver(so[n], news, "sent")
    for n in range(3, 6):
        deliver(so[n], news, "failed")
    for n in range(3):
        deliver(vi[n], news, "delivered")
    deliver(vi[3], news, "skipped", to="")
    for n in range(7):
        deliver(ar[n], news, "delivered")
    # Last school year: not in the period.
    deliver(so[2], news, "delivered", at=LAST_YEAR)
    # A call from the call list that reached Spanish mother 5 (do_log_call's provider id).
    deliver(es[5], news, "delivered", provider_id=f"call:{hand.liaison.pk}")

    # Two-way: Spanish mothers 0-4 wrote; each was answered after 1, 2, 3, 4 and 10 hours.
    for n, hours in enumerate((1, 2, 3, 4, 10)):
        conv = conversation(hand, es[n], hand.north)
        positive = staff_says(conv, "progress_positive", IN_PERIOD, hand.teacher)
        deliver(es[n], positive, "delivered")
        asked = IN_PERIOD + timedelta(days=1)
        family_says(conv, asked)
        answer = staff_says(conv, "reply", asked + timedelta(hours=hours), hand.leader)
        deliver(es[n], answer, "delivered")
    # Spanish mothers 5 and 6 first heard a concern; mother 7's positive note failed.
    for n, kind, status in ((5, "progress_concern", "delivered"),
                            (6, "progress_concern", "delivered"),
                            (7, "progress_positive", "failed")):  # fmt: skip
        conv = conversation(hand, es[n], hand.north)
        deliver(es[n], staff_says(conv, kind, IN_PERIOD, hand.teacher), status, to="")
    # Somali mothers 1 and 2: a positive note and a concern, sent (not confirmed delivered).
    for n, kind in ((1, "progress_positive"), (2, "progress_concern")):
        conv = conversation(hand, so[n], hand.north)
        deliver(so[n], staff_says(conv, kind, IN_PERIOD, hand.teacher), "sent")
    # Somali mother 2 wrote last school year: not in the period.
    family_says(conversation(hand, so[2], hand.north), LAST_YEAR)
    # The worklist: a home visit reached Spanish student 6's family; Somali student 0's family
    # was reached by phone; nobody answered for Somali student 1.
    Attempt.objects.create(student=hand.students["es"][6], by=hand.liaison, method="home_visit",
                           outcome="reached", at=IN_PERIOD)  # fmt: skip
    Attempt.objects.create(student=hand.students["so"][0], caregiver=so[0], by=hand.liaison,
                           method="call", outcome="reached", at=IN_PERIOD)  # fmt: skip
    Attempt.objects.create(student=hand.students["so"][1], caregiver=so[1], by=hand.liaison,
                           method="call", outcome="no_answer", at=IN_PERIOD)  # fmt: skip
    # Arabic mothers 0-4 wrote 10 days ago and still wait: past South's 2-school-day target.
    for n in range(5):
        conv = conversation(hand, ar[n], hand.south)
        family_says(conv, NOW - timedelta(days=10))
        Conversation.objects.filter(pk=conv.pk).update(unanswered_since=NOW - timedelta(days=10))
    # Vietnamese mother 0 wrote two hours ago: waiting, but not past the target.
    conv = conversation(hand, vi[0], hand.north)
    family_says(conv, NOW - timedelta(hours=2))
    Conversation.objects.filter(pk=conv.pk).update(unanswered_since=NOW - timedelta(hours=2))


def _events(hand: Hand) -> None:
    event = Event.objects.create(
        district=hand.district, school=hand.north, kind="literacy_night", title="Reading night",
        learning_statement="Families read together.", modality="in_person",
        created_by=hand.leader, status="published", created_at=IN_PERIOD,
    )  # fmt: skip
    es, so, vi = hand.mothers["es"], hand.mothers["so"], hand.mothers["vi"]
    invited = [*es[:7], *so, *vi[:2]]
    for caregiver in invited:
        Invitation.objects.create(event=event, caregiver=caregiver)
    for caregiver in [*es[:5], so[0], vi[0]]:
        Rsvp.objects.create(event=event, caregiver=caregiver, answer="yes", channel="sms")
    for caregiver in [*es[:4], so[0]]:
        Attendance.objects.create(event=event, caregiver=caregiver, recorded_by=hand.leader)

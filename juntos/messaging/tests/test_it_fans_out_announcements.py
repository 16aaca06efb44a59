"""An announcement to a school writes one delivery per contactable family, in its language."""

from __future__ import annotations

from typing import Any

from conftest import World
from juntos.language import actions as language_actions
from juntos.language import pipeline
from juntos.language.models import HumanTranslationRequest, Method, Status
from juntos.messaging import actions
from juntos.messaging.models import Announcement, Delivery, MessageRendition, OutboxEntry
from juntos.people import models as m
from juntos.testing import factories as f

BODY = "The book fair starts Monday."
SPANISH = "La feria del libro empieza el lunes."


def phone(caregiver: m.Caregiver, number: str, *, sms: bool = True) -> m.ContactPoint:
    return m.ContactPoint.objects.create(
        caregiver=caregiver, kind="phone", value=number, sms_capable=sms
    )


def email(caregiver: m.Caregiver, address: str) -> m.ContactPoint:
    return m.ContactPoint.objects.create(caregiver=caregiver, kind="email", value=address)


def school_families(world: World) -> dict[str, m.Caregiver]:
    """North's families: by SMS (es), by email (vi), one who may not be contacted, one with
    no way to reach, one with two children at North, and one on paper."""
    phone(world.north_family, "+15555550101")
    email(world.north_family_2, "lan@example.org")
    barred = f.caregiver(district=world.district, given_name="Barred")
    phone(barred, "+15555550102")
    f.link(barred, world.north_student, m.Relationship.FATHER, may_contact=False)
    unreachable = f.caregiver(district=world.district, given_name="Nowhere")
    f.link(unreachable, world.north_student, m.Relationship.AUNT_UNCLE)
    twice = f.caregiver(district=world.district, given_name="Twice", preferred_language="vi")
    f.link(twice, world.north_student, m.Relationship.GRANDPARENT)
    f.link(twice, world.north_student_2, m.Relationship.GRANDPARENT)
    phone(twice, "+15555550103", sms=False)
    twice.channel_preferences = ["portal", "sms", "voice"]
    twice.save(update_fields=["channel_preferences"])
    paper = f.caregiver(district=world.district, given_name="Paper", channel_preferences=["paper"])
    f.link(paper, world.north_student_2, m.Relationship.OTHER)
    return {"barred": barred, "unreachable": unreachable, "twice": twice, "paper": paper}


def remember_spanish(world: World) -> None:
    language_actions.do_remember_translation(
        district_id=world.district.pk,
        source_language="en",
        target_language="es",
        source_text=BODY,
        target_text=SPANISH,
        method=Method.HUMAN,
        status=Status.REVIEWED,
    )


def send(world: World, **fields: Any) -> Announcement:
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    return actions.do_send_announcement(
        by=leader,
        audience_kind="school",
        audience_ref={"ids": [world.north.pk]},
        body=BODY,
        source_language="en",
        school=world.north,
        **fields,
    )


def test_it_writes_one_delivery_per_contactable_family(
    world: World, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    others = school_families(world)
    remember_spanish(world)
    calls: list[str] = []
    real_translate = pipeline.translate

    def counting(text: str, **kwargs: Any) -> pipeline.Rendition:
        calls.append(kwargs["target"])
        return real_translate(text, **kwargs)

    monkeypatch.setattr(pipeline, "translate", counting)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = send(world)

    assert announcement.status == Announcement.Status.SENT
    # One translation per language, not per family (two families read Vietnamese).
    assert sorted(calls) == ["es", "vi"]
    message = announcement.messages.get()
    renditions = {r.language: r for r in MessageRendition.objects.filter(message=message)}
    assert set(renditions) == {"es", "vi"}
    assert renditions["es"].text == SPANISH
    assert renditions["es"].method == Method.MEMORY
    # No Vietnamese translation and no provider: sent now, the interpreter offer on top.
    assert renditions["vi"].details["needs_human"]
    assert renditions["vi"].text.endswith(BODY)
    assert renditions["vi"].text != BODY

    rows = {d.caregiver_id: d for d in Delivery.objects.filter(message=message)}
    assert others["barred"].pk not in rows  # may_contact is false
    assert len(rows) == 5  # the family with two children at North once
    rosa = rows[world.north_family.pk]
    assert (rosa.channel, rosa.to, rosa.language) == ("sms", "+15555550101", "es")
    assert rosa.idempotency_key == f"d{message.pk}-{world.north_family.pk}-sms"
    lan = rows[world.north_family_2.pk]
    assert (lan.channel, lan.to, lan.language) == ("email", "lan@example.org", "vi")
    twice = rows[others["twice"].pk]  # portal passed over; the phone cannot take texts
    assert (twice.channel, twice.to) == ("voice", "+15555550103")
    nowhere = rows[others["unreachable"].pk]
    assert (nowhere.status, nowhere.skip_reason) == ("skipped", actions.NO_CHANNEL)
    paper = rows[others["paper"].pk]
    assert (paper.channel, paper.status) == ("paper", "pending")  # waits for the print batch

    # Sent at commit through the local outbox: each family once, in its language.
    for row in (rosa, lan, twice):
        row.refresh_from_db()
        assert row.status == "delivered"
        assert row.attempts == 1
    entries = {e.idempotency_key: e for e in OutboxEntry.objects.all()}
    assert len(entries) == 3
    assert entries[rosa.idempotency_key].body == SPANISH
    assert entries[rosa.idempotency_key].language == "es"
    assert entries[lan.idempotency_key].channel == "email"
    assert entries[lan.idempotency_key].body == renditions["vi"].text
    assert entries[twice.idempotency_key].to == "+15555550103"


def test_sending_a_draft_twice_fans_out_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    phone(world.north_family, "+15555550101")
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    draft = Announcement.objects.create(
        district=world.district,
        author=leader,
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        body=BODY,
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_send_announcement(by=leader, announcement_id=draft.pk)
        actions.do_send_announcement(by=leader, announcement_id=draft.pk)
    assert Delivery.objects.count() == 1
    assert OutboxEntry.objects.count() == 1


def test_a_held_language_waits_for_a_person(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TRANSLATION_HOLD_FOR_HUMAN = True
    phone(world.north_family, "+15555550101")
    email(world.north_family_2, "lan@example.org")
    remember_spanish(world)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = send(world)
    rows = {d.language: d for d in Delivery.objects.filter(message__announcement=announcement)}
    assert rows["es"].status == "delivered"
    assert (rows["vi"].status, rows["vi"].skip_reason) == ("skipped", actions.HELD_FOR_HUMAN)
    assert HumanTranslationRequest.objects.filter(target_language="vi").count() == 1


def test_quiet_hours_hold_a_message_but_not_an_emergency(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    phone(world.north_family, "+15555550101")
    # A window of one minute a week, never now (a Sunday at 03:00 in Chicago).
    m.ContactWindow.objects.create(
        caregiver=world.north_family, weekdays=[7], start="03:00", end="03:01"
    )
    with django_capture_on_commit_callbacks(execute=True):
        quiet = send(world)
        urgent = send(world, emergency=True)
    rosa = world.north_family
    waiting = Delivery.objects.get(message__announcement=quiet, caregiver=rosa)
    assert waiting.status == "pending"
    assert waiting.not_before > waiting.created_at
    assert Delivery.objects.get(message__announcement=urgent, caregiver=rosa).status == "delivered"

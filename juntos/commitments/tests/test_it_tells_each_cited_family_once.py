"""A status change is sent, after commit, to every family whose input the commitment cites and
who is not anonymous: once each, in their language, on their channel; never to anyone else."""

from __future__ import annotations

from typing import Any

from conftest import World
from juntos.commitments.actions import do_change_status, do_link_input, do_send_commitment_update
from juntos.commitments.models import StatusChange
from juntos.commitments.tests.helpers import (
    LAN_PHONE,
    ROSA_PHONE,
    TITLE,
    TITLE_ES,
    TITLE_VI,
    approved_idea,
    commitment,
    remember,
    reply,
    sms_phone,
    staff,
)
from juntos.messaging.models import Delivery, OutboxEntry

ROSA_1 = "Queremos clases de inglés para los padres."
ROSA_2 = "Por la noche sería mejor, después del trabajo."
LAN_1 = "Tôi muốn có lớp học tiếng Anh buổi tối cho phụ huynh."


def test_each_cited_family_is_told_once_in_their_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    sms_phone(world.north_family, ROSA_PHONE)
    sms_phone(world.north_family_2, LAN_PHONE)
    remember(world, "en", "es", TITLE, TITLE_ES)
    remember(world, "en", "vi", TITLE, TITLE_VI)
    leader = staff(world, "school_leader")
    c = commitment(world)
    for caregiver, words in (
        (world.north_family, ROSA_1),
        (world.north_family, ROSA_2),
        (world.north_family_2, LAN_1),
    ):
        message = reply(caregiver, words)
        do_link_input(by=leader, commitment=c, kind="reply", object_id=message.pk)
    idea = approved_idea(world, world.south_family, "Clases de inglés")  # anonymous
    do_link_input(by=leader, commitment=c, kind="idea", object_id=idea.pk)
    before = set(OutboxEntry.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        change = do_change_status(by=leader, commitment=c, status="done", note="Started Oct 1")

    sent = OutboxEntry.objects.exclude(pk__in=before)
    assert sorted(sent.values_list("to", flat=True)) == [ROSA_PHONE, LAN_PHONE]
    rosa = sent.get(to=ROSA_PHONE)
    assert rosa.language == "es"
    assert rosa.body == (
        f"Novedades de North Elementary. Las familias nos dijeron: {ROSA_1} "
        f"Lo que hicimos: {TITLE_ES}: hecho. Gracias por compartir sus ideas."
    )
    lan = sent.get(to=LAN_PHONE)
    assert lan.language == "vi"
    assert lan.body == (
        f"Tin từ North Elementary. Các gia đình đã nói với chúng tôi: {LAN_1} "
        f"Những gì chúng tôi đã làm: {TITLE_VI}: đã hoàn thành. "
        "Cảm ơn quý vị đã chia sẻ ý kiến."
    )
    assert not Delivery.objects.filter(
        caregiver=world.south_family, message__kind="system"
    ).exists()
    assert StatusChange.objects.get(pk=change.pk).notified_at is not None
    # Safe to run twice: the change was claimed, nothing more is sent.
    assert do_send_commitment_update(change_id=change.pk) == 0
    assert OutboxEntry.objects.exclude(pk__in=before).count() == 2


def test_anonymous_input_causes_no_message(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    sms_phone(world.north_family_2, LAN_PHONE)
    c = commitment(world)
    idea = approved_idea(world, world.north_family_2, LAN_1)
    do_link_input(by=staff(world, "liaison"), commitment=c, kind="idea", object_id=idea.pk)
    deliveries = Delivery.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        change = do_change_status(by=staff(world, "liaison"), commitment=c, status="in_progress")
    assert Delivery.objects.count() == deliveries
    assert StatusChange.objects.get(pk=change.pk).notified_at is not None

"""An idea is anonymous, unless its author asked to be told what became of it
(``Idea.follow_up_caregiver``): then a status change reaches them, in their language, with
their own words; the board still shows no name."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.commitments.actions import do_change_status, do_link_input
from juntos.commitments.tests.helpers import (
    LAN_PHONE,
    TITLE,
    TITLE_VI,
    approved_idea,
    commitment,
    remember,
    sms_phone,
    staff,
)
from juntos.listening.models import Idea
from juntos.messaging.models import OutboxEntry

LAN_IDEA = "Lớp học tiếng Anh buổi tối cho phụ huynh"


def asks_to_be_told(idea: Idea, caregiver: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The author's choice: the listening field when it exists, else the attribute the
    commitments code reads (``getattr(idea, "follow_up_caregiver_id", None)``)."""
    if any(f.name == "follow_up_caregiver" for f in Idea._meta.get_fields()):
        Idea.objects.filter(pk=idea.pk).update(follow_up_caregiver=caregiver)
    else:
        monkeypatch.setattr(Idea, "follow_up_caregiver_id", caregiver.pk, raising=False)


def test_the_author_who_asked_is_told_in_their_language(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lan = world.north_family_2
    sms_phone(lan, LAN_PHONE)
    remember(world, "en", "vi", TITLE, TITLE_VI)
    idea = approved_idea(world, lan, LAN_IDEA)
    asks_to_be_told(idea, lan, monkeypatch)
    c = commitment(world)
    link = do_link_input(by=staff(world, "liaison"), commitment=c, kind="idea", object_id=idea.pk)
    assert link.caregiver_id == lan.pk
    before = set(OutboxEntry.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        do_change_status(by=staff(world, "liaison"), commitment=c, status="in_progress")

    sent = OutboxEntry.objects.exclude(pk__in=before).get()
    assert sent.to == LAN_PHONE and sent.language == "vi"
    assert f"Các gia đình đã nói với chúng tôi: {LAN_IDEA} " in sent.body
    assert f"{TITLE_VI}: đang thực hiện." in sent.body
    board = Client().get(f"/commitments/board/{world.north.pk}/?lang=vi").content.decode()
    assert LAN_IDEA in board and "Tran" not in board

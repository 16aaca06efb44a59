"""At most five links an hour per family, and a limit on requests from one address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from juntos.people import models as m
from juntos.portal import actions
from juntos.portal.models import MagicLink
from juntos.portal.tests.conftest import ROSA_PHONE, Ask, links_sent, without_csrf


def test_it_sends_five_links_an_hour_to_one_family(
    rosa: m.Caregiver, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            assert actions.do_send_magic_link(caregiver=rosa) is not None
        with pytest.raises(actions.RateLimitedError):
            actions.do_send_magic_link(caregiver=rosa)
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert actions.do_send_magic_link(caregiver=rosa) is not None
    assert MagicLink.objects.filter(caregiver=rosa).count() == 6


def test_a_sixth_request_gets_the_same_answer_and_no_text(rosa: m.Caregiver, ask: Ask) -> None:
    client = Client()
    answers = [ask(client, ROSA_PHONE) for _ in range(6)]
    assert {a.status_code for a in answers} == {200}
    assert without_csrf(answers[5].content) == without_csrf(answers[0].content)
    assert len(links_sent()) == 5


def test_it_answers_429_to_an_address_that_asks_too_often(
    rosa: m.Caregiver, settings: Any, ask: Ask
) -> None:
    settings.PORTAL_LINK_REQUESTS_PER_IP_HOUR = 3
    client = Client()
    for n in range(3):
        assert ask(client, f"+1555555020{n}").status_code == 200
    assert ask(client, ROSA_PHONE).status_code == 429
    assert links_sent() == []
    # Another address is not held back.
    assert ask(client, ROSA_PHONE, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert len(links_sent()) == 1

"""Twenty wrong tokens from one address in 15 minutes: the next answers 429, even a good one."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from juntos.people import models as m
from juntos.portal.tests.conftest import ROSA_PHONE, Ask, links_sent


def test_it_throttles_an_address_after_twenty_wrong_tokens(rosa: m.Caregiver, ask: Ask) -> None:
    start = timezone.now()
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    with time_machine.travel(start, tick=False):
        ask(Client(), ROSA_PHONE)
        [token] = links_sent()
        for n in range(20):
            method = guesser.post if n % 2 else guesser.get
            assert method(f"/family/in/guess-{n}/").status_code == 200
        assert guesser.post(f"/family/in/{token}/").status_code == 429
        assert guesser.get("/family/in/guess-21/").status_code == 429
        # Another address is not held back, and the good link still works there.
        assert Client(REMOTE_ADDR="198.51.100.2").post(f"/family/in/{token}/").status_code == 302
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert guesser.get("/family/in/guess-22/").status_code == 200

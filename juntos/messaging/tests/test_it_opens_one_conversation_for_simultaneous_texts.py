"""Two texts from one family arriving at the same instant join one conversation, not two."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from conftest import World
from juntos.messaging import actions
from juntos.messaging.models import Conversation
from juntos.people import models as m

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 6


def test_simultaneous_texts_share_one_conversation(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: there is no race to lose")
    caregiver_id = world.north_family.pk
    barrier = threading.Barrier(WORKERS)

    def receive() -> int:
        try:
            caregiver = m.Caregiver.objects.get(pk=caregiver_id)
            barrier.wait(timeout=10)
            with transaction.atomic():
                conversation = actions.open_reply_conversation(caregiver, "es")
                # Each webhook's transaction lasts a while (detection, translation, the
                # message row): long enough for the others to look for an open thread.
                time.sleep(0.2)
            return conversation.pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        opened = list(pool.map(lambda _: receive(), range(WORKERS)))
    assert len(set(opened)) == 1
    assert Conversation.objects.filter(caregiver_id=caregiver_id).count() == 1

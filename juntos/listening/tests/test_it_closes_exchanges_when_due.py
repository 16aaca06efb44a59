"""An exchange with a closing date stops taking ideas at that time, and the periodic task
marks it closed; beat schedules the task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from conftest import World
from juntos.listening import actions
from juntos.listening.models import IdeaExchange
from juntos.listening.tasks import close_due_exchanges
from juntos.listening.tests.helpers import open_exchange
from juntos.messaging.actions import InputError

NOW = datetime(2030, 3, 1, 15, 0, tzinfo=UTC)


def test_it_closes_when_due(world: World) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        exchange = open_exchange(world, closes_at=NOW + timedelta(days=7))
        actions.do_add_idea(
            exchange=exchange, caregiver=world.north_family, text="Más talleres", channel="portal"
        )
        assert close_due_exchanges() == 0
        clock.move_to(NOW + timedelta(days=7, seconds=1))
        with pytest.raises(InputError):
            actions.do_add_idea(
                exchange=exchange, caregiver=world.north_family, text="Tarde", channel="portal"
            )
        assert close_due_exchanges() == 1
        assert IdeaExchange.objects.get().status == "closed"
    schedule = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "listening.close_due_exchanges" in schedule


def test_it_refuses_a_closing_time_before_opening(world: World) -> None:
    with pytest.raises(InputError) as error:
        open_exchange(world, closes_at=datetime(2000, 1, 1, tzinfo=UTC))
    assert "closes_at" in error.value.errors

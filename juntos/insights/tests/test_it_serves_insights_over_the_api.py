"""The API gives the page's suppressed aggregates (null where suppressed) and the worklist,
to the same roles as the pages."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from conftest import World
from juntos.insights.tests.district import NOW, Hand, build


@pytest.fixture
def hand(db: Any) -> Hand:
    with time_machine.travel(NOW, tick=False):
        return build()


def test_it_serves_the_suppressed_aggregates(hand: Hand) -> None:
    client = Client()
    client.force_login(hand.admin.user)
    with time_machine.travel(NOW, tick=False):
        body = client.get("/api/insights/metrics").json()
    language = body["reach"]["language"]
    rows = {row["key"]: row for row in language["rows"]}
    # The hand-built district (test_it_computes_every_metric_by_hand): vi (4) and so (6) hidden.
    assert rows["vi"]["size"] is None and rows["so"]["size"] is None
    assert rows["vi"]["counts"] == {"delivered": None, "two_way": None}
    assert rows["es"]["counts"] == {"delivered": 8, "two_way": 7}
    assert language["total"]["size"] == 27
    assert body["follow_up"]["median_seconds"] == 3 * 3600
    assert body["follow_up"]["p90_seconds"] == 7 * 3600 + 36 * 60
    assert body["contact_health"]["total"]["counts"] == {
        "no_working_channel": 7, "no_contact": None,
    }  # fmt: skip
    assert body["no_data_yet"] == ["voice", "loop"]
    # A school leader gets their school only.
    client.force_login(hand.leader.user)
    with time_machine.travel(NOW, tick=False):
        north = client.get("/api/insights/metrics").json()
    assert north["reach"]["language"]["total"]["size"] == 20


def test_it_serves_the_worklist_to_leaders_and_liaisons(world: World) -> None:
    client = Client()
    client.force_login(world.personas["liaison"])
    rows = client.get("/api/insights/unreached").json()
    assert {row["student_id"] for row in rows} == {
        world.north_student.pk, world.north_student_2.pk,
    }  # fmt: skip
    assert all(row["last_two_way_contact"] is None for row in rows)
    assert client.get("/api/insights/unreached?weeks=0").status_code == 422
    client.force_login(world.personas["teacher"])
    assert client.get("/api/insights/unreached").status_code == 403
    assert client.get("/api/insights/metrics").status_code == 403
    assert Client().get("/api/insights/metrics").status_code == 401

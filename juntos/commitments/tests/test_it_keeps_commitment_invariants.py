"""A commitment has a title; "not doing" needs the reason; every change is kept as history."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from conftest import World
from juntos.commitments.actions import do_change_status, do_create_commitment
from juntos.commitments.models import Commitment
from juntos.commitments.tests.helpers import commitment, staff, staff_client
from juntos.messaging.actions import InputError


def test_the_action_refuses_bad_input(world: World) -> None:
    with pytest.raises(InputError) as refused:
        do_create_commitment(
            by=staff(world, "school_leader"), school=world.north, kind="wish", title=" "
        )
    assert set(refused.value.errors) == {"title", "kind"}
    c = commitment(world)
    with pytest.raises(InputError) as refused:
        do_change_status(by=staff(world, "school_leader"), commitment=c, status="not_doing")
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(InputError):
        do_change_status(by=staff(world, "school_leader"), commitment=c, status="planned")


def test_the_database_refuses_not_doing_without_a_reason(world: World) -> None:
    c = commitment(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=c.pk).update(status="not_doing", reason="")


def test_the_status_page_records_each_change(world: World) -> None:
    c = commitment(world)
    leader = staff_client(world, "school_leader")
    assert (
        leader.post(
            f"/commitments/{c.pk}/status/", {"status": "in_progress", "note": "Teacher found"}
        ).status_code
        == 302
    )
    missing = leader.post(f"/commitments/{c.pk}/status/", {"status": "not_doing"})
    assert (
        missing.status_code == 400
        and "Say why the school will not do it." in missing.content.decode()
    )
    leader.post(f"/commitments/{c.pk}/status/", {"status": "not_doing", "reason": "No room free"})
    c.refresh_from_db()
    assert c.status == "not_doing" and c.reason == "No room free"
    steps = list(c.changes.values_list("from_status", "to_status", "note"))
    assert steps == [("planned", "in_progress", "Teacher found"), ("in_progress", "not_doing", "")]
    page = leader.get(f"/commitments/{c.pk}/").content.decode()
    assert "Teacher found" in page and "No room free" in page

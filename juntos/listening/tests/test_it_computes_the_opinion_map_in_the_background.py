"""The "Recompute groups" button writes a pending run; the task claims it, builds the reaction
matrix and stores the groups; running it twice does nothing more; a recomputation keeps the
groups' labels; the sweep asks for a new run after enough new reactions."""

from __future__ import annotations

from typing import Any

from conftest import World
from juntos.listening import analysis
from juntos.listening.models import OpinionRun
from juntos.listening.tests.analysis_data import add_participants, planted_exchange
from juntos.listening.tests.helpers import staff_client


def test_the_button_computes_and_stores_the_groups(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    exchange, _ideas, planted = planted_exchange(world, {"A": 8, "B": 7})
    leader = staff_client(world, "school_leader")
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(f"/listening/exchanges/{exchange.pk}/opinion/recompute/")
    assert response.status_code == 302
    run = OpinionRun.objects.get(exchange=exchange)
    assert run.status == "done" and run.computed_at is not None
    assert (run.participants, run.statements, run.reactions) == (15, 12, 15 * 12)
    groups = {group["label"]: group["size"] for group in run.result["groups"]}
    assert sorted(groups.values()) == [7, 8]
    assigned = {pid: group for pid, _x, _y, group in run.result["participants"]}
    a_groups = {assigned[p.pk] for p in planted["A"]}
    b_groups = {assigned[p.pk] for p in planted["B"]}
    assert len(a_groups) == 1 and len(b_groups) == 1 and a_groups != b_groups

    # The task again on the same run: nothing is claimed, nothing changes.
    assert analysis.do_compute_opinion_groups(run_id=run.pk) is False
    assert OpinionRun.objects.get(pk=run.pk).result == run.result

    # The staff page shows the map and both groups with their sizes.
    page = leader.get(f"/listening/exchanges/{exchange.pk}/").content.decode()
    assert 'data-vega-spec="chart-opinion-map-' in page
    assert "8 people" in page and "7 people" in page


def test_a_teacher_cannot_recompute(world: World) -> None:
    exchange, _ideas, _planted = planted_exchange(world, {"A": 5, "B": 5})
    teacher = staff_client(world, "teacher")
    response = teacher.post(f"/listening/exchanges/{exchange.pk}/opinion/recompute/")
    assert response.status_code == 403
    south = staff_client(world, "other_teacher")
    assert south.post(f"/listening/exchanges/{exchange.pk}/opinion/recompute/").status_code == 404
    assert not OpinionRun.objects.exists()


def test_a_recomputation_keeps_the_labels(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    exchange, ideas, planted = planted_exchange(world, {"A": 8, "B": 7})
    with django_capture_on_commit_callbacks(execute=True):
        first = analysis.do_request_opinion_run(exchange=exchange)
    first.refresh_from_db()
    label_of = {pid: group for pid, _x, _y, group in first.result["participants"]}
    a_label = label_of[planted["A"][0].pk]

    # More people join, most of them on B's side: without matching, B could become "A".
    add_participants(exchange, ideas, {"B": 12}, start=100)
    with django_capture_on_commit_callbacks(execute=True):
        second = analysis.do_request_opinion_run(exchange=exchange)
    second.refresh_from_db()
    assert second.pk != first.pk and second.status == "done"
    again = {pid: group for pid, _x, _y, group in second.result["participants"]}
    for participant in planted["A"]:
        assert again[participant.pk] == a_label
    for participant in planted["B"]:
        assert again[participant.pk] == label_of[participant.pk]
    assert analysis.latest_opinion_run(exchange.pk) == second


def test_a_waiting_run_is_not_requested_twice(world: World) -> None:
    exchange, _ideas, _planted = planted_exchange(world, {"A": 5, "B": 5})
    first = analysis.do_request_opinion_run(exchange=exchange)  # not committed: still pending
    second = analysis.do_request_opinion_run(exchange=exchange)
    assert first.pk == second.pk and OpinionRun.objects.count() == 1


def test_the_sweep_recomputes_after_new_reactions(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    exchange, ideas, _planted = planted_exchange(world, {"A": 6, "B": 6})
    with django_capture_on_commit_callbacks(execute=True):
        assert analysis.do_refresh_analyses() == 1  # 144 reactions, no run yet
    assert OpinionRun.objects.filter(exchange=exchange, status="done").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert analysis.do_refresh_analyses() == 0  # nothing new
    add_participants(exchange, ideas, {"A": 3}, start=100)  # 36 new reactions
    with django_capture_on_commit_callbacks(execute=True):
        assert analysis.do_refresh_analyses() == 1
    newest = analysis.latest_opinion_run(exchange.pk)
    assert newest is not None and newest.participants == 15

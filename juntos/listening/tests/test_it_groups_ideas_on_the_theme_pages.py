"""Themes of an exchange's approved ideas, computed in the background from English ideas and
Spanish ideas with English renditions: the same topic lands in the same theme whatever its
language. Staff rename, sort, merge, split and move through the theme page's POST forms; a
staff name and kind survive a recomputation; a teacher sees but does not edit; another
school's teacher gets a 404."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.listening.models import Idea, IdeaExchange, Theme, ThemeMember, ThemeRun
from juntos.listening.tests.analysis_data import add_ideas, theme_exchange
from juntos.listening.tests.helpers import staff_client

LATE_ES = "El autobús escolar llega tarde todas las mañanas"
STOP_ES = "La parada del autobús está muy lejos de la casa"
HOMEWORK_ES = "Demasiada tarea para los niños pequeños cada noche"


def theme_of(idea: Idea) -> Theme:
    return ThemeMember.objects.select_related("theme").get(idea=idea).theme


def compute(client: Client, exchange: IdeaExchange, capture: Any) -> None:
    with capture(execute=True):
        response = client.post(f"/listening/exchanges/{exchange.pk}/themes/recompute/")
    assert response.status_code == 302


def test_the_same_topic_lands_in_the_same_theme(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    exchange, ideas = theme_exchange(world)
    leader = staff_client(world, "school_leader")
    compute(leader, exchange, django_capture_on_commit_callbacks)
    run = ThemeRun.objects.get(exchange=exchange)
    assert (run.status, run.items) == ("done", 12)

    homework = theme_of(ideas[HOMEWORK_ES])
    assert homework == theme_of(ideas["Homework takes hours every night"])
    assert homework == theme_of(ideas["There is too much homework for young children"])
    assert "homework" in homework.top_terms and homework.language == "pivot"
    late = theme_of(ideas[LATE_ES])
    assert late == theme_of(ideas["The school bus comes late every morning"])
    assert late != homework
    assert theme_of(ideas[STOP_ES]) == theme_of(
        ideas["Please add a bus stop closer to our apartments"]
    )

    page = leader.get(f"/listening/exchanges/{exchange.pk}/themes/").content.decode()
    block = page.split(f'<li id="theme-{homework.pk}"')[1].split('<li id="theme-')[0]
    assert "homework" in block and "5 ideas" in block
    # A quote in its original, with its English rendition beside it.
    assert HOMEWORK_ES in block and "Too much homework for little children every night" in block


def test_a_staff_name_and_kind_survive_a_recomputation(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    exchange, ideas = theme_exchange(world)
    leader = staff_client(world, "school_leader")
    compute(leader, exchange, django_capture_on_commit_callbacks)
    homework = theme_of(ideas[HOMEWORK_ES])
    leader.post(f"/listening/themes/{homework.pk}/rename/", {"name": "Homework load"})
    leader.post(f"/listening/themes/{homework.pk}/sort/", {"kind": "need"})

    (extra,) = add_ideas(exchange, ["Less homework on weekends please"])
    compute(leader, exchange, django_capture_on_commit_callbacks)
    assert ThemeRun.objects.filter(exchange=exchange, status="done").count() == 2
    again = theme_of(extra)
    assert again.pk == homework.pk
    assert (again.name, again.kind, again.active) == ("Homework load", "need", True)
    assert again.members.count() == 6
    page = leader.get(f"/listening/exchanges/{exchange.pk}/themes/").content.decode()
    assert "Homework load" in page


def test_merge_split_and_move_through_the_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    exchange, ideas = theme_exchange(world)
    liaison = staff_client(world, "liaison")
    compute(liaison, exchange, django_capture_on_commit_callbacks)
    late, stop = theme_of(ideas[LATE_ES]), theme_of(ideas[STOP_ES])
    homework = theme_of(ideas[HOMEWORK_ES])

    # Merge: the stop theme's ideas join the late-bus theme, which keeps its id.
    response = liaison.post(f"/listening/themes/{late.pk}/merge/", {"other": stop.pk})
    assert response.status_code == 302
    assert theme_of(ideas[STOP_ES]) == late and late.members.count() == 7
    stop.refresh_from_db()
    assert not stop.active and not stop.members.exists()
    late.refresh_from_db()
    assert "bus" in late.top_terms

    # Move: a bus idea that staff read as being about homework.
    moved = ideas["The bus driver should wait for the kids at the stop"]
    response = liaison.post(
        f"/listening/exchanges/{exchange.pk}/themes/move/",
        {"idea": moved.pk, "theme": homework.pk},
    )
    assert response.status_code == 302
    assert theme_of(moved) == homework and late.members.count() == 6

    # Split: the merged bus theme in two; the larger part keeps the id.
    response = liaison.post(f"/listening/themes/{late.pk}/split/")
    assert response.status_code == 302
    active = Theme.objects.filter(exchange=exchange, active=True)
    assert active.count() == 3
    parts = [t for t in active if t.pk != homework.pk]
    assert late.pk in {t.pk for t in parts}
    sizes = [t.members.count() for t in parts]
    assert min(sizes) >= 1 and sum(sizes) == 6
    # The new part got a key never used before (not the retired stop theme's).
    new = next(t for t in parts if t.pk != late.pk)
    assert new.key not in {late.key, stop.key, homework.key}

    # Merging a theme with itself is refused without a change.
    liaison.post(f"/listening/themes/{late.pk}/merge/", {"other": late.pk})
    assert Theme.objects.filter(exchange=exchange, active=True).count() == 3


def test_who_may_see_and_edit_themes(world: World, django_capture_on_commit_callbacks: Any) -> None:
    exchange, ideas = theme_exchange(world)
    compute(staff_client(world, "school_leader"), exchange, django_capture_on_commit_callbacks)
    homework = theme_of(ideas[HOMEWORK_ES])

    teacher = staff_client(world, "teacher")
    assert teacher.get(f"/listening/exchanges/{exchange.pk}/themes/").status_code == 200
    assert (
        teacher.post(f"/listening/themes/{homework.pk}/rename/", {"name": "Mine"}).status_code
        == 403
    )
    assert teacher.post(f"/listening/exchanges/{exchange.pk}/themes/recompute/").status_code == 403

    south = staff_client(world, "other_teacher")
    assert south.get(f"/listening/exchanges/{exchange.pk}/themes/").status_code == 404
    assert (
        south.post(f"/listening/themes/{homework.pk}/rename/", {"name": "Mine"}).status_code == 404
    )
    assert (
        south.post(
            f"/listening/exchanges/{exchange.pk}/themes/move/",
            {"idea": ideas[STOP_ES].pk, "theme": homework.pk},
        ).status_code
        == 404
    )
    homework.refresh_from_db()
    assert homework.name == ""

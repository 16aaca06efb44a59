"""The API gives authorised staff an exchange's opinion groups and themes, suppressed exactly as
the pages are: a group of fewer than 5 has no size and no representative ideas."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from conftest import World
from juntos.listening import analysis
from juntos.listening.tests.analysis_data import planted_exchange, theme_exchange


def client_as(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def test_opinion_groups_with_a_small_group_suppressed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    exchange, _ideas, _planted = planted_exchange(world, {"A": 8, "B": 7, "C": 3})
    teacher = client_as(world, "teacher")
    url = f"/api/listening/exchanges/{exchange.pk}/opinion"
    assert teacher.get(url).status_code == 404  # not computed yet
    with django_capture_on_commit_callbacks(execute=True):
        analysis.do_request_opinion_run(exchange=exchange)
    body = json.loads(teacher.get(url).content)
    sizes = sorted((g["size"] for g in body["groups"]), key=lambda s: (s is None, s or 0))
    assert None in sizes  # the group of 3 (and, to protect it, the next smallest) is hidden
    for group in body["groups"]:
        if group["size"] is None:
            assert group["representative"] == []
        else:
            assert group["size"] >= 5
    assert body["consensus"], "the planted common ground is found"
    assert client_as(world, "other_teacher").get(url).status_code == 404


def test_themes_largest_first(world: World, django_capture_on_commit_callbacks: Any) -> None:
    exchange, _ideas = theme_exchange(world)
    with django_capture_on_commit_callbacks(execute=True):
        analysis.do_request_theme_run(exchange=exchange)
    body = json.loads(
        client_as(world, "school_leader")
        .get(f"/api/listening/exchanges/{exchange.pk}/themes")
        .content
    )
    assert body, "themes were computed"
    sizes = [t["size"] for t in body if t["size"] is not None]
    assert sizes == sorted(sizes, reverse=True)
    assert all(t["top_terms"] for t in body)
    for theme in body:
        if theme["size"] is None:
            assert theme["quotes"] == []

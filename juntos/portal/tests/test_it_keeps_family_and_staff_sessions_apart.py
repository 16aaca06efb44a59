"""A staff sign-in opens no family page; a family session opens no staff page."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.people import models as m
from juntos.portal.tests.conftest import Ask, signed_in


def test_a_staff_session_does_not_open_family_pages(world: World) -> None:
    teacher = Client()
    teacher.force_login(world.personas["teacher"])
    for url in ("/family/",):
        response = teacher.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/family/link/"
    assert teacher.post("/family/reply/", {"body": "hola"}).status_code == 302


def test_a_family_session_does_not_open_staff_pages(
    world: World, rosa: m.Caregiver, ask: Ask
) -> None:
    family = signed_in(Client(), ask)
    assert family.get("/family/").status_code == 200
    for url in ("/staff/", "/messaging/inbox/", f"/staff/families/{rosa.pk}/"):
        response = family.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/staff/login/"), url


def test_signing_out_ends_the_family_session(rosa: m.Caregiver, ask: Ask) -> None:
    family = signed_in(Client(), ask)
    assert family.post("/family/out/").status_code == 302
    assert family.get("/family/")["Location"] == "/family/link/"

"""The public board of a school needs no sign-in and speaks the reader's language (picked with
?lang=, else the browser's): each public commitment, its status and history, and the input
behind it, translated through the pipeline with the original one click away; no names."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.commitments.actions import do_change_status, do_link_input
from juntos.commitments.tests.helpers import (
    TITLE,
    TITLE_ES,
    TITLE_VI,
    commitment,
    remember,
    reply,
    staff,
)
from juntos.portal.language import OFFERED

LAN_WORDS = "Tôi muốn có lớp học tiếng Anh buổi tối cho phụ huynh."
LAN_WORDS_ES = "Me gustaría clases de inglés por la noche para los padres."


def board_with_lans_reply(world: World, capture: Any) -> Any:
    remember(world, "en", "es", TITLE, TITLE_ES)
    remember(world, "en", "vi", TITLE, TITLE_VI)
    remember(world, "vi", "es", LAN_WORDS, LAN_WORDS_ES)
    leader = staff(world, "school_leader")
    c = commitment(world)
    message = reply(world.north_family_2, LAN_WORDS)
    do_link_input(by=leader, commitment=c, kind="reply", object_id=message.pk)
    with capture(execute=True):
        do_change_status(by=leader, commitment=c, status="done")
    commitment(world, title="A private plan", public=False)
    return c


def test_the_board_in_vietnamese(world: World, django_capture_on_commit_callbacks: Any) -> None:
    board_with_lans_reply(world, django_capture_on_commit_callbacks)
    page = Client().get(f"/commitments/board/{world.north.pk}/?lang=vi")
    assert page.status_code == 200 and page["Content-Language"] == "vi"
    html = page.content.decode()
    assert '<html lang="vi"' in html
    assert "Quý vị đã nói, chúng tôi đã làm" in html
    assert TITLE_VI in html and "Nhà trường đã thực hiện việc này." in html
    assert LAN_WORDS in html  # already in Vietnamese: no original to offer
    assert "Xem bản gốc" in html and TITLE in html  # the title's English original
    assert "A private plan" not in html
    for secret in ("Lan", "Tran", str(world.north_family_2.pk) + '"'):
        assert secret not in html.replace("Lan<", "")
    # The choice is remembered for the next page.
    assert page.cookies["django_language"].value == "vi"


def test_the_board_in_spanish(world: World, django_capture_on_commit_callbacks: Any) -> None:
    board_with_lans_reply(world, django_capture_on_commit_callbacks)
    page = Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get(
        f"/commitments/board/{world.north.pk}/"
    )
    assert page["Content-Language"] == "es"
    html = page.content.decode()
    assert "Ustedes nos dijeron, nosotros actuamos" in html
    assert TITLE_ES in html and "La escuela lo hizo." in html
    assert f'<q lang="es" dir="auto">{LAN_WORDS_ES}</q>' in html
    assert "Ver el original" in html and f'<p lang="vi" dir="auto">{LAN_WORDS}</p>' in html


def test_an_untranslated_text_is_shown_in_its_original_and_said_so(world: World) -> None:
    commitment(world, title="Open the library on Saturdays")
    html = Client().get(f"/commitments/board/{world.north.pk}/?lang=fr").content.decode()
    assert "Open the library on Saturdays" in html
    assert "Pas encore traduit : voici l'original." in html
    assert "L'école prévoit de le faire." in html


def test_an_unknown_school_has_no_board(world: World) -> None:
    assert Client().get("/commitments/board/999999/").status_code == 404


@pytest.mark.parametrize("code", OFFERED)
def test_the_board_speaks_every_demo_language(world: World, code: str) -> None:
    commitment(world)
    page = Client().get(f"/commitments/board/{world.north.pk}/?lang={code}")
    assert page.status_code == 200 and page["Content-Language"] == code
    html = page.content.decode()
    assert f'<html lang="{code.lower()}"' in html  # Django writes fa-AF as fa-af
    english = ("You said, we did", "The school plans to do this.", "Commitment made")
    for words in english:
        assert (words in html) == (code == "en"), (code, words)

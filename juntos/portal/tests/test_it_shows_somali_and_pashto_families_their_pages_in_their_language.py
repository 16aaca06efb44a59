"""Somali, Haitian Creole, Pashto and Hmong families read their family page in their own
language (draft catalogs, docs/translations.md), labelled with it; Pashto reads right to left.
A language the pages are not written in still gets English labelled English."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import World
from juntos.people import models as m
from juntos.portal.language import has_page_text, page_language
from juntos.portal.session import SESSION_KEY
from juntos.testing import factories as f


def family_page(caregiver: m.Caregiver) -> str:
    client = Client()
    session = client.session
    session[SESSION_KEY] = caregiver.pk
    session.save()
    response = client.get("/family/")
    assert response.status_code == 200
    assert response["Content-Language"] == caregiver.preferred_language
    return response.content.decode()


def test_a_somali_caregivers_page_is_in_somali(world: World) -> None:
    text = family_page(world.south_family)  # Amina reads Somali
    assert '<html lang="so" dir="ltr">' in text
    assert "Salaan, Amina" in text
    assert "Fariimahaaga iyo dugsiga" in text
    assert "Your messages with the school" not in text


def test_a_pashto_caregivers_page_is_in_pashto_and_reads_right_to_left(world: World) -> None:
    caregiver = f.caregiver(district=world.district, given_name="Gul", preferred_language="ps")
    f.link(caregiver, world.south_student)
    text = family_page(caregiver)
    assert '<html lang="ps" dir="rtl">' in text
    assert "سلام، Gul" in text
    assert "له ښوونځي سره ستاسو پیغامونه" in text
    assert "Your messages with the school" not in text


@pytest.mark.parametrize(("code", "greeting"), [("ht", "Bonjou, Jean"), ("hmn", "Nyob zoo, Jean")])
def test_haitian_creole_and_hmong_caregivers_read_their_own_language(
    world: World, code: str, greeting: str
) -> None:
    caregiver = f.caregiver(district=world.district, given_name="Jean", preferred_language=code)
    f.link(caregiver, world.north_student)
    text = family_page(caregiver)
    assert f'<html lang="{code}" dir="ltr">' in text
    assert greeting in text


def test_a_language_without_page_text_falls_back_to_english() -> None:
    assert all(has_page_text(code) for code in ("so", "ht", "ps", "hmn"))
    assert not has_page_text("de")
    assert page_language("de") == "en"
    assert page_language("ps") == "ps"

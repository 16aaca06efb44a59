""" "Page not found" is a family page: it speaks the family's language (their browser's, or the
signed-in family's), while signed-in staff get it in their staff language."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.portal.session import SESSION_KEY


def test_a_visitor_whose_browser_asks_for_arabic_reads_it_in_arabic() -> None:
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ar-EG,ar;q=0.9")

    assert response.status_code == 404
    text = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in text
    assert "لم نجد هذه الصفحة" in text  # "We could not find that page"
    assert "We could not find that page" not in text
    assert response["Content-Language"] == "ar"


def test_a_signed_in_family_reads_it_in_their_language(world: World) -> None:
    client = Client()
    session = client.session
    session[SESSION_KEY] = world.south_family.pk  # Amina reads Somali
    session.save()

    response = client.get("/family/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    text = response.content.decode()
    assert '<html lang="so" dir="ltr">' in text
    assert "Ma aynaan helin boggaas" in text


def test_staff_read_it_in_their_staff_language(world: World) -> None:
    client = Client()
    client.force_login(world.personas["teacher"])

    arabic = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    spanish = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert '<html lang="en" dir="ltr">' in arabic
    assert "We could not find that page" in arabic
    assert '<html lang="es" dir="ltr">' in spanish
    assert "No pudimos encontrar esa página" in spanish

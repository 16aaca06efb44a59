"""Staff pages are in English or Spanish (settings.STAFF_LANGUAGES), as the browser asks or as
picked with the switch in the staff header; never labelled with a language they are not
written in. Family pages keep the family's language (docs/decisions/0007)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.utils import translation

from conftest import World
from juntos.portal.session import SESSION_KEY
from juntos.testing import factories as f


def staff_client(world: World, persona: str = "teacher") -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def spanish(text: str) -> str:
    with translation.override("es"):
        translated = translation.gettext(text)
    assert translated != text, f"no Spanish for {text!r}"
    return translated


def test_a_staff_page_is_in_spanish_when_the_browser_asks_for_spanish(world: World) -> None:
    client = staff_client(world)

    home = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    inbox = client.get("/messaging/inbox/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")

    assert home.status_code == inbox.status_code == 200
    text = home.content.decode()
    assert '<html lang="es" dir="ltr">' in text
    assert "Sus funciones" in text and "Your roles" not in text
    assert ">Bandeja de entrada</a>" in text  # the staff navigation
    assert "Importaciones de listas" not in text  # a teacher is not a Django staff user
    inbox_text = inbox.content.decode()
    assert '<html lang="es" dir="ltr">' in inbox_text
    assert spanish("Unread family messages") in inbox_text
    assert "Unread family messages" not in inbox_text


def test_the_switch_in_the_staff_header_changes_the_language_and_remembers_it(
    world: World,
) -> None:
    client = staff_client(world)
    page = client.get("/messaging/inbox/?view=all").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert 'action="/i18n/setlang/"' in page
    assert '<input type="hidden" name="next" value="/messaging/inbox/?view=all">' in page
    assert 'value="es" lang="es" class="link-button" aria-pressed="false">Español</button>' in page
    assert 'value="en" lang="en" class="link-button" aria-pressed="true">English</button>' in page

    switched = client.post("/i18n/setlang/", {"language": "es", "next": "/messaging/inbox/"})

    assert switched.status_code == 302
    assert switched["Location"] == "/messaging/inbox/"
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    # The cookie wins over the browser's English.
    page = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="es" dir="ltr">' in page
    assert "Sus funciones" in page
    assert 'aria-pressed="true">Español</button>' in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    page = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "Your roles" in page


def test_a_browser_asking_for_arabic_gets_staff_pages_in_english_labelled_english(
    world: World,
) -> None:
    client = staff_client(world)

    for page in (
        client.get("/staff/", HTTP_ACCEPT_LANGUAGE="ar-EG,ar;q=0.9"),
        client.get("/messaging/inbox/", HTTP_ACCEPT_LANGUAGE="ar"),
    ):
        text = page.content.decode()
        assert '<html lang="en" dir="ltr">' in text
        assert 'lang="ar"' not in text.split("<body", 1)[0]
        assert page["Content-Language"] == "en"
    assert "Your roles" in client.get("/staff/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    # Arabic first, then Spanish: the first staff language the browser accepts.
    text = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="ar,es;q=0.5").content.decode()
    assert '<html lang="es" dir="ltr">' in text

    # Arabic picked on the family home page (the shared language cookie) is not a staff language.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    text = client.get("/staff/").content.decode()
    assert '<html lang="en" dir="ltr">' in text


def test_the_home_page_and_family_pages_still_speak_arabic(world: World) -> None:
    home = Client().get("/", HTTP_ACCEPT_LANGUAGE="ar-EG,ar;q=0.9")
    text = home.content.decode()
    assert '<html lang="ar" dir="rtl">' in text
    assert "أهلًا وسهلًا" in text  # "Welcome"
    assert home["Content-Language"] == "ar"

    caregiver = f.caregiver(district=world.district, given_name="Layla", preferred_language="ar")
    f.link(caregiver, world.north_student)
    client = Client()
    session = client.session
    session[SESSION_KEY] = caregiver.pk
    session.save()
    page = client.get("/family/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in text
    assert "مرحبًا، Layla" in text  # "Hello, Layla"
    assert page["Content-Language"] == "ar"

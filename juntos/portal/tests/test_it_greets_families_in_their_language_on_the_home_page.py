"""The home page is the family's front door: in the browser's language, or the one picked on
it (each language named in its own script), with "send me a link" and the staff sign-in."""

from __future__ import annotations

from django.test import Client


def test_it_follows_the_browsers_language(db: None) -> None:
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    text = page.content.decode()
    assert '<html lang="es" dir="ltr">' in text
    assert "Juntos: su escuela y su familia, juntas" in text
    assert "Envíenme un enlace" in text
    assert 'action="/family/link/"' in text
    assert 'href="/staff/login/"' in text
    assert page["Content-Language"] == "es"


def test_arabic_and_dari_pages_read_right_to_left(db: None) -> None:
    text = Client().get("/", HTTP_ACCEPT_LANGUAGE="ar-EG,ar;q=0.9").content.decode()
    assert '<html lang="ar" dir="rtl">' in text
    assert "أرسلوا لي رابطًا" in text
    text = Client().get("/", HTTP_ACCEPT_LANGUAGE="fa-AF").content.decode()
    assert '<html lang="fa-af" dir="rtl">' in text
    assert "برایم لینک بفرستید" in text


def test_every_offered_language_has_its_own_page_text(db: None) -> None:
    # Somali and Pashto were the last to get page text: the home page is now in them, right to
    # left for Pashto, and the picker marks the family's choice.
    for header, direction, words in (("so", "ltr", "xiriir"), ("ps", "rtl", "")):
        text = Client().get("/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
        assert f'<html lang="{header}" dir="{direction}">' in text, header
        assert f'hreflang="{header}" aria-current="true"' in text, header
        assert words in text.lower(), header


def test_the_picker_names_each_language_in_its_own_script_and_is_remembered(db: None) -> None:
    client = Client()
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    for code, name in (("ar", "العربية"), ("vi", "Tiếng Việt"), ("zh", "中文"), ("so", "Soomaali")):
        assert f'href="?lang={code}" lang="{code}"' in text
        assert f">{name}</a>" in text
    picked = client.get("/?lang=es", HTTP_ACCEPT_LANGUAGE="en")
    assert "Envíenme un enlace" in picked.content.decode()
    # The next page remembers the choice over the browser's language.
    assert (
        "Envíenme un enlace"
        in client.get("/family/link/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_an_unknown_language_falls_back_to_english(db: None) -> None:
    text = Client().get("/?lang=xx", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
    assert '<html lang="en" dir="ltr">' in text
    assert "Send me a link" in text

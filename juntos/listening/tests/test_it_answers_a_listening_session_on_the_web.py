"""The session's public page: the token in the link is the key (no sign-in), the page speaks
the language picked with ?lang= or the browser's, each question has a box, answers are stored
anonymously in the page's language, and an unknown link says so."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.listening.models import SessionResponse
from juntos.listening.tests.session_helpers import make_session

WELCOME_VI = "Điều gì giúp gia đình quý vị cảm thấy được chào đón ở trường này?"
WELCOME_ES = "¿Qué ayuda a su familia a sentirse bienvenida en esta escuela?"


def test_a_family_answers_in_vietnamese(world: World) -> None:
    session = make_session(world)
    first, _second, third, _fourth = list(session.protocol.questions.all())
    client = Client()
    page = client.get(f"/listening/s/{session.token}/?lang=vi")
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Language"] == "vi"
    assert WELCOME_VI in html and "Chào đón và tầm nhìn" in html
    assert "Câu trả lời của quý vị là ẩn danh" in html

    sent = client.post(
        f"/listening/s/{session.token}/?lang=vi",
        {f"question_{first.pk}": "Có người nói tiếng Việt", f"question_{third.pk}": "  ",
         "role": "community"},
    )  # fmt: skip
    assert sent.status_code == 200
    assert "Cảm ơn quý vị. Chúng tôi đã nhận được câu trả lời của quý vị." in sent.content.decode()
    stored = list(SessionResponse.objects.values_list(
        "question_id", "text", "language", "role", "channel"
    ))  # fmt: skip
    assert stored == [(first.pk, "Có người nói tiếng Việt", "vi", "community", "web")]


def test_the_browser_language_is_used_without_a_choice(world: World) -> None:
    session = make_session(world)
    page = Client().get(f"/listening/s/{session.token}/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert page["Content-Language"] == "es" and WELCOME_ES in page.content.decode()


def test_an_empty_form_and_an_unknown_link(world: World) -> None:
    session = make_session(world)
    client = Client()
    empty = client.post(f"/listening/s/{session.token}/?lang=es", {"role": "family"})
    assert empty.status_code == 400
    assert "Escriba una respuesta al menos a una pregunta." in empty.content.decode()
    unknown = client.get("/listening/s/not-a-real-token/?lang=es")
    assert unknown.status_code == 404
    assert not SessionResponse.objects.exists()

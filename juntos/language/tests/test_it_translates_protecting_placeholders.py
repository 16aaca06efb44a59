"""Placeholders never reach a machine translator: they are protected, restored, then filled."""

from __future__ import annotations

from typing import Any

import pytest

from juntos.language import pipeline
from juntos.language.models import MessageTemplate, Method, Status, TranslationMemory
from juntos.language.pipeline import MissingPlaceholderError, TranslationPolicy
from juntos.language.providers import DeepL, LibreTranslate
from juntos.testing.translation_servers import DeepLServer, LibreTranslateServer


@pytest.fixture
def template(db: Any) -> MessageTemplate:
    # A template with no translation at all: every language goes through the pipeline.
    return MessageTemplate.objects.create(
        key="test.field_trip",
        kind=MessageTemplate.Kind.EVENT,
        source_text="{student} goes to the museum on {date}. Questions? Ask {teacher}.",
    )


CONTEXT = {"student": "Ana Lopez", "date": "May 2", "teacher": "Mr. Brown"}


def test_libretranslate_sees_tokens_and_the_family_sees_values(template: MessageTemplate) -> None:
    with LibreTranslateServer() as server:
        policy = TranslationPolicy(provider=LibreTranslate(url=server.url))
        rendition = pipeline.render_template(template.key, "es", CONTEXT, district_policy=policy)
    [sent] = server.requests[0]["q"]
    assert sent == "[[0]] goes to the museum on [[1]]. Questions? Ask [[2]]."
    assert "Ana" not in sent and "{" not in sent
    assert rendition.method == Method.MACHINE
    assert rendition.machine_notice
    assert rendition.template_key == template.key
    assert rendition.text == "[es] Ana Lopez GOES TO THE MUSEUM ON May 2. QUESTIONS? ASK Mr. Brown."
    # What is remembered is the template's translation, placeholders intact, shared by districts.
    remembered = TranslationMemory.objects.get(pk=rendition.memory_id or 0)
    assert remembered.district_id is None
    assert remembered.target_text == (
        "[es] {student} GOES TO THE MUSEUM ON {date}. QUESTIONS? ASK {teacher}."
    )


def test_deepl_sees_markup_it_keeps(template: MessageTemplate) -> None:
    with DeepLServer() as server:
        policy = TranslationPolicy(provider=DeepL(auth_key="test-key:fx", api_url=server.url))
        rendition = pipeline.render_template(template.key, "fr", CONTEXT, district_policy=policy)
    [sent] = server.requests[0]["text"]
    assert sent == '<x i="0"/> goes to the museum on <x i="1"/>. Questions? Ask <x i="2"/>.'
    assert rendition.text == "[fr] Ana Lopez GOES TO THE MUSEUM ON May 2. QUESTIONS? ASK Mr. Brown."


class DamagingServer(LibreTranslateServer):
    """An engine that "translates" the tokens too, as a careless one might."""

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        status, payload, extra = super().handle(method, path, headers, body)
        if path == "/translate" and status == 200:
            payload["translatedText"] = [
                text.replace("[[1]]", "[[uno]]") for text in payload["translatedText"]
            ]
        return status, payload, extra


def test_a_damaged_placeholder_sends_the_text_to_people(template: MessageTemplate) -> None:
    with DamagingServer() as server:
        policy = TranslationPolicy(provider=LibreTranslate(url=server.url))
        rendition = pipeline.render_template(template.key, "es", CONTEXT, district_policy=policy)
    assert rendition.needs_human
    assert rendition.provider_error == "permanent"
    assert not TranslationMemory.objects.exists()


def test_a_translated_sentence_inside_a_template_carries_its_label(db: Any) -> None:
    with LibreTranslateServer() as server:
        policy = TranslationPolicy(provider=LibreTranslate(url=server.url))
        sentence = pipeline.translate(
            "She read to the class today.", source="en", target="es", district_policy=policy
        )
    note = pipeline.render_template(
        "progress_note.positive",
        "es",
        {"student": "Ana", "teacher": "Ms. Ruiz", "sentence": sentence},
    )
    assert note.method == Method.TEMPLATE
    assert note.machine_notice
    assert note.status == Status.DRAFT
    assert note.text == (
        "Buenas noticias sobre Ana de parte de Ms. Ruiz: [es] SHE READ TO THE CLASS TODAY."
    )


def test_values_are_inserted_once_and_never_read_as_placeholders(db: Any) -> None:
    rendition = pipeline.render_template(
        "general.reply_received", "en", {"teacher": "{student} the {teacher}"}
    )
    assert rendition.text == (
        "Thank you, we received your message. {student} the {teacher} will reply soon."
    )


def test_a_missing_value_is_an_error_not_a_brace_sent_to_a_family(db: Any) -> None:
    with pytest.raises(MissingPlaceholderError):
        pipeline.render_template("general.reply_received", "es", {})

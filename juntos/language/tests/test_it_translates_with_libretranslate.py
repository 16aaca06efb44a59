"""Machine translation through a LibreTranslate server (a local one speaking its protocol)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from juntos.language import pipeline
from juntos.language.models import Method, Status, TranslationMemory
from juntos.language.pipeline import TranslationPolicy
from juntos.language.providers import LibreTranslate, get_provider
from juntos.testing.translation_servers import LibreTranslateServer, fake_translation

SENTENCE = "Ana read her first chapter book today!"


@pytest.fixture
def libre(settings: Any) -> Iterator[LibreTranslateServer]:
    with LibreTranslateServer(api_key="secret") as server:
        settings.TRANSLATION_PROVIDER = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.LIBRETRANSLATE_API_KEY = "secret"
        yield server


def test_machine_translation_is_off_unless_configured(db: Any) -> None:
    assert get_provider() is None
    rendition = pipeline.translate(SENTENCE, source="en", target="es")
    assert rendition.needs_human
    assert rendition.text == SENTENCE
    assert rendition.language == "en"
    assert rendition.requested_language == "es"


def test_it_translates_and_labels_the_result_as_machine_made(
    world: Any, libre: LibreTranslateServer
) -> None:
    policy = TranslationPolicy.for_district(world.district)
    rendition = pipeline.translate(SENTENCE, source="en", target="es", district_policy=policy)

    assert rendition.text == fake_translation(SENTENCE, "es")
    assert rendition.method == Method.MACHINE
    assert rendition.status == Status.DRAFT
    assert rendition.machine_notice
    assert rendition.provider == "libretranslate"
    assert not rendition.needs_human
    assert libre.requests == [
        {"q": [SENTENCE], "source": "en", "target": "es", "format": "text", "api_key": "secret"}
    ]
    remembered = TranslationMemory.objects.get(pk=rendition.memory_id or 0)
    assert remembered.method == Method.MACHINE
    assert remembered.status == Status.DRAFT
    assert remembered.district_id == world.district.pk
    assert pipeline.text_with_notice(rendition).endswith(
        "Este mensaje fue traducido por computadora. Responda para pedir un intérprete."
    )

    # The second time, the memory answers and the server is not asked; the label stays.
    again = pipeline.translate(SENTENCE, source="en", target="es", district_policy=policy)
    assert len(libre.requests) == 1
    assert again.method == Method.MEMORY
    assert again.origin_method == Method.MACHINE
    assert again.machine_notice
    assert again.text == rendition.text


def test_it_uses_the_servers_code_for_chinese(world: Any, libre: LibreTranslateServer) -> None:
    rendition = pipeline.translate(SENTENCE, source="en", target="zh")
    assert rendition.method == Method.MACHINE
    assert libre.requests[-1]["target"] == "zh-Hans"


@pytest.mark.parametrize("language", ["so", "ht", "hmn", "ps"])
def test_languages_the_server_lacks_go_to_people(
    db: Any, libre: LibreTranslateServer, language: str
) -> None:
    rendition = pipeline.translate(SENTENCE, source="en", target=language)
    assert rendition.needs_human
    assert libre.requests == []


def test_dari_is_not_sent_to_the_persian_model(db: Any, libre: LibreTranslateServer) -> None:
    rendition = pipeline.translate(SENTENCE, source="en", target="fa-AF")
    assert rendition.needs_human
    assert libre.requests == []


def test_a_refused_key_sends_the_text_to_people(db: Any, settings: Any) -> None:
    with LibreTranslateServer(api_key="the-right-one") as server:
        settings.TRANSLATION_PROVIDER = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.LIBRETRANSLATE_API_KEY = "a-wrong-one"
        rendition = pipeline.translate(SENTENCE, source="en", target="es")
    assert rendition.needs_human
    assert rendition.provider_error == "permanent"
    assert not TranslationMemory.objects.exists()


def test_a_busy_server_is_tried_again_then_left_to_people(db: Any) -> None:
    with LibreTranslateServer() as server:
        provider = LibreTranslate(url=server.url, retries=1, backoff=0.01)
        policy = TranslationPolicy(provider=provider)

        server.fail_next(429)
        recovered = pipeline.translate(SENTENCE, source="en", target="es", district_policy=policy)
        assert recovered.method == Method.MACHINE
        assert len(server.requests) == 2

        server.fail_next(429, times=2)
        busy = pipeline.translate(
            "See you tonight.", source="en", target="es", district_policy=policy
        )
        assert busy.needs_human
        assert busy.provider_error == "transient"


def test_an_unreachable_server_leaves_the_text_to_people(db: Any) -> None:
    with LibreTranslateServer() as server:
        url = server.url
    # The server is gone: nothing listens on that port any more.
    policy = TranslationPolicy(provider=LibreTranslate(url=url, retries=0, timeout=2))
    rendition = pipeline.translate(SENTENCE, source="en", target="es", district_policy=policy)
    assert rendition.needs_human
    assert rendition.provider_error == "transient"

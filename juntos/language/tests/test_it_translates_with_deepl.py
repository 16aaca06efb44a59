"""Machine translation through DeepL (a local server speaking the DeepL API protocol)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from juntos.language import pipeline
from juntos.language.models import Method, Status
from juntos.language.pipeline import TranslationPolicy
from juntos.language.providers import DeepL, get_provider
from juntos.testing.translation_servers import DeepLServer, fake_translation

SENTENCE = "Minh helped a classmate with fractions."


@pytest.fixture
def deepl(settings: Any) -> Iterator[DeepLServer]:
    with DeepLServer(auth_key="test-key:fx") as server:
        settings.TRANSLATION_PROVIDER = "deepl"
        settings.DEEPL_AUTH_KEY = "test-key:fx"
        settings.DEEPL_API_URL = server.url
        yield server


def test_it_sends_the_request_deepl_documents(world: Any, deepl: DeepLServer) -> None:
    rendition = pipeline.translate(
        SENTENCE,
        source="en",
        target="vi",
        district_policy=TranslationPolicy.for_district(world.district),
    )
    assert rendition.method == Method.MACHINE
    assert rendition.status == Status.DRAFT
    assert rendition.machine_notice
    assert rendition.provider == "deepl"
    assert rendition.text == fake_translation(SENTENCE, "vi")
    assert deepl.headers[0]["authorization"] == "DeepL-Auth-Key test-key:fx"
    assert deepl.headers[0]["content-type"] == "application/json"
    assert deepl.requests == [
        {"text": [SENTENCE], "source_lang": "EN", "target_lang": "VI", "tag_handling": "xml"}
    ]


@pytest.mark.parametrize(
    ("language", "code"), [("pt", "PT-BR"), ("zh", "ZH-HANS"), ("es-MX", "ES"), ("uk", "UK")]
)
def test_it_names_target_variants_as_deepl_does(
    db: Any, deepl: DeepLServer, language: str, code: str
) -> None:
    assert pipeline.translate(SENTENCE, source="en", target=language).method == Method.MACHINE
    assert deepl.requests[-1]["target_lang"] == code


def test_source_languages_carry_no_variant(db: Any, deepl: DeepLServer) -> None:
    rendition = pipeline.translate("Gracias por venir.", source="es-MX", target="en")
    assert rendition.method == Method.MACHINE
    assert deepl.requests[-1]["source_lang"] == "ES"
    assert deepl.requests[-1]["target_lang"] == "EN-US"


@pytest.mark.parametrize("language", ["so", "ht", "fa-AF", "ps", "tl", "hmn"])
def test_languages_deepl_does_not_translate_go_to_people(
    db: Any, deepl: DeepLServer, language: str
) -> None:
    rendition = pipeline.translate(SENTENCE, source="en", target=language)
    assert rendition.needs_human
    assert deepl.requests == []


def test_text_that_looks_like_markup_survives(db: Any, deepl: DeepLServer) -> None:
    text = "Bring scissors & glue <not tape> for {student}."
    provider = get_provider()
    assert provider is not None
    [translated] = provider.translate([text], "en", "es")
    assert deepl.requests[0]["text"] == [
        'Bring scissors &amp; glue &lt;not tape&gt; for <x i="0"/>.'
    ]
    assert translated == "[es] BRING SCISSORS & GLUE <NOT TAPE> FOR {student}."


def test_a_refused_key_is_a_permanent_failure(db: Any, settings: Any) -> None:
    with DeepLServer(auth_key="the-right-key") as server:
        settings.TRANSLATION_PROVIDER = "deepl"
        settings.DEEPL_AUTH_KEY = "a-wrong-key"
        settings.DEEPL_API_URL = server.url
        rendition = pipeline.translate(SENTENCE, source="en", target="es")
    assert rendition.needs_human
    assert rendition.provider_error == "permanent"


@pytest.mark.parametrize(
    ("status", "kind"), [(429, "transient"), (503, "transient"), (456, "permanent")]
)
def test_rate_limits_and_quota_are_told_apart(db: Any, status: int, kind: str) -> None:
    with DeepLServer() as server:
        policy = TranslationPolicy(
            provider=DeepL(auth_key="test-key:fx", api_url=server.url, retries=0)
        )
        server.fail_next(status)
        rendition = pipeline.translate(SENTENCE, source="en", target="es", district_policy=policy)
    assert rendition.needs_human
    assert rendition.provider_error == kind


def test_it_picks_the_free_or_pro_endpoint_from_the_key() -> None:
    assert DeepL(auth_key="abc:fx").endpoint == "https://api-free.deepl.com/v2/translate"
    assert DeepL(auth_key="abc").endpoint == "https://api.deepl.com/v2/translate"
    assert (
        DeepL(auth_key="abc", api_url="https://api.deepl.com/v2/translate").endpoint
        == "https://api.deepl.com/v2/translate"
    )

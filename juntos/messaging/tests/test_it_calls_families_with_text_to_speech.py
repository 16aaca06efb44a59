"""It calls families and reads the message in their language, or says it cannot."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from juntos.language.registry import DEMO_LANGUAGES
from juntos.messaging.channels.base import OutboundMessage, Outcome
from juntos.messaging.channels.voice import (
    NO_TTS_FOR_LANGUAGE,
    TTS_VOICES,
    TwilioVoiceAdapter,
    build_twiml,
    tts_voice,
)
from juntos.messaging.tests.conftest import FROM_NUMBER
from juntos.testing.twilio_sink import TwilioSink

TO = "+15551230001"
NO_TWILIO_VOICE = {"so", "ht", "fa-AF", "ps", "hmn"}

SAMPLES = {
    "en": "School is closed tomorrow because of snow.",
    "es": "Mañana no hay clases por la nieve.",
    "ar": "المدرسة مغلقة غدًا بسبب الثلج.",
    "vi": "Ngày mai trường đóng cửa vì tuyết.",
    "zh": "明天因下雪学校停课。",
    "pt": "A escola estará fechada amanhã por causa da neve.",
    "ru": "Завтра школа закрыта из-за снега.",
    "uk": "Завтра школа зачинена через сніг.",
    "tl": "Sarado ang paaralan bukas dahil sa niyebe.",
    "ko": "내일은 눈 때문에 휴교합니다.",
    "fr": "L'école est fermée demain à cause de la neige.",
}


def call(body: str, language: str, **kwargs: Any) -> OutboundMessage:
    fields: dict[str, Any] = {"idempotency_key": "delivery-1", "to": TO} | kwargs
    return OutboundMessage(language=language, body=body, **fields)


def says(twiml: str) -> list[ET.Element]:
    root = ET.fromstring(twiml)  # noqa: S314 - our own output
    assert root.tag == "Response"
    return list(root)


def test_it_knows_which_of_our_languages_twilio_can_speak() -> None:
    spoken = {code for code in DEMO_LANGUAGES if tts_voice(code) is not None}
    assert set(DEMO_LANGUAGES) - spoken == NO_TWILIO_VOICE
    assert spoken == set(SAMPLES)
    # Each voice belongs to its language's locale (Twilio rejects a mismatched pair).
    for language, voice in TTS_VOICES.values():
        assert voice.startswith(f"Google.{language}-")


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("es-MX", "es-US"),
        ("pt-PT", "pt-PT"),
        ("zh-TW", "cmn-TW"),
        ("fil", "fil-PH"),
        ("fa", None),
        ("xx-invalid-", None),
    ],
)
def test_it_picks_the_nearest_voice_for_a_regional_tag(tag: str, locale: str | None) -> None:
    found = tts_voice(tag)
    assert (found[0] if found else None) == locale


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_it_says_the_message_twice_in_the_familys_language(
    twilio_settings: Any, twilio_sink: TwilioSink, language: str
) -> None:
    result = TwilioVoiceAdapter().send(
        call(SAMPLES[language], language, status_callback="https://juntos.example.org/cb")
    )

    assert result.outcome == Outcome.SENT
    assert re.fullmatch(r"CA[0-9a-f]{32}", result.provider_id)
    [placed] = twilio_sink.calls
    assert (placed.to, placed.from_, placed.url) == (TO, FROM_NUMBER, "")
    assert placed.status_callback == "https://juntos.example.org/cb"
    first, pause, second = says(placed.twiml)
    locale, voice = TTS_VOICES[language]
    for say in (first, second):
        assert say.tag == "Say"
        assert say.attrib == {"language": locale, "voice": voice}
        assert say.text == SAMPLES[language]
    assert pause.tag == "Pause"


def test_it_escapes_the_text_for_xml() -> None:
    text = 'Bring <snacks> & "water" for Tom\'s class; 5 > 3'
    twiml = build_twiml(text, language="en-US", voice="Google.en-US-Standard-C")

    assert "&lt;snacks&gt; &amp;" in twiml
    assert [say.text for say in says(twiml) if say.tag == "Say"] == [text, text]


def test_it_drops_characters_xml_cannot_carry() -> None:
    twiml = build_twiml("Bell\x07 rings\x00 at 8", language="en-US", voice="v")
    assert says(twiml)[0].text == "Bell rings at 8"


@pytest.mark.parametrize("language", sorted(NO_TWILIO_VOICE))
def test_it_fails_at_once_where_twilio_has_no_voice_so_a_liaison_calls(
    twilio_settings: Any, twilio_sink: TwilioSink, language: str
) -> None:
    result = TwilioVoiceAdapter().send(call("Waalidiinta: kulanka waa berri.", language))

    assert result.outcome == Outcome.FAILED
    assert result.error == NO_TTS_FOR_LANGUAGE
    assert twilio_sink.calls == []


def test_it_says_a_long_message_once_and_refuses_one_too_long_for_twilio(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    adapter = TwilioVoiceAdapter()
    long_text = "La reunión es el jueves. " * 80  # 2,000 characters: too long to say twice
    too_long = "x" * 4000

    once = adapter.send(call(long_text, "es"))
    refused = adapter.send(call(too_long, "es"))

    assert once.outcome == Outcome.SENT
    [placed] = twilio_sink.calls
    assert [e.tag for e in says(placed.twiml)] == ["Say"]
    assert len(placed.twiml) <= 4000
    assert (refused.outcome, refused.error) == (Outcome.FAILED, "voice_message_too_long")


def test_it_maps_twilio_errors_like_sms(twilio_settings: Any, twilio_sink: TwilioSink) -> None:
    twilio_sink.fail_next(1, status=503)
    adapter = TwilioVoiceAdapter()

    down = adapter.send(call("Hello", "en"))
    invalid = adapter.send(call("Hello", "en", to="12"))

    assert down.outcome == Outcome.RETRY
    assert invalid.outcome == Outcome.FAILED
    assert invalid.error.startswith("twilio:21211 ")


def test_it_calls_from_the_voice_number_when_one_is_set(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    twilio_settings.TWILIO_VOICE_FROM_NUMBER = "+15005550009"

    TwilioVoiceAdapter().send(call("Hello", "en"))

    assert twilio_sink.calls[0].from_ == "+15005550009"

"""Voice calls through Twilio's Calls API, speaking the message with Twilio's text-to-speech.

The call carries its TwiML inline (no URL of ours for Twilio to fetch): the message is said
once, a pause, and said again, because a recorded call is often picked up mid-sentence.

Twilio's ``<Say>`` has no voice for 5 of the demo district's 16 languages: Somali, Haitian
Creole, Dari, Pashto and Hmong. Those deliveries fail at once with ``no_tts_for_language`` so
the worker routes them to the liaison call list, where a person who speaks the language calls
(docs/channels.md). Reading the text in another language's voice would be worse than no call.

Settings: as for SMS, plus ``TWILIO_VOICE_FROM_NUMBER`` (a voice-capable number; defaults to
``TWILIO_FROM_NUMBER``). Twilio's Calls API takes no idempotency key either.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException
from twilio.twiml.voice_response import VoiceResponse

from juntos.language import registry as languages
from juntos.messaging.channels.base import OutboundMessage, Outcome, SendResult
from juntos.messaging.channels.sms import result_for_twilio_error, twilio_client

logger = logging.getLogger(__name__)

NO_TTS_FOR_LANGUAGE = "no_tts_for_language"
MESSAGE_TOO_LONG = "voice_message_too_long"

# Twilio refuses inline TwiML longer than this (error 32018).
TWIML_LIMIT = 4000
PAUSE_SECONDS = 2

# Our language tag → (Twilio's ``language`` attribute, a Twilio-supported voice). Google
# Standard voices throughout: one provider, one price, and they cover more of our languages
# than Polly (Vietnamese, Ukrainian, Filipino). A regional tag is looked up first, then its
# language (``es-MX`` → ``es``). Checked against Twilio's text-to-speech voice list; Twilio
# changes it, so re-check when adding a language.
TTS_VOICES: dict[str, tuple[str, str]] = {
    "en": ("en-US", "Google.en-US-Standard-C"),
    "es": ("es-US", "Google.es-US-Standard-A"),
    "ar": ("ar-XA", "Google.ar-XA-Standard-A"),
    "vi": ("vi-VN", "Google.vi-VN-Standard-A"),
    "zh": ("cmn-CN", "Google.cmn-CN-Standard-A"),
    "zh-TW": ("cmn-TW", "Google.cmn-TW-Standard-A"),
    "zh-Hant": ("cmn-TW", "Google.cmn-TW-Standard-A"),
    "pt": ("pt-BR", "Google.pt-BR-Standard-B"),
    "pt-PT": ("pt-PT", "Google.pt-PT-Standard-A"),
    "ru": ("ru-RU", "Google.ru-RU-Standard-A"),
    "uk": ("uk-UA", "Google.uk-UA-Standard-A"),
    "tl": ("fil-PH", "Google.fil-PH-Standard-A"),
    "ko": ("ko-KR", "Google.ko-KR-Standard-A"),
    "fr": ("fr-FR", "Google.fr-FR-Standard-A"),
    "fr-CA": ("fr-CA", "Google.fr-CA-Standard-A"),
}

# Characters XML 1.0 forbids even when escaped; a stray one would make Twilio reject the call.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def tts_voice(language: str) -> tuple[str, str] | None:
    """Twilio's (language, voice) for a BCP 47 tag, or None when Twilio cannot speak it."""
    try:
        code = languages.normalize(language)
    except languages.InvalidLanguage:
        return None
    return TTS_VOICES.get(code) or TTS_VOICES.get(code.split("-")[0])


def build_twiml(text: str, *, language: str, voice: str, repeat: bool = True) -> str:
    """``<Response><Say>text</Say><Pause/><Say>text</Say></Response>``, escaped by the builder."""
    clean = _NOT_XML.sub("", text)
    response: Any = VoiceResponse()
    response.say(clean, language=language, voice=voice)
    if repeat:
        response.pause(length=PAUSE_SECONDS)
        response.say(clean, language=language, voice=voice)
    return str(response)


class TwilioVoiceAdapter:
    """Places one call per send; like SMS, only the worker's claim prevents a second call."""

    name = "twilio_voice"

    def __init__(self, client: Any | None = None) -> None:
        self._client = client if client is not None else twilio_client()
        self._from_number: str = getattr(settings, "TWILIO_VOICE_FROM_NUMBER", "") or getattr(
            settings, "TWILIO_FROM_NUMBER", ""
        )
        if not self._from_number:
            raise ValueError("Twilio voice needs TWILIO_VOICE_FROM_NUMBER or TWILIO_FROM_NUMBER")

    def send(self, message: OutboundMessage) -> SendResult:
        spoken = tts_voice(message.language)
        if spoken is None:
            return SendResult(outcome=Outcome.FAILED, error=NO_TTS_FOR_LANGUAGE)
        language, voice = spoken
        twiml = build_twiml(message.body, language=language, voice=voice)
        if len(twiml) > TWIML_LIMIT:
            # Saying it once is better than not calling; a text too long even once needs a
            # person (or another channel), not a truncated message.
            twiml = build_twiml(message.body, language=language, voice=voice, repeat=False)
        if len(twiml) > TWIML_LIMIT:
            return SendResult(outcome=Outcome.FAILED, error=MESSAGE_TOO_LONG)
        optional: dict[str, str] = (
            {"status_callback": message.status_callback} if message.status_callback else {}
        )
        try:
            call = self._client.calls.create(
                to=message.to, from_=self._from_number, twiml=twiml, **optional
            )
        except (TwilioException, requests.RequestException) as error:
            result = result_for_twilio_error(error)
            logger.info(
                "call %s not placed: %s (%s)", message.idempotency_key, result.outcome, result.error
            )
            return result
        return SendResult(outcome=Outcome.SENT, provider_id=str(call.sid))

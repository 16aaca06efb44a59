"""Which adapter sends a channel's messages, chosen from settings.

| channel | provider adapter, when configured                    | otherwise     |
|---------|------------------------------------------------------|---------------|
| sms     | Twilio, when ``TWILIO_ACCOUNT_SID`` is set           | local outbox  |
| voice   | Twilio, when ``TWILIO_ACCOUNT_SID`` and a voice number are set | local outbox |
| email   | Django email, when ``EMAIL_URL`` or ``EMAIL_BACKEND`` is set | local outbox |

Paper is not here yet: it is another adapter, added beside these. An adapter holds a provider
client (with its connection pool): take one per batch of deliveries, not one per message.
"""

from __future__ import annotations

from django.conf import settings

from juntos.messaging.channels.base import ChannelAdapter
from juntos.messaging.channels.email import DjangoEmailAdapter
from juntos.messaging.channels.outbox import OutboxAdapter
from juntos.messaging.channels.sms import TwilioSmsAdapter
from juntos.messaging.channels.voice import TwilioVoiceAdapter

CHANNELS = ("sms", "voice", "email")


class UnknownChannel(LookupError):  # noqa: N818 - reads as a sentence: raise UnknownChannel
    """No adapter is known for that channel name."""


def _twilio_configured() -> bool:
    return bool(getattr(settings, "TWILIO_ACCOUNT_SID", ""))


def _email_configured() -> bool:
    # is_overridden: set by the settings module, not by Django's default or the test runner.
    # It is public Django API that django-stubs leaves out of LazySettings.
    explicit_backend: bool = settings.is_overridden("EMAIL_BACKEND")  # type: ignore[misc]
    return bool(getattr(settings, "EMAIL_URL", "")) or explicit_backend


def adapter_for(channel_name: str) -> ChannelAdapter:
    """The adapter that sends ``channel_name`` messages with the current settings."""
    if channel_name == "sms":
        return TwilioSmsAdapter() if _twilio_configured() else OutboxAdapter("sms")
    if channel_name == "voice":
        voice_number = getattr(settings, "TWILIO_VOICE_FROM_NUMBER", "") or getattr(
            settings, "TWILIO_FROM_NUMBER", ""
        )
        if _twilio_configured() and voice_number:
            return TwilioVoiceAdapter()
        return OutboxAdapter("voice")
    if channel_name == "email":
        return DjangoEmailAdapter() if _email_configured() else OutboxAdapter("email")
    raise UnknownChannel(f"no adapter for channel {channel_name!r}")

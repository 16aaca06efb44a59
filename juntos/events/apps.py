from __future__ import annotations

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "juntos.events"
    label = "events"

    def ready(self) -> None:
        # SMS answers to invitations ("1", "sí") are claimed before they reach the inbox;
        # anything else stays a conversation message (juntos/messaging/replies.py).
        from juntos.events.answers import awaits_answer, handle_reply
        from juntos.messaging.replies import register_reply_handler

        register_reply_handler(handle_reply, awaits=awaits_answer)

from __future__ import annotations

from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "juntos.listening"
    label = "listening"

    def ready(self) -> None:
        # SMS ideas and 1/2/3 reactions to an open idea exchange are claimed before they reach
        # the inbox; anything else stays a conversation message (juntos/messaging/replies.py).
        from juntos.listening.answers import awaits_idea, handle_reply
        from juntos.messaging.replies import register_reply_handler

        register_reply_handler(handle_reply, awaits=awaits_idea)

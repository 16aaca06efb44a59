from __future__ import annotations

from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "juntos.teams"
    label = "teams"

    def ready(self) -> None:
        # A text "1" to "5" after a meeting answers the felt-heard pulse (answers.py).
        from juntos.messaging.replies import register_reply_handler
        from juntos.teams.answers import awaits_answer, handle_reply

        register_reply_handler(handle_reply, awaits=awaits_answer)

from __future__ import annotations

from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "juntos.conferences"
    label = "conferences"

    def ready(self) -> None:
        from juntos.conferences.replies import awaits_offer_answer, handle_offer_answer
        from juntos.messaging.replies import register_reply_handler

        register_reply_handler(handle_offer_answer, awaits=awaits_offer_answer)

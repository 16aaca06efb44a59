from __future__ import annotations

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "juntos.messaging"
    label = "messaging"

    def ready(self) -> None:
        # A completed human translation releases what waited for it. Language calls back
        # through this registry so that it never imports messaging (messaging imports it).
        from juntos.language.actions import register_release_task
        from juntos.messaging.actions import WAITING_KINDS
        from juntos.messaging.tasks import release_held_translation

        for kind in WAITING_KINDS:
            register_release_task(kind, release_held_translation)

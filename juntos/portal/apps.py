from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "juntos.portal"
    label = "portal"

    def ready(self) -> None:
        # A lone LINK (ENLACE, LIEN…) texted by a family sends a new sign-in link
        # (juntos/portal/replies.py).
        from juntos.messaging.replies import register_reply_handler
        from juntos.portal.replies import handle_link_request

        register_reply_handler(handle_link_request)

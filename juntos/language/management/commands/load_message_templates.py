"""``manage.py load_message_templates``: load the message template library into the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from juntos.language.actions import do_load_message_templates


class Command(BaseCommand):
    help = (
        "Load the message templates and their translations from juntos/language/library. Safe "
        "to run again: new texts are added, drafts are updated, and translations a liaison "
        "approved or corrected are never overwritten."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = do_load_message_templates()
        self.stdout.write(f"Message templates loaded: {report}.")

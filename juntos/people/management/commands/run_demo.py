"""Serve the demo: the web server on 127.0.0.1 plus the embedded worker, in one process."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from juntos.worker import start_embedded_worker


class Command(BaseCommand):
    help = "Start the demo web server with the in-process worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.JUNTOS_TASK_RUNNER != "thread":
            self.stderr.write("Note: REDIS_URL is set, so tasks go to Celery workers.")
        start_embedded_worker()
        self.stdout.write(
            f"Juntos demo: http://{options['host']}:{options['port']}/  (Ctrl-C stops it)"
        )
        call_command(
            "runserver",
            f"{options['host']}:{options['port']}",
            use_reloader=False,
            use_threading=True,
        )

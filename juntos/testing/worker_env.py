"""The environment of a real Celery worker started by a test, as its own process.

It shares the test's PostgreSQL database and Redis, listens on its own queue (so that tests
running side by side never take each other's tasks), and sends through the local provider
sinks the test started.
"""

from __future__ import annotations

import os

from django.db import connection

from juntos.testing.twilio_sink import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN


def worker_env(
    *, queue: str, redis_url: str, twilio_url: str, email_url: str = "", **extra: str
) -> dict[str, str]:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "juntos.settings",
        "JUNTOS_TASK_RUNNER": "celery",
        "TWILIO_ACCOUNT_SID": DEFAULT_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": DEFAULT_AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+15005550006",
        "TWILIO_MESSAGING_SERVICE_SID": "",
        "TWILIO_API_BASE": twilio_url,
        "EMAIL_URL": email_url,
        "TRANSLATION_PROVIDER": "",
        **extra,
    }

"""Celery application.

Celery is used only when ``REDIS_URL`` is set (see ``juntos.tasks``); the embedded default runs
the same task functions in a background thread of the web process.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juntos.settings")

app = Celery("juntos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from __future__ import annotations

from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "juntos.conferences"
    label = "conferences"

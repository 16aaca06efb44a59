from __future__ import annotations

from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "juntos.listening"
    label = "listening"

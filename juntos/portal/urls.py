from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401 - paths are added as pages land

app_name = "portal"

urlpatterns: list[URLPattern] = []

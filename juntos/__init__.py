"""Juntos: school-family partnership platform."""

from __future__ import annotations

from juntos.celery import app as celery_app

__all__ = ["celery_app"]

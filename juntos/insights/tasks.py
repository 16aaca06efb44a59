"""Background tasks of insights: thin wrappers that call an action."""

from __future__ import annotations

from juntos.celery import app


@app.task(name="insights.send_weekly_digests")
def send_weekly_digests() -> int:
    """Monday's digest to school leaders (beat: hourly; sends once a week per leader)."""
    from juntos.insights.digest import do_send_weekly_digests

    return do_send_weekly_digests()

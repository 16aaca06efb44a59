"""Background tasks of teams: thin wrappers that call an action."""

from __future__ import annotations

from juntos.celery import app


@app.task(name="teams.remind_charter_reviews")
def remind_charter_reviews() -> int:
    """Remind cochairs of charter reviews that have come due (beat: hourly; safe to run twice:
    each team is claimed once per review date)."""
    from juntos.teams.actions import do_remind_charter_reviews

    return do_remind_charter_reviews()

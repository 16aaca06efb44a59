"""Background tasks of conferences: thin wrappers that call an action."""

from __future__ import annotations

from juntos.celery import app


@app.task(name="conferences.send_reminders")
def send_conference_reminders() -> int:
    """Remind families of tomorrow's meetings (beat: every 15 minutes; safe to run twice: each
    booking is claimed once)."""
    from juntos.conferences.actions import do_send_conference_reminders

    return do_send_conference_reminders()

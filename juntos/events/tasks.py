"""Background tasks of events: thin wrappers that call an action."""

from __future__ import annotations

from juntos.celery import app


@app.task(name="events.send_reminders")
def send_event_reminders() -> int:
    """Remind families who said yes, the day before (beat: every 15 minutes; safe to run
    twice: each answer is claimed once)."""
    from juntos.events.actions import do_send_event_reminders

    return do_send_event_reminders()

"""Background tasks of messaging: thin wrappers that take ids and call an action."""

from __future__ import annotations

from juntos.celery import app


@app.task(name="messaging.send_deliveries")
def send_deliveries(ids: list[int]) -> None:
    """Send a chunk of deliveries (safe to run twice: the claim lets one run send each row)."""
    from juntos.messaging.actions import do_send_deliveries

    do_send_deliveries(ids=ids)


@app.task(name="messaging.sweep_deliveries")
def sweep_deliveries() -> None:
    """Re-queue deliveries whose time has come and reclaim those stuck in sending."""
    from juntos.messaging.actions import do_sweep_deliveries

    do_sweep_deliveries()


@app.task(name="messaging.release_held_translation")
def release_held_translation(request_id: int) -> None:
    """Send what waited for a human translation (safe to run twice: nothing is held after)."""
    from juntos.messaging.actions import do_release_held_translation

    do_release_held_translation(request_id=request_id)


@app.task(name="messaging.send_due_announcements")
def send_due_announcements() -> None:
    """Send the scheduled announcements whose time has come (beat: every minute)."""
    from juntos.messaging.actions import do_send_due_announcements

    do_send_due_announcements()


# --- The inbox: follow-up flags and staff notices ---------------------------------------------


@app.task(name="messaging.flag_unanswered")
def flag_unanswered() -> None:
    """Flag family messages unanswered past their school's follow-up target (safe to run
    twice: each flag is set by a conditional UPDATE, and only the run that sets it notifies)."""
    from juntos.messaging.inbox_actions import do_flag_unanswered

    do_flag_unanswered()


@app.task(name="messaging.notify_staff")
def notify_staff(notice: str, conversation_id: int, staff_ids: list[int], key: str) -> None:
    """Email a staff notice about one conversation (at most once per ``key`` and person)."""
    from juntos.messaging.inbox_actions import do_send_staff_notice

    do_send_staff_notice(
        notice=notice, conversation_id=conversation_id, staff_ids=staff_ids, key=key
    )

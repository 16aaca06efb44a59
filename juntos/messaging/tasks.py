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

"""Background tasks of commitments: thin wrappers over actions."""

from __future__ import annotations

from juntos.celery import app


@app.task(name="commitments.send_update")
def send_commitment_update(change_id: int) -> int:
    """Tell the families cited by a commitment about one status change (safe to repeat: the
    change is claimed once)."""
    from juntos.commitments.actions import do_send_commitment_update

    return do_send_commitment_update(change_id=change_id)

"""Background tasks of the people app: thin wrappers that load by id and call an action."""

from __future__ import annotations

from juntos.celery import app


@app.task(name="people.run_roster_import")
def run_roster_import(run_id: int) -> None:
    """Run a OneRoster import recorded by ``do_start_roster_import`` (safe to run twice)."""
    from juntos.people.actions import do_run_roster_import

    do_run_roster_import(run_id=run_id)


@app.task(name="people.sweep_roster_imports")
def sweep_roster_imports() -> None:
    """Restart roster imports whose worker died (the embedded runner calls the same action)."""
    from juntos.people.actions import do_sweep_roster_imports

    do_sweep_roster_imports()

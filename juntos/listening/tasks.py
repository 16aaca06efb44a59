"""Background tasks of idea exchanges: thin wrappers over actions."""

from __future__ import annotations

from juntos.celery import app


@app.task(name="listening.close_due_exchanges")
def close_due_exchanges() -> int:
    """Close the open exchanges whose closing time has passed (safe to repeat)."""
    from juntos.listening.actions import do_close_due_exchanges

    return do_close_due_exchanges()


@app.task(name="listening.render_idea")
def render_idea(idea_id: int) -> int:
    """Translate an approved idea into its readers' languages ahead of them (safe to repeat)."""
    from juntos.listening.actions import do_render_idea_for_readers

    return do_render_idea_for_readers(idea_id=idea_id)

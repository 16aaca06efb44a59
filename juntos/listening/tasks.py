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


@app.task(name="listening.compute_opinion_groups")
def compute_opinion_groups(run_id: int) -> bool:
    """Compute and store a pending opinion run (a run already claimed is left alone)."""
    from juntos.listening.analysis import do_compute_opinion_groups

    return do_compute_opinion_groups(run_id=run_id)


@app.task(name="listening.compute_themes")
def compute_themes(run_id: int) -> bool:
    """Compute and store a pending theme run (a run already claimed is left alone)."""
    from juntos.listening.analysis import do_compute_themes

    return do_compute_themes(run_id=run_id)


@app.task(name="listening.refresh_analyses")
def refresh_analyses() -> int:
    """Requeue stuck runs; recompute opinion groups of exchanges with many new reactions."""
    from juntos.listening.analysis import do_refresh_analyses

    return do_refresh_analyses()

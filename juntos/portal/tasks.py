"""Background tasks of the family portal: thin wrappers over actions."""

from __future__ import annotations

from juntos.celery import app


@app.task(name="portal.forget_magic_links")
def forget_magic_links() -> None:
    """Scrub the tokens of used and expired links from stored message text (safe to repeat)."""
    from juntos.portal.actions import do_forget_magic_links

    do_forget_magic_links()

"""A web address inside an Arabic, Dari, Pashto or Urdu message is isolated as left-to-right, so
a phone shows "https://…/events/e/1/" and not "/1/e/events/…https://"."""

from __future__ import annotations

from typing import Any

from juntos.language import pipeline

LINK = "https://juntos.example.org/events/e/1/"


def test_links_are_isolated_in_right_to_left_languages_only(db: Any) -> None:
    context = {"event": "x", "school": "North", "date": "d", "time": "t", "place": "p",
               "link": LINK}  # fmt: skip
    arabic = pipeline.render_template("event.invitation", "ar", context)
    assert f"\u2066{LINK}\u2069" in arabic.text
    pashto = pipeline.render_template("event.invitation", "ps", context)
    assert f"\u2066{LINK}\u2069" in pashto.text
    spanish = pipeline.render_template("event.invitation", "es", context)
    assert LINK in spanish.text and "\u2066" not in spanish.text
    # Words are never wrapped, only whole addresses.
    assert "\u2066North" not in arabic.text

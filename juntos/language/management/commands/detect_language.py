"""``manage.py detect_language < messages.jsonl``: the language and keyword of each message.

Reads JSON lines on standard input, each ``{"text": "…", "known": ["ht", "en"]}`` (``known``:
the caregiver's recorded languages, optional, possibly wrong), and prints one JSON line per
input line, in order::

    {"language": "ht", "confidence": 0.9731, "keyword": null}

A line that cannot be read as a message prints ``{"language": null, "confidence": 0.0,
"keyword": null, "error": "<why>"}`` and the next line is read. Blank lines are skipped. UTF-8
in and out. Exits 0 unless standard input itself cannot be read.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from juntos.language.detect import detect, warm_up


class Command(BaseCommand):
    help = "Detect the language and keyword of JSON-lines messages read on standard input."
    # No database or settings checks: this reads stdin and writes stdout.
    requires_system_checks: list[str] = []
    # call_command(..., stdin=StringIO(...)) in tests and scripts.
    stealth_options = ("stdin",)

    def handle(self, *args: Any, **options: Any) -> None:
        stream: IO[str] | None = options.get("stdin")
        if stream is None and isinstance(sys.stdout, io.TextIOWrapper):
            # UTF-8 out whatever the locale says (json.dumps runs with ensure_ascii off).
            sys.stdout.reconfigure(encoding="utf-8")
        warm_up()
        try:
            for line in self._lines(stream):
                if line is None:
                    self._emit({"error": "line is not valid UTF-8"})
                elif line.strip():
                    self._emit(self._answer(line))
        except OSError as error:
            raise CommandError(f"cannot read standard input: {error}") from error

    def _lines(self, stream: IO[str] | None) -> Iterator[str | None]:
        """Decoded lines; None for a line that is not UTF-8 (the others still count)."""
        if stream is not None:
            yield from stream
            return
        if sys.stdin is None:
            # Started with standard input closed (``<&-``).
            raise OSError("standard input is closed")
        for raw in sys.stdin.buffer:
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield None

    def _answer(self, line: str) -> dict[str, Any]:
        try:
            message = json.loads(line)
        except json.JSONDecodeError as error:
            return {"error": f"not JSON: {error.msg} (column {error.colno})"}
        if not isinstance(message, dict):
            return {"error": f"expected a JSON object, got {type(message).__name__}"}
        if "text" not in message:
            return {"error": 'missing "text"'}
        text = message["text"]
        if not isinstance(text, str):
            return {"error": f'"text" must be a string, got {type(text).__name__}'}
        known = message.get("known") or []
        if not isinstance(known, list) or not all(isinstance(tag, str) for tag in known):
            return {"error": '"known" must be a list of language tags (strings)'}
        detection = detect(text, known)
        return {
            "language": detection.language,
            "confidence": round(detection.confidence, 4),
            "keyword": detection.keyword,
        }

    def _emit(self, answer: dict[str, Any]) -> None:
        if "error" in answer:
            answer = {"language": None, "confidence": 0.0, "keyword": None, **answer}
        self.stdout.write(json.dumps(answer, ensure_ascii=False))
        # One answer per message as it comes: a pipe reader need not wait for the end.
        self.stdout.flush()

"""``manage.py detect_language`` answers one JSON line per input line, bad lines included."""

# ruff: noqa: RUF001 - this file is about text in sixteen languages: its Cyrillic,
# Arabic and full-width letters are meant, not look-alikes of Latin ones.

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]


def _run(*lines: str) -> list[dict[str, Any]]:
    stdout = StringIO()
    call_command(
        "detect_language", stdin=StringIO("".join(f"{line}\n" for line in lines)), stdout=stdout
    )
    return [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_it_answers_each_message_in_order() -> None:
    answers = _run(
        json.dumps({"text": "Mwen pa ka vini demen, pitit la malad.", "known": ["ht", "en"]}),
        json.dumps({"text": "谢谢老师，我明天会去开会。"}, ensure_ascii=False),
        json.dumps({"text": "STOP", "known": ["es"]}),
        json.dumps({"text": "Ayuda", "known": ["es"]}),
        json.dumps({"text": "👍 10:30", "known": None}),
    )
    assert [(a["language"], a["keyword"]) for a in answers] == [
        ("ht", None),
        ("zh", None),
        (None, "stop"),
        (None, "help"),
        (None, None),
    ]
    assert all(set(a) == {"language", "confidence", "keyword"} for a in answers)
    assert 0.9 < answers[0]["confidence"] <= 1.0
    assert answers[2]["confidence"] == 0.0


def test_bad_lines_get_an_error_and_the_rest_go_on() -> None:
    answers = _run(
        "this is not json",
        '{"text": "Gracias, mañana voy."',
        "[1, 2]",
        '{"known": ["es"]}',
        '{"text": 42}',
        '{"text": "Hola", "known": "es"}',
        '{"text": "Hola", "known": ["es", 3]}',
        "",
        json.dumps({"text": "Gracias, mañana voy a la reunión.", "known": ["es"]}),
    )
    errors = [answer.get("error") for answer in answers]
    assert answers[0]["error"].startswith("not JSON")
    assert answers[1]["error"].startswith("not JSON")
    assert errors[2] == "expected a JSON object, got list"
    assert errors[3] == 'missing "text"'
    assert errors[4] == '"text" must be a string, got int'
    assert errors[5] == errors[6] == '"known" must be a list of language tags (strings)'
    # The blank line is skipped; the good line after the bad ones is answered.
    assert len(answers) == 8
    assert errors[7] is None
    assert answers[7]["language"] == "es"
    for answer in answers[:7]:
        assert answer["language"] is None
        assert answer["keyword"] is None
        assert answer["confidence"] == 0.0


def test_it_reads_and_writes_utf8_through_a_pipe() -> None:
    # The real standard input, as bytes: a line that is not UTF-8 gets an error, the others are
    # read as UTF-8 whatever the locale.
    stdin = (
        '{"text": "Дякую, завтра я прийду на збори."}\n'.encode()
        + b'{"text": "caf\xe9"}\n'
        + '{"text": "Trợ giúp", "known": ["vi"]}\n'.encode()
    )
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    env.pop("PYTHONIOENCODING", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "detect_language"],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    answers = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [a["language"] for a in answers] == ["uk", None, None]
    assert answers[1]["error"] == "line is not valid UTF-8"
    assert answers[2]["keyword"] == "help"

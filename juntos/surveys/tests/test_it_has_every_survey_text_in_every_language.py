"""Every family-facing text of the two instruments (titles, intros, scale points, scale names,
questions, options, "No answer", the validation message) exists in all 16 languages, and a
library with a missing text refuses to load, naming the file and the key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from juntos.surveys import instruments
from juntos.surveys.instruments import (
    LANGUAGES,
    InstrumentError,
    all_source_texts,
    library_problems,
    load_instruments,
)


def test_the_library_is_complete_in_every_language() -> None:
    assert len(LANGUAGES) == 16
    assert not library_problems()
    loaded = load_instruments()
    climate = loaded["climate"]
    assert [s.id for s in climate.sections] == [
        "welcome",
        "trust",
        "communication",
        "voice",
        "barriers",
    ]
    assert all(3 <= len(s.questions) <= 4 for s in climate.sections)
    for tag in LANGUAGES:
        words = [
            climate.title(tag),
            climate.scale[0].label(tag),
            climate.questions[0].text(tag),
            loaded["engagement"].question("channel").options[0].label(tag),
            climate.word("skip", tag),
        ]
        if tag != "en":
            english = [
                climate.title("en"),
                climate.scale[0].label("en"),
                climate.questions[0].text("en"),
                loaded["engagement"].question("channel").options[0].label("en"),
                climate.word("skip", "en"),
            ]
            assert words != english, tag


def test_a_missing_text_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = tmp_path / "library"
    shutil.copytree(instruments.LIBRARY_DIR, library)
    somali = library / "so.json"
    texts = json.loads(somali.read_text(encoding="utf-8"))
    del texts["climate.question.trust_2"]
    somali.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(instruments, "LIBRARY_DIR", library)
    instruments.load_instruments.cache_clear()
    try:
        assert library_problems() == ["so.json: missing climate.question.trust_2"]
        with pytest.raises(InstrumentError, match=r"so\.json: missing climate\.question\.trust_2"):
            load_instruments()
    finally:
        monkeypatch.undo()
        instruments.load_instruments.cache_clear()
    assert len(all_source_texts()) > 60

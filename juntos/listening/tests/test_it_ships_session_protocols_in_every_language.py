"""The protocol library: three protocols written for Juntos, each with 4 to 5 open questions and
its title and questions in all 16 languages (none missing, empty or left in English); loading
them into the database is safe to repeat."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from juntos.language import registry
from juntos.listening import sessions
from juntos.listening.models import Protocol, ProtocolQuestion


def test_each_protocol_is_complete_in_every_language() -> None:
    shipped = sessions.library()
    assert set(shipped) == {"welcome", "dialogue", "needs"}
    for protocol in shipped.values():
        assert 4 <= len(protocol.questions) <= 5, protocol.key
        for texts in [protocol.title, *(q.texts for q in protocol.questions)]:
            assert set(texts) == set(registry.DEMO_LANGUAGES), protocol.key
            english = texts["en"]
            for language, text in texts.items():
                assert text.strip(), (protocol.key, language)
                if language != "en":
                    assert text != english, f"{protocol.key} {language}: English left over"
        assert protocol.questions[0].texts["es"] != protocol.questions[1].texts["es"]


def test_an_incomplete_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = json.loads((sessions.LIBRARY_DIR / "welcome.json").read_text(encoding="utf-8"))
    del raw["questions"][0]["text"]["hmn"]
    folder = tmp_path
    for key in sessions.PROTOCOL_KEYS:
        source = (sessions.LIBRARY_DIR / f"{key}.json").read_text(encoding="utf-8")
        (folder / f"{key}.json").write_text(source, encoding="utf-8")
    (folder / "welcome.json").write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setattr(sessions, "LIBRARY_DIR", folder)
    sessions.library.cache_clear()
    try:
        with pytest.raises(sessions.ProtocolLibraryError, match="no text in hmn"):
            sessions.library()
    finally:
        sessions.library.cache_clear()


@pytest.mark.django_db
def test_loading_the_shipped_protocols_twice_makes_them_once() -> None:
    first = sessions.do_load_shipped_protocols()
    again = sessions.do_load_shipped_protocols()
    assert [p.pk for p in first] == [p.pk for p in again]
    assert Protocol.objects.filter(district__isnull=True).count() == 3
    welcome = Protocol.objects.get(district__isnull=True, key="welcome")
    texts = list(welcome.questions.values_list("text", "key"))
    assert texts[0] == ("What helps your family feel welcome at this school?", "feel_welcome")
    assert ProtocolQuestion.objects.filter(protocol__district__isnull=True).count() == 12

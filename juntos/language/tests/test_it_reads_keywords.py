"""A message that is only STOP, START or HELP — or one of their equivalents in the family's
languages — is a keyword; a sentence that contains one is not."""

from __future__ import annotations

import pytest

from juntos.language.detect import detect
from juntos.language.keywords import match_keyword


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("STOP", "stop"),
        ("stop", "stop"),
        ("  Stop.  ", "stop"),
        ("STOP!!!", "stop"),
        ("STOP ❤️", "stop"),
        ("Stop All", "stop"),
        ("STOPALL", "stop"),
        ("Unsubscribe", "stop"),
        ("cancel", "stop"),
        ("END", "stop"),
        ("Quit", "stop"),
        ("opt-out", "stop"),
        ("START", "start"),
        ("unstop", "start"),
        ("HELP", "help"),
        ("Info?", "help"),
    ],
)
def test_the_carrier_words_are_keywords_for_everyone(text: str, keyword: str) -> None:
    assert match_keyword(text) == keyword
    assert match_keyword(text, ["vi"]) == keyword


@pytest.mark.parametrize(
    ("text", "languages", "keyword"),
    [
        ("PARAR", ["es"], "stop"),
        ("Baja", ["es"], "stop"),
        ("AYUDA", ["es"], "help"),
        ("ayuda!", ["es", "en"], "help"),
        ("Dừng", ["vi"], "stop"),
        ("dung", ["vi"], "stop"),
        ("NGỪNG", ["vi"], "stop"),
        ("Trợ giúp", ["vi"], "help"),
        ("退订", ["zh"], "stop"),
        ("帮助", ["zh"], "help"),
        ("إيقاف", ["ar"], "stop"),
        ("ايقاف", ["ar"], "stop"),
        ("مساعدة", ["ar"], "help"),
        ("Jooji", ["so"], "stop"),
        ("Caawimo", ["so"], "help"),
        ("Sispann", ["ht"], "stop"),
        ("ÈD", ["ht"], "help"),
        ("Ajuda", ["pt-BR"], "help"),
        ("СТОП", ["ru"], "stop"),
        ("Допомога", ["uk"], "help"),
        ("کمک", ["fa-AF"], "help"),
        ("كمك", ["prs"], "help"),  # typed with the Arabic kaf
        ("مرسته", ["ps"], "help"),
        ("Tulong", ["tl"], "help"),
        ("Hinto", ["fil"], "stop"),
        ("수신거부", ["ko"], "stop"),
        ("도움말", ["ko"], "help"),
        ("Nres", ["hmn"], "stop"),
        ("PAB", ["hmn"], "help"),
        ("Arrêt", ["fr"], "stop"),
        ("arret", ["fr"], "stop"),
        ("Aide", ["fr"], "help"),
    ],
)
def test_the_familys_languages_add_their_words(
    text: str, languages: list[str], keyword: str
) -> None:
    assert match_keyword(text, languages) == keyword


def test_stop_words_are_honoured_whatever_the_record_says() -> None:
    # The record says English, the parent writes Spanish: an opt-out is never missed.
    assert match_keyword("PARAR", ["en"]) == "stop"
    assert match_keyword("Dừng lại", []) == "stop"
    # Help and start words stay with the recorded languages.
    assert match_keyword("AYUDA", ["en"]) is None
    assert match_keyword("Pab", ["es"]) is None


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("Please stop by the office", ["en"]),
        ("stop by tomorrow?", []),
        ("I want to stop getting these", ["en"]),
        ("No puedo ir, ayuda con el transporte?", ["es"]),
        ("Necesito ayuda con la tarea", ["es"]),
        ("Help me understand the form", ["en"]),
        ("Yes", ["en"]),  # an RSVP answer here, not a re-subscription
        ("YES!", []),
        ("STOP 2", []),
        ("Tôi cần giúp đỡ về bài tập", ["vi"]),
        ("", ["es"]),
        ("   ", []),
        ("👍", []),
    ],
)
def test_a_sentence_containing_a_keyword_is_not_one(text: str, languages: list[str]) -> None:
    assert match_keyword(text, languages) is None


def test_a_keyword_only_message_has_a_keyword_and_no_language() -> None:
    detection = detect("Ayuda", known=["es"])
    assert detection.keyword == "help"
    assert detection.language is None
    sentence = detect("No puedo ir, ayuda con el transporte?", known=["es"])
    assert sentence.keyword is None
    assert sentence.language == "es"

"""Opt-out, opt-in and help keywords in inbound SMS, in our families' languages.

A message is a keyword only when it is the keyword and nothing else — after trimming spaces and
punctuation or emoji at either end, in any case, with or without accents: "STOP", "stop!",
"Dừng", "dung". "Please stop by the office" and "No puedo ir, ayuda con el transporte?" are
sentences, not keywords; carriers match the same way.

Which words count:

* The carriers' English words, always (US carriers and Twilio act on them whatever we do).
* The words of the caregiver's recorded languages (``languages``).
* The **stop** words of every language we list, whatever the record says: a record can be wrong,
  and ignoring an opt-out is the worse mistake — these words, sent alone, mean nothing else.
  Start and help words of other languages are not matched (a Hmong family's "Pab" alone is help;
  we do not guess it for a family recorded as Spanish).

YES is not a start word here, although some carriers treat it so: in Juntos YES answers an RSVP.
The words and why each was chosen are listed in ``docs/language-detection.md``.
"""

# ruff: noqa: RUF001 - this file is about text in sixteen languages: its Cyrillic,
# Arabic and full-width letters are meant, not look-alikes of Latin ones.

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from juntos.language import registry

STOP = "stop"
START = "start"
HELP = "help"

# action -> words. Multi-word entries are matched with any spacing.
_ENGLISH: Mapping[str, tuple[str, ...]] = {
    # CTIA's list, plus REVOKE and OPTOUT, which carriers added for the FCC's 2025 revocation
    # rule, and REMOVE, which AWS honours.
    STOP: (
        "stop",
        "stopall",
        "stop all",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "revoke",
        "optout",
        "opt out",
        "opt-out",
        "remove",
    ),
    START: ("start", "unstop"),
    HELP: ("help", "info"),
}

# Words a family would text alone to mean stop / start / help, by language. Accents and case
# do not matter (they are folded before matching), so each word is written once.
_BY_LANGUAGE: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "es": {
        STOP: ("parar", "pare", "alto", "baja", "cancelar", "detener"),
        START: ("iniciar", "alta", "comenzar"),
        HELP: ("ayuda",),
    },
    "ar": {
        STOP: ("توقف", "ايقاف", "الغاء", "الغاء الاشتراك"),
        START: ("ابدا", "بدء"),
        HELP: ("مساعدة",),
    },
    "vi": {
        STOP: ("dừng", "ngừng", "dừng lại", "hủy", "hủy đăng ký"),
        START: ("bắt đầu",),
        HELP: ("giúp", "giúp đỡ", "trợ giúp"),
    },
    "zh": {
        # TD (退订) is how Chinese carriers ask for an unsubscribe.
        STOP: ("停止", "退订", "退訂", "取消", "td"),
        START: ("开始", "開始"),
        HELP: ("帮助", "幫助"),
    },
    "so": {
        STOP: ("jooji", "joojin", "ka bax"),
        START: ("bilow",),
        HELP: ("caawimo", "caawin", "gargaar"),
    },
    "ht": {
        STOP: ("sispann", "rete", "kanpe"),
        START: ("kòmanse",),
        HELP: ("èd", "ede"),
    },
    "pt": {
        STOP: ("parar", "pare", "sair", "cancelar"),
        START: ("iniciar", "começar"),
        HELP: ("ajuda",),
    },
    "ru": {
        STOP: ("стоп", "отписаться", "отмена"),
        START: ("старт",),
        HELP: ("помощь",),
    },
    "uk": {
        STOP: ("стоп", "відписатися", "скасувати"),
        START: ("старт", "почати"),
        HELP: ("допомога",),
    },
    "fa": {
        STOP: ("توقف", "لغو", "لغو عضویت"),
        START: ("شروع",),
        HELP: ("کمک",),
    },
    "ps": {
        STOP: ("بند", "ودروه"),
        START: ("پیل",),
        HELP: ("مرسته",),
    },
    "tl": {
        STOP: ("hinto", "tigil", "itigil"),
        START: ("simula",),
        HELP: ("tulong",),
    },
    "ko": {
        # 수신거부 ("refuse to receive") is the opt-out word of Korean SMS.
        STOP: ("중지", "정지", "그만", "수신거부", "수신 거부"),
        START: ("시작",),
        HELP: ("도움", "도움말"),
    },
    "hmn": {
        STOP: ("nres", "tsum"),
        START: ("pib",),
        HELP: ("pab",),
    },
    "fr": {
        # ARRET is the opt-out word of Canadian carriers.
        STOP: ("arrêt", "arrêter", "désabonner"),
        START: ("commencer",),
        HELP: ("aide",),
    },
}

# Arabic and Persian keyboards type different code points for the same letters.
# And Vietnamese đ has no decomposition: without it, "dung" would not match "đừng".
_LETTER_VARIANTS = str.maketrans({"ك": "ک", "ي": "ی", "ى": "ی", "ۀ": "ه", "ة": "ه", "đ": "d"})


def normalize(text: str) -> str:
    """Fold ``text`` for matching: trim spaces, punctuation and symbols (emoji) at both ends,
    case-fold, drop accents and other combining marks (Arabic hamza and vowel signs too), unify
    Arabic/Persian letter variants, collapse inner spaces and hyphens."""
    decomposed = unicodedata.normalize("NFKD", text)
    # Every mark goes: accents, Arabic vowel signs, and emoji variation selectors (U+FE0F),
    # which would otherwise stick to the end of "STOP ❤️".
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch)[0] != "M")
    # Recompose what is not an accent: Hangul syllables decompose into jamo above.
    folded = unicodedata.normalize("NFC", kept).casefold().translate(_LETTER_VARIANTS)
    start, end = 0, len(folded)
    while start < end and _is_edge(folded[start]):
        start += 1
    while end > start and _is_edge(folded[end - 1]):
        end -= 1
    return " ".join(folded[start:end].replace("-", " ").split())


def _is_edge(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch.isspace() or category[0] in "PSZC"


@functools.cache
def _table(language: str | None) -> Mapping[str, str]:
    """Folded word → action for one language; None means the English carrier words."""
    words = _ENGLISH if language is None else _BY_LANGUAGE.get(language, {})
    return {normalize(word): action for action, entries in words.items() for word in entries}


@functools.cache
def _stop_words() -> frozenset[str]:
    return frozenset(
        word
        for language in _BY_LANGUAGE
        for word, action in _table(language).items()
        if action == STOP
    )


def _languages(languages: Iterable[str]) -> list[str]:
    """Primary subtags of the recorded languages (``fa-AF`` and ``prs`` → ``fa``)."""
    found = []
    for raw in languages:
        try:
            tag = registry.normalize(raw)
        except registry.InvalidLanguage:
            continue
        found.append(tag.split("-")[0].lower())
    return found


def match_keyword(text: str, languages: Sequence[str] = ()) -> str | None:
    """ "stop", "start" or "help" when the whole of ``text`` is such a keyword, else None.

    ``languages`` are the caregiver's recorded languages (BCP 47); see the module docstring for
    which words each adds."""
    word = normalize(text)
    if not word:
        return None
    english = _table(None).get(word)
    if english is not None:
        return english
    for language in _languages(languages):
        action = _table(language).get(word)
        if action is not None:
            return action
    return STOP if word in _stop_words() else None

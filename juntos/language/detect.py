"""Which language an inbound family message is written in.

No single detector covers our sixteen languages: lingua (best on short texts) lacks Haitian
Creole, Hmong and Pashto; py3langid lacks Hmong; CLD3 has all of them but is the weakest on a
few words. So :func:`detect` combines them, per language, as independent pieces of evidence:

1. **Clean** the text: drop links, addresses, digits, emoji; a message with no letters left has
   no language. A message that is only an opt-out/help keyword has none either (its keyword is
   reported instead).
2. **Each detector** gives a probability for each of our languages it knows (py3langid and lingua
   are restricted to ours, so theirs sum to one; CLD3 gives only its best guess and its
   probability — capped at :data:`CLD3_MAX_PROBABILITY` — and we spread the rest evenly). Its
   evidence for a language is the log of that probability, floored so that one confidently
   wrong detector cannot veto the others. For a language a detector does not know, it has no
   opinion: its evidence is the log of an even share, ``log(1/K)`` for its ``K`` languages — a
   diffuse answer (what a detector gives on a language it never saw) then costs that language
   nothing, while a confident answer for a language it does know still counts against it.
3. **Length.** On a text of a few letters every detector guesses, so the sum of their evidence
   is scaled down below :data:`SHORT_TEXT_LETTERS` letters, and the prior weighs relatively more;
   CLD3, built for longer texts, also loses weight below :data:`CLD3_FULL_WEIGHT_LETTERS`.
4. **Writing system**, cheap and nearly certain, is added unscaled: the share of letters in each
   script (Hangul → Korean, Han → Chinese, Cyrillic → Russian/Ukrainian, Arabic script → Arabic,
   Dari, Pashto, Latin → the rest); letters only one of our languages uses (Vietnamese ơ ư đ and
   tone marks, Ukrainian і ї є ґ, Russian ы э ъ ё, Pashto ټ ډ ړ ښ ..., Spanish ñ ¿ ¡) — and for
   a long Cyrillic text, the absence of both sets; and, because only CLD3 knows Hmong, whether
   the words are well-formed syllables of its RPA alphabet (onset, vowel, tone letter).
5. **Prior.** The caregiver's recorded languages are multiplied by :data:`KNOWN_LANGUAGE_BOOST`
   (about two nats) — enough to settle "Ok gracias", far too little to turn a clear Spanish
   sentence into Vietnamese because the record says Vietnamese.
6. The scores become probabilities (softmax); the best one is the answer and its probability the
   confidence.

Detectors read Persian as ``fa``; it is reported as the caregiver's own Persian tag when the
record has one (``fa-AF``, Dari), else as the district's (``fa-AF`` in the demo). Tagalog is
``tl`` whatever a detector calls it (CLD3 says ``fil``).

The detectors are built once per process (:func:`_detectors`, cached): about 1 s and 390 MB,
mostly lingua's models. ``docs/language-detection.md`` has the measurements.
"""

# ruff: noqa: RUF001, RUF002, RUF003 - this file is about text in sixteen languages: its
# Cyrillic, Arabic and full-width letters are meant, not look-alikes of Latin ones.

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from juntos.language import registry
from juntos.language.keywords import match_keyword

# The languages we recognise, by primary language subtag (Dari is "fa" here: the detectors
# cannot tell it from Iranian Persian), with the tag reported for each.
_DEFAULT_TAG: dict[str, str] = {tag.split("-")[0]: tag for tag in registry.DEMO_LANGUAGES}
SLOTS: tuple[str, ...] = tuple(_DEFAULT_TAG)

# What each detector knows among our languages.
LINGUA_SLOTS: frozenset[str] = frozenset(SLOTS) - {"ht", "hmn", "ps"}
PY3LANGID_SLOTS: frozenset[str] = frozenset(SLOTS) - {"hmn"}
CLD3_SLOTS: frozenset[str] = frozenset(SLOTS)
# CLD3's and py3langid's own codes that mean one of ours.
_ALIASES: dict[str, str] = {"fil": "tl", "prs": "fa", "pes": "fa", "zh-Hant": "zh"}

# Weights of the detectors' evidence. lingua and py3langid are about equally good on short
# texts; CLD3 errs more often and then confidently, so it counts a little less.
WEIGHTS: dict[str, float] = {"lingua": 1.0, "py3langid": 1.0, "cld3": 0.8}
# CLD3 states probabilities up to 0.9999 even when wrong; on texts of a few words it is right
# about four times in five, so its stated probability is capped there: its best guess then
# counts log(0.8 / (0.2/15)) ≈ 4 nats over each other language, never more.
CLD3_MAX_PROBABILITY = 0.8
# CLD3 is built for longer text (by default it ignores anything under 140 bytes); below this
# many letters its weight shrinks in proportion, so that on "Ok gracias" lingua and py3langid
# decide.
CLD3_FULL_WEIGHT_LETTERS = 30
# A detector's probability is floored here (log ≈ -6.9) so that one confident mistake costs a
# language at most that much.
PROBABILITY_FLOOR = 1e-3
# Below this many letters the detectors' evidence is scaled down (to half at two letters).
SHORT_TEXT_LETTERS = 20
# A recorded language is this many times as likely a priori (log 8 ≈ 2.1 nats).
KNOWN_LANGUAGE_BOOST = 8.0
# Writing system: a language's score gains WEIGHT × log(share of letters in its script).
SCRIPT_WEIGHT = 2.0
SCRIPT_SHARE_FLOOR = 0.02
# Letters that only one of our languages (or one group) uses, and how many nats they add.
DISTINCT_LETTER_NATS = 3.0
PERSO_ARABIC_NATS = 1.5
# Texts are cut here: a reply's language shows in its first lines, and quoted history is noise.
MAX_CHARS = 2000

_SCRIPT_OF_SLOT: dict[str, str] = {
    **dict.fromkeys(("en", "es", "vi", "so", "ht", "pt", "tl", "hmn", "fr"), "latin"),
    **dict.fromkeys(("ar", "fa", "ps"), "arabic"),
    **dict.fromkeys(("ru", "uk"), "cyrillic"),
    "ko": "hangul",
    "zh": "han",
}
# Spanish's ñ and its opening question and exclamation marks.
_SPANISH = frozenset("ñ¿¡")
# Precomposed Vietnamese letters (U+1EA0–U+1EF9) and the five base letters no other of our
# Latin-script languages uses.
_VIETNAMESE = frozenset("ăâđơư" + "".join(chr(cp) for cp in range(0x1EA0, 0x1EFA)))
_UKRAINIAN = frozenset("іїєґ")
_RUSSIAN = frozenset("ыэъё")
# How often those letters occur in running text (і alone is about 5 % of Ukrainian letters; ы
# about 2 % of Russian ones): their *absence* from a long enough text is evidence too.
_UKRAINIAN_RATE = 0.07
_RUSSIAN_RATE = 0.025
# Pashto letters absent from Arabic and Persian.
_PASHTO = frozenset("ټډړږښځڅګڼۍې")
# Arabic's own letters (Persian and Pashto write ک and ی where Arabic writes ك and ي)...
_ARABIC = frozenset("ةك")
# ...and the Persian letters Arabic lacks (Pashto shares them).
_PERSO = frozenset("پچژگکی")

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+", re.IGNORECASE)

# Hmong RPA: a syllable is an optional onset, a vowel, an optional tone letter (b j v s g m d).
# A written word may join up to three syllables (xovtooj, dabtsi); later ones need an onset.
_RPA_ONSETS = (
    *("nplh", "ntxh", "ntsh", "ndlh", "nkh", "nph", "nqh", "nrh", "nth", "ntx", "nts", "npl"),
    *("ndl", "txh", "tsh", "plh", "dlh", "hml", "hny", "ch", "dh", "dl", "hl", "hm", "hn"),
    *("kh", "ml", "nc", "nk", "np", "nq", "nr", "nt", "ny", "ph", "pl", "qh", "rh", "th", "ts"),
    *("tx", "xy", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v"),
    *("x", "y", "z"),
)
_RPA_VOWELS = ("aa", "ee", "oo", "ai", "au", "aw", "ia", "ua", "a", "e", "i", "o", "u", "w")
_ONSET = "(?:" + "|".join(_RPA_ONSETS) + ")"
_VOWEL = "(?:" + "|".join(_RPA_VOWELS) + ")"
_RPA_WORD = re.compile(f"{_ONSET}?{_VOWEL}[bjvsgmd]?(?:{_ONSET}{_VOWEL}[bjvsgmd]?){{0,2}}")
# Marks of Hmong that the other Latin-script languages hardly have: a word ending in the tone
# letters j or v, or starting with an RPA cluster.
_RPA_MARK = re.compile(r"[jv]$|^(?:nt[xs]|tx|ts|np|nq|nk|qh|hl|dl|xy|ny|nr)")
HMONG_MAX_NATS = 4.0


@dataclass(frozen=True, slots=True)
class Detection:
    """``language`` is a BCP 47 tag, or None when the text has no words to judge (empty, only
    digits, emoji or punctuation, or only a keyword). ``confidence`` is the probability of that
    language (0 when there is none). ``keyword`` is "stop", "start" or "help" when the whole
    message is one."""

    language: str | None
    confidence: float
    keyword: str | None


@dataclass(frozen=True, slots=True)
class _Detectors:
    lingua: LanguageDetector
    py3langid: Any  # py3langid.langid.LanguageIdentifier (untyped)
    cld3: Any  # gcld3.NNetLanguageIdentifier (untyped)
    # CLD3's identifier keeps per-call state in C++; one caller at a time.
    cld3_lock: threading.Lock


@functools.cache
def _detectors() -> _Detectors:
    # Imported here: they load native code and models that most processes never need.
    import gcld3
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    lingua = (
        LanguageDetectorBuilder.from_iso_codes_639_1(
            *(IsoCode639_1.from_str(slot) for slot in sorted(LINGUA_SLOTS))
        )
        .with_preloaded_language_models()
        .build()
    )
    # Our own instance, so that nobody's py3langid.set_languages() changes ours.
    langid = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    langid.set_languages(sorted(PY3LANGID_SLOTS))
    cld3 = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)
    return _Detectors(lingua=lingua, py3langid=langid, cld3=cld3, cld3_lock=threading.Lock())


def warm_up() -> None:
    """Load the detectors now (at worker start) rather than on the first message."""
    _detectors()


# --- text -------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """The words of ``text``: no links, addresses, digits, emoji; whitespace collapsed."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS])
    text = _URL.sub(" ", text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        # Letters, combining marks and word punctuation stay; digits, symbols (emoji) and
        # control characters go.
        if category[0] in "LM" or ch in " '’-.,!?¿¡;:\"()«»、。，？！":
            kept.append(ch)
        else:
            kept.append(" ")
    cleaned = " ".join("".join(kept).split())
    # SHOUTED TEXT reads better to the detectors in lower case.
    return cleaned.lower() if cleaned.isupper() else cleaned


def _script(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x250 or 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    if 0x0400 <= cp <= 0x052F:
        return "cyrillic"
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x08FF or 0xFB50 <= cp <= 0xFEFF:
        return "arabic"
    if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return "hangul"
    if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF:
        return "han"
    if cp >= 0x20000:
        return "han"
    return "other"


def _letters(text: str) -> list[str]:
    return [ch for ch in text if ch.isalpha()]


# --- evidence ----------------------------------------------------------------------------


def _log(p: float) -> float:
    return math.log(max(p, PROBABILITY_FLOOR))


def _slot(code: str) -> str | None:
    code = _ALIASES.get(code, code)
    return code if code in _DEFAULT_TAG else None


def _lingua_probabilities(detectors: _Detectors, text: str) -> dict[str, float]:
    values = detectors.lingua.compute_language_confidence_values(text)
    return {value.language.iso_code_639_1.name.lower(): value.value for value in values}


def _py3langid_probabilities(detectors: _Detectors, text: str) -> dict[str, float]:
    ranked: list[tuple[str, float]] = detectors.py3langid.rank(text)
    return {code: float(p) for code, p in ranked if code in PY3LANGID_SLOTS}


def _cld3_probabilities(detectors: _Detectors, text: str) -> dict[str, float]:
    with detectors.cld3_lock:
        result = detectors.cld3.FindLanguage(text=text)
    best = _slot(str(result.language))
    p = min(float(result.probability), CLD3_MAX_PROBABILITY)
    # CLD3 names only its best guess: the rest of its belief is spread evenly over our
    # languages (all of them when its guess is none of ours).
    others = CLD3_SLOTS - {best} if best else CLD3_SLOTS
    share = (1.0 - p if best else 1.0) / len(others)
    probabilities = dict.fromkeys(others, share)
    if best:
        probabilities[best] = p
    return probabilities


def _detector_evidence(text: str, letters: int) -> dict[str, float]:
    """Σ weight × log-probability per language, ``log(1/K)`` where a detector has no say."""
    detectors = _detectors()
    answers = {
        "lingua": (_lingua_probabilities(detectors, text), LINGUA_SLOTS),
        "py3langid": (_py3langid_probabilities(detectors, text), PY3LANGID_SLOTS),
        "cld3": (_cld3_probabilities(detectors, text), CLD3_SLOTS),
    }
    weights = dict(WEIGHTS)
    weights["cld3"] *= min(1.0, letters / CLD3_FULL_WEIGHT_LETTERS)
    evidence = dict.fromkeys(SLOTS, 0.0)
    for name, (probabilities, known) in answers.items():
        no_opinion = math.log(1.0 / len(known))
        for slot in SLOTS:
            term = _log(probabilities.get(slot, 0.0)) if slot in known else no_opinion
            evidence[slot] += weights[name] * term
    return evidence


def _hmong_evidence(text: str) -> float:
    """Nats for Hmong from the words' RPA well-formedness: from -4 (none parse) to +4."""
    words = [word for word in re.findall(r"[^\W\d_]+", text.lower())]
    if not words:
        return 0.0
    well_formed = [word for word in words if word.isascii() and _RPA_WORD.fullmatch(word)]
    share = len(well_formed) / len(words)
    # Linear in the share of well-formed words: -4 at none, 0 at 60 %, +4 at all of them.
    nats = max(-HMONG_MAX_NATS, min(HMONG_MAX_NATS, 10.0 * (share - 0.6)))
    if not any(_RPA_MARK.search(word) for word in well_formed):
        # "no me la da" parses too: without a mark of Hmong, well-formed words prove nothing,
        # though ill-formed ones still count against it.
        return min(nats, 0.0)
    return nats


def _script_evidence(text: str, letters: Sequence[str]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for ch in letters:
        script = _script(ch)
        counts[script] = counts.get(script, 0) + 1
    total = len(letters)
    evidence = {
        slot: SCRIPT_WEIGHT
        * math.log(max(counts.get(_SCRIPT_OF_SLOT[slot], 0) / total, SCRIPT_SHARE_FLOOR))
        for slot in SLOTS
    }
    # The text, not only its letters: Spanish's ¿ and ¡ are punctuation.
    chars = set(text.lower())
    if chars & _SPANISH:
        evidence["es"] += DISTINCT_LETTER_NATS
    if chars & _VIETNAMESE:
        evidence["vi"] += DISTINCT_LETTER_NATS
    if chars & _UKRAINIAN:
        evidence["uk"] += DISTINCT_LETTER_NATS
    if chars & _RUSSIAN:
        evidence["ru"] += DISTINCT_LETTER_NATS
    cyrillic = counts.get("cyrillic", 0)
    if cyrillic and not chars & (_UKRAINIAN | _RUSSIAN):
        # Neither language's own letters in n Cyrillic letters: likelihood (1 - rate)^n each.
        ratio = cyrillic * (math.log(1 - _RUSSIAN_RATE) - math.log(1 - _UKRAINIAN_RATE))
        evidence["ru"] += min(ratio, DISTINCT_LETTER_NATS)
    if chars & _PASHTO:
        evidence["ps"] += DISTINCT_LETTER_NATS
    if chars & _ARABIC:
        evidence["ar"] += PERSO_ARABIC_NATS
    if chars & _PERSO:
        evidence["fa"] += PERSO_ARABIC_NATS
        evidence["ps"] += PERSO_ARABIC_NATS
    return evidence


def _known_tags(known: Iterable[str]) -> dict[str, str]:
    """Slot → the caregiver's own tag for it; unknown or invalid tags are ignored."""
    tags: dict[str, str] = {}
    for raw in known:
        try:
            tag = registry.normalize(raw)
        except registry.InvalidLanguage:
            continue
        slot = _slot(tag.split("-")[0])
        if slot is not None:
            tags.setdefault(slot, tag)
    return tags


def _softmax(scores: Mapping[str, float]) -> dict[str, float]:
    top = max(scores.values())
    weights = {slot: math.exp(score - top) for slot, score in scores.items()}
    total = sum(weights.values())
    return {slot: weight / total for slot, weight in weights.items()}


def probabilities(text: str, known: Sequence[str] = ()) -> dict[str, float]:
    """Probability of each language (by reported tag) for ``text``; empty when it has no
    letters. :func:`detect` takes the best of these."""
    cleaned = _clean(text)
    letters = _letters(cleaned)
    if not letters:
        return {}
    known_tags = _known_tags(known)
    length = min(1.0, len(letters) / SHORT_TEXT_LETTERS)
    scale = 0.5 + 0.5 * length
    detectors = _detector_evidence(cleaned, len(letters))
    script = _script_evidence(cleaned, letters)
    hmong = _hmong_evidence(cleaned)
    boost = math.log(KNOWN_LANGUAGE_BOOST)
    scores = {
        slot: scale * detectors[slot]
        + script[slot]
        + (hmong if slot == "hmn" else 0.0)
        + (boost if slot in known_tags else 0.0)
        for slot in SLOTS
    }
    return {known_tags.get(slot, _DEFAULT_TAG[slot]): p for slot, p in _softmax(scores).items()}


def detect(text: str, known: Sequence[str] = ()) -> Detection:
    """The language of an inbound message, given the caregiver's recorded languages (BCP 47
    tags, possibly wrong, possibly none). See the module docstring for how."""
    keyword = match_keyword(text, known)
    if keyword is not None:
        # The whole message is the keyword: a word, not a sentence to judge.
        return Detection(language=None, confidence=0.0, keyword=keyword)
    scores = probabilities(text, known)
    if not scores:
        return Detection(language=None, confidence=0.0, keyword=None)
    language, confidence = max(scores.items(), key=lambda item: item[1])
    return Detection(language=language, confidence=confidence, keyword=None)


def single_detector_guesses(text: str) -> dict[str, str | None]:
    """Each detector's own best guess among our languages (None: none of ours, or no letters),
    for comparing them with the combination (``benchmarks/detect_language.py``)."""
    cleaned = _clean(text)
    if not _letters(cleaned):
        return dict.fromkeys(WEIGHTS)
    detectors = _detectors()
    guesses: dict[str, str | None] = {}
    lingua = detectors.lingua.detect_language_of(cleaned)
    guesses["lingua"] = _slot(lingua.iso_code_639_1.name.lower()) if lingua else None
    guesses["py3langid"] = _slot(str(detectors.py3langid.classify(cleaned)[0]))
    with detectors.cld3_lock:
        guesses["cld3"] = _slot(str(detectors.cld3.FindLanguage(text=cleaned).language))
    return {
        name: _DEFAULT_TAG[slot] if slot is not None else None for name, slot in guesses.items()
    }

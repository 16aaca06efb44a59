"""The survey instruments (data) and what is done with answers to them (pure functions).

The two instruments were written for Juntos (they copy no published instrument), in the style
of ``juntos/insights/library/readiness.json``: ``library/<key>.json`` holds the English source
(key, version, title, intro, the answer scale for scale items, and sections of questions),
``library/common.json`` the words every instrument shares ("No answer", the validation message),
and ``library/<tag>.json`` one language, key → text, so that a community reviewer can work on
one file. Every family-facing text exists in all 16 languages; :func:`load_instruments` refuses
an incomplete library with a message naming the file and the key.

Keys of a language file: ``<instrument>.title``, ``<instrument>.intro``,
``<instrument>.scale.<point>``, ``<instrument>.section.<section>``,
``<instrument>.question.<question>``, ``<instrument>.option.<question>.<option>``, and
``common.<key>``.

Answers are stored as JSON, one entry per answered question: a scale item holds 1 to 5, or
null for "I don't know"; a single choice its option key; a multiple choice a list of option
keys; a language question a language tag. A skipped question is absent.

:func:`scale_scores` and :func:`option_counts` turn anonymous answers into the figures staff
see; every figure describes at least ``MINIMUM`` (5) respondents or is not shown
(docs/surveys.md).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from juntos.insights.suppression import MINIMUM, Cell, suppress_line
from juntos.language import registry

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
INSTRUMENT_KEYS: tuple[str, ...] = ("climate", "engagement")
LANGUAGES: tuple[str, ...] = registry.DEMO_LANGUAGES
SOURCE_LANGUAGE = "en"
KINDS = frozenset({"scale", "single", "multiple", "language"})
COMMON_KEYS = ("skip", "error.choose")


class InstrumentError(ValueError):
    """The library files are incomplete or inconsistent (a test loads them on every build)."""


def text_in(texts: Mapping[str, str], language: str) -> str:
    """``texts[language]``, else the same language without region, else English."""
    if language in texts:
        return texts[language]
    lowered = {tag.lower(): text for tag, text in texts.items()}
    if language.lower() in lowered:
        return lowered[language.lower()]
    base = language.split("-")[0].lower()
    if base != "fa" and base in lowered:
        return lowered[base]
    return texts[SOURCE_LANGUAGE]


@dataclass(frozen=True)
class Option:
    key: str
    texts: dict[str, str]
    value: int | None = None  # scale points only: 1 to 5, None for "I don't know"

    def label(self, language: str) -> str:
        return text_in(self.texts, language)


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # scale, single, multiple or language
    texts: dict[str, str]
    options: tuple[Option, ...]

    def text(self, language: str) -> str:
        return text_in(self.texts, language)

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)


@dataclass(frozen=True)
class Section:
    id: str
    names: dict[str, str]
    questions: tuple[Question, ...]

    def name(self, language: str) -> str:
        return text_in(self.names, language)


@dataclass(frozen=True)
class Instrument:
    key: str
    version: str
    kind: str  # "scales" (scores) or "choices" (counts)
    updates_preferences: bool
    titles: dict[str, str]
    intros: dict[str, str]
    scale: tuple[Option, ...]
    sections: tuple[Section, ...]
    common: dict[str, dict[str, str]]  # common key → language → text

    def title(self, language: str) -> str:
        return text_in(self.titles, language)

    def intro(self, language: str) -> str:
        return text_in(self.intros, language)

    def word(self, key: str, language: str) -> str:
        return text_in(self.common[key], language)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InstrumentError(f"{path.name}: {error}") from error
    if not isinstance(data, dict):
        raise InstrumentError(f"{path.name}: expected an object")
    return data


def _language_file(tag: str) -> Path:
    return LIBRARY_DIR / f"{tag}.json"


def source_texts(source: Mapping[str, Any]) -> dict[str, str]:
    """Every translatable text of one instrument's source file, by translation key."""
    key = source["key"]
    texts = {f"{key}.title": source["title"], f"{key}.intro": source["intro"]}
    for point in source.get("scale", []):
        texts[f"{key}.scale.{point['key']}"] = point["text"]
    for section in source["sections"]:
        texts[f"{key}.section.{section['id']}"] = section["name"]
        for question in section["questions"]:
            texts[f"{key}.question.{question['id']}"] = question["text"]
            for option in question.get("options", []):
                texts[f"{key}.option.{question['id']}.{option['key']}"] = option["text"]
    return texts


def all_source_texts() -> dict[str, str]:
    """Every key a language file must hold, with its English text."""
    texts = {f"common.{k}": v for k, v in _read(LIBRARY_DIR / "common.json").items()}
    for key in INSTRUMENT_KEYS:
        texts.update(source_texts(_read(LIBRARY_DIR / f"{key}.json")))
    return texts


def library_problems() -> list[str]:
    """One line per missing, empty or unexpected key of each language file."""
    wanted = all_source_texts()
    problems: list[str] = []
    for tag in LANGUAGES:
        if tag == SOURCE_LANGUAGE:
            continue
        path = _language_file(tag)
        if not path.exists():
            problems.append(f"{path.name}: missing file")
            continue
        found = _read(path)
        for key in wanted:
            value = found.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{path.name}: missing {key}")
        for key in sorted(set(found) - set(wanted)):
            problems.append(f"{path.name}: unexpected key {key}")
    return problems


def _translations() -> dict[str, dict[str, str]]:
    """key → language → text, English included."""
    result: dict[str, dict[str, str]] = {
        key: {SOURCE_LANGUAGE: text} for key, text in all_source_texts().items()
    }
    for tag in LANGUAGES:
        path = _language_file(tag)
        if tag == SOURCE_LANGUAGE or not path.exists():
            continue
        for key, text in _read(path).items():
            if key in result and isinstance(text, str) and text.strip():
                result[key][tag] = text
    return result


def _build(source: Mapping[str, Any], words: Mapping[str, dict[str, str]]) -> Instrument:
    key = source["key"]
    name = f"{key}.json"
    scale = tuple(
        Option(p["key"], words[f"{key}.scale.{p['key']}"], p["value"])
        for p in source.get("scale", [])
    )
    sections: list[Section] = []
    seen: set[str] = set()
    for raw_section in source["sections"]:
        questions: list[Question] = []
        for raw in raw_section["questions"]:
            qid, kind = raw["id"], raw["kind"]
            if kind not in KINDS:
                raise InstrumentError(f"{name}: question {qid} has unknown kind {kind!r}")
            if qid in seen:
                raise InstrumentError(f"{name}: question {qid} appears twice")
            seen.add(qid)
            if kind == "scale":
                if not scale:
                    raise InstrumentError(f"{name}: scale question {qid} but no scale")
                options = scale
            elif kind == "language":
                options = tuple(
                    Option(tag, {SOURCE_LANGUAGE: registry.get(tag).native_name})
                    for tag in LANGUAGES
                )
            else:
                options = tuple(
                    Option(o["key"], words[f"{key}.option.{qid}.{o['key']}"])
                    for o in raw["options"]
                )
                if len(options) < 2:
                    raise InstrumentError(f"{name}: question {qid} needs two options or more")
            questions.append(Question(qid, kind, words[f"{key}.question.{qid}"], options))
        sections.append(
            Section(
                raw_section["id"], words[f"{key}.section.{raw_section['id']}"], tuple(questions)
            )
        )
    if source["kind"] == "scales":
        values = [p.value for p in scale]
        if values != [1, 2, 3, 4, 5, None]:
            raise InstrumentError(f"{name}: the scale must be 1 to 5 and then 'I don't know'")
        for section in sections:
            if not 3 <= len(section.questions) <= 4:
                raise InstrumentError(f"{name}: scale {section.id} needs 3 or 4 items")
    return Instrument(
        key=key,
        version=str(source["version"]),
        kind=source["kind"],
        updates_preferences=bool(source.get("updates_preferences", False)),
        titles=words[f"{key}.title"],
        intros=words[f"{key}.intro"],
        scale=scale,
        sections=tuple(sections),
        common={k: words[f"common.{k}"] for k in COMMON_KEYS},
    )


@functools.cache
def load_instruments() -> dict[str, Instrument]:
    """Every instrument, in every language; InstrumentError when the library is incomplete."""
    problems = library_problems()
    if problems:
        raise InstrumentError("the survey library is incomplete:\n" + "\n".join(problems))
    words = _translations()
    return {key: _build(_read(LIBRARY_DIR / f"{key}.json"), words) for key in INSTRUMENT_KEYS}


def instrument(key: str) -> Instrument:
    return load_instruments()[key]


# --- Answers -----------------------------------------------------------------------------------

Answers = dict[str, Any]


def parse_answers(
    form: Instrument, data: Mapping[str, Sequence[str]]
) -> tuple[Answers, dict[str, str]]:
    """The answers a submitted form holds, and the questions whose answer is not one of theirs.

    ``data`` maps a question id to the values posted for it (``QueryDict.lists()``). An empty
    value or no value skips the question. Errors are codes by question id ("choose").
    """
    answers: Answers = {}
    errors: dict[str, str] = {}
    for question in form.questions:
        values = [v for v in data.get(question.id, []) if v != ""]
        if not values:
            continue
        keys = question.option_keys
        if question.kind == "multiple":
            if not set(values) <= set(keys):
                errors[question.id] = "choose"
            else:
                answers[question.id] = [k for k in keys if k in values]
            continue
        if len(values) != 1 or values[0] not in keys:
            errors[question.id] = "choose"
        elif question.kind == "scale":
            answers[question.id] = next(p.value for p in form.scale if p.key == values[0])
        else:
            answers[question.id] = values[0]
    return answers, errors


def posted_keys(form: Instrument, answers: Mapping[str, Any]) -> dict[str, list[str]]:
    """The option keys an answer set shows as chosen (to re-fill a form after an error)."""
    chosen: dict[str, list[str]] = {}
    for question in form.questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        if question.kind == "scale":
            chosen[question.id] = [p.key for p in form.scale if p.value == value]
        elif isinstance(value, list):
            chosen[question.id] = [str(v) for v in value]
        else:
            chosen[question.id] = [str(value)]
    return chosen


# --- Results -----------------------------------------------------------------------------------


def _two_places(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GroupScores:
    """One group's scale scores: None where fewer than MINIMUM people answered."""

    respondents: Cell
    scores: dict[str, Decimal | None]  # section id → score 1.00 to 5.00


def _group_scores(
    form: Instrument, answers: Sequence[Mapping[str, Any]]
) -> dict[str, Decimal | None]:
    """Per scale: the mean of its item means, each item counted only when at least MINIMUM
    people gave it a 1 to 5 answer ("I don't know" and skips are not scored)."""
    scores: dict[str, Decimal | None] = {}
    for section in form.sections:
        means: list[Fraction] = []
        for question in section.questions:
            values = [a[question.id] for a in answers if isinstance(a.get(question.id), int)]
            if len(values) >= MINIMUM:
                means.append(Fraction(sum(values), len(values)))
        scores[section.id] = _two_places(sum(means, Fraction(0)) / len(means)) if means else None
    return scores


@dataclass(frozen=True)
class ScaleReport:
    overall: GroupScores
    by_language: dict[str, GroupScores]


def scale_scores(
    form: Instrument, responses: Iterable[tuple[str, Mapping[str, Any]]]
) -> ScaleReport:
    """Scale scores overall and by language from (language, answers) pairs.

    The respondent counts by language are suppressed as one line with its total
    (``suppress_line``: small groups, and complementary cells so that none is recovered by
    subtraction); a language's scores are shown only when its count is.
    """
    rows = list(responses)
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for language, answers in rows:
        groups.setdefault(language, []).append(answers)
    line = suppress_line({language: len(items) for language, items in groups.items()})
    everyone = [answers for _language, answers in rows]
    overall_scores = (
        _group_scores(form, everyone)
        if line.total.value is not None
        else {s.id: None for s in form.sections}
    )
    by_language = {}
    for language in sorted(groups):
        cell = line.cells[language]
        scores = (
            _group_scores(form, groups[language])
            if cell.value is not None
            else {s.id: None for s in form.sections}
        )
        by_language[language] = GroupScores(cell, scores)
    return ScaleReport(GroupScores(line.total, overall_scores), by_language)


@dataclass(frozen=True)
class QuestionCounts:
    question: Question
    cells: dict[str, Cell]  # option key → count (suppressed under MINIMUM)
    answered: Cell


def option_counts(form: Instrument, responses: Iterable[Mapping[str, Any]]) -> list[QuestionCounts]:
    """Per choice question, how many respondents chose each option. A single choice is a line
    with its total (the number who answered); a multiple choice has no meaningful total, so
    only the small counts are hidden."""
    rows = list(responses)
    result = []
    for question in form.questions:
        if question.kind == "scale":
            continue
        counts: Counter[str] = Counter()
        answered = 0
        for answers in rows:
            value = answers.get(question.id)
            if value is None:
                continue
            answered += 1
            for key in value if isinstance(value, list) else [value]:
                counts[str(key)] += 1
        multiple = question.kind == "multiple"
        line = suppress_line(
            {key: counts.get(key, 0) for key in question.option_keys}, total_shown=not multiple
        )
        answered_cell = line.total if not multiple else suppress_line({"all": answered}).total
        result.append(QuestionCounts(question, line.cells, answered_cell))
    return result

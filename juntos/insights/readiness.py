"""The readiness self-assessment: the instrument (data) and its scoring (pure functions).

Issue 8, item 4; seed 003 names the six domains. The instrument was written for Juntos (it
copies no published instrument): ``library/readiness.json`` holds the English source (version,
title, intros, the answer scale and, per domain, 4 or 5 items each worded twice, once for staff
and once for families); ``library/readiness/<tag>.json`` holds one language, key → text, so
that a community reviewer can work on one file. Family wordings, the scale, the domain names,
the title and the family intro exist in all 16 languages; staff wordings in the staff languages
(English and Spanish) only. :func:`load_instrument` refuses an incomplete or inconsistent
library with a message that names the file and the key.

:func:`score` turns anonymous responses into a :class:`Report`: per domain a score for staff
and one for families side by side (1.00 to 5.00, the mean of the domain's item means), the gap
(staff minus family), the families' scores by language, and per item the mean and the "I don't
know" count. Every figure describes at least ``MINIMUM`` (5) people or is not shown; see
docs/readiness.md for the rules. :func:`compare` sets two reports side by side (one school
year against the next). Nothing here reads or writes the database: the caller loads responses
(from the portal, an SMS link or typed-in paper forms) and passes them in.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, cast

from juntos.insights.suppression import MINIMUM, Cell, Line, Rate, rate, suppress_line
from juntos.language.registry import DEMO_LANGUAGES, InvalidLanguage
from juntos.language.registry import normalize as normalize_language
from juntos.language.templates_library import same_language

LIBRARY_DIR = Path(__file__).resolve().parent / "library"

Role = Literal["staff", "family"]
ROLES: tuple[Role, ...] = ("staff", "family")

# Seed 003's six domains, in its order. The ids are stable across versions of the instrument,
# so that a domain can be compared year on year even when its items are reworded.
DOMAINS: tuple[str, ...] = (
    "environment",
    "partnership",
    "learning",
    "communication",
    "differences",
    "advocacy",
)
ITEMS_PER_DOMAIN = (4, 5)  # fewest, most

# The answer scale: five points of agreement and "I don't know", which is counted, not scored.
SCALE: tuple[tuple[str, int | None], ...] = (
    ("strongly_disagree", 1),
    ("disagree", 2),
    ("neutral", 3),
    ("agree", 4),
    ("strongly_agree", 5),
    ("dont_know", None),
)
LOWEST, HIGHEST = 1, 5

# Staff wordings are translated into the staff pages' languages only (settings.STAFF_LANGUAGES).
STAFF_LANGUAGES: tuple[str, ...] = ("en", "es")

# Scores are published to two decimals: enough to see a change from one year to the next, few
# enough to read aloud.


class InstrumentError(ValueError):
    """The instrument files are incomplete or inconsistent (a test loads them on every build)."""


class ResponseError(ValueError):
    """A response cannot be scored: unknown role or item, or an answer off the scale."""


# --- The instrument ------------------------------------------------------------------------


def _text_in(texts: Mapping[str, str], language: str, source_language: str) -> str:
    """``texts[language]``, else the same written language (es-MX reads es), else the source.

    ``language`` may be spelled as Django spells it ("fa-af"): it is normalised first.
    """
    try:
        language = normalize_language(language)
    except InvalidLanguage:
        return texts[source_language]
    if language in texts:
        return texts[language]
    for tag, text in texts.items():
        if same_language(tag, language):
            return text
    return texts[source_language]


@dataclass(frozen=True)
class Item:
    id: str
    domain: str
    staff: dict[str, str]  # language tag → staff wording
    family: dict[str, str]  # language tag → family wording
    source_language: str = "en"

    def wording(self, role: Role, language: str) -> str:
        """The item as ``role`` reads it in ``language`` (English when not translated)."""
        texts = self.staff if role == "staff" else self.family
        return _text_in(texts, language, self.source_language)


@dataclass(frozen=True)
class Domain:
    id: str
    names: dict[str, str]
    items: tuple[Item, ...]
    source_language: str = "en"

    def name(self, language: str) -> str:
        return _text_in(self.names, language, self.source_language)


@dataclass(frozen=True)
class ScalePoint:
    key: str
    value: int | None  # None: "I don't know"
    labels: dict[str, str]
    source_language: str = "en"

    def label(self, language: str) -> str:
        return _text_in(self.labels, language, self.source_language)


@dataclass(frozen=True)
class Instrument:
    version: str
    source_language: str
    titles: dict[str, str]
    intros: dict[Role, dict[str, str]]
    scale: tuple[ScalePoint, ...]
    domains: tuple[Domain, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for domain in self.domains for item in domain.items)

    def domain(self, domain_id: str) -> Domain:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(domain_id)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def title(self, language: str) -> str:
        return _text_in(self.titles, language, self.source_language)

    def intro(self, role: Role, language: str) -> str:
        return _text_in(self.intros[role], language, self.source_language)

    def languages(self, role: Role) -> tuple[str, ...]:
        """The languages ``role`` can take the instrument in."""
        return DEMO_LANGUAGES if role == "family" else STAFF_LANGUAGES


def _required_keys(source: Mapping[str, Any], language: str) -> dict[str, str]:
    """Translation key → English text, for every key a ``language`` file must hold."""
    keys: dict[str, str] = {"title": source["title"], "intro": source["intro"]["family"]}
    for point in source["scale"]:
        keys[f"scale.{point['key']}"] = point["label"]
    for domain in source["domains"]:
        keys[f"domain.{domain['id']}"] = domain["name"]
        for item in domain["items"]:
            keys[f"item.{item['id']}"] = item["family"]
    if language in STAFF_LANGUAGES:
        keys["staff.intro"] = source["intro"]["staff"]
        for domain in source["domains"]:
            for item in domain["items"]:
                keys[f"staff.item.{item['id']}"] = item["staff"]
    return keys


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _check_source(source: Mapping[str, Any]) -> None:
    """The English file: version, six domains, 4-5 items each, unique ids, both wordings."""
    if not _filled(source.get("version")):
        raise InstrumentError("readiness.json has no version")
    if not _filled(source.get("title")):
        raise InstrumentError("readiness.json has no title")
    intro = source.get("intro") or {}
    for role in ROLES:
        if not _filled(intro.get(role)):
            raise InstrumentError(f"readiness.json has no {role} intro")
    scale = [(point.get("key"), point.get("value")) for point in source.get("scale", [])]
    if scale != list(SCALE):
        raise InstrumentError(
            f"readiness.json's scale must be {[key for key, _ in SCALE]} valued 1 to 5 "
            f"and null for dont_know; it is {scale}"
        )
    for point in source["scale"]:
        if not _filled(point.get("label")):
            raise InstrumentError(f"scale point {point['key']} has no label")
    domain_ids = [domain.get("id") for domain in source.get("domains", [])]
    if sorted(map(str, domain_ids)) != sorted(DOMAINS):
        missing = [d for d in DOMAINS if d not in domain_ids]
        unexpected = [d for d in domain_ids if d not in DOMAINS]
        raise InstrumentError(
            f"the instrument must have the six domains of seed 003 ({', '.join(DOMAINS)}), "
            f"once each; missing: {missing or 'none'}; unexpected or repeated: "
            f"{unexpected or sorted({str(d) for d in domain_ids if domain_ids.count(d) > 1})}"
        )
    seen: set[str] = set()
    fewest, most = ITEMS_PER_DOMAIN
    for domain in source["domains"]:
        if not _filled(domain.get("name")):
            raise InstrumentError(f"domain {domain['id']} has no name")
        items = domain.get("items", [])
        if not fewest <= len(items) <= most:
            raise InstrumentError(
                f"domain {domain['id']} has {len(items)} items; each domain needs "
                f"{fewest} to {most}"
            )
        for item in items:
            item_id = item.get("id")
            if not _filled(item_id):
                raise InstrumentError(f"an item of domain {domain['id']} has no id")
            if item_id in seen:
                raise InstrumentError(f"item id {item_id} is used twice")
            seen.add(item_id)
            if not item_id.startswith(f"{domain['id']}."):
                raise InstrumentError(
                    f"item {item_id} is in domain {domain['id']}: its id must start with "
                    f"'{domain['id']}.'"
                )
            for role in ROLES:
                if not _filled(item.get(role)):
                    raise InstrumentError(f"item {item_id} has no {role} wording")


def _check_translation(
    source: Mapping[str, Any], language: str, texts: Mapping[str, object]
) -> None:
    """One language file: every key, non-empty, none left in English, nothing unknown."""
    name = f"readiness/{language}.json"
    required = _required_keys(source, language)
    for key, english in required.items():
        if key not in texts:
            raise InstrumentError(f"{name} is missing {key}")
        text = texts[key]
        if not _filled(text):
            raise InstrumentError(f"{name} has an empty {key}")
        if _same_text(cast(str, text), english):
            raise InstrumentError(f"{name}: {key} is still the English text")
    unknown = sorted(set(texts) - set(required))
    if unknown:
        raise InstrumentError(f"{name} has keys the instrument does not: {', '.join(unknown)}")


def parse_instrument(
    source: Mapping[str, Any], translations: Mapping[str, Mapping[str, Any]]
) -> Instrument:
    """Check the English source and its translations (tag → key → text); build the instrument.

    Every family language (``DEMO_LANGUAGES``) must be translated, and Spanish must also carry
    the staff wordings.
    """
    _check_source(source)
    source_language = str(source.get("source_language", "en"))
    for language in DEMO_LANGUAGES:
        if language != source_language and language not in translations:
            raise InstrumentError(f"readiness/{language}.json is missing")
    for language, texts in translations.items():
        _check_translation(source, language, texts)

    def each(key: str, english: str) -> dict[str, str]:
        found = {source_language: english}
        found.update({tag: str(texts[key]) for tag, texts in translations.items() if key in texts})
        return found

    domains = tuple(
        Domain(
            id=domain["id"],
            names=each(f"domain.{domain['id']}", domain["name"]),
            items=tuple(
                Item(
                    id=item["id"],
                    domain=domain["id"],
                    staff=each(f"staff.item.{item['id']}", item["staff"]),
                    family=each(f"item.{item['id']}", item["family"]),
                    source_language=source_language,
                )
                for item in domain["items"]
            ),
            source_language=source_language,
        )
        for domain in source["domains"]
    )
    return Instrument(
        version=str(source["version"]),
        source_language=source_language,
        titles=each("title", source["title"]),
        intros={
            "staff": each("staff.intro", source["intro"]["staff"]),
            "family": each("intro", source["intro"]["family"]),
        },
        scale=tuple(
            ScalePoint(
                key=point["key"],
                value=point["value"],
                labels=each(f"scale.{point['key']}", point["label"]),
                source_language=source_language,
            )
            for point in source["scale"]
        ),
        domains=domains,
    )


@functools.cache
def load_instrument(directory: Path = LIBRARY_DIR) -> Instrument:
    """Read ``readiness.json`` and ``readiness/*.json`` from ``directory`` and check them."""
    source = json.loads((directory / "readiness.json").read_text(encoding="utf-8"))
    translations = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((directory / "readiness").glob("*.json"))
    }
    return parse_instrument(source, translations)


# --- Scoring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """One anonymous, completed questionnaire.

    ``answers`` maps item ids to 1 (strongly disagree) .. 5 (strongly agree), or to None for
    "I don't know". An item left out was skipped: neither scored nor counted as "I don't know".
    ``language`` is the language the respondent took it in (BCP 47, "es", "fa-AF").
    """

    role: Role
    language: str
    answers: Mapping[str, int | None]


@dataclass(frozen=True)
class Score:
    """A published mean on the 1-5 scale; ``value`` is None when not shown, ``reason`` says why.

    Reasons: "" (shown); "no_data" (nobody scored it); "small" (the group has 1 to 4
    respondents); "complementary" (hidden so that a small group next to it cannot be worked out
    from the total); "few_answers" (the group is large enough but fewer than 5 of its
    respondents scored the item, or every item of the domain).
    """

    value: Decimal | None
    reason: str = ""

    @property
    def shown(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class DomainResult:
    domain: str
    scores: dict[Role, Score]
    # Staff minus family, from the two published scores; None unless both are shown. Positive:
    # staff see the school more favourably than families do.
    gap: Decimal | None
    family_by_language: dict[str, Score]


@dataclass(frozen=True)
class ItemResult:
    item: str
    domain: str
    scores: dict[Role, Score]
    # "I don't know" out of the role's respondents (1 to 4 is shown as "fewer than 5").
    dont_know: dict[Role, Rate]


@dataclass(frozen=True)
class Report:
    version: str
    respondents: dict[Role, Cell]
    family_languages: Line[str]  # family respondents per language, with their total
    domains: dict[str, DomainResult]
    items: dict[str, ItemResult]


def _rounded(value: Fraction) -> Decimal:
    """``value`` (a positive mean) to hundredths, half up, computed exactly: 3.825 -> 3.83."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))).scaleb(-2)


def _checked(responses: Iterable[Response], instrument: Instrument) -> list[Response]:
    known = {item.id for item in instrument.items}
    checked: list[Response] = []
    for number, response in enumerate(responses, start=1):
        if response.role not in ROLES:
            raise ResponseError(f"response {number}: role must be staff or family")
        for item_id, value in response.answers.items():
            if item_id not in known:
                raise ResponseError(
                    f"response {number}: {item_id} is not an item of version {instrument.version}"
                )
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not LOWEST <= value <= HIGHEST
            ):
                raise ResponseError(
                    f"response {number}: {item_id} is {value!r}; answers are "
                    f"{LOWEST} to {HIGHEST} or None (I don't know)"
                )
        try:
            language = normalize_language(response.language)
        except InvalidLanguage as error:
            raise ResponseError(f"response {number}: {error}") from error
        checked.append(Response(response.role, language, response.answers))
    return checked


def _item_mean(group: list[Response], item_id: str) -> tuple[Fraction | None, str]:
    """The exact mean of an item's scored answers, or None and why."""
    scored = [v for r in group if (v := r.answers.get(item_id)) is not None]
    if not scored:
        return None, "no_data"
    if len(scored) < MINIMUM:
        return None, "few_answers"
    return Fraction(sum(scored), len(scored)), ""


def _group_scores(
    group: list[Response], instrument: Instrument, count: Cell
) -> tuple[dict[str, Score], dict[str, Score]]:
    """Domain scores and item scores of one group (a role, or the families of one language).

    ``count`` is the group's published respondent count: a suppressed count hides every
    score of the group, with the same reason. An item counts towards its domain only when at
    least ``MINIMUM`` respondents scored it, so that the domain score never carries (and never
    lets anyone work out) a mean of fewer than five answers.
    """
    domains: dict[str, Score] = {}
    items: dict[str, Score] = {}
    for domain in instrument.domains:
        if count.suppressed:
            domains[domain.id] = Score(None, count.reason)
            items.update({item.id: Score(None, count.reason) for item in domain.items})
            continue
        means: list[Fraction] = []
        reasons: set[str] = set()
        for item in domain.items:
            mean, reason = _item_mean(group, item.id)
            if mean is None:
                reasons.add(reason)
                items[item.id] = Score(None, reason)
            else:
                means.append(mean)
                items[item.id] = Score(_rounded(mean))
        if means:
            domains[domain.id] = Score(_rounded(sum(means, Fraction(0)) / len(means)))
        else:
            domains[domain.id] = Score(
                None, "few_answers" if "few_answers" in reasons else "no_data"
            )
    return domains, items


def score(responses: Iterable[Response], instrument: Instrument | None = None) -> Report:
    """Score anonymous responses; see the module docstring and docs/readiness.md.

    Steps:
    1. check every response (role, item ids of this version, answers 1-5 or None);
    2. count respondents per role; a role of 1 to 4 respondents is suppressed (no score of
       that role is shown, and no gap);
    3. count family respondents per language, suppressed as a line with its total (a small
       language hides one more, so that it cannot be worked out by subtraction);
    4. per role, per language: item means (of at least 5 scored answers), domain score = mean
       of the item means, rounded to two decimals;
    5. gap = staff score minus family score where both are shown;
    6. per item and role, "I don't know" out of the role's respondents.
    """
    instrument = instrument or load_instrument()
    checked = _checked(responses, instrument)
    by_role: dict[Role, list[Response]] = {
        role: [r for r in checked if r.role == role] for role in ROLES
    }
    respondents = suppress_line({role: len(by_role[role]) for role in ROLES}, total_shown=False)
    families = by_role["family"]
    languages = sorted({r.language for r in families})
    # The line's total is the family respondent count: when it is small, so is every language.
    family_languages = suppress_line(
        {language: sum(1 for r in families if r.language == language) for language in languages}
    )

    role_domains: dict[Role, dict[str, Score]] = {}
    role_items: dict[Role, dict[str, Score]] = {}
    for role in ROLES:
        role_domains[role], role_items[role] = _group_scores(
            by_role[role], instrument, respondents.cells[role]
        )
    language_domains = {
        language: _group_scores(
            [r for r in families if r.language == language],
            instrument,
            family_languages.cells[language],
        )[0]
        for language in languages
    }

    domains: dict[str, DomainResult] = {}
    for domain in instrument.domains:
        scores = {role: role_domains[role][domain.id] for role in ROLES}
        staff, family = scores["staff"].value, scores["family"].value
        domains[domain.id] = DomainResult(
            domain=domain.id,
            scores=scores,
            gap=staff - family if staff is not None and family is not None else None,
            family_by_language={
                language: language_domains[language][domain.id] for language in languages
            },
        )
    items = {
        item.id: ItemResult(
            item=item.id,
            domain=item.domain,
            scores={role: role_items[role][item.id] for role in ROLES},
            dont_know={
                role: rate(
                    sum(
                        1
                        for r in by_role[role]
                        if item.id in r.answers and r.answers[item.id] is None
                    ),
                    respondents.cells[role],
                )
                for role in ROLES
            },
        )
        for item in instrument.items
    }
    return Report(
        version=instrument.version,
        respondents=dict(respondents.cells),
        family_languages=family_languages,
        domains=domains,
        items=items,
    )


# --- Change over time ----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One figure in two reports; ``change`` (current minus previous) only when both are shown."""

    previous: Decimal | None
    current: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class Comparison:
    previous_version: str
    current_version: str
    # domain id → "staff" | "family" | "gap" → change. Only domains present in both reports.
    domains: dict[str, dict[str, Change]]


def compare(previous: Report, current: Report) -> Comparison:
    """Per domain and role (and for the gap), the change from ``previous`` to ``current``.

    Domains are matched by id, which stays the same when items are reworded in a new version
    of the instrument; a figure hidden in either report has no change.
    """
    domains: dict[str, dict[str, Change]] = {}
    for domain_id, now in current.domains.items():
        before = previous.domains.get(domain_id)
        if before is None:
            continue
        changes: dict[str, Change] = {
            role: Change(before.scores[role].value, now.scores[role].value) for role in ROLES
        }
        changes["gap"] = Change(before.gap, now.gap)
        domains[domain_id] = changes
    return Comparison(previous.version, current.version, domains)

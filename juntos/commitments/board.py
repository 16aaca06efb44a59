"""The public accountability board: each public commitment of a school, in the reader's
language, with the family input behind it (anonymised snapshots only: never a name, a phone
number or a caregiver id) and its history.

Texts are translated through the translation pipeline (memory, then the district's machine
translation), grouped by source language so that one page costs one lookup per language; a
text nobody has translated yet is shown in its original, said so. The original is always one
click away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from juntos.commitments import queries
from juntos.commitments.models import Commitment
from juntos.language import pipeline, registry
from juntos.language.templates_library import same_language


@dataclass(frozen=True)
class Shown:
    text: str
    language: str  # the language ``text`` is in (its ``lang`` attribute)
    original: str
    original_language: str
    translated: bool  # ``text`` is a translation of ``original``
    machine: bool  # made by a machine, unchecked
    untranslated: bool  # no translation into the reader's language yet


@dataclass(frozen=True)
class Step:
    status: str
    at: datetime


@dataclass(frozen=True)
class BoardItem:
    commitment_id: int
    kind: str
    status: str
    title: Shown
    description: Shown | None
    reason: Shown | None
    inputs: list[Shown]
    created_at: datetime
    history: list[Step]


def _translate_all(
    texts: Iterable[tuple[str, str]], language: str, district_id: int
) -> dict[tuple[str, str], Shown]:
    """(text, source language) → Shown in ``language``."""
    tag = registry.normalize(language)
    by_source: dict[str, list[str]] = defaultdict(list)
    result: dict[tuple[str, str], Shown] = {}
    for text, source in texts:
        if (text, source) in result or text in by_source[source]:
            continue
        if same_language(source, tag) or not text.strip():
            result[(text, source)] = Shown(text, source, text, source, False, False, False)
        else:
            by_source[source].append(text)
    policy = pipeline.TranslationPolicy.for_district(district_id)
    for source, group in by_source.items():
        if not group:
            continue
        made = pipeline.translate_many(group, source=source, target=tag, district_policy=policy)
        for text, rendition in zip(group, made, strict=True):
            if rendition.needs_human:
                result[(text, source)] = Shown(text, source, text, source, False, False, True)
            else:
                result[(text, source)] = Shown(
                    rendition.text, tag, text, source, True, rendition.machine_notice, False
                )
    return result


def board_items(commitments: Iterable[Commitment], language: str) -> list[BoardItem]:
    """Each commitment as the board shows it in ``language`` (inputs and changes prefetched)."""
    listed = list(commitments)
    if not listed:
        return []
    wanted: list[tuple[str, str]] = []
    for c in listed:
        wanted += [(c.title, c.source_language), (c.description, c.source_language)]
        wanted += [(c.reason, c.source_language)]
        wanted += [(link.text, link.language) for link in c.inputs.all()]
    shown = _translate_all(wanted, language, listed[0].district_id)
    items = []
    for c in listed:
        items.append(
            BoardItem(
                commitment_id=c.pk,
                kind=c.kind,
                status=c.status,
                title=shown[(c.title, c.source_language)],
                description=shown[(c.description, c.source_language)] if c.description else None,
                reason=shown[(c.reason, c.source_language)] if c.reason else None,
                inputs=[shown[(link.text, link.language)] for link in c.inputs.all()],
                created_at=c.created_at,
                history=[Step(change.to_status, change.at) for change in c.changes.all()],
            )
        )
    return items


def updates_for_exchange(exchange_id: int, language: str = "en") -> list[BoardItem]:
    """The public commitments that cite ideas of an idea exchange, for its public page (where
    anonymous contributors learn what became of their ideas), in ``language``."""
    return board_items(queries.public_commitments_for_exchange(exchange_id), language)

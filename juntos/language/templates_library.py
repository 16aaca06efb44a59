"""The library of message templates every school needs, and how it reaches the database.

The texts live in ``library/``: ``templates.json`` holds each template's stable key, kind and
English source with named placeholders (``{student}``); ``translations/<tag>.json`` holds one
language, key → text, so that a community reviewer can work on one file. Every translation in the
library was written for the project and is loaded with status *draft*: it becomes *reviewed* only
when a liaison who speaks the language approves or corrects it in Juntos.

:func:`sync_templates` is the one loader. It takes the model classes as arguments so that the
data migration can call it with the historical models, and it only sets fields that exist since
``0001_initial``. It never overwrites a translation that a reviewer approved or corrected.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LIBRARY_DIR = Path(__file__).resolve().parent / "library"

# A placeholder is a lower-case name in braces: {student}, {date}. Nothing else is substituted,
# so a stray brace in a translation is left as it is.
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def placeholders(text: str) -> frozenset[str]:
    """The names of the placeholders in ``text``."""
    return frozenset(PLACEHOLDER.findall(text))


def normalise(text: str) -> str:
    """The form of a source text that the translation memory is keyed on.

    Unicode NFC (the same letters typed on two keyboards compare equal) and every run of
    whitespace collapsed to one space, trimmed. Case is kept: capitals carry meaning (names,
    "US", the start of a sentence) and the remembered translation was made for that casing.
    Placeholders are left intact.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


def source_hash(text: str) -> str:
    """SHA-256 of the normal form, in hex: the memory's lookup key."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


# Languages whose region or script changes the written language: Dari (fa-AF) is not Iranian
# Persian, Traditional Chinese (zh-Hant) is not Simplified. For the others a region is a local
# flavour of one written language (es-MX reads es).
DISTINCT_VARIETIES = frozenset({"fa", "zh"})


def same_language(a: str, b: str) -> bool:
    """Whether texts in BCP 47 tags ``a`` and ``b`` are written in the same language."""
    if a == b:
        return True
    primary_a, primary_b = a.split("-")[0], b.split("-")[0]
    return primary_a == primary_b and primary_a not in DISTINCT_VARIETIES


class LibraryError(ValueError):
    """The library files are inconsistent (a test runs :func:`load_library` on every build)."""


@dataclass(frozen=True)
class LibraryTemplate:
    key: str
    kind: str
    description: str
    source_language: str
    source_text: str
    for_sms: bool
    translations: dict[str, str] = field(default_factory=dict)


@functools.cache
def load_library(directory: Path = LIBRARY_DIR) -> tuple[LibraryTemplate, ...]:
    """Read and check the library: every translation keeps exactly its source's placeholders."""
    index = json.loads((directory / "templates.json").read_text(encoding="utf-8"))
    source_language: str = index["source_language"]
    per_language: dict[str, dict[str, str]] = {}
    for path in sorted((directory / "translations").glob("*.json")):
        per_language[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    templates: list[LibraryTemplate] = []
    seen: set[str] = set()
    for entry in index["templates"]:
        key = entry["key"]
        if key in seen:
            raise LibraryError(f"template {key} is listed twice")
        seen.add(key)
        source = entry["text"]
        translations = {source_language: source}
        for language, texts in per_language.items():
            if key in texts:
                translations[language] = texts[key]
        for language, text in translations.items():
            if not text.strip():
                raise LibraryError(f"{key} is empty in {language}")
            if placeholders(text) != placeholders(source):
                raise LibraryError(
                    f"{key} in {language} has placeholders {sorted(placeholders(text))}, "
                    f"the source has {sorted(placeholders(source))}"
                )
        templates.append(
            LibraryTemplate(
                key=key,
                kind=entry["kind"],
                description=entry.get("description", ""),
                source_language=source_language,
                source_text=source,
                for_sms=bool(entry.get("for_sms", True)),
                translations=translations,
            )
        )
    for language, texts in per_language.items():
        unknown = set(texts) - seen
        if unknown:
            raise LibraryError(f"translations/{language}.json has unknown keys {sorted(unknown)}")
    return tuple(templates)


@dataclass
class SyncReport:
    templates_created: int = 0
    templates_updated: int = 0
    translations_created: int = 0
    translations_updated: int = 0
    # Reviewed translations left as they were although the library has another text.
    translations_kept: int = 0

    def __str__(self) -> str:
        return (
            f"templates: {self.templates_created} created, {self.templates_updated} updated; "
            f"translations: {self.translations_created} created, "
            f"{self.translations_updated} updated, {self.translations_kept} kept as reviewed"
        )


def sync_templates(
    *,
    template_model: Any,
    translation_model: Any,
    library: tuple[LibraryTemplate, ...] | None = None,
) -> SyncReport:
    """Bring the database in line with the library; safe to run any number of times.

    1. Create missing templates; update kind, description, source and SMS flag of existing ones.
    2. Create missing translations as drafts.
    3. Update a translation only while it is still a draft (nobody has approved or corrected
       it); a reviewed one is kept as it is, even when the library's text differs.

    Called inside a transaction by the caller (the command's action, or the migration).
    """
    report = SyncReport()
    templates = library if library is not None else load_library()
    existing = {t.key: t for t in template_model.objects.all()}
    for item in templates:
        template = existing.get(item.key)
        if template is None:
            template = template_model.objects.create(
                key=item.key,
                kind=item.kind,
                description=item.description,
                source_language=item.source_language,
                source_text=item.source_text,
                for_sms=item.for_sms,
            )
            report.templates_created += 1
        else:
            wanted = {
                "kind": item.kind,
                "description": item.description,
                "source_language": item.source_language,
                "source_text": item.source_text,
                "for_sms": item.for_sms,
            }
            changed = [name for name, value in wanted.items() if getattr(template, name) != value]
            if changed:
                for name in changed:
                    setattr(template, name, wanted[name])
                template.save(update_fields=[*changed, "updated_at"])
                report.templates_updated += 1
        digest = source_hash(item.source_text)
        current = {t.language: t for t in translation_model.objects.filter(template=template)}
        new_rows = []
        for language, text in item.translations.items():
            row = current.get(language)
            if row is None:
                new_rows.append(
                    translation_model(
                        template=template,
                        language=language,
                        text=text,
                        status="draft",
                        source_hash=digest,
                    )
                )
            elif row.status != "draft":
                if row.text != text:
                    report.translations_kept += 1
            elif row.text != text or row.source_hash != digest:
                row.text = text
                row.source_hash = digest
                row.save(update_fields=["text", "source_hash", "updated_at"])
                report.translations_updated += 1
        translation_model.objects.bulk_create(new_rows)
        report.translations_created += len(new_rows)
    return report

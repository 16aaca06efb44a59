"""The words of Juntos's own pages and the gettext catalogs that translate them, read in Python.

Two tests use this module (docs/translations.md): every string of the staff pages must be in
Spanish, and every string of the family pages in each language the family pages offer. They
need the msgids the sources hold, found the way ``makemessages`` finds them but without
xgettext (not installed everywhere the tests run):

* templates go through Django's own ``templatize`` (the step ``makemessages`` runs before
  xgettext), whose output is fed to Babel's Python extractor (``extract_python``);
* Python files go to Babel's Python extractor directly, with Django's gettext keywords.

Tests, test helpers and migrations hold no page text and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

SOURCE_ROOT = Path(__file__).resolve().parents[1]
SKIPPED_FOLDERS = frozenset({"tests", "testing", "migrations", "locale", "static", "__pycache__"})

# Django's translation functions, in Babel's notation: which arguments are the message (1, 2 for
# singular and plural) and which is the context ("c").
KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

# Staff templates a family template names: the staff header (base.html includes it, and shows
# it only to signed-in staff), and staff pages about families named like family pages (a family
# page outside the portal is named family_*.html: docs/translations.md). English and Spanish only.
STAFF_TEMPLATES = frozenset(
    {"_staff_nav.html", "people/family_list.html", "people/family_detail.html"}
)
# Pages every visitor, family or staff, can be shown.
SHARED_TEMPLATES = ("home.html", "404.html", "base.html")

INCLUDE = re.compile(r"""{%\s*include\s+["']([^"'#]+)(?:#[^"']*)?["']""")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


@dataclass(frozen=True)
class Key:
    """One message: its context (``pgettext``) or None, and its msgid (the singular)."""

    context: str | None
    msgid: str

    def __lt__(self, other: Key) -> bool:
        # Sorted for stable reports: no context first (None does not compare with a str).
        return (self.context or "", self.msgid) < (other.context or "", other.msgid)


@dataclass(frozen=True)
class Translation:
    """A message's translated forms (one, or one per plural form) and the catalog it is from."""

    forms: tuple[str, ...]
    catalog: Path

    @property
    def complete(self) -> bool:
        return bool(self.forms) and all(form.strip() for form in self.forms)


def placeholders(text: str) -> set[str]:
    """The ``%(name)s``, ``%s`` and ``{name}`` placeholders of ``text`` (``%%`` is not one)."""
    text = text.replace("%%", "")
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def _walk(root: Path, suffix: str) -> Iterator[Path]:
    for path in sorted(root.rglob(f"*{suffix}")):
        if not SKIPPED_FOLDERS.intersection(path.relative_to(root).parts[:-1]):
            yield path


def template_files(root: Path = SOURCE_ROOT) -> list[Path]:
    return [p for p in _walk(root, ".html") if "templates" in p.relative_to(root).parts]


def python_files(root: Path = SOURCE_ROOT) -> list[Path]:
    return list(_walk(root, ".py"))


def _messages(source: bytes) -> Iterator[tuple[int, Key, tuple[str, ...]]]:
    # "python" is Babel's extract_python; extract() applies the keywords' argument positions.
    for lineno, message, _comments, context in extract(
        "python", BytesIO(source), keywords=KEYWORDS, options={"encoding": "utf-8"}
    ):
        ids = tuple(message) if isinstance(message, tuple | list) else (message,)
        if ids and ids[0]:
            yield lineno, Key(context, ids[0]), tuple(ids)


def extract_file(path: Path) -> Iterator[tuple[int, Key, tuple[str, ...]]]:
    """(line, key, (msgid[, msgid_plural])) for each translatable string of one source file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        # templatize keeps each line's indentation, which Python's tokenizer would reject;
        # its calls never span lines (it writes them with repr), so dedenting loses nothing.
        text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).split("\n"))
    yield from _messages(text.encode("utf-8"))


@dataclass
class Source:
    """A message as the sources write it: (msgid[, msgid_plural]) and each ``path:line``."""

    ids: tuple[str, ...]
    where: list[str] = field(default_factory=list)


def extract_strings(paths: Iterable[Path]) -> dict[Key, Source]:
    """Every message of ``paths``, each with where it is written."""
    found: dict[Key, Source] = {}
    for path in paths:
        name = path.relative_to(SOURCE_ROOT.parent) if path.is_relative_to(SOURCE_ROOT) else path
        for lineno, key, ids in extract_file(path):
            source = found.setdefault(key, Source(ids))
            if len(ids) > len(source.ids):
                source.ids = ids  # the plural form, where one place uses ngettext
            source.where.append(f"{name}:{lineno}")
    return found


def project_strings() -> dict[Key, Source]:
    """Every message of the project's own pages and code (staff and family alike)."""
    return extract_strings([*template_files(), *python_files()])


def _template_name(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[len(parts) - parts[::-1].index("templates") :])


def family_templates(root: Path = SOURCE_ROOT) -> list[Path]:
    """The templates a family can be shown: the portal's, the shared pages (home, 404, base),
    every ``<app>/templates/<app>/family_*.html``, and every template those include."""
    by_name = {_template_name(p): p for p in template_files(root)}
    chosen: dict[str, Path] = {}
    for name, path in by_name.items():
        in_portal = path.is_relative_to(root / "portal" / "templates")
        shared = path.parent == root / "templates" and name in SHARED_TEMPLATES
        named_family = (
            path.name.startswith("family_")
            and path.parent.parent.name == "templates"
            and name not in STAFF_TEMPLATES
        )
        if in_portal or shared or named_family:
            chosen[name] = path
    pending = list(chosen.values())
    while pending:
        for included in INCLUDE.findall(pending.pop().read_text(encoding="utf-8")):
            if included in by_name and included not in {*chosen, *STAFF_TEMPLATES}:
                chosen[included] = by_name[included]
                pending.append(by_name[included])
    return sorted(chosen.values())


def family_strings() -> dict[Key, Source]:
    return extract_strings(family_templates())


def locale_folders() -> list[Path]:
    """The ``locale`` folders Django reads for this project, highest priority first: the
    LOCALE_PATHS, then each installed Juntos app in INSTALLED_APPS order."""
    folders = [Path(p) for p in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        folder = Path(config.path) / "locale"
        if folder.is_relative_to(SOURCE_ROOT) and folder.is_dir():
            folders.append(folder)
    return folders


def catalog_files(language: str) -> list[Path]:
    """The ``django.po`` files of ``language`` (a Django code such as ``fa-af``)."""
    locale = to_locale(language)
    found = (folder / locale / "LC_MESSAGES" / "django.po" for folder in locale_folders())
    return [path for path in found if path.exists()]


class UnreadableCatalogError(ValueError):
    """A catalog Babel cannot parse (e.g. a header left as ``nplurals=INTEGER``)."""


def read_catalog(path: Path) -> dict[Key, Translation]:
    """The entries of one ``.po`` (or ``.mo``) file; untranslated and fuzzy ones have no forms."""
    try:
        with path.open("rb") as fh:
            catalog = read_mo(fh) if path.suffix == ".mo" else read_po(fh)
    except (ValueError, OSError) as error:
        raise UnreadableCatalogError(f"{path}: {error}") from error
    entries: dict[Key, Translation] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        forms = message.string
        texts = tuple(forms) if isinstance(forms, tuple | list) else (forms or "",)
        if getattr(message, "fuzzy", False):
            texts = ()  # gettext does not compile a fuzzy entry: the page shows English
        entries[Key(message.context, str(msgid))] = Translation(
            tuple(str(t or "") for t in texts), path
        )
    return entries


def fuzzy_entries(path: Path) -> list[Key]:
    """Entries marked ``#, fuzzy``: gettext does not compile them, so they show English."""
    with path.open("rb") as fh:
        catalog = read_po(fh)
    return [
        Key(m.context, str(m.id[0] if isinstance(m.id, tuple | list) else m.id))
        for m in catalog
        if m.id and m.fuzzy
    ]


def merged_catalog(language: str) -> dict[Key, Translation]:
    """What Django translates in ``language``: for each message, the first complete translation
    in priority order (an untranslated entry does not hide another catalog's translation)."""
    merged: dict[Key, Translation] = {}
    for path in catalog_files(language):
        try:
            entries = read_catalog(path)
        except UnreadableCatalogError:
            continue  # reported by catalog_problems; Django cannot load it either
        for key, translation in entries.items():
            if translation.complete and key not in merged:
                merged[key] = translation
    return merged


def compiled_differences(path: Path) -> list[Key]:
    """The messages on which ``path`` (a ``.po``) and its ``.mo`` disagree; every message when
    the ``.mo`` is missing. Untranslated entries are not compiled, and are not compared."""
    source = {k: t.forms for k, t in read_catalog(path).items() if t.complete}
    mo = path.with_suffix(".mo")
    try:
        compiled = {k: t.forms for k, t in read_catalog(mo).items() if t.complete}
    except UnreadableCatalogError:
        return sorted(source)  # missing or unreadable: nothing of the source is compiled
    return sorted(k for k in source.keys() | compiled.keys() if source.get(k) != compiled.get(k))


def _label(key: Key, source: Source) -> str:
    context = f" (context {key.context!r})" if key.context else ""
    more = f" and {len(source.where) - 3} more" if len(source.where) > 3 else ""
    return f"{key.msgid!r}{context} from {', '.join(source.where[:3])}{more}"


def translation_problems(strings: dict[Key, Source], language: str) -> list[str]:
    """One line per message of ``strings`` that Django cannot show in ``language``: missing or
    empty, or with placeholders other than the English ones (a translation with a placeholder
    the code does not pass raises an error when the page renders)."""
    merged = merged_catalog(language)
    problems = []
    for key, source in sorted(strings.items()):
        translation = merged.get(key)
        if translation is None:
            problems.append(f"missing: {_label(key, source)}")
            continue
        wanted = [placeholders(msgid) for msgid in source.ids]
        allowed = set().union(*wanted)
        forms = translation.forms
        wrong = (
            placeholders(forms[0]) != wanted[0]
            if len(wanted) == 1
            else any(not placeholders(form) <= allowed for form in forms)
            or placeholders(forms[-1]) != wanted[-1]
        )
        if wrong:
            problems.append(
                f"placeholders differ in {translation.catalog}: {_label(key, source)} "
                f"→ {list(forms)!r}"
            )
    return problems


def catalog_problems(language: str) -> list[str]:
    """One line per entry of ``language``'s catalogs that gettext would not show as written:
    marked fuzzy (never compiled), or different in the compiled ``.mo`` (not recompiled)."""
    problems = []
    for path in catalog_files(language):
        try:
            fuzzy = fuzzy_entries(path)
        except (ValueError, OSError) as error:
            problems.append(f"unreadable: {path}: {error}")
            continue
        problems += [f"fuzzy in {path}: {key.msgid!r}" for key in fuzzy]
        problems += [
            f"not compiled in {path.with_suffix('.mo')}: {key.msgid!r}"
            for key in compiled_differences(path)
        ]
    return problems

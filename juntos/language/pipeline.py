"""The translation pipeline (DESIGN.md section 2, rule 3: honest translation).

For a text and a target language, in order:

1. **reviewed template**: a message template's translation in that language (the library);
2. **translation memory**: a translation made before for the same normalised source text;
3. **machine translation**, only if the district configured a provider and it translates that
   pair; the result is remembered as a machine draft and labelled (``machine_notice``);
4. **human queue**: the result says ``needs_human``; the caller either holds the message and
   calls :func:`juntos.language.actions.do_request_human_translation`, or sends now with
   :func:`interpreter_offer` in the family's language (``TranslationPolicy.hold_for_human``).

Every result is a :class:`Rendition` that says how it was made and whether a speaker checked it;
messaging stores those fields beside what it sends.

**Render once per language.** Translation work is done per language, never per family:
:func:`prepare_template_for_languages` (or :func:`translate_for_languages`) returns one
rendition per language with the placeholders still in place; :func:`fill` then substitutes each
caregiver's values (``{student}``), which is plain string work. Placeholders are substituted
after translation, so names and dates never pass through a machine translator.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from juntos.language import actions, registry
from juntos.language.models import (
    MessageTemplate,
    Method,
    Status,
    TemplateTranslation,
    TranslationMemory,
)
from juntos.language.providers import Provider, ProviderError, get_provider
from juntos.language.templates_library import (
    DISTINCT_VARIETIES,
    PLACEHOLDER,
    same_language,
    source_hash,
)

log = logging.getLogger(__name__)

MACHINE_NOTICE_KEY = "translation.machine_notice"
INTERPRETER_OFFER_KEY = "translation.interpreter_offer"


class UnknownTemplateError(LookupError):
    """No message template has this key."""


class MissingPlaceholderError(LookupError):
    """A placeholder of the text has no value in the context."""


@dataclass(frozen=True)
class Rendition:
    """A text in a language, with where it came from.

    ``language`` is the language ``text`` is written in: when ``needs_human`` is true the text
    is still the source (``requested_language`` says what was asked for). ``machine_notice``
    is true when a machine made the text and no speaker has checked it: the sender must append
    :func:`machine_notice` (see :func:`text_with_notice`).
    """

    text: str
    language: str
    method: str
    status: str
    reviewer_id: int | None
    machine_notice: bool
    source_text: str
    source_language: str
    needs_human: bool
    requested_language: str = ""
    # The engine, for machine translations and for memory entries a machine made.
    provider: str = ""
    # The translation memory row this came from or was stored in.
    memory_id: int | None = None
    template_key: str = ""
    # For memory hits: how the remembered translation was made (machine, human, template).
    origin_method: str = ""
    # "transient" or "permanent" when a machine translation was tried and failed.
    provider_error: str = ""

    @property
    def is_reviewed(self) -> bool:
        return self.status == Status.REVIEWED

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types, for messaging to store beside what it sent."""
        data = dataclasses.asdict(self)
        data["method"], data["status"] = str(self.method), str(self.status)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rendition:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True)
class TranslationPolicy:
    """How one district translates.

    ``machine`` allows the configured provider (there is none unless ``TRANSLATION_PROVIDER``
    is set). ``hold_for_human`` tells the caller what to do with a text that needs a person:
    hold the message until the translation is done, or send it now with an interpreter offer.
    ``provider`` overrides the configured provider (tests, a district with its own account).
    """

    district_id: int | None = None
    machine: bool = True
    hold_for_human: bool = False
    provider: Provider | None = None

    @classmethod
    def for_district(cls, district: Any) -> TranslationPolicy:
        district_id = getattr(district, "pk", district)
        return cls(
            district_id=int(district_id) if district_id is not None else None,
            hold_for_human=bool(getattr(settings, "TRANSLATION_HOLD_FOR_HUMAN", False)),
        )

    def resolve_provider(self) -> Provider | None:
        if not self.machine:
            return None
        if self.provider is not None:
            return self.provider
        try:
            return get_provider()
        except ImproperlyConfigured:
            # Misconfigured provider: log loudly, and let people translate rather than stop.
            log.exception("machine translation is misconfigured; using the human queue")
            return None


DEFAULT_POLICY = TranslationPolicy()


def _tag(value: str) -> str:
    return registry.normalize(value)


# --- Free text -------------------------------------------------------------------------------


def translate(
    text: str, *, source: str, target: str, district_policy: TranslationPolicy | None = None
) -> Rendition:
    """Translate one text (a teacher's own sentence, a reply). See the module docstring."""
    return translate_many([text], source=source, target=target, district_policy=district_policy)[0]


def translate_for_languages(
    text: str,
    *,
    source: str,
    targets: Iterable[str],
    district_policy: TranslationPolicy | None = None,
) -> dict[str, Rendition]:
    """One rendition per distinct target language, keyed by the normalised tag."""
    result: dict[str, Rendition] = {}
    for target in targets:
        tag = _tag(target)
        if tag not in result:
            result[tag] = translate(
                text, source=source, target=tag, district_policy=district_policy
            )
    return result


def translate_many(
    texts: list[str],
    *,
    source: str,
    target: str,
    district_policy: TranslationPolicy | None = None,
    shared: bool = False,
) -> list[Rendition]:
    """Translate several texts between one pair of languages: one provider call for all misses.

    ``shared`` stores machine results as shared memory (every district may reuse them): only
    for texts that name nobody, such as template sources.
    """
    policy = district_policy or DEFAULT_POLICY
    source, target = _tag(source), _tag(target)
    results: list[Rendition | None] = [None] * len(texts)
    misses: list[int] = []
    for index, text in enumerate(texts):
        if same_language(source, target) or not text.strip():
            results[index] = _original(text, source, requested=target)
        else:
            misses.append(index)
    if misses:
        remembered = _memory_lookup(
            source, target, [source_hash(texts[i]) for i in misses], policy.district_id
        )
        still: list[int] = []
        for index in misses:
            row = remembered.get(source_hash(texts[index]))
            if row is None:
                still.append(index)
            else:
                results[index] = _from_memory(row, texts[index], source, target)
        misses = still
    if misses:
        for index, rendition in zip(
            misses,
            _machine([texts[i] for i in misses], source, target, policy, shared=shared),
            strict=True,
        ):
            results[index] = rendition
    return [r for r in results if r is not None]


def _original(text: str, language: str, *, requested: str, template_key: str = "") -> Rendition:
    # The author's own words: nothing to translate, so nothing for a speaker to check.
    return Rendition(
        text=text,
        language=language,
        method=Method.ORIGINAL,
        status=Status.REVIEWED,
        reviewer_id=None,
        machine_notice=False,
        source_text=text,
        source_language=language,
        needs_human=False,
        requested_language=requested,
        template_key=template_key,
    )


def _needs_human(text: str, source: str, target: str, provider_error: str = "") -> Rendition:
    return Rendition(
        text=text,
        language=source,
        method=Method.ORIGINAL,
        status=Status.DRAFT,
        reviewer_id=None,
        machine_notice=False,
        source_text=text,
        source_language=source,
        needs_human=True,
        requested_language=target,
        provider_error=provider_error,
    )


def _memory_lookup(
    source: str, target: str, hashes: list[str], district_id: int | None
) -> dict[str, TranslationMemory]:
    """The best remembered row per hash.

    Reviewed before draft, the exact target tag before its bare language (es-MX reads a
    translation made for es, never the other way round), the district's before shared.
    """
    where = Q(district__isnull=True)
    if district_id is not None:
        where |= Q(district_id=district_id)
    targets = [target]
    primary = target.split("-")[0]
    if primary != target and primary not in DISTINCT_VARIETIES:
        targets.append(primary)
    rows = TranslationMemory.objects.filter(
        where, source_language=source, target_language__in=targets, source_hash__in=set(hashes)
    )
    best: dict[str, TranslationMemory] = {}
    for row in rows:
        current = best.get(row.source_hash)
        if current is None or _rank(row, target) > _rank(current, target):
            best[row.source_hash] = row
    return best


def _rank(row: TranslationMemory, target: str) -> tuple[bool, bool, bool]:
    return (
        row.status == Status.REVIEWED,
        row.target_language == target,
        row.district_id is not None,
    )


def _from_memory(row: TranslationMemory, text: str, source: str, target: str) -> Rendition:
    return Rendition(
        text=row.target_text,
        language=row.target_language,
        method=Method.MEMORY,
        status=row.status,
        reviewer_id=row.reviewed_by_id,
        # A machine's text stays labelled until a speaker has checked it.
        machine_notice=row.method == Method.MACHINE and row.status != Status.REVIEWED,
        source_text=text,
        source_language=source,
        needs_human=False,
        requested_language=target,
        provider=row.provider,
        memory_id=row.pk,
        origin_method=row.method,
    )


def _machine(
    texts: list[str], source: str, target: str, policy: TranslationPolicy, *, shared: bool
) -> list[Rendition]:
    provider = policy.resolve_provider()
    if provider is None or not provider.supports(source, target):
        return [_needs_human(text, source, target) for text in texts]
    try:
        translated = provider.translate(texts, source, target)
    except ProviderError as error:
        log.warning("machine translation %s→%s failed (%s): %s", source, target, error.kind, error)
        return [_needs_human(text, source, target, error.kind) for text in texts]
    renditions: list[Rendition] = []
    for text, output in zip(texts, translated, strict=True):
        if not output.strip():
            renditions.append(_needs_human(text, source, target, "permanent"))
            continue
        row = actions.do_remember_translation(
            district_id=None if shared else policy.district_id,
            source_language=source,
            target_language=target,
            source_text=text,
            target_text=output,
            method=Method.MACHINE,
            status=Status.DRAFT,
            provider=provider.name,
        )
        if row.status == Status.REVIEWED:
            # Someone reviewed this text meanwhile: their version wins.
            renditions.append(_from_memory(row, text, source, target))
            continue
        renditions.append(
            Rendition(
                text=output,
                language=target,
                method=Method.MACHINE,
                status=Status.DRAFT,
                reviewer_id=None,
                machine_notice=True,
                source_text=text,
                source_language=source,
                needs_human=False,
                requested_language=target,
                provider=provider.name,
                memory_id=row.pk,
            )
        )
    return renditions


# --- Templates -------------------------------------------------------------------------------


def _template(key: str) -> MessageTemplate:
    template = MessageTemplate.objects.filter(key=key).first()
    if template is None:
        raise UnknownTemplateError(key)
    return template


def _translation_for(
    translations: Mapping[str, TemplateTranslation], language: str
) -> TemplateTranslation | None:
    if language in translations:
        return translations[language]
    # es-MX reads the es translation; fa-AF never reads fa (see DISTINCT_VARIETIES).
    primary = language.split("-")[0]
    if primary != language and primary not in DISTINCT_VARIETIES:
        return translations.get(primary)
    return None


def prepare_template_for_languages(
    key: str, languages: Iterable[str], *, district_policy: TranslationPolicy | None = None
) -> dict[str, Rendition]:
    """The template in each distinct language, placeholders not yet filled (see :func:`fill`).

    Templates a language lacks go through memory, machine and human like any text; the
    template's source names nobody, so machine results are shared by every district.
    """
    template = _template(key)
    tags: list[str] = []
    for language in languages:
        tag = _tag(language)
        if tag not in tags:
            tags.append(tag)
    translations = {
        t.language: t
        for t in TemplateTranslation.objects.filter(template=template).exclude(text="")
    }
    result: dict[str, Rendition] = {}
    for tag in tags:
        found = _translation_for(translations, tag)
        if found is not None:
            result[tag] = Rendition(
                text=found.text,
                language=found.language,
                method=Method.TEMPLATE,
                status=found.status,
                reviewer_id=found.reviewed_by_id,
                machine_notice=False,
                source_text=template.source_text,
                source_language=template.source_language,
                needs_human=False,
                requested_language=tag,
                template_key=key,
            )
        elif same_language(tag, template.source_language):
            result[tag] = _original(
                template.source_text, template.source_language, requested=tag, template_key=key
            )
        else:
            rendition = translate_many(
                [template.source_text],
                source=template.source_language,
                target=tag,
                district_policy=district_policy,
                shared=True,
            )[0]
            result[tag] = dataclasses.replace(rendition, template_key=key)
    return result


def prepare_template(
    key: str, language: str, *, district_policy: TranslationPolicy | None = None
) -> Rendition:
    """The template in one language, placeholders not yet filled."""
    tag = _tag(language)
    return prepare_template_for_languages(key, [tag], district_policy=district_policy)[tag]


Context = Mapping[str, str | Rendition]


_URL_VALUE = re.compile(r"^https?://\S+$")


def _right_to_left(language: str) -> bool:
    try:
        return bool(registry.get(language).rtl)
    except Exception:  # an unknown tag: leave the text as it is
        return False


def fill(rendition: Rendition, context: Context) -> Rendition:
    """Substitute the placeholders of ``rendition.text`` with ``context`` values.

    A value may itself be a :class:`Rendition` (a teacher's sentence translated on its own):
    its text is inserted and its provenance folds in, so a reviewed template carrying a machine
    sentence is labelled machine-translated and draft. Raises :class:`MissingPlaceholderError`.
    """
    parts: list[Rendition] = []
    rtl = _right_to_left(rendition.language)

    def substitute(match: Any) -> str:
        name = match.group(1)
        if name not in context:
            raise MissingPlaceholderError(
                f"no value for {{{name}}} in {rendition.template_key or 'text'}"
            )
        value = context[name]
        if isinstance(value, Rendition):
            parts.append(value)
            return value.text
        text = str(value)
        if rtl and _URL_VALUE.match(text):
            # Inside right-to-left text a web address is laid out backwards ("/…https://")
            # unless isolated as left-to-right (Unicode LRI … PDI; phones honour them in SMS).
            return f"\u2066{text}\u2069"
        return text

    text = PLACEHOLDER.sub(substitute, rendition.text)
    if not parts:
        return dataclasses.replace(rendition, text=text)
    draft = rendition.status == Status.DRAFT or any(p.status == Status.DRAFT for p in parts)
    return dataclasses.replace(
        rendition,
        text=text,
        status=Status.DRAFT if draft else Status.REVIEWED,
        machine_notice=rendition.machine_notice or any(p.machine_notice for p in parts),
        needs_human=rendition.needs_human or any(p.needs_human for p in parts),
    )


def render_template(
    key: str,
    language: str,
    context: Context,
    *,
    district_policy: TranslationPolicy | None = None,
) -> Rendition:
    """The template in ``language`` with ``context`` filled in (one recipient, or one language
    when every recipient shares the values). For many recipients, prepare once per language and
    :func:`fill` per recipient."""
    return fill(prepare_template(key, language, district_policy=district_policy), context)


def machine_notice(language: str) -> Rendition:
    """ "This message was translated by a computer…" in ``language``."""
    return prepare_template(MACHINE_NOTICE_KEY, language)


def interpreter_offer(
    language: str, *, district_policy: TranslationPolicy | None = None
) -> Rendition:
    """ "We can offer an interpreter in your language…", sent with a message that has no
    translation in the family's language yet."""
    return prepare_template(INTERPRETER_OFFER_KEY, language, district_policy=district_policy)


def text_with_notice(rendition: Rendition, *, separator: str = "\n\n") -> str:
    """The text to send: with the machine-translation notice appended when it is due."""
    if not rendition.machine_notice:
        return rendition.text
    notice = machine_notice(rendition.language)
    return f"{rendition.text}{separator}{notice.text}"


def text_to_send(rendition: Rendition, *, separator: str = "\n\n") -> str:
    """The text for a family, honest about its translation.

    Machine-made and unchecked: the text, then the machine-translation notice. Not translated
    yet (sent now rather than held): first the interpreter offer in the family's language, so
    the top of the message is something they can read, then the original text.
    """
    if rendition.needs_human:
        offer = interpreter_offer(rendition.requested_language or rendition.language)
        return f"{offer.text}{separator}{rendition.text}"
    return text_with_notice(rendition, separator=separator)


# --- Values for placeholders -----------------------------------------------------------------

# CLDR calls Tagalog "fil"; Hmong has no CLDR locale (US-style numbers are used instead).
_BABEL_LOCALES = {"tl": "fil", "hmn": "en_US", "en": "en_US"}


def _locale(language: str) -> Locale:
    tag = _tag(language)
    name = _BABEL_LOCALES.get(tag, tag.replace("-", "_"))
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en_US")


def format_date(value: date, language: str, *, style: str = "long") -> str:
    """A date as families who read ``language`` write it, for ``{date}``."""
    numeric = _tag(language) == "hmn"
    return str(
        babel_dates.format_date(
            value, format="short" if numeric else style, locale=_locale(language)
        )
    )


def format_time(value: time | datetime, language: str) -> str:
    """A time of day as families who read ``language`` write it, for ``{time}``."""
    return str(babel_dates.format_time(value, format="short", locale=_locale(language)))

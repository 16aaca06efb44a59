"""Every idea-exchange write with side effects: ``do_<verb>_<noun>`` functions, one transaction
each (docs/listening.md).

The question goes out through messaging's fan-out (``write_rendered_fanout``), as an
announcement to the exchange's audience: rendered once per language (the question translated
by the pipeline, the words around it from this app's catalogs), one Delivery per caregiver on
their first usable channel, sends queued after commit.

Families take part anonymously: :func:`pseudonym` turns (exchange, caregiver) into an opaque
participant key, and no row of this app names the caregiver.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from juntos.language import pipeline, registry
from juntos.language.detect import detect
from juntos.language.templates_library import same_language
from juntos.listening.models import (
    Idea,
    IdeaExchange,
    IdeaFollower,
    IdeaRendition,
    Participant,
    Reaction,
)
from juntos.messaging import audience as aud
from juntos.messaging import fanout
from juntos.messaging.actions import InputError, write_rendered_fanout
from juntos.messaging.models import Announcement, Message
from juntos.people.models import Caregiver, District, School, Staff, Student

MAX_QUESTION_CHARS = 500
MAX_IDEA_CHARS = 500
PSEUDONYM_SALT = "juntos.listening.participant"


# --- Anonymity -------------------------------------------------------------------------------


def pseudonym(exchange_id: int, caregiver_id: int) -> str:
    """The participant key of a caregiver in an exchange: HMAC-SHA256 under a key derived from
    ``SECRET_KEY`` (``salted_hmac``). The same caregiver gets the same key in one exchange and
    unrelated keys in two exchanges; the key cannot be turned back into the caregiver without
    the secret and the roster."""
    value = f"{exchange_id}:{caregiver_id}"
    return salted_hmac(PSEUDONYM_SALT, value, algorithm="sha256").hexdigest()


def family_language(caregiver: Caregiver) -> str:
    try:
        return registry.normalize(caregiver.preferred_language or "en")
    except registry.InvalidLanguage:
        return "en"


def _participant(exchange: IdeaExchange, caregiver: Caregiver) -> Participant:
    """The caregiver's participant row (created on first use). Call inside a transaction."""
    key = pseudonym(exchange.pk, caregiver.pk)
    language = family_language(caregiver)
    try:
        with transaction.atomic():
            participant, _created = Participant.objects.get_or_create(
                exchange=exchange, pseudonym=key, defaults={"language": language}
            )
    except IntegrityError:  # two requests of the same family at once
        participant = Participant.objects.get(exchange=exchange, pseudonym=key)
    if participant.language != language:
        participant.language = language
        participant.save(update_fields=["language"])
    return participant


# --- Moderation flags ------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven or more digits, with the separators people type in phone numbers.
PHONE = re.compile(r"\+?\(?\d(?:[\s().-]*\d){6,}")
WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")  # apostrophes: ' and the typographic one


def _roster_names(district_id: int, candidates: set[str]) -> set[str]:
    """The candidates that are a first or last name of a student or caregiver of the district
    (compared without case): one indexed query per name column, whatever the roster's size."""
    found: set[str] = set()
    if not candidates:
        return found
    for model, columns in (
        (Student, ("given_name", "family_name", "preferred_name")),
        (Caregiver, ("given_name", "family_name")),
    ):
        for column in columns:
            rows = (
                model.objects.filter(district_id=district_id)
                .annotate(folded=Lower(column))
                .filter(folded__in=candidates)
                .values_list("folded", flat=True)
                .distinct()
            )
            found.update(rows)
    return found


def find_flags(text: str, *, district_id: int) -> list[dict[str, str]]:
    """What a moderator should look at before an idea is shown: phone numbers, email addresses
    and the names of people on the district's roster (single words and up to three-word
    names). Every idea is held for a moderator anyway; the flags say where to look."""
    flags: list[dict[str, str]] = []
    for match in EMAIL.finditer(text):
        flags.append({"kind": "email", "text": match.group()})
    without_emails = EMAIL.sub(" ", text)
    for match in PHONE.finditer(without_emails):
        flags.append({"kind": "phone", "text": match.group().strip()})
    words = [w for w in WORD.findall(without_emails) if not w.isdigit()]
    candidates: dict[str, str] = {}
    for size in (1, 2, 3):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if len(phrase) >= 2:
                candidates.setdefault(phrase.lower(), phrase)
    for folded in sorted(_roster_names(district_id, set(candidates))):
        flags.append({"kind": "name", "text": candidates[folded]})
    return flags


# --- Exchanges -------------------------------------------------------------------------------


def _tag(language: str, fallback: str) -> str:
    try:
        return registry.normalize(language or fallback)
    except registry.InvalidLanguage:
        return registry.normalize(fallback)


def do_create_exchange(
    *,
    by: Staff,
    school: School,
    question: str,
    audience_kind: str,
    audience_ref: dict[str, Any],
    closes_at: datetime | None = None,
    opens_at: datetime | None = None,
    question_language: str = "",
) -> IdeaExchange:
    """A draft exchange. Raises InputError naming each bad field."""
    errors: dict[str, str] = {}
    question = question.strip()
    if not question:
        errors["question"] = "Write the question families will answer."
    elif len(question) > MAX_QUESTION_CHARS:
        errors["question"] = f"Keep the question under {MAX_QUESTION_CHARS} characters."
    if audience_kind not in (aud.SCHOOL, aud.SECTION, aud.GRADE, aud.LIST):
        errors["audience"] = "Choose who is asked."
    if closes_at is not None and closes_at <= (opens_at or timezone.now()):
        errors["closes_at"] = "The exchange must close after it opens."
    if school.district_id != by.district_id:
        errors["school"] = "Choose a school of your district."
    if errors:
        raise InputError(errors)
    return IdeaExchange.objects.create(
        district_id=by.district_id,
        school=school,
        question=question,
        question_language=_tag(question_language, by.district.default_language),
        audience_kind=audience_kind,
        audience_ref=dict(audience_ref),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=by,
    )


def exchange_link(exchange: IdeaExchange, base_url: str = "") -> str:
    """The family page of the exchange: on ``PUBLIC_BASE_URL``, else on ``base_url``."""
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or base_url).rstrip("/")
    return base + reverse("listening:family_exchange", kwargs={"exchange_id": exchange.pk})


def question_text(exchange: IdeaExchange, language: str, question: str, link: str) -> str:
    """The question as sent to a family who reads ``language`` (this app's catalogs)."""
    from juntos.portal.language import supported

    with translation.override(supported(language) or "en"):
        asks = _("%(school)s asks families: %(question)s") % {
            "school": exchange.school.name,
            "question": question,
        }
        how = _(
            "Reply to this text with your idea, in your language. Ideas are anonymous. "
            "Or open: %(link)s"
        ) % {"link": link}
    return f"{asks}\n\n{how}"


def do_open_exchange(*, by: Staff, exchange: IdeaExchange, base_url: str = "") -> int:
    """Open a draft exchange and send its question to the audience; returns how many families
    it was sent to. One transaction: the exchange becomes open, an Announcement and its
    Message carry the question, one MessageRendition per language (the question translated
    by the pipeline, the invitation to answer in the family's language), one Delivery per
    caregiver. Opening an exchange that is not a draft does nothing (returns 0)."""
    now = timezone.now()
    with fanout.gc_paused(), transaction.atomic():
        exchange = (
            IdeaExchange.objects.select_for_update()
            .select_related("school", "district")
            .get(pk=exchange.pk)
        )
        if exchange.status != IdeaExchange.Status.DRAFT:
            return 0
        district = District.objects.get(pk=exchange.district_id)
        targets = aud.resolve_targets(
            district_id=district.pk, kind=exchange.audience_kind, ref=dict(exchange.audience_ref)
        )
        source = registry.normalize(exchange.question_language)
        link = exchange_link(exchange, base_url)
        policy = pipeline.TranslationPolicy.for_district(district)
        languages = sorted({registry.normalize(t.language) for t in targets} | {source})
        questions = pipeline.translate_for_languages(
            exchange.question, source=source, targets=languages, district_policy=policy
        )
        renditions = {
            tag: dataclasses.replace(
                rendition, text=question_text(exchange, tag, rendition.text, link)
            )
            for tag, rendition in questions.items()
        }
        body = renditions[source].text
        announcement = Announcement.objects.create(
            district=district,
            school=exchange.school,
            author=by,
            audience_kind=exchange.audience_kind,
            audience_ref=dict(exchange.audience_ref),
            subject=exchange.question[:200],
            body=body,
            source_language=source,
            status=Announcement.Status.SENT,
            sent_at=now,
            created_at=now,
        )
        message = Message.objects.create(
            direction=Message.Direction.OUT,
            kind=Message.Kind.ANNOUNCEMENT,
            author=by,
            body=body,
            language=source,
            announcement=announcement,
            created_at=now,
        )
        if targets:
            write_rendered_fanout(
                message=message,
                renditions=renditions,
                targets=targets,
                hold_for_human=False,  # sent now with an interpreter offer: docs/listening.md
                district_time_zone=district.time_zone,
                now=now,
                subjects={tag: r.text for tag, r in questions.items()},
            )
        exchange.status = IdeaExchange.Status.OPEN
        exchange.message = message
        exchange.opens_at = exchange.opens_at or now
        exchange.save(update_fields=["status", "message", "opens_at"])
    return len(targets)


def accepting(exchange: IdeaExchange, now: datetime | None = None) -> bool:
    """Whether the exchange takes ideas and reactions now."""
    now = now or timezone.now()
    return exchange.status == IdeaExchange.Status.OPEN and (
        exchange.closes_at is None or now < exchange.closes_at
    )


def do_close_exchange(*, by: Staff | None, exchange: IdeaExchange) -> IdeaExchange:
    """Close an open (or draft) exchange: no more ideas or reactions. Closing twice does
    nothing."""
    with transaction.atomic():
        exchange = IdeaExchange.objects.select_for_update().get(pk=exchange.pk)
        if exchange.status != IdeaExchange.Status.CLOSED:
            exchange.status = IdeaExchange.Status.CLOSED
            exchange.closed_at = timezone.now()
            exchange.save(update_fields=["status", "closed_at"])
    return exchange


def do_close_due_exchanges(*, now: datetime | None = None) -> int:
    """Close the open exchanges whose closing time has passed (the periodic task)."""
    now = now or timezone.now()
    due = IdeaExchange.objects.filter(status=IdeaExchange.Status.OPEN, closes_at__lte=now)
    return due.update(status=IdeaExchange.Status.CLOSED, closed_at=now)


# --- Ideas and reactions ---------------------------------------------------------------------


def do_add_idea(
    *,
    exchange: IdeaExchange,
    caregiver: Caregiver,
    text: str,
    channel: str,
    follow_up: bool = False,
) -> Idea:
    """A family's idea, held for a moderator, with the flags found in it.

    The language is detected with the caregiver's languages as a prior; when nothing can be
    told (a number, an emoji) it is the language the caregiver reads. Raises InputError for an
    empty or too long text, or when the exchange does not take ideas.
    """
    text = text.strip()
    if not text:
        raise InputError({"text": "empty"})
    if len(text) > MAX_IDEA_CHARS:
        raise InputError({"text": "too_long"})
    declared = family_language(caregiver)
    known = [declared, *(caregiver.other_languages or [])]
    detection = detect(text, known)
    language = _tag(detection.language or declared, declared)
    flags = find_flags(text, district_id=exchange.district_id)
    with transaction.atomic():
        locked = IdeaExchange.objects.select_for_update().get(pk=exchange.pk)
        if not accepting(locked):
            raise InputError({"exchange": "closed"})
        participant = _participant(locked, caregiver)
        idea = Idea.objects.create(
            exchange=locked,
            author=participant,
            text=text,
            language=language,
            declared_language=declared,
            flags=flags,
            channel=channel,
        )
        if follow_up:
            # The family chose to be told what becomes of this idea (models.IdeaFollower).
            IdeaFollower.objects.create(idea=idea, caregiver=caregiver)
        return idea


def do_moderate_idea(*, by: Staff, idea: Idea, approve: bool) -> Idea:
    """Approve (shown to every family of the exchange) or reject (never shown) an idea. An
    approved idea is translated into its readers' languages in the background, after commit,
    so that families (and the SMS answers) find it ready."""
    from juntos.listening.tasks import render_idea
    from juntos.tasks import enqueue

    with transaction.atomic():
        idea = Idea.objects.select_for_update().get(pk=idea.pk)
        idea.status = Idea.Status.APPROVED if approve else Idea.Status.REJECTED
        idea.moderated_at = timezone.now()
        idea.moderated_by = by
        idea.save(update_fields=["status", "moderated_at", "moderated_by"])
        if approve:
            enqueue(render_idea, idea.pk)
    return idea


def do_react(*, idea: Idea, caregiver: Caregiver, value: str, channel: str) -> Reaction:
    """The caregiver's reaction to an approved idea: one per participant and idea, the latest
    wins. Raises InputError for an unknown value, an idea not shown to families, a closed
    exchange."""
    if value not in Reaction.Value.values:
        raise InputError({"value": "Choose agree, disagree or pass."})
    now = timezone.now()
    with transaction.atomic():
        exchange = IdeaExchange.objects.select_for_update().get(pk=idea.exchange_id)
        if not accepting(exchange, now):
            raise InputError({"exchange": "closed"})
        if not Idea.objects.filter(pk=idea.pk, status=Idea.Status.APPROVED).exists():
            raise InputError({"idea": "This idea is not shown to families."})
        participant = _participant(exchange, caregiver)
        reaction, created = Reaction.objects.get_or_create(
            idea=idea,
            participant=participant,
            defaults={"value": value, "channel": channel, "created_at": now, "updated_at": now},
        )
        if not created and reaction.value != value:
            reaction.value, reaction.channel, reaction.updated_at = value, channel, now
            reaction.save(update_fields=["value", "channel", "updated_at"])
        if participant.awaiting_idea_id == idea.pk:
            participant.awaiting_idea = None
            participant.save(update_fields=["awaiting_idea"])
    return reaction


def do_offer_idea(*, participant: Participant, idea: Idea | None) -> None:
    """Remember the idea just sent to the participant by SMS (a "1" reacts to it)."""
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(
            awaiting_idea=idea, offered_at=timezone.now()
        )


# --- Renditions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """An idea as one reader sees it: in their language when a translation exists."""

    text: str
    language: str
    translated: bool  # a rendition, not the original
    machine: bool  # made by a machine and not checked by a speaker
    untranslated: bool  # no translation in the reader's language yet: the original


def do_render_ideas(*, ideas: Sequence[Idea], language: str, district_id: int) -> dict[int, Shown]:
    """Each idea in ``language``: the stored rendition, else one made now by the pipeline
    (translation memory, then the district's machine translation) and stored; ideas that need
    a person are shown in their original, said so, and tried again next time."""
    tag = registry.normalize(language)
    result: dict[int, Shown] = {}
    ids = [idea.pk for idea in ideas]
    stored = {r.idea_id: r for r in IdeaRendition.objects.filter(idea_id__in=ids, language=tag)}
    missing: dict[str, list[Idea]] = defaultdict(list)
    for idea in ideas:
        kept = stored.get(idea.pk)
        if same_language(idea.language, tag):
            result[idea.pk] = Shown(idea.text, idea.language, False, False, False)
        elif kept is not None:
            result[idea.pk] = Shown(kept.text, tag, True, kept.machine_notice, False)
        else:
            missing[idea.language].append(idea)
    if not missing:
        return result
    policy = pipeline.TranslationPolicy.for_district(district_id)
    new: list[IdeaRendition] = []
    for source, group in missing.items():
        made = pipeline.translate_many(
            [idea.text for idea in group], source=source, target=tag, district_policy=policy
        )
        for idea, rendition in zip(group, made, strict=True):
            if rendition.needs_human:
                result[idea.pk] = Shown(idea.text, idea.language, False, False, True)
                continue
            result[idea.pk] = Shown(rendition.text, tag, True, rendition.machine_notice, False)
            new.append(
                IdeaRendition(
                    idea=idea,
                    language=tag,
                    text=rendition.text,
                    method=str(rendition.method),
                    status=str(rendition.status),
                    machine_notice=rendition.machine_notice,
                )
            )
    if new:
        with transaction.atomic():
            IdeaRendition.objects.bulk_create(new, ignore_conflicts=True)
    return result


def do_render_idea_for_readers(*, idea_id: int) -> int:
    """Make the renditions of an approved idea in the languages of the exchange's readers (the
    participants', those the question was sent in, and English for staff); returns how many
    languages have a translation. Renditions already made are kept: safe to run twice."""
    from juntos.messaging.models import Delivery

    idea = Idea.objects.filter(pk=idea_id, status=Idea.Status.APPROVED).first()
    if idea is None:
        return 0
    exchange = IdeaExchange.objects.get(pk=idea.exchange_id)
    languages = set(
        Participant.objects.filter(exchange=exchange).values_list("language", flat=True)
    )
    if exchange.message_id is not None:
        languages |= set(
            Delivery.objects.filter(message_id=exchange.message_id)
            .values_list("language", flat=True)
            .distinct()
        )
    languages.add("en")
    translated = 0
    for language in sorted(languages):
        shown = do_render_ideas(ideas=[idea], language=language, district_id=exchange.district_id)
        translated += int(shown[idea.pk].translated)
    return translated


def do_render_question(*, exchange: IdeaExchange, language: str) -> Shown:
    """The exchange's question in ``language`` (the pipeline remembers what it translates)."""
    tag = registry.normalize(language)
    source = registry.normalize(exchange.question_language)
    if same_language(source, tag):
        return Shown(exchange.question, source, False, False, False)
    rendition = pipeline.translate(
        exchange.question,
        source=source,
        target=tag,
        district_policy=pipeline.TranslationPolicy.for_district(exchange.district_id),
    )
    if rendition.needs_human:
        return Shown(exchange.question, source, False, False, True)
    return Shown(rendition.text, tag, True, rendition.machine_notice, False)


# --- Polis imports ---------------------------------------------------------------------------

POLIS_VALUES = {1: Reaction.Value.AGREE, -1: Reaction.Value.DISAGREE, 0: Reaction.Value.PASS}


@dataclass(frozen=True)
class PolisImport:
    exchange: IdeaExchange
    ideas: int
    approved: int
    rejected: int
    participants: int
    reactions: int
    skipped_comments: int  # empty bodies
    skipped_votes: int  # on comments the export does not have (or skipped)


def do_import_polis(
    *, school: School, export: Any, question: str = "", language: str = ""
) -> PolisImport:
    """A Polis conversation (``polis.load_export``'s ``PolisExport``) as a closed exchange of
    ``school``: one idea per comment (moderated out in Polis = rejected, otherwise approved),
    one anonymous participant per Polis voter or author, one reaction per latest vote. All or
    nothing: one transaction. Families do not see imported exchanges; staff do."""
    now = timezone.now()
    district = District.objects.get(pk=school.district_id)
    source = _tag(language, district.default_language)
    dates = [c.created for c in export.comments if c.created is not None]
    with transaction.atomic():
        exchange = IdeaExchange.objects.create(
            district=district,
            school=school,
            question=question.strip() or "Imported Polis conversation",
            question_language=source,
            audience_kind=aud.LIST,
            audience_ref={"ids": []},
            status=IdeaExchange.Status.CLOSED,
            source=IdeaExchange.Source.POLIS,
            opens_at=min(dates) if dates else None,
            closed_at=now,
            created_at=now,
        )
        people = sorted(
            {v.voter_id for v in export.votes}
            | {c.author_id for c in export.comments if c.author_id is not None}
        )
        Participant.objects.bulk_create(
            Participant(
                exchange=exchange,
                pseudonym=pseudonym(exchange.pk, -1 - person),  # never a caregiver's id
                language=source,
                created_at=now,
            )
            for person in people
        )
        participants = dict(
            zip(
                people,
                Participant.objects.filter(exchange=exchange)
                .order_by("pk")
                .values_list("pk", flat=True),
                strict=True,
            )
        )
        ideas: list[Idea] = []
        skipped_comments = 0
        for comment in export.comments:
            text = comment.body.strip()
            if not text:
                skipped_comments += 1
                continue
            detected = detect(text).language
            ideas.append(
                Idea(
                    exchange=exchange,
                    author_id=participants.get(comment.author_id)
                    if comment.author_id is not None
                    else None,
                    text=text,
                    language=_tag(detected or source, source),
                    declared_language="",
                    status=Idea.Status.REJECTED
                    if comment.moderated == -1
                    else Idea.Status.APPROVED,
                    channel=Idea.Channel.IMPORT,
                    external_id=str(comment.comment_id),
                    created_at=comment.created or now,
                    moderated_at=now,
                )
            )
        Idea.objects.bulk_create(ideas)
        by_comment = {
            int(external): pk
            for external, pk in Idea.objects.filter(exchange=exchange).values_list(
                "external_id", "pk"
            )
        }
        reactions = [
            Reaction(
                idea_id=by_comment[vote.comment_id],
                participant_id=participants[vote.voter_id],
                value=POLIS_VALUES[vote.vote],
                channel=Idea.Channel.IMPORT,
                created_at=vote.created or now,
                updated_at=vote.created or now,
            )
            for vote in export.votes
            if vote.comment_id in by_comment
        ]
        Reaction.objects.bulk_create(reactions, batch_size=5000)
    return PolisImport(
        exchange=exchange,
        ideas=len(ideas),
        approved=sum(1 for idea in ideas if idea.status == Idea.Status.APPROVED),
        rejected=sum(1 for idea in ideas if idea.status == Idea.Status.REJECTED),
        participants=len(people),
        reactions=len(reactions),
        skipped_comments=skipped_comments,
        skipped_votes=len(export.votes) - len(reactions),
    )

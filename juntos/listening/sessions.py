"""Listening sessions: the protocol library, session set-up, what facilitators capture, what
families answer on the web, and the reads behind the staff pages (docs/listening.md,
"Listening sessions").

Kept apart from ``actions.py`` / ``queries.py`` (idea exchanges): the ``do_*`` functions below
are this feature's only writes, the other functions its scoped reads.

The protocol library: ``protocols/<key>.json`` holds one protocol written for Juntos, its title
and its open questions in all 16 languages (:func:`library` refuses a file with a missing or
empty text). Shipped protocols are loaded into the database on first use
(:func:`do_load_shipped_protocols`, idempotent); a district copies one and edits its questions.
A question keeps its library ``key`` while its text is the library's English, so that every
language comes from the library; an edited question loses the key and is translated through
the pipeline (translation memory, then the district's machine translation).

Anonymity: a :class:`SessionResponse` holds the session, the question, the text, its language,
the speaker's role, the channel and the date. Nothing else: no caregiver, no staff author, no
phone, no email, no time of day.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from juntos.insights.suppression import Line, suppress_line
from juntos.language import pipeline, registry
from juntos.language.templates_library import same_language
from juntos.listening import queries as exchange_queries
from juntos.listening.models import (
    ListeningSession,
    Protocol,
    ProtocolQuestion,
    SessionResponse,
    SessionTally,
    SpeakerRole,
)
from juntos.messaging.actions import InputError
from juntos.people.models import Caregiver, Role, School, Staff
from juntos.people.queries import scope_for

LIBRARY_DIR = Path(__file__).resolve().parent / "protocols"
PROTOCOL_KEYS: tuple[str, ...] = ("welcome", "dialogue", "needs")
LANGUAGES: tuple[str, ...] = registry.DEMO_LANGUAGES
SOURCE_LANGUAGE = "en"
MAX_TEXT = 4000


class ProtocolLibraryError(ValueError):
    """A protocol file is incomplete (a test loads the library on every build)."""


@dataclass(frozen=True)
class LibraryQuestion:
    key: str
    texts: dict[str, str]


@dataclass(frozen=True)
class LibraryProtocol:
    key: str
    version: str
    title: dict[str, str]
    questions: tuple[LibraryQuestion, ...]


def _texts(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ProtocolLibraryError(f"{where}: expected an object of texts by language")
    texts = {str(tag): str(text) for tag, text in raw.items()}
    for tag in LANGUAGES:
        if not texts.get(tag, "").strip():
            raise ProtocolLibraryError(f"{where}: no text in {tag}")
    return texts


@functools.cache
def library() -> dict[str, LibraryProtocol]:
    """The shipped protocols by key, each checked complete in every language."""
    found: dict[str, LibraryProtocol] = {}
    for key in PROTOCOL_KEYS:
        path = LIBRARY_DIR / f"{key}.json"
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("key") != key:
            raise ProtocolLibraryError(f"{path.name}: key is not {key!r}")
        questions = tuple(
            LibraryQuestion(str(q["key"]), _texts(q["text"], f"{path.name} {q['key']}"))
            for q in raw["questions"]
        )
        if not questions:
            raise ProtocolLibraryError(f"{path.name}: no questions")
        found[key] = LibraryProtocol(
            key=key,
            version=str(raw["version"]),
            title=_texts(raw["title"], f"{path.name} title"),
            questions=questions,
        )
    return found


def library_text(texts: Mapping[str, str], language: str) -> str | None:
    """``texts`` in ``language`` (es-MX → es; Dari is never read as Persian), or None."""
    if language in texts:
        return texts[language]
    lowered = {tag.lower(): text for tag, text in texts.items()}
    if language.lower() in lowered:
        return lowered[language.lower()]
    base = language.split("-")[0].lower()
    if base != "fa" and base in lowered:
        return lowered[base]
    return None


# --- Actions: the protocol library -----------------------------------------------------------


def do_load_shipped_protocols() -> list[Protocol]:
    """The shipped protocols, created from the library the first time (safe to run twice)."""
    existing = {p.key: p for p in Protocol.objects.filter(district__isnull=True)}
    result: list[Protocol] = []
    for key, entry in library().items():
        protocol = existing.get(key)
        if protocol is None:
            try:
                with transaction.atomic():
                    protocol = Protocol.objects.create(
                        key=key, title=entry.title[SOURCE_LANGUAGE], district=None
                    )
                    ProtocolQuestion.objects.bulk_create(
                        ProtocolQuestion(
                            protocol=protocol,
                            position=index,
                            text=question.texts[SOURCE_LANGUAGE],
                            key=question.key,
                        )
                        for index, question in enumerate(entry.questions, start=1)
                    )
            except IntegrityError:  # another request loaded it first
                protocol = Protocol.objects.get(district__isnull=True, key=key)
        result.append(protocol)
    return result


def do_copy_protocol(*, by: Staff, protocol: Protocol) -> Protocol:
    """A copy of ``protocol`` that ``by``'s district may edit."""
    with transaction.atomic():
        copy = Protocol.objects.create(
            district_id=by.district_id, key=protocol.key, title=protocol.title, based_on=protocol
        )
        ProtocolQuestion.objects.bulk_create(
            ProtocolQuestion(protocol=copy, position=q.position, text=q.text, key=q.key)
            for q in protocol.questions.all()
        )
    return copy


def do_edit_protocol(
    *, by: Staff, protocol: Protocol, title: str, texts: Mapping[int, str], new_text: str = ""
) -> Protocol:
    """Change the title and question texts of a district's protocol (``texts`` by question id)
    and add ``new_text`` as a last question. An empty text removes a question nobody answered
    yet. A text that differs from the library's English loses its library key, so it is
    translated through the pipeline from then on."""
    if protocol.district_id != by.district_id:
        raise InputError({"protocol": _("Only a district's own protocols can be edited.")})
    title = title.strip()
    if not title:
        raise InputError({"title": _("A protocol needs a title.")})
    entry = library().get(protocol.key)
    library_english = (
        {q.key: q.texts[SOURCE_LANGUAGE] for q in entry.questions} if entry is not None else {}
    )
    with transaction.atomic():
        questions = list(protocol.questions.select_for_update())
        for question in questions:
            text = texts.get(question.pk, question.text).strip()
            if not text:
                if question.responses.exists():
                    raise InputError(
                        {f"question_{question.pk}": _("This question has answers: keep it.")}
                    )
                question.delete()
                continue
            if text == question.text:
                continue
            key = question.key if library_english.get(question.key) == text else ""
            question.text, question.key = text[:MAX_TEXT], key
            question.save(update_fields=["text", "key"])
        if new_text.strip():
            last = max((q.position for q in questions), default=0)
            ProtocolQuestion.objects.create(
                protocol=protocol, position=last + 1, text=new_text.strip()[:MAX_TEXT]
            )
        if not protocol.questions.exists():
            raise InputError({"new_text": _("A protocol needs at least one question.")})
        protocol.title = title[:200]
        protocol.save(update_fields=["title"])
    return protocol


# --- Actions: sessions -----------------------------------------------------------------------


def _languages(codes: Sequence[str]) -> list[str]:
    result: list[str] = []
    for code in codes:
        try:
            tag = registry.normalize(code)
        except Exception as exc:
            raise InputError(
                {"languages": _("Unknown language: %(code)s") % {"code": code}}
            ) from exc
        if tag not in result:
            result.append(tag)
    if not result:
        raise InputError({"languages": _("Choose at least one language.")})
    return result


def do_create_session(
    *,
    by: Staff,
    school: School,
    title: str,
    on: date,
    modality: str,
    languages: Sequence[str],
    facilitators: Sequence[Staff],
    protocol: Protocol,
) -> ListeningSession:
    if school.district_id != by.district_id:
        raise InputError({"school": _("Not a school of your district.")})
    if not title.strip():
        raise InputError({"title": _("A session needs a title.")})
    if modality not in ListeningSession.Modality.values:
        raise InputError({"modality": _("Choose how the session meets.")})
    if protocol.district_id not in (None, by.district_id):
        raise InputError({"protocol": _("Not a protocol of your district.")})
    if any(staff.district_id != by.district_id for staff in facilitators):
        raise InputError({"facilitators": _("Facilitators are staff of your district.")})
    tags = _languages(languages)
    with transaction.atomic():
        session = ListeningSession.objects.create(
            district_id=by.district_id,
            school=school,
            title=title.strip()[:200],
            date=on,
            modality=modality,
            languages=tags,
            protocol=protocol,
            token=secrets.token_urlsafe(24),
            created_by=by,
        )
        session.facilitators.set(facilitators)
    return session


def _question_of(session: ListeningSession, question_id: int) -> ProtocolQuestion:
    question = ProtocolQuestion.objects.filter(pk=question_id, protocol=session.protocol).first()
    if question is None:
        raise InputError({"question": _("Not a question of this session.")})
    return question


def _role(role: str) -> str:
    if role not in SpeakerRole.values:
        raise InputError({"role": _("Choose who spoke.")})
    return role


def _clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InputError({"text": _("Write what was said.")})
    return text[:MAX_TEXT]


def _language(tag: str) -> str:
    try:
        return registry.normalize(tag)
    except Exception as exc:
        raise InputError({"language": _("Unknown language: %(code)s") % {"code": tag}}) from exc


def do_add_note(
    *, session: ListeningSession, question_id: int, text: str, language: str, role: str
) -> SessionResponse:
    """A facilitator's quick note: what someone said, anonymous (who wrote it is not kept)."""
    return SessionResponse.objects.create(
        session=session,
        question=_question_of(session, question_id),
        text=_clean_text(text),
        language=_language(language),
        role=_role(role),
        channel=SessionResponse.Channel.CAPTURE,
        date=timezone.localdate(),
    )


def do_count_speaker(*, session: ListeningSession, question_id: int, role: str) -> int:
    """One more person of ``role`` spoke on the question; returns the new count."""
    question = _question_of(session, question_id)
    role = _role(role)
    with transaction.atomic():
        SessionTally.objects.get_or_create(session=session, question=question, role=role)
        SessionTally.objects.filter(session=session, question=question, role=role).update(
            count=F("count") + 1
        )
        tally = SessionTally.objects.get(session=session, question=question, role=role)
    return tally.count


def do_submit_family_answers(
    *, session: ListeningSession, answers: Mapping[int, str], language: str, role: str
) -> list[SessionResponse]:
    """Answers from the session's web page: one anonymous response per answered question."""
    role = _role(role)
    tag = _language(language)
    ids = set(session.protocol.questions.values_list("pk", flat=True))
    kept = {qid: text.strip()[:MAX_TEXT] for qid, text in answers.items() if text.strip()}
    if any(qid not in ids for qid in kept):
        raise InputError({"question": _("Not a question of this session.")})
    if not kept:
        raise InputError({"text": _("Write an answer to at least one question.")})
    today = timezone.localdate()
    rows = [
        SessionResponse(
            session=session,
            question_id=qid,
            text=text,
            language=tag,
            role=role,
            channel=SessionResponse.Channel.WEB,
            date=today,
        )
        for qid, text in sorted(kept.items())
    ]
    with transaction.atomic():
        return SessionResponse.objects.bulk_create(rows)


# --- Queries ---------------------------------------------------------------------------------


def sessions_for(user: Any) -> QuerySet[ListeningSession]:
    """Sessions of the schools where ``user`` holds a role (the district's for its admin)."""
    scope = scope_for(user)
    if scope.staff is None:
        return ListeningSession.objects.none()
    base = ListeningSession.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(school_id__in=scope.school_ids)


def access_session(user: Any, session_id: int) -> ListeningSession:
    session = (
        sessions_for(user)
        .select_related("school", "district", "protocol")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404("no such session")
    return session


def can_manage(user: Any, session: ListeningSession) -> bool:
    """School leaders, liaisons and the district admin of the session's school."""
    return exchange_queries.manageable_schools(user).filter(pk=session.school_id).exists()


def can_capture(user: Any, session: ListeningSession) -> bool:
    """Those who manage the session, and its facilitators."""
    staff = scope_for(user).staff
    if staff is None:
        return False
    return can_manage(user, session) or session.facilitators.filter(pk=staff.pk).exists()


def session_by_token(token: str) -> ListeningSession | None:
    if not token or len(token) > 64:
        return None
    return ListeningSession.objects.select_related("school", "protocol").filter(token=token).first()


def protocols_for(user: Any) -> QuerySet[Protocol]:
    """The shipped protocols and the reader's district's own."""
    staff = scope_for(user).staff
    if staff is None:
        return Protocol.objects.none()
    return Protocol.objects.filter(Q(district__isnull=True) | Q(district_id=staff.district_id))


def access_protocol(user: Any, protocol_id: int) -> Protocol:
    protocol = protocols_for(user).filter(pk=protocol_id).first()
    if protocol is None:
        raise Http404("no such protocol")
    return protocol


def family_languages(school: School) -> list[str]:
    """The languages the school's families read, most families first."""
    counts = Counter(
        Caregiver.objects.filter(links__student__school_links__school=school)
        .distinct()
        .values_list("preferred_language", flat=True)
    )
    return [code for code, _n in counts.most_common() if code]


def school_staff(school: School) -> QuerySet[Staff]:
    """Staff who may facilitate at ``school``: its staff and the district's admins."""
    return (
        Staff.objects.filter(district_id=school.district_id)
        .filter(
            Q(roles__school=school) | Q(roles__role=Role.DISTRICT_ADMIN, roles__school__isnull=True)
        )
        .distinct()
    )


def facilitator_candidates(schools: QuerySet[School]) -> QuerySet[Staff]:
    """Staff who may facilitate at any of ``schools`` (one query)."""
    return (
        Staff.objects.filter(
            Q(roles__school__in=schools)
            | Q(roles__role=Role.DISTRICT_ADMIN, roles__school__isnull=True)
        )
        .filter(district_id__in=schools.values("district_id"))
        .distinct()
    )


def suggest_facilitators(school: School, languages: Sequence[str]) -> list[Staff]:
    """Staff of ``school`` who speak one of ``languages`` other than English, those who speak
    the most of them first."""
    wanted = [code for code in languages if not same_language(code, SOURCE_LANGUAGE)]

    def shared(staff: Staff) -> int:
        return sum(1 for code in wanted if any(same_language(code, s) for s in staff.languages))

    found = [staff for staff in school_staff(school) if shared(staff)]
    return sorted(found, key=lambda staff: (-shared(staff), staff.display_name))


@dataclass(frozen=True)
class QuestionText:
    """A question as one reader sees it: ``language`` says which language ``text`` is in."""

    question: ProtocolQuestion
    text: str
    language: str
    machine: bool


def question_texts(
    questions: Sequence[ProtocolQuestion], language: str, *, district_id: int
) -> list[QuestionText]:
    """Each question in ``language``: the library's translation while the question is the
    library's, else the pipeline's (memory, then machine); the English when neither has it."""
    tag = registry.normalize(language)
    result: dict[int, QuestionText] = {}
    missing: list[ProtocolQuestion] = []
    for question in questions:
        entry = library().get(question.protocol.key) if question.key else None
        texts = (
            next((q.texts for q in entry.questions if q.key == question.key), None)
            if entry
            else None
        )
        found = library_text(texts, tag) if texts is not None else None
        if same_language(tag, SOURCE_LANGUAGE):
            result[question.pk] = QuestionText(question, question.text, SOURCE_LANGUAGE, False)
        elif found is not None:
            result[question.pk] = QuestionText(question, found, tag, False)
        else:
            missing.append(question)
    if missing:
        policy = pipeline.TranslationPolicy.for_district(district_id)
        made = pipeline.translate_many(
            [q.text for q in missing], source=SOURCE_LANGUAGE, target=tag, district_policy=policy
        )
        for question, rendition in zip(missing, made, strict=True):
            if rendition.needs_human:
                result[question.pk] = QuestionText(question, question.text, SOURCE_LANGUAGE, False)
            else:
                result[question.pk] = QuestionText(
                    question, rendition.text, tag, rendition.machine_notice
                )
    return [result[q.pk] for q in questions]


def protocol_title(protocol: Protocol, language: str) -> str:
    entry = library().get(protocol.key)
    if protocol.shipped and entry is not None:
        return library_text(entry.title, language) or protocol.title
    return protocol.title


@dataclass(frozen=True)
class ResultResponse:
    response: SessionResponse
    english: str | None  # None when the response is in English or has no translation yet
    machine: bool


@dataclass(frozen=True)
class QuestionResult:
    question: ProtocolQuestion
    responses: list[ResultResponse]
    tally: Line[str]


@dataclass(frozen=True)
class SessionResults:
    questions: list[QuestionResult]
    tally: Line[str]
    response_count: int


def _tally_line(counts: Mapping[str, int]) -> Line[str]:
    """Who spoke, by role: counts of fewer than 5 people are not shown (suppression.py)."""
    return suppress_line({role: counts.get(role, 0) for role in SpeakerRole.values})


def results(session: ListeningSession) -> SessionResults:
    """What was heard, per question: each response with an English rendition for staff (made
    by the pipeline once and remembered), and who spoke by role, suppressed under 5."""
    questions = list(session.protocol.questions.all())
    responses = list(session.responses.order_by("question__position", "pk"))
    by_source: dict[str, list[SessionResponse]] = defaultdict(list)
    english: dict[int, tuple[str, bool]] = {}
    for response in responses:
        if not same_language(response.language, SOURCE_LANGUAGE):
            by_source[response.language].append(response)
    policy = pipeline.TranslationPolicy.for_district(session.district_id)
    for source, group in by_source.items():
        made = pipeline.translate_many(
            [r.text for r in group], source=source, target=SOURCE_LANGUAGE, district_policy=policy
        )
        for response, rendition in zip(group, made, strict=True):
            if not rendition.needs_human:
                english[response.pk] = (rendition.text, rendition.machine_notice)
    tallies: dict[int, Counter[str]] = defaultdict(Counter)
    for tally in session.tallies.all():
        tallies[tally.question_id][tally.role] += tally.count
    total: Counter[str] = Counter()
    for counts in tallies.values():
        total.update(counts)
    per_question = [
        QuestionResult(
            question=question,
            responses=[
                ResultResponse(
                    r,
                    english.get(r.pk, (None, False))[0],
                    english.get(r.pk, (None, False))[1],
                )
                for r in responses
                if r.question_id == question.pk
            ],
            tally=_tally_line(tallies[question.pk]),
        )
        for question in questions
    ]
    return SessionResults(per_question, _tally_line(total), len(responses))


def raw_tally(session: ListeningSession, question: ProtocolQuestion) -> dict[str, int]:
    """The counts the facilitator is keeping for ``question`` (the capture screen only)."""
    counts = dict.fromkeys(SpeakerRole.values, 0)
    for role, count in SessionTally.objects.filter(session=session, question=question).values_list(
        "role", "count"
    ):
        counts[role] = count
    return counts

"""Progress notes: a teacher's brief positive note (or concern) to the families of students.

:func:`do_send_progress_notes` is the action (one transaction for the whole batch); it sends
each note through the shared one-family path, :func:`juntos.messaging.actions.
do_send_conversation_message`, so that translation, provenance, channels, contact windows and
opt-outs work exactly as for any other message to one family. :func:`preview_notes` shows the
teacher what each language will read, with its provenance, and writes nothing of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from juntos.language import pipeline, registry
from juntos.messaging import actions
from juntos.messaging.models import Delivery, Message, MessageRendition
from juntos.messaging.segments import count_segments
from juntos.people.models import (
    CaregiverLink,
    District,
    School,
    Staff,
    Student,
    StudentSchool,
)
from juntos.people.queries import scope_for, students_for

POSITIVE, CONCERN = "positive", "concern"
KINDS = {
    POSITIVE: (Message.Kind.PROGRESS_POSITIVE, "progress_note.positive"),
    CONCERN: (Message.Kind.PROGRESS_CONCERN, "progress_note.concern"),
}
SENTENCE_MAX = 300
# A class, or a few: more than this in one batch is an announcement, not a personal note.
BATCH_MAX = 60


class NoteError(ValueError):
    """The batch cannot be sent as asked; nothing was written. ``field`` names the input."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NoteOutcome:
    """One note to one caregiver about one student."""

    student_id: int
    student_name: str
    caregiver_id: int
    caregiver_name: str
    language: str
    message_id: int | None = None
    conversation_id: int | None = None
    delivery_id: int | None = None
    channel: str = ""
    # "pending" (on its way, perhaps waiting for the family's contact window) or "skipped".
    status: str = ""
    reason: str = ""


@dataclass
class NoteSummary:
    sent: list[NoteOutcome] = field(default_factory=list)
    # Caregivers with no note: the school may not contact them about this student, or the
    # student has no caregiver on record (caregiver fields then empty).
    not_written: list[NoteOutcome] = field(default_factory=list)

    @property
    def per_language(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for outcome in self.sent:
            if outcome.status != Delivery.Status.SKIPPED:
                counts[outcome.language] += 1
        return dict(sorted(counts.items()))

    @property
    def unreached(self) -> list[NoteOutcome]:
        skipped = [o for o in self.sent if o.status == Delivery.Status.SKIPPED]
        return [*self.not_written, *skipped]


def clean_sentence(sentence: str) -> str:
    """The teacher's sentence, stripped; raises :class:`NoteError` unless 1 to 300 characters.

    Required for both kinds: the templates end in ``{sentence}``, and a note with nothing
    personal in it is an announcement.
    """
    text = " ".join((sentence or "").split())
    if not text:
        raise NoteError(_("Write one sentence about the student."), field="sentence")
    if len(text) > SENTENCE_MAX:
        raise NoteError(
            _("Keep the sentence to %(max)d characters (it has %(n)d).")
            % {"max": SENTENCE_MAX, "n": len(text)},
            field="sentence",
        )
    return text


def first_name(student: Student) -> str:
    return student.preferred_name or student.given_name


def _students_in_scope(by: Staff, student_ids: Iterable[int]) -> list[Student]:
    ids = sorted({int(pk) for pk in student_ids})
    if not ids:
        raise NoteError(_("Choose at least one student."), field="students")
    if len(ids) > BATCH_MAX:
        raise NoteError(
            _("Choose at most %(max)d students at a time.") % {"max": BATCH_MAX},
            field="students",
        )
    students = list(
        students_for(by.user).filter(pk__in=ids, is_active=True).order_by("given_name", "pk")
    )
    if len(students) != len(ids):
        # Never say which: an id outside the scope must not reveal that the student exists.
        raise NoteError(
            _("You can only write notes about students in your classes."), field="students"
        )
    return students


def _school_of(by: Staff, students: Sequence[Student]) -> dict[int, School]:
    """Each student's school, preferring a school where the author works."""
    scope = scope_for(by.user)
    mine = scope.school_ids | scope.family_school_ids
    result: dict[int, School] = {}
    for row in StudentSchool.objects.filter(student__in=students).select_related("school"):
        current = result.get(row.student_id)
        if current is None or (row.school_id in mine and current.pk not in mine):
            result[row.student_id] = row.school
    return result


def do_send_progress_notes(
    *, by: Staff, student_ids: Iterable[int], kind: str, sentence: str
) -> NoteSummary:
    """Send a progress note about each student to each of their contactable caregivers.

    One transaction for the batch (an error writes nothing):
    1. Check the input: ``kind`` positive or concern, a sentence of 1 to 300 characters, every
       student visible to ``by`` (``people.queries.students_for``), else :class:`NoteError`.
    2. For each student, each caregiver link: ``may_contact = false`` is left out and reported
       ("may not contact"); a student with no caregiver is reported too.
    3. Each contactable caregiver gets the note in their own language, in their conversation
       about that student (opened with ``by`` as owner when there is none), through
       ``do_send_conversation_message``; the teacher's sentence is translated once per
       language, and its own provenance is stored beside the rendition (``details["sentence"]``)
       because the filled template keeps only the template's method.
    Deliveries are queued after commit by the shared path.
    """
    if kind not in KINDS:
        raise NoteError(_("Choose a positive note or a concern."), field="kind")
    message_kind, template_key = KINDS[kind]
    text = clean_sentence(sentence)
    students = _students_in_scope(by, student_ids)
    schools = _school_of(by, students)
    district = District.objects.get(pk=by.district_id)
    policy = pipeline.TranslationPolicy.for_district(district)
    source = actions._source_language(by)
    links = (
        CaregiverLink.objects.filter(student__in=students, caregiver__is_active=True)
        .select_related("caregiver")
        .order_by("-is_primary", "caregiver__given_name", "pk")
    )
    by_student: dict[int, list[CaregiverLink]] = defaultdict(list)
    for link in links:
        by_student[link.student_id].append(link)
    sentences: dict[str, pipeline.Rendition] = {}
    summary = NoteSummary()
    with transaction.atomic():
        for student in students:
            name = student.display_name
            if not by_student[student.pk]:
                summary.not_written.append(
                    NoteOutcome(student.pk, name, 0, "", "", reason=_("no caregiver on record"))
                )
            for link in by_student[student.pk]:
                caregiver = link.caregiver
                language = registry.normalize(
                    caregiver.preferred_language or district.default_language
                )
                if not link.may_contact:
                    summary.not_written.append(
                        NoteOutcome(
                            student.pk,
                            name,
                            caregiver.pk,
                            caregiver.display_name,
                            language,
                            reason=actions.MAY_NOT_CONTACT,
                        )
                    )
                    continue
                if language not in sentences:
                    sentences[language] = pipeline.translate(
                        text, source=source, target=language, district_policy=policy
                    )
                conversation = actions.do_open_conversation(
                    caregiver=caregiver,
                    owner=by,
                    student_id=student.pk,
                    school=schools.get(student.pk),
                )
                message = actions.do_send_conversation_message(
                    by=by,
                    conversation=conversation,
                    body=text,
                    kind=message_kind,
                    template_key=template_key,
                    context={"student": first_name(student), "teacher": by.display_name},
                    source_language=source,
                )
                rendition = MessageRendition.objects.get(message=message)
                rendition.details = {**rendition.details, "sentence": sentences[language].to_json()}
                rendition.save(update_fields=["details"])
                delivery = Delivery.objects.filter(message=message).order_by("pk").first()
                summary.sent.append(
                    NoteOutcome(
                        student.pk,
                        name,
                        caregiver.pk,
                        caregiver.display_name,
                        rendition.language,
                        message_id=message.pk,
                        conversation_id=conversation.pk,
                        delivery_id=delivery.pk if delivery else None,
                        channel=delivery.channel if delivery else "",
                        status=delivery.status if delivery else "",
                        reason=delivery.skip_reason if delivery else "",
                    )
                )
    return summary


# --- Preview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguagePreview:
    language: str
    language_name: str
    native_name: str
    rtl: bool
    families: int
    text: str
    template_method: str
    template_status: str
    # How the teacher's sentence was made in this language: "original", "memory", "machine",
    # or "needs_human" (sent with the interpreter offer on top, in the family's language).
    sentence_method: str
    sentence_status: str
    machine_notice: bool
    segments: int
    encoding: str


def needed_languages(by: Staff, student_ids: Iterable[int]) -> dict[str, int]:
    """The languages the chosen students' contactable caregivers read, with how many each."""
    ids = list(students_for(by.user).filter(pk__in=list(student_ids)).values_list("pk", flat=True))
    district = District.objects.get(pk=by.district_id)
    default = district.default_language
    counts: dict[str, int] = defaultdict(int)
    for language in CaregiverLink.objects.filter(
        student_id__in=ids, may_contact=True, caregiver__is_active=True
    ).values_list("caregiver__preferred_language", flat=True):
        counts[registry.normalize(language or default)] += 1
    return dict(sorted(counts.items()))


def sentence_method(rendition: pipeline.Rendition) -> str:
    if rendition.needs_human:
        return "needs_human"
    return str(rendition.method)


def preview_notes(
    *, by: Staff, student_ids: Iterable[int], kind: str, sentence: str
) -> list[LanguagePreview]:
    """The note as each needed language will read it (the first chosen student's name as an
    example). Raises :class:`NoteError` for the same input errors as the action."""
    if kind not in KINDS:
        raise NoteError(_("Choose a positive note or a concern."), field="kind")
    _kind, template_key = KINDS[kind]
    text = clean_sentence(sentence)
    students = _students_in_scope(by, student_ids)
    policy = pipeline.TranslationPolicy.for_district(by.district_id)
    source = actions._source_language(by)
    context: dict[str, Any] = {"student": first_name(students[0]), "teacher": by.display_name}
    previews = []
    for language, families in needed_languages(by, [s.pk for s in students]).items():
        template = pipeline.prepare_template(template_key, language, district_policy=policy)
        translated = pipeline.translate(
            text, source=source, target=language, district_policy=policy
        )
        filled = pipeline.fill(template, {**context, "sentence": translated})
        shown = pipeline.text_to_send(filled)
        info = registry.get(language)
        segments = count_segments(shown)
        previews.append(
            LanguagePreview(
                language=language,
                language_name=info.english_name,
                native_name=info.native_name,
                rtl=info.rtl,
                families=families,
                text=shown,
                template_method="needs_human" if template.needs_human else str(template.method),
                template_status=str(template.status),
                sentence_method=sentence_method(translated),
                sentence_status=str(translated.status),
                machine_notice=filled.machine_notice,
                segments=segments.segments,
                encoding=str(segments.encoding),
            )
        )
    return previews

"""Reads behind the announcement pages, already scoped to the signed-in staff member.

Who may address whom (docs/messaging.md, "Announcements"):

* a teacher: the classes they teach;
* a school leader or community liaison: their school, its grades, its classes and the saved
  lists of their school;
* a district administrator: the district, any school, any grade (one school's or the
  district's), any class and any saved list of the district.

:func:`check_audience` enforces this for every draft, whatever the form offered, so a forged
``audience`` value is refused by the action, not hidden by the template. Emergencies (which
ignore quiet hours) are for school leaders and district administrators.

:func:`preview_announcement` and :func:`delivery_report` are pure reads: the preview writes no
rendition and no delivery (a machine translation it triggers is remembered, as any would be).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from juntos.language import pipeline, registry
from juntos.messaging import audience as aud
from juntos.messaging.channels.paper import Letter
from juntos.messaging.channels.voice import NO_TTS_FOR_LANGUAGE
from juntos.messaging.models import (
    Announcement,
    AudienceList,
    Delivery,
    Message,
    MessageRendition,
    PaperBatch,
)
from juntos.messaging.segments import SegmentInfo, count_segments
from juntos.people.models import (
    AuditEntry,
    Caregiver,
    CaregiverLink,
    ContactPoint,
    District,
    Role,
    School,
    Section,
    StaffRole,
    Student,
    StudentSchool,
)
from juntos.people.queries import Scope, caregivers_for, scope_for

SCHOOL_ANNOUNCERS = (Role.SCHOOL_LEADER, Role.LIAISON)
EMERGENCY_ROLES = (Role.SCHOOL_LEADER,)
# Who prints paper batches: the people who know the school's families.
PAPER_ROLES = (Role.SCHOOL_LEADER, Role.LIAISON)
# The provider id of a delivery a person called (do_log_call) and of a printed letter.
CALL_PREFIX = "call:"
PAPER_PREFIX = "paper-"
CALL_CONTEXT = "call:"


class AudienceNotAllowed(PermissionError):  # noqa: N818 - reads as a sentence
    """The staff member may not address this audience (or it does not exist)."""


# --- Who may address what --------------------------------------------------------------------


def announcing_school_ids(scope: Scope) -> frozenset[int]:
    """Schools where the person is a leader or a liaison (school-wide announcements)."""
    if scope.staff is None:
        return frozenset()
    return frozenset(
        StaffRole.objects.filter(
            staff=scope.staff, role__in=SCHOOL_ANNOUNCERS, school__isnull=False
        ).values_list("school_id", flat=True)
    )


def may_send_emergency(user: Any) -> bool:
    return scope_for(user).has_role(*EMERGENCY_ROLES)


@dataclass(frozen=True)
class AudienceChoice:
    value: str  # what the form posts: "section:12", "school:3", "grade:3:04", "list:5"
    label: str
    group: str


def _grades(school_ids: list[int] | None, district_id: int) -> list[tuple[int | None, str]]:
    students = Student.objects.filter(district_id=district_id, is_active=True).exclude(grade="")
    if school_ids is None:
        return [(None, g) for g in students.values_list("grade", flat=True).distinct()]
    rows = (
        StudentSchool.objects.filter(school_id__in=school_ids, student__in=students)
        .values_list("school_id", "student__grade")
        .distinct()
    )
    return [(school_id, grade) for school_id, grade in rows]


def audience_choices(user: Any) -> list[AudienceChoice]:
    """What the audience picker offers this user (the same rules :func:`check_audience` checks)."""
    scope = scope_for(user)
    if scope.staff is None:
        return []
    district_id = scope.staff.district_id
    choices: list[AudienceChoice] = []
    if scope.is_district_admin:
        choices.append(AudienceChoice("district", "The whole district", "District"))
        schools = list(School.objects.filter(district_id=district_id).order_by("name"))
        sections = Section.objects.filter(school__district_id=district_id, is_active=True)
        lists = AudienceList.objects.filter(district_id=district_id)
        grades = _grades(None, district_id) + _grades([s.pk for s in schools], district_id)
    else:
        school_ids = announcing_school_ids(scope)
        schools = list(School.objects.filter(pk__in=school_ids).order_by("name"))
        sections = Section.objects.filter(
            Q(school_id__in=school_ids) | Q(pk__in=scope.section_ids), is_active=True
        )
        lists = AudienceList.objects.filter(school_id__in=school_ids)
        grades = _grades(list(school_ids), district_id) if school_ids else []
    names = {s.pk: s.name for s in schools}
    for school in schools:
        choices.append(AudienceChoice(f"school:{school.pk}", school.name, "School"))
    for school_id, grade in sorted(grades, key=lambda g: (names.get(g[0] or 0, ""), g[1])):
        where = names.get(school_id, "") if school_id else "all schools"
        choices.append(
            AudienceChoice(f"grade:{school_id or '*'}:{grade}", f"Grade {grade} · {where}", "Grade")
        )
    for section in sections.select_related("school").order_by("school__name", "title"):
        choices.append(
            AudienceChoice(
                f"section:{section.pk}", f"{section.title} · {section.school.name}", "Class"
            )
        )
    for saved in lists.select_related("school").order_by("name"):
        where = saved.school.name if saved.school else "district"
        choices.append(AudienceChoice(f"list:{saved.pk}", f"{saved.name} · {where}", "Saved list"))
    return choices


def parse_audience(value: str) -> tuple[str, dict[str, Any]]:
    """ "section:12" → ("section", {"ids": [12]}); raises AudienceNotAllowed when malformed."""
    parts = value.strip().split(":")
    try:
        if parts == ["district"]:
            return Announcement.AudienceKind.DISTRICT, {}
        if len(parts) == 2 and parts[0] in ("section", "school", "list"):
            return parts[0], {"ids": [int(parts[1])]}
        if len(parts) == 3 and parts[0] == "grade" and parts[2]:
            school_ids = [] if parts[1] == "*" else [int(parts[1])]
            return Announcement.AudienceKind.GRADE, {"grade": parts[2], "school_ids": school_ids}
    except ValueError:
        pass
    raise AudienceNotAllowed("Choose an audience from the list.")


def _ids(ref: dict[str, Any], key: str = "ids") -> list[int]:
    value = ref.get(key, [])
    if not isinstance(value, list) or not all(isinstance(i, int) for i in value):
        raise AudienceNotAllowed("This audience is not valid.")
    return list(value)


def check_audience(user: Any, kind: str, ref: dict[str, Any]) -> School | None:
    """Raise AudienceNotAllowed unless ``user`` may address the audience; return its school
    (None for the district or a district-wide grade)."""
    scope = scope_for(user)
    if scope.staff is None:
        raise AudienceNotAllowed("Only staff can send announcements.")
    district_id = scope.staff.district_id
    admin = scope.is_district_admin
    announcing = announcing_school_ids(scope)
    refused = AudienceNotAllowed("You may not send an announcement to this audience.")
    if kind == Announcement.AudienceKind.DISTRICT:
        if not admin:
            raise refused
        return None
    if kind == Announcement.AudienceKind.SECTION:
        ids = _ids(ref)
        sections = list(Section.objects.filter(pk__in=ids, school__district_id=district_id))
        if len(ids) != 1 or len(sections) != 1:
            raise refused
        section = sections[0]
        if not (admin or section.school_id in announcing or section.pk in scope.section_ids):
            raise refused
        return School.objects.get(pk=section.school_id)
    if kind == Announcement.AudienceKind.SCHOOL:
        ids = _ids(ref)
        school = School.objects.filter(pk__in=ids, district_id=district_id).first()
        if len(ids) != 1 or school is None or not (admin or school.pk in announcing):
            raise refused
        return school
    if kind == Announcement.AudienceKind.GRADE:
        school_ids = _ids(ref, "school_ids")
        if not str(ref.get("grade", "")).strip() or len(school_ids) > 1:
            raise refused
        if not school_ids:
            if not admin:
                raise refused
            return None
        school = School.objects.filter(pk=school_ids[0], district_id=district_id).first()
        if school is None or not (admin or school.pk in announcing):
            raise refused
        return school
    if kind == Announcement.AudienceKind.LIST:
        ids = _ids(ref)
        saved = (
            AudienceList.objects.filter(pk__in=ids, district_id=district_id)
            .select_related("school")
            .first()
        )
        if len(ids) != 1 or saved is None or not (admin or saved.school_id in announcing):
            raise refused
        return saved.school
    raise refused


def audience_label(announcement: Announcement) -> str:
    kind, ref = announcement.audience_kind, dict(announcement.audience_ref)
    ids = [i for i in ref.get("ids", []) if isinstance(i, int)]
    if kind == Announcement.AudienceKind.DISTRICT:
        return "The whole district"
    if kind == Announcement.AudienceKind.SECTION:
        section = Section.objects.filter(pk__in=ids).select_related("school").first()
        return f"{section.title} · {section.school.name}" if section else "A class"
    if kind == Announcement.AudienceKind.SCHOOL:
        school = School.objects.filter(pk__in=ids).first()
        return school.name if school else "A school"
    if kind == Announcement.AudienceKind.GRADE:
        schools = School.objects.filter(pk__in=ref.get("school_ids") or [])
        where = ", ".join(s.name for s in schools) or "all schools"
        return f"Grade {ref.get('grade', '')} · {where}"
    saved = AudienceList.objects.filter(pk__in=ids).first()
    return f"{saved.name} (saved list)" if saved else "A saved list"


# --- Announcements ---------------------------------------------------------------------------


def may_send(user: Any, announcement: Announcement) -> bool:
    """The author sends their draft; a district admin may send any."""
    scope = scope_for(user)
    return scope.staff is not None and (
        scope.is_district_admin or announcement.author_id == scope.staff.pk
    )


@dataclass
class LanguagePreview:
    language: str
    name: str
    rtl: bool
    families: int
    text: str  # exactly what the family gets (interpreter offer / machine notice included)
    subject: str
    method: str
    status: str
    origin_method: str
    provider: str
    reviewer: str
    needs_human: bool
    held: bool
    machine_notice: bool
    sms: SegmentInfo


@dataclass
class Preview:
    families: int
    by_language: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    no_channel: int
    opted_out: int
    may_not_contact: int
    languages: list[LanguagePreview] = field(default_factory=list)
    hold_for_human: bool = False


def _reviewer_names(ids: set[int]) -> dict[int, str]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: (u.get_full_name() or u.get_username()) for u in users}


def preview_announcement(announcement: Announcement) -> Preview:
    """Who the announcement will reach, on which channel, and the text in every language.

    Reads only: the audience as ``do_send_announcement`` will resolve it, the first usable
    channel of each caregiver, and one rendition per language from the translation pipeline
    (template, memory, machine; a text that needs a person is shown as the family would get
    it, or as held, according to the district's policy).
    """
    district = District.objects.get(pk=announcement.district_id)
    kind, ref = announcement.audience_kind, dict(announcement.audience_ref)
    targets = aud.resolve_targets(district_id=district.pk, kind=kind, ref=ref, with_windows=False)
    languages: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    unreachable: list[int] = []
    tags: dict[str, str] = {}
    for target in targets:
        tag = tags.get(target.language) or registry.normalize(target.language)
        tags[target.language] = tag
        languages[tag] += 1
        if target.reachable:
            channels[target.channel] += 1
        else:
            unreachable.append(target.caregiver_id)
    opted_out = (
        ContactPoint.objects.filter(caregiver_id__in=unreachable, opted_out_at__isnull=False)
        .values("caregiver_id")
        .distinct()
        .count()
    )
    reachable = aud.audience_caregivers(district_id=district.pk, kind=kind, ref=ref)
    if kind == Announcement.AudienceKind.LIST:
        # A list names its caregivers: those it cannot reach have no contactable link.
        barred = (
            Caregiver.objects.filter(audience_lists__in=ref.get("ids", []))
            .filter(is_active=True)
            .exclude(pk__in=reachable)
            .distinct()
            .count()
        )
    else:
        barred = (
            CaregiverLink.objects.filter(
                may_contact=False,
                student_id__in=aud.audience_students(district_id=district.pk, kind=kind, ref=ref),
                caregiver__is_active=True,
            )
            .exclude(caregiver_id__in=reachable)
            .values("caregiver_id")
            .distinct()
            .count()
        )
    policy = pipeline.TranslationPolicy.for_district(district)
    source = registry.normalize(announcement.source_language)
    wanted = sorted(languages)
    bodies = pipeline.translate_for_languages(
        announcement.body, source=source, targets=wanted, district_policy=policy
    )
    subjects = (
        pipeline.translate_for_languages(
            announcement.subject, source=source, targets=wanted, district_policy=policy
        )
        if announcement.subject
        else {}
    )
    reviewers = _reviewer_names(
        {r.reviewer_id for r in bodies.values() if r.reviewer_id is not None}
    )
    previews = []
    for tag in wanted:
        rendition = bodies[tag]
        held = rendition.needs_human and policy.hold_for_human
        text = rendition.text if held else pipeline.text_to_send(rendition)
        language = registry.get(tag)
        subject = subjects.get(tag)
        previews.append(
            LanguagePreview(
                language=tag,
                name=f"{language.native_name} ({language.english_name})"
                if language.native_name != language.english_name
                else language.english_name,
                rtl=language.rtl,
                families=languages[tag],
                text=text,
                subject=subject.text if subject is not None else "",
                method=str(rendition.method),
                status=str(rendition.status),
                origin_method=rendition.origin_method,
                provider=rendition.provider,
                reviewer=reviewers.get(rendition.reviewer_id or 0, ""),
                needs_human=rendition.needs_human,
                held=held,
                machine_notice=rendition.machine_notice,
                sms=count_segments(text),
            )
        )
    return Preview(
        families=len(targets),
        by_language=sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])),
        by_channel=sorted(channels.items(), key=lambda kv: (-kv[1], kv[0])),
        no_channel=len(unreachable),
        opted_out=opted_out,
        may_not_contact=barred,
        languages=previews,
        hold_for_human=policy.hold_for_human,
    )


def language_name(tag: str) -> str:
    return registry.get(tag).english_name if registry.is_valid(tag) else tag


REPORT_STATUSES = [s.value for s in Delivery.Status]
PROBLEM_STATUSES = (Delivery.Status.SKIPPED, Delivery.Status.FAILED)


@dataclass
class ReportRow:
    language: str
    name: str
    channel: str
    counts: list[int]
    total: int


@dataclass
class Report:
    statuses: list[tuple[str, str]]
    rows: list[ReportRow]
    totals: list[int]
    total: int
    waiting_for_window: int
    live: bool  # something is still being sent: the page keeps polling


def announcement_deliveries(announcement: Announcement) -> QuerySet[Delivery]:
    return Delivery.objects.filter(message__announcement=announcement)


def delivery_report(announcement: Announcement, *, now: datetime | None = None) -> Report:
    """Counts of the announcement's deliveries by status, language and channel (one query).

    The report goes to people who may see the announcement; it counts rows and names no one,
    so small cells are shown (docs/messaging.md, "Announcements").
    """
    now = now or timezone.now()
    deliveries = announcement_deliveries(announcement)
    cells: dict[tuple[str, str], Counter[str]] = {}
    for language, channel, status, n in (
        deliveries.values_list("language", "channel", "status")
        .annotate(n=Count("pk"))
        .order_by("language", "channel")
    ):
        cells.setdefault((language, channel), Counter())[status] += n
    rows = [
        ReportRow(
            language=language,
            name=language_name(language),
            channel=channel,
            counts=[counts[s] for s in REPORT_STATUSES],
            total=sum(counts.values()),
        )
        for (language, channel), counts in sorted(cells.items())
    ]
    totals = [sum(row.counts[i] for row in rows) for i in range(len(REPORT_STATUSES))]
    pending = deliveries.filter(status=Delivery.Status.PENDING)
    waiting = pending.filter(not_before__gt=now).count()
    # Paper waits for a person to print it, and a row waiting for the family's window can
    # wait hours: neither keeps the page polling.
    live = (
        deliveries.filter(
            Q(status=Delivery.Status.SENDING)
            | Q(status=Delivery.Status.PENDING, not_before__lte=now)
        )
        .exclude(channel="paper")
        .exists()
    )
    return Report(
        statuses=[(s.value, str(s.label)) for s in Delivery.Status],
        rows=rows,
        totals=totals,
        total=sum(totals),
        waiting_for_window=waiting,
        live=live,
    )


@dataclass
class ProblemRow:
    delivery: Delivery
    caregiver: Caregiver | None  # None: a family the user may not see


def problem_rows(user: Any, announcement: Announcement, *, limit: int = 200) -> list[ProblemRow]:
    """Skipped and failed rows with their reasons; the caregiver only where the user sees them."""
    rows = list(
        announcement_deliveries(announcement)
        .filter(status__in=PROBLEM_STATUSES)
        .select_related("caregiver")
        .order_by("status", "skip_reason", "pk")[:limit]
    )
    visible = set(
        caregivers_for(user)
        .filter(pk__in={r.caregiver_id for r in rows})
        .values_list("pk", flat=True)
    )
    return [ProblemRow(r, r.caregiver if r.caregiver_id in visible else None) for r in rows]


# --- Saved lists -----------------------------------------------------------------------------


def audience_lists_for(user: Any) -> QuerySet[AudienceList]:
    """Lists of the schools where the person holds a role (any staff of the school may use
    and edit them); every list of the district for a district admin."""
    scope = scope_for(user)
    if scope.staff is None:
        return AudienceList.objects.none()
    base = AudienceList.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(school_id__in=scope.school_ids)


def access_audience_list(user: Any, list_id: int) -> AudienceList:
    saved = audience_lists_for(user).filter(pk=list_id).select_related("school").first()
    if saved is None:
        raise Http404("No such list")
    return saved


def list_schools_for(user: Any) -> QuerySet[School]:
    """Schools a new list may belong to."""
    scope = scope_for(user)
    if scope.staff is None:
        return School.objects.none()
    base = School.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base.order_by("name")
    return base.filter(pk__in=scope.school_ids).order_by("name")


def list_candidates(user: Any, school: School) -> QuerySet[Caregiver]:
    """Caregivers the user sees who have a child at ``school``: who may join its list."""
    at_school = StudentSchool.objects.filter(school=school).values("student_id")
    linked = CaregiverLink.objects.filter(caregiver=OuterRef("pk"), student_id__in=at_school)
    return caregivers_for(user).filter(Exists(linked))


# --- Paper -----------------------------------------------------------------------------------


def may_print_paper(user: Any) -> bool:
    return scope_for(user).has_role(*PAPER_ROLES)


def pending_paper_for(user: Any) -> QuerySet[Delivery]:
    """Paper letters waiting to be printed for the families the user sees (leaders, liaisons,
    district admin); a letter already in a batch has a provider id and is not here."""
    if not may_print_paper(user):
        return Delivery.objects.none()
    return Delivery.objects.filter(
        channel="paper",
        status=Delivery.Status.PENDING,
        provider_id="",
        caregiver__in=caregivers_for(user),
    )


def paper_batches_for(user: Any) -> QuerySet[PaperBatch]:
    scope = scope_for(user)
    if scope.staff is None or not may_print_paper(user):
        return PaperBatch.objects.none()
    base = PaperBatch.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(Q(created_by=scope.staff) | Q(school_id__in=scope.family_school_ids))


def access_paper_batch(user: Any, batch_id: int) -> PaperBatch:
    batch = paper_batches_for(user).filter(pk=batch_id).first()
    if batch is None:
        raise Http404("No such batch")
    return batch


def batch_deliveries(batch: PaperBatch) -> QuerySet[Delivery]:
    return Delivery.objects.filter(channel="paper", provider_id=f"{PAPER_PREFIX}{batch.pk}")


def filled_text(rendition: MessageRendition, name: str) -> str:
    """The stored rendition with the caregiver's name filled in, as the sender fills it."""
    stored = pipeline.Rendition.from_json(dict(rendition.details))
    try:
        return pipeline.fill(
            dataclasses.replace(stored, text=rendition.text), {"caregiver": name}
        ).text
    except pipeline.MissingPlaceholderError:
        return rendition.text  # braces in a teacher's own words, not a placeholder of ours


def paper_letters(deliveries: list[Delivery], *, on: date, district: District) -> list[Letter]:
    """One letter per delivery, in the delivery's language, from the stored renditions (the
    text the family gets: interpreter offer or machine notice included)."""
    messages = {d.message_id for d in deliveries}
    renditions = {
        (r.message_id, r.language): r
        for r in MessageRendition.objects.filter(message_id__in=messages)
    }
    schools: dict[int, str] = {}
    for message_id, announced, conversed in Message.objects.filter(pk__in=messages).values_list(
        "pk", "announcement__school__name", "conversation__school__name"
    ):
        schools[message_id] = announced or conversed or district.name
    letters = []
    for delivery in deliveries:
        rendition = renditions.get((delivery.message_id, delivery.language))
        name = delivery.caregiver.display_name
        letters.append(
            Letter(
                recipient_name=name,
                address_lines=[],
                language=delivery.language,
                school_name=schools.get(delivery.message_id, district.name),
                date_text=pipeline.format_date(on, delivery.language),
                subject=str(rendition.details.get("subject_text", "")) if rendition else "",
                body=filled_text(rendition, name) if rendition else "",
                reply_instructions="",
                idempotency_key=delivery.idempotency_key,
            )
        )
    return letters


# --- Liaison call list -----------------------------------------------------------------------


def call_deliveries_for(user: Any) -> QuerySet[Delivery]:
    """Voice deliveries no machine could speak (no text-to-speech voice for the language) and
    that no other channel took over, for the families the user sees."""
    return Delivery.objects.filter(
        channel="voice",
        status=Delivery.Status.FAILED,
        error__startswith=NO_TTS_FOR_LANGUAGE,
        fallbacks__isnull=True,
        caregiver__in=caregivers_for(user),
    )


def access_call_delivery(user: Any, delivery_id: int) -> Delivery:
    delivery = call_deliveries_for(user).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such call")
    return delivery


@dataclass
class Call:
    delivery: Delivery
    language_name: str
    rtl: bool
    speaks: bool  # the user speaks the language
    text: str
    calls: int
    last_call: AuditEntry | None


def call_list(user: Any) -> list[Call]:
    """The calls to make: the user's languages first, then by language and age."""
    scope = scope_for(user)
    spoken = {
        registry.normalize(str(tag)) for tag in (scope.staff.languages if scope.staff else [])
    }
    rows = list(call_deliveries_for(user).select_related("caregiver").order_by("created_at", "pk"))
    renditions = {
        (r.message_id, r.language): r
        for r in MessageRendition.objects.filter(message_id__in={d.message_id for d in rows})
    }
    logs: dict[int, list[AuditEntry]] = {}
    for entry in AuditEntry.objects.filter(
        object_type="delivery",
        object_id__in=[d.pk for d in rows],
        context__startswith=CALL_CONTEXT,
    ).order_by("at", "pk"):
        logs.setdefault(int(entry.object_id or 0), []).append(entry)
    calls = []
    for delivery in rows:
        language = registry.get(delivery.language)
        rendition = renditions.get((delivery.message_id, delivery.language))
        text = "" if rendition is None else filled_text(rendition, delivery.caregiver.display_name)
        entries = logs.get(delivery.pk, [])
        calls.append(
            Call(
                delivery=delivery,
                language_name=language.native_name,
                rtl=language.rtl,
                speaks=registry.normalize(delivery.language) in spoken
                or delivery.language.split("-")[0] in spoken,
                text=text,
                calls=len(entries),
                last_call=entries[-1] if entries else None,
            )
        )
    calls.sort(key=lambda c: (not c.speaks, c.delivery.language))
    return calls

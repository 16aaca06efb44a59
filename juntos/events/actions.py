"""Every events write with side effects: ``do_<verb>_<noun>`` functions, one transaction each.

Invitations go out through messaging's fan-out (``write_rendered_fanout``): the
``event.invitation`` template rendered once per language, one Delivery per caregiver on their
first usable channel, respecting contact windows and opt-outs; the sends are queued after
commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from juntos.events.invitations import event_contexts
from juntos.events.models import Attendance, Event, Invitation, Rsvp, TimeOption
from juntos.language import pipeline, registry
from juntos.messaging import audience as aud
from juntos.messaging import fanout
from juntos.messaging.actions import InputError, write_rendered_fanout
from juntos.messaging.models import Announcement, Message
from juntos.people.models import Caregiver, District, School, Staff

MAX_OPTIONS = 9  # an SMS answer names an option with one digit
MAX_CHILDCARE = 20


def _tag(language: str) -> str | None:
    """A language tag normalised, "" for none, None when it is not a language tag."""
    if not language.strip():
        return ""
    try:
        return registry.normalize(language)
    except registry.InvalidLanguage:
        return None


def do_create_event(
    *,
    by: Staff,
    school: School,
    kind: str,
    title: str,
    learning_statement: str,
    modality: str,
    place: str = "",
    time_options: list[tuple[datetime, datetime]],
    childcare: bool = False,
    transport: bool = False,
    food: bool = False,
    stipend: bool = False,
    interpretation_languages: list[str] | None = None,
    capacity: int | None = None,
    source_language: str = "",
) -> Event:
    """A draft event with its time options. Raises InputError naming each bad field."""
    errors: dict[str, str] = {}
    title, statement, place = title.strip(), learning_statement.strip(), place.strip()
    if not title:
        errors["title"] = _("Give the event a title.")
    if not statement:
        errors["learning_statement"] = _("Say how this event supports children's learning.")
    if kind not in Event.Kind.values:
        errors["kind"] = _("Choose what kind of event this is.")
    if modality not in Event.Modality.values:
        errors["modality"] = _("Choose in person, virtual or hybrid.")
    if modality != Event.Modality.VIRTUAL and not place:
        errors["place"] = _("Say where the event takes place.")
    if not time_options:
        errors["time_options"] = _("Give at least one date and time.")
    elif len(time_options) > MAX_OPTIONS:
        errors["time_options"] = _("Offer at most %(count)s times.") % {"count": MAX_OPTIONS}
    elif any(end <= start for start, end in time_options):
        errors["time_options"] = _("Each time must end after it starts.")
    languages: list[str] = []
    for language in interpretation_languages or []:
        tag = _tag(language)
        if tag is None:
            errors["interpretation_languages"] = _(
                "%(value)s is not a language code (es, vi…)."
            ) % {"value": repr(language)}
        elif tag and tag not in languages:
            languages.append(tag)
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Capacity must be at least 1, or left empty.")
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        event = Event.objects.create(
            district_id=by.district_id,
            school=school,
            kind=kind,
            title=title,
            learning_statement=statement,
            modality=modality,
            place=place,
            childcare=childcare,
            transport=transport,
            food=food,
            stipend=stipend,
            interpretation_languages=languages,
            capacity=capacity,
            created_by=by,
            source_language=registry.normalize(source_language or by.district.default_language),
        )
        TimeOption.objects.bulk_create(
            TimeOption(event=event, starts_at=start, ends_at=end)
            for start, end in sorted(time_options)
        )
    return event


def do_publish_event_invitations(
    *,
    by: Staff,
    event: Event,
    audience_kind: str,
    audience_ref: dict[str, Any],
    base_url: str = "",
) -> int:
    """Invite the audience's caregivers who are not invited yet; returns how many were.

    One transaction: the event becomes published, one Message (kind system) carries the
    invitation, one MessageRendition per language (the template with the translated title and
    place, the dates in that language), one Invitation and one Delivery per new caregiver.
    The link is on ``PUBLIC_BASE_URL``, else on ``base_url`` (the address staff used).
    """
    if event.status == Event.Status.CANCELLED:
        raise InputError({"event": _("This event is cancelled.")})
    now = timezone.now()
    with fanout.gc_paused(), transaction.atomic():
        locked = Event.objects.select_for_update().select_related("district", "school")
        event = locked.get(pk=event.pk)
        district = District.objects.get(pk=event.district_id)
        targets = aud.resolve_targets(
            district_id=district.pk, kind=audience_kind, ref=dict(audience_ref)
        )
        already = set(event.invitations.values_list("caregiver_id", flat=True))
        targets = [t for t in targets if t.caregiver_id not in already]
        if targets:
            policy = pipeline.TranslationPolicy.for_district(district)
            contexts = event_contexts(
                event, [t.language for t in targets], policy=policy, base_url=base_url
            )
            prepared = pipeline.prepare_template_for_languages(
                "event.invitation", list(contexts), district_policy=policy
            )
            renditions = {
                tag: pipeline.fill(prepared[tag], context) for tag, context in contexts.items()
            }
            source = registry.normalize(event.source_language)
            body = pipeline.fill(
                pipeline.prepare_template("event.invitation", source, district_policy=policy),
                event_contexts(event, [source], policy=policy)[source],
            ).text
            # The invitation is an announcement to its audience, so that messaging's pages (the
            # outbox, the delivery report, the announcement list) show it like any other.
            announcement = Announcement.objects.create(
                district=district,
                school=event.school,
                author=by,
                audience_kind=audience_kind,
                audience_ref=dict(audience_ref),
                subject=event.title[:200],
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
            write_rendered_fanout(
                message=message,
                renditions=renditions,
                targets=targets,
                hold_for_human=False,  # never held: see docs/events.md
                district_time_zone=district.time_zone,
                now=now,
                subjects={tag: _text(context["event"]) for tag, context in contexts.items()},
            )
            Invitation.objects.bulk_create(
                Invitation(
                    event=event, caregiver_id=t.caregiver_id, message=message, created_at=now
                )
                for t in targets
            )
        if event.status == Event.Status.DRAFT:
            event.status = Event.Status.PUBLISHED
            event.save(update_fields=["status"])
    return len(targets)


def _text(value: str | pipeline.Rendition) -> str:
    return value.text if isinstance(value, pipeline.Rendition) else value


def _ended(event: Event, now: datetime) -> bool:
    last = event.time_options.aggregate(last=Max("ends_at"))["last"]
    return last is not None and last <= now


def do_record_rsvp(
    *,
    caregiver: Caregiver,
    event: Event,
    answer: str,
    channel: str,
    time_option: TimeOption | None = None,
    childcare_children: int = 0,
    needs_ride: bool = False,
    interpreter_language: str = "",
) -> Rsvp:
    """The caregiver's answer; one per caregiver and event, the latest wins.

    Capacity: a "yes" that would take the event past its capacity is kept with
    ``waitlisted = True`` (the family page says so, and staff see the waiting list); a family
    already counted keeps its place when it changes its needs. A "no" or "maybe" frees its place,
    and the first family on the waiting list is moved up and told (``promote_from_waitlist``).
    """
    errors: dict[str, str] = {}
    if answer not in Rsvp.Answer.values:
        errors["answer"] = "Choose yes, no or maybe."
    if time_option is not None and time_option.event_id != event.pk:
        errors["time_option"] = "Choose one of this event's times."
    if not 0 <= childcare_children <= MAX_CHILDCARE:
        errors["childcare_children"] = f"Give a number of children from 0 to {MAX_CHILDCARE}."
    interpreter = _tag(interpreter_language)
    if interpreter is None:
        errors["interpreter_language"] = "Choose a language from the list."
    if errors:
        raise InputError(errors)
    now = timezone.now()
    if answer != Rsvp.Answer.YES:
        time_option, childcare_children, needs_ride, interpreter = None, 0, False, ""
    assert interpreter is not None  # noqa: S101 - refused above
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status != Event.Status.PUBLISHED:
            raise InputError({"event": "This event is not taking answers."})
        if _ended(locked, now):
            raise InputError({"event": "This event is over."})
        previous = Rsvp.objects.filter(event=locked, caregiver=caregiver).first()
        waitlisted = False
        if answer == Rsvp.Answer.YES and locked.capacity is not None:
            kept_place = (
                previous is not None
                and previous.answer == Rsvp.Answer.YES
                and not previous.waitlisted
            )
            taken = (
                Rsvp.objects.filter(event=locked, answer=Rsvp.Answer.YES, waitlisted=False)
                .exclude(caregiver=caregiver)
                .count()
            )
            waitlisted = not kept_place and taken >= locked.capacity
        fields = {
            "answer": answer,
            "time_option": time_option,
            "waitlisted": waitlisted,
            "childcare_children": childcare_children if locked.childcare else 0,
            "needs_ride": needs_ride if locked.transport else False,
            "interpreter_language": interpreter,
            "channel": channel,
            "answered_at": now,
        }
        if previous is None or previous.answer != answer:
            fields["reminded_at"] = None  # a new "yes" is reminded again
        rsvp, _ = Rsvp.objects.update_or_create(event=locked, caregiver=caregiver, defaults=fields)
        if (
            previous is not None
            and previous.answer == Rsvp.Answer.YES
            and not previous.waitlisted
            and answer != Rsvp.Answer.YES
        ):
            # A place was freed: the first family waiting gets it, and is told.
            promote_from_waitlist(locked)
    return rsvp


def do_record_attendance(
    *,
    by: Staff,
    event: Event,
    caregiver: Caregiver | None = None,
    walk_in_name: str = "",
    walk_in_language: str = "",
    time_option: TimeOption | None = None,
) -> Attendance:
    """Mark an invited caregiver present (again: nothing changes), or add a walk-in by name."""
    if caregiver is None and not walk_in_name.strip():
        raise InputError({"walk_in_name": "Write the name of the person who came."})
    if time_option is not None and time_option.event_id != event.pk:
        raise InputError({"time_option": "Choose one of this event's times."})
    with transaction.atomic():
        if caregiver is not None:
            try:
                with transaction.atomic():
                    attendance, _ = Attendance.objects.get_or_create(
                        event=event,
                        caregiver=caregiver,
                        defaults={"recorded_by": by, "time_option": time_option},
                    )
            except IntegrityError:  # two phones at the door marked the same family at once
                attendance = Attendance.objects.get(event=event, caregiver=caregiver)
            return attendance
        return Attendance.objects.create(
            event=event,
            walk_in_name=walk_in_name.strip()[:200],
            walk_in_language=_tag(walk_in_language) or "",
            time_option=time_option,
            recorded_by=by,
        )


def do_remove_attendance(*, event: Event, attendance_id: int) -> None:
    """Undo a tap at the door (a wrong family marked present)."""
    with transaction.atomic():
        Attendance.objects.filter(event=event, pk=attendance_id).delete()


# --- Cancelling, reminding, the waiting list (through the reach pipeline) ----------------------

REMIND_BEFORE = timedelta(hours=30)  # the day before, whatever the hour the event starts


def _family_context(
    event: Event, caregiver: Caregiver, option: TimeOption | None
) -> dict[str, str]:
    """The event's title and place in the caregiver's language, its date and time in their
    words (plain text: the conversation message fills a template with strings)."""
    from juntos.events.invitations import when

    language = registry.normalize(caregiver.preferred_language)
    policy = pipeline.TranslationPolicy.for_district(event.district_id)
    source = registry.normalize(event.source_language)
    title = pipeline.translate(event.title, source=source, target=language, district_policy=policy)
    place = pipeline.translate(
        event.place or event.school.name, source=source, target=language, district_policy=policy
    )
    options = [option] if option is not None else list(event.time_options.order_by("starts_at"))
    date_text, time_text = when(options, event, language)
    return {
        "event": title.text,
        "place": place.text,
        "school": event.school.name,
        "date": date_text,
        "time": time_text,
    }


def _tell(by: Staff, event: Event, caregiver: Caregiver, key: str, *, body: str = "",
          option: TimeOption | None = None) -> None:  # fmt: skip
    from juntos.messaging.actions import do_open_conversation, do_send_conversation_message

    conversation = do_open_conversation(caregiver=caregiver, owner=by, school=event.school)
    do_send_conversation_message(
        by=by,
        conversation=conversation,
        body=body,
        kind=Message.Kind.SYSTEM,
        template_key=key,
        context=_family_context(event, caregiver, option),
    )


def do_cancel_event(*, by: Staff, event: Event, reason: str = "") -> int:
    """Cancel a published or draft event and tell every invited family that had not said no,
    in their language (``event.cancelled``; ``reason`` is the school's own words, translated
    like any message). Texted answers are no longer read as answers. Returns how many families
    were told."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().select_related("school").get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            raise InputError({"event": _("This event is already cancelled.")})
        locked.status = Event.Status.CANCELLED
        locked.save(update_fields=["status"])
        said_no = set(
            Rsvp.objects.filter(event=locked, answer=Rsvp.Answer.NO).values_list(
                "caregiver_id", flat=True
            )
        )
        told = 0
        for invitation in locked.invitations.select_related("caregiver").order_by("pk"):
            if invitation.caregiver_id in said_no or not invitation.caregiver.is_active:
                continue
            _tell(by, locked, invitation.caregiver, "event.cancelled", body=reason.strip())
            told += 1
    return told


def _sender(event: Event) -> Staff:
    return event.created_by


def do_send_event_reminders(*, now: datetime | None = None) -> int:
    """The day before: remind each family who said yes (and has a place) of the time they
    chose, once per answer (claimed with a conditional UPDATE; safe to run twice)."""
    now = now or timezone.now()
    due = (
        Rsvp.objects.filter(
            answer=Rsvp.Answer.YES,
            waitlisted=False,
            reminded_at__isnull=True,
            event__status=Event.Status.PUBLISHED,
            caregiver__is_active=True,
        )
        .filter(
            Q(time_option__starts_at__gt=now, time_option__starts_at__lte=now + REMIND_BEFORE)
            | Q(
                time_option__isnull=True,
                event__time_options__starts_at__gt=now,
                event__time_options__starts_at__lte=now + REMIND_BEFORE,
            )
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    sent = 0
    for rsvp_id in list(due):
        with transaction.atomic():
            if not Rsvp.objects.filter(pk=rsvp_id, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            rsvp = Rsvp.objects.select_related(
                "event__school", "event__created_by", "caregiver", "time_option"
            ).get(pk=rsvp_id)
            _tell(_sender(rsvp.event), rsvp.event, rsvp.caregiver, "event.reminder",
                  option=rsvp.time_option)  # fmt: skip
            sent += 1
    return sent


def promote_from_waitlist(event: Event) -> list[Rsvp]:
    """Give freed places to the waiting list, first come first served, and tell each family
    promoted (``event.place_freed``). Call inside the transaction that freed the place, with
    the event locked."""
    if event.capacity is None:
        return []
    taken = Rsvp.objects.filter(event=event, answer=Rsvp.Answer.YES, waitlisted=False).count()
    free = event.capacity - taken
    if free <= 0:
        return []
    promoted = list(
        Rsvp.objects.filter(event=event, answer=Rsvp.Answer.YES, waitlisted=True)
        .select_related("caregiver", "time_option")
        .order_by("answered_at", "pk")[:free]
    )
    for rsvp in promoted:
        rsvp.waitlisted = False
        rsvp.save(update_fields=["waitlisted"])
        _tell(_sender(event), event, rsvp.caregiver, "event.place_freed", option=rsvp.time_option)
    return promoted

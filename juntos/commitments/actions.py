"""Every write of "you said, we did": commitments, the input they cite, their updates.

Each ``do_*`` is one transaction. A status change is one update: after commit it is sent
through the reach pipeline (juntos/messaging) to every distinct family whose input the
commitment cites and who is not anonymous, once per family, in their language and on their
channel (:func:`do_send_commitment_update`).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from juntos.commitments import queries
from juntos.commitments.models import Commitment, InputLink, StatusChange
from juntos.language import pipeline, registry
from juntos.listening.actions import find_flags
from juntos.messaging.actions import (
    InputError,
    do_open_conversation,
    do_send_conversation_message,
)
from juntos.people.models import Caregiver, School, Staff
from juntos.tasks import enqueue
from juntos.teams.models import Team

# What replaces a phone number, an email address or a name in a snapshot: no words, so that it
# reads the same in every language.
MASK = "•••"
UPDATE_TEMPLATE = "loop_closing.update"
STATUS_TEMPLATE = "commitment.status_{status}"


def mask(text: str, *, district_id: int) -> str:
    """``text`` with what the listening moderators are warned about (phone numbers, email
    addresses, names on the district's roster) replaced by :data:`MASK`."""
    masked = text
    flags = find_flags(text, district_id=district_id)
    for flag in sorted(flags, key=lambda f: len(f["text"]), reverse=True):
        found = flag["text"]
        if flag["kind"] == "name":
            pattern = re.compile(rf"(?<!\w){re.escape(found)}(?!\w)", re.IGNORECASE)
            masked = pattern.sub(MASK, masked)
        else:
            masked = masked.replace(found, MASK)
    return masked.strip()


def _language(value: str, fallback: str) -> str:
    try:
        return registry.normalize(value or fallback)
    except registry.InvalidLanguage:
        return registry.normalize(fallback)


def _staff_language(by: Staff) -> str:
    languages = [str(tag) for tag in by.languages or []]
    return _language(languages[0] if languages else "", by.district.default_language)


def do_create_commitment(
    *,
    by: Staff,
    school: School,
    kind: str,
    title: str,
    description: str = "",
    source_language: str = "",
    public: bool = True,
    team: Team | None = None,
) -> Commitment:
    """A new commitment of ``school``, planned. Refused, every reason at once: an empty title,
    an unknown kind, a school or team of another district, an unknown language."""
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = _("Write what the school commits to.")
    if kind not in Commitment.Kind.values:
        errors["kind"] = _("Choose the kind of commitment.")
    if school.district_id != by.district_id:
        errors["school"] = _("Choose a school of your district.")
    if team is not None and team.district_id != school.district_id:
        errors["team"] = _("Choose a team of the same district.")
    if source_language and not registry.is_valid(source_language):
        errors["source_language"] = _("Choose the language the commitment is written in.")
    if errors:
        raise InputError(errors)
    language = registry.normalize(source_language) if source_language else _staff_language(by)
    now = timezone.now()
    with transaction.atomic():
        return Commitment.objects.create(
            district_id=school.district_id,
            school=school,
            team=team,
            kind=kind,
            title=title,
            description=description.strip(),
            source_language=language,
            public=public,
            created_by=by,
            created_at=now,
            updated_at=now,
        )


def do_link_input(*, by: Staff, commitment: Commitment, kind: str, object_id: int) -> InputLink:
    """Cite one piece of family input in ``commitment``, with an anonymised snapshot of it.

    Only input ``by`` may see, from the commitment's school (queries.replies_for/ideas_for).
    A family reply names its family (the conversation's caregiver): they are told of updates.
    An idea is anonymous unless its author asked to be told (``Idea.follow_up_caregiver``).
    Linking the same input twice returns the existing link.
    """
    caregiver_id: int | None
    if kind == InputLink.Kind.REPLY:
        message = queries.replies_for(by.user, commitment.school).filter(pk=object_id).first()
        if message is None or message.conversation is None:
            raise InputError({"input": _("This reply is not one you can cite here.")})
        text, language = message.body, message.language
        caregiver_id = message.conversation.caregiver_id
    elif kind == InputLink.Kind.IDEA:
        idea = queries.ideas_for(by.user, commitment.school).filter(pk=object_id).first()
        if idea is None:
            raise InputError({"input": _("This idea is not one you can cite here.")})
        text, language = idea.text, idea.language
        # Set by the family on the exchange page when they want to hear back (optional field).
        caregiver_id = getattr(idea, "follow_up_caregiver_id", None)
    elif kind == InputLink.Kind.THEME:
        theme = queries.themes_for(by.user, commitment.school).filter(pk=object_id).first()
        if theme is None:
            raise InputError({"input": _("This theme is not one you can cite here.")})
        text = theme.label
        language = "en" if theme.language in ("pivot", "mixed") else theme.language
        caregiver_id = None  # a theme speaks for many families, none by name
        # The families behind the theme who asked to hear back are cited through their own
        # ideas, so that each is told, in their language, with their own words.
        followed = theme.members.filter(idea__follower__isnull=False).values_list(
            "idea_id", flat=True
        )
        for idea_id in followed:
            do_link_input(by=by, commitment=commitment, kind=InputLink.Kind.IDEA, object_id=idea_id)
    else:
        raise InputError({"input": _("This kind of input cannot be cited yet.")})
    snapshot = mask(text, district_id=commitment.district_id)
    with transaction.atomic():
        link, _created = InputLink.objects.get_or_create(
            commitment=commitment,
            kind=kind,
            object_id=object_id,
            defaults={
                "text": snapshot or MASK,
                "language": _language(language, commitment.source_language),
                "caregiver_id": caregiver_id,
                "linked_by": by,
            },
        )
        return link


def do_unlink_input(*, by: Staff, link: InputLink) -> None:
    """Stop citing an input (the commitment's history is kept)."""
    with transaction.atomic():
        InputLink.objects.filter(pk=link.pk, commitment_id=link.commitment_id).delete()


def do_change_status(
    *, by: Staff, commitment: Commitment, status: str, note: str = "", reason: str = ""
) -> StatusChange:
    """Move ``commitment`` to ``status`` and record the update; after commit, the families
    cited are told (:func:`do_send_commitment_update`, a background task enqueued on commit).
    "Not doing" needs the reason."""
    from juntos.commitments.tasks import send_commitment_update

    errors: dict[str, str] = {}
    if status not in Commitment.Status.values:
        errors["status"] = _("Choose a status.")
    elif status == commitment.status:
        errors["status"] = _("The commitment already has this status.")
    if status == Commitment.Status.NOT_DOING and not reason.strip():
        errors["reason"] = _("Say why the school will not do it.")
    if errors:
        raise InputError(errors)
    now = timezone.now()
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if locked.status == status:  # someone else moved it meanwhile
            raise InputError({"status": _("The commitment already has this status.")})
        change = StatusChange.objects.create(
            commitment=locked,
            from_status=locked.status,
            to_status=status,
            note=note.strip(),
            by=by,
            at=now,
        )
        locked.status = status
        locked.reason = reason.strip() if status == Commitment.Status.NOT_DOING else ""
        locked.updated_at = now
        locked.save(update_fields=["status", "reason", "updated_at"])
        enqueue(send_commitment_update, change.pk)
    commitment.status, commitment.reason, commitment.updated_at = (
        locked.status,
        locked.reason,
        now,
    )
    return change


def action_text(commitment: Commitment, status: str, language: str) -> str:
    """The commitment's title and status in ``language``: the title through the translation
    pipeline (the original title when no translation exists yet), the status words from the
    template library (``commitment.status_<status>``, in every demo language)."""
    policy = pipeline.TranslationPolicy.for_district(commitment.district_id)
    title = pipeline.translate(
        commitment.title,
        source=commitment.source_language,
        target=language,
        district_policy=policy,
    )
    return pipeline.render_template(
        STATUS_TEMPLATE.format(status=status),
        language,
        {"title": title.text},
        district_policy=policy,
    ).text


def do_send_commitment_update(*, change_id: int) -> int:
    """Tell every family cited by the commitment about one status change; returns how many.

    1. Claim the change (a conditional UPDATE of ``notified_at``): a second run sends nothing.
    2. The families: distinct active caregivers of the commitment's links (anonymous input has
       none), each once, with their own first cited input as ``{input}`` — their own words.
    3. For each, ``loop_closing.update`` in their language through the family's conversation
       (``do_send_conversation_message``: their channel, contact window, opt-outs).
    """
    now = timezone.now()
    if not StatusChange.objects.filter(pk=change_id, notified_at__isnull=True).update(
        notified_at=now
    ):
        return 0
    change = StatusChange.objects.select_related(
        "commitment__school__district", "commitment__created_by__district", "by__district"
    ).get(pk=change_id)
    commitment = change.commitment
    by = change.by or commitment.created_by
    own: dict[int, InputLink] = {}
    for link in commitment.inputs.filter(
        caregiver__isnull=False, caregiver__is_active=True
    ).order_by("linked_at", "pk"):
        if link.caregiver_id is not None:
            own.setdefault(link.caregiver_id, link)
    caregivers = Caregiver.objects.filter(pk__in=own).order_by("pk")
    actions: dict[str, str] = {}
    for caregiver in caregivers:
        language = _language(
            caregiver.preferred_language, commitment.school.district.default_language
        )
        if language not in actions:
            actions[language] = action_text(commitment, change.to_status, language)
        conversation = do_open_conversation(caregiver=caregiver, owner=by, school=commitment.school)
        do_send_conversation_message(
            by=by,
            conversation=conversation,
            body="",
            kind="system",
            template_key=UPDATE_TEMPLATE,
            context={
                "school": commitment.school.name,
                "input": own[caregiver.pk].text,
                "action": actions[language],
            },
        )
    return len(own)

# ruff: noqa: RUF001 - the word lists are in the scripts families write
"""Reading a family's SMS answer to an event invitation, and claiming it from the inbox.

The rule (docs/events.md), checked in this order on the whole text, trimmed:

* a lone digit ``N``: with one time option, 1 = yes, 2 = no, 3 = maybe; with several options,
  ``N`` = yes to the Nth option (in start order, as the invitation and the family page number
  them); a digit with no such option is not an answer;
* a lone yes / no / maybe word (or a short phrase from the lists below) in one of the family's
  languages, or in English; with several options a "yes" names none of them.

Anything else (a sentence, a question, "yes but late") is not an answer: it goes to the inbox,
where a person reads it. A reply is claimed only when the caregiver has an invitation that went
out by SMS to an event that is published and not over.

The word lists are drafts written for the project, to be checked by speakers (like the
template library); matching ignores case, accents and trailing punctuation.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import timezone

from juntos.language import pipeline, registry
from juntos.messaging import replies
from juntos.messaging.actions import InputError
from juntos.messaging.models import Delivery
from juntos.people.models import Caregiver

if TYPE_CHECKING:
    from juntos.events.models import Event

YES, NO, MAYBE = "yes", "no", "maybe"

# Drafts: the everyday short answers in each demo language (DEMO_LANGUAGES).
WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {YES: ("yes", "y", "yeah", "yep", "ok", "okay", "sure"), NO: ("no", "n", "nope"),
           MAYBE: ("maybe", "perhaps", "not sure")},
    "es": {YES: ("si", "sí", "claro", "vale", "de acuerdo"), NO: ("no",),
           MAYBE: ("tal vez", "quizas", "quizás", "a lo mejor")},
    "ar": {YES: ("نعم", "ايوه", "أيوه", "اي"), NO: ("لا",), MAYBE: ("ربما", "يمكن")},
    "vi": {YES: ("có", "co", "vâng", "vang", "dạ", "da", "được", "duoc"), NO: ("không", "khong"),
           MAYBE: ("có thể", "co the")},
    "zh": {YES: ("是", "是的", "好", "好的", "会", "會", "去"),
           NO: ("不", "不是", "不会", "不會", "不去"), MAYBE: ("也许", "也許", "可能")},
    "so": {YES: ("haa", "haye", "waa yahay"), NO: ("maya", "mayo"),
           MAYBE: ("laga yaabee", "malaha")},
    "ht": {YES: ("wi", "wii"), NO: ("non",), MAYBE: ("petet", "petèt", "pètèt")},
    "pt": {YES: ("sim", "claro"), NO: ("não", "nao"), MAYBE: ("talvez",)},
    "ru": {YES: ("да", "ага"), NO: ("нет",), MAYBE: ("может быть", "возможно", "может")},
    "uk": {YES: ("так", "да"), NO: ("ні", "нi"), MAYBE: ("можливо", "може")},
    "fa-AF": {YES: ("بله", "بلی", "ها", "آره"), NO: ("نه", "نخیر"), MAYBE: ("شاید",)},
    "ps": {YES: ("هو", "هوکې", "هو کې"), NO: ("نه",), MAYBE: ("ښايي", "شاید", "ښايي چې")},
    "tl": {YES: ("oo", "opo", "sige"), NO: ("hindi", "hindi po"), MAYBE: ("siguro", "baka")},
    "ko": {YES: ("네", "예", "응"), NO: ("아니요", "아니오", "아니"), MAYBE: ("아마", "아마도")},
    "hmn": {YES: ("yog", "yog lawm", "mus"), NO: ("tsis yog", "tsis mus", "tsis"),
            MAYBE: ("tej zaum",)},
    "fr": {YES: ("oui", "d'accord"), NO: ("non",), MAYBE: ("peut-être", "peut etre", "peut-etre")},
}  # fmt: skip


def _fold(text: str) -> str:
    """Lower case, accents dropped (for Latin letters only: other scripts are kept whole),
    surrounding punctuation and whitespace trimmed."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = text.strip(" \t\r\n.!?¡¿,;:。！？،؟\"'«»“”")
    decomposed = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    for ch in decomposed:
        # Drop a combining mark only after a Latin letter (Vietnamese tones read as plain letters).
        if unicodedata.combining(ch) and kept and kept[-1].isascii():
            continue
        kept.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def _table(languages: list[str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for language in [*languages, "en"]:
        tag = registry.normalize(language) if language else ""
        words = WORDS.get(tag) or WORDS.get(tag.split("-")[0], {})
        for answer, forms in words.items():
            for form in forms:
                table.setdefault(_fold(form), answer)
    return table


@dataclass(frozen=True)
class Reading:
    answer: str  # yes / no / maybe
    option_index: int | None  # 0-based time option, when the answer named one


def read_answer(text: str, *, languages: list[str], option_count: int) -> Reading | None:
    """The answer ``text`` gives to an invitation with ``option_count`` time options, or None
    when it is not a bare answer (see the module docstring)."""
    folded = _fold(text)
    if len(folded) == 1 and folded.isdigit():
        number = int(folded)
        if option_count <= 1:
            answer = {1: YES, 2: NO, 3: MAYBE}.get(number)
            if answer is None:
                return None
            return Reading(answer, 0 if answer == YES and option_count == 1 else None)
        if 1 <= number <= option_count:
            return Reading(YES, number - 1)
        return None
    answer = _table(languages).get(folded)
    if answer is None:
        return None
    return Reading(answer, 0 if answer == YES and option_count == 1 else None)


def open_sms_invitation(caregiver_id: int) -> tuple[int, int] | None:
    """(event id, invitation id) of the caregiver's latest invitation that went out by SMS to a
    published event whose last time option has not ended, or None."""
    from juntos.events.models import Event, Invitation

    now = timezone.now()
    candidates = (
        Invitation.objects.filter(
            caregiver_id=caregiver_id,
            event__status=Event.Status.PUBLISHED,
            message__isnull=False,
        )
        .annotate(last_end=Max("event__time_options__ends_at"))
        .filter(last_end__gt=now)
        .order_by("-created_at", "-pk")
    )
    for invitation in candidates[:5]:
        if invitation.message_id is None:
            continue
        by_sms = Delivery.objects.filter(
            message_id=invitation.message_id, caregiver_id=caregiver_id, channel="sms"
        ).exists()
        if by_sms:
            return invitation.event_id, invitation.pk
    return None


def awaits_answer(reply: replies.Reply) -> bool:
    """Whether an invitation sent by SMS to one of these caregivers waits for an answer."""
    return any(open_sms_invitation(caregiver.pk) is not None for caregiver in reply.caregivers)


def handle_reply(reply: replies.Reply) -> replies.Handled | None:
    """The reply handler registered in ``EventsConfig.ready`` (messaging/replies.py)."""
    from juntos.events.actions import do_record_rsvp
    from juntos.events.models import Event, Rsvp

    if not reply.body.strip() or len(reply.body) > 40:
        return None  # a sentence: the inbox
    for caregiver in reply.caregivers:
        found = open_sms_invitation(caregiver.pk)
        if found is None:
            continue
        event = Event.objects.select_related("school").get(pk=found[0])
        options = list(event.time_options.order_by("starts_at", "pk"))
        languages = [caregiver.preferred_language, *(caregiver.other_languages or []), *reply.known]
        reading = read_answer(reply.body, languages=languages, option_count=len(options))
        if reading is None:
            return None
        option = options[reading.option_index] if reading.option_index is not None else None
        try:
            do_record_rsvp(
                caregiver=caregiver,
                event=event,
                answer=reading.answer,
                time_option=option,
                channel=Rsvp.Channel.SMS,
            )
        except InputError:
            return None  # the event closed meanwhile: a person reads the reply

        return replies.Handled(by="event_rsvp", answer=confirmation(event, caregiver, reply.body))
    return None


def confirmation(event: Event, caregiver: Caregiver, answer: str) -> str:
    """The short confirmation in the caregiver's language (template ``event.rsvp_recorded``)."""
    from juntos.events.invitations import event_context_for

    policy = pipeline.TranslationPolicy.for_district(event.district_id)
    language = registry.normalize(caregiver.preferred_language)
    context = event_context_for(event, language, policy=policy)
    rendition = pipeline.render_template(
        "event.rsvp_recorded",
        language,
        {"answer": answer.strip()[:40], "event": context["event"], "date": context["date"]},
        district_policy=policy,
    )
    return pipeline.text_to_send(rendition, separator="\n")

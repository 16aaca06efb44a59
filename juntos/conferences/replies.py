"""A family's text answer to a conference offer: a lone number books that time.

Claimed only when the whole text is one number (any script's digits: "٢" is 2) and the sender
has an offer sent by message in the last ``OFFER_OPEN_DAYS`` days that is not answered yet, and
the number is one of its times. Anything else, a sentence above all, goes to the inbox.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet

from juntos.conferences import actions
from juntos.conferences.models import Booking, ConferenceOffer, ConferenceSlot
from juntos.messaging.replies import Handled, Reply
from juntos.people.models import District

HANDLED_BY = "conference"


def _number(body: str) -> int | None:
    text = body.strip().rstrip(".").strip()
    if not text or len(text) > 2 or not text.isdigit():
        return None
    return int(text)


def _open_offers(reply: Reply) -> QuerySet[ConferenceOffer]:
    return ConferenceOffer.objects.filter(
        caregiver__in=[c.pk for c in reply.caregivers],
        answered_at__isnull=True,
        sent_at__gte=reply.received_at - timedelta(days=actions.OFFER_OPEN_DAYS),
    )


def awaits_offer_answer(reply: Reply) -> bool:
    """Whether an offer of conference times to one of these caregivers waits for an answer."""
    return _open_offers(reply).exists()


def handle_offer_answer(reply: Reply) -> Handled | None:
    number = _number(reply.body)
    if number is None:
        return None
    offer = _open_offers(reply).select_related("caregiver").first()
    if offer is None or not 1 <= number <= len(offer.slot_ids):
        return None
    caregiver = offer.caregiver
    try:
        booking = actions.do_book_slot(
            caregiver=caregiver,
            slot_id=offer.slot_ids[number - 1],
            student_id=offer.student_id,
            via=Booking.Via.SMS,
            now=reply.received_at,
        )
    except actions.SlotTakenError:
        return Handled(by=HANDLED_BY, answer=_others(offer, reply))
    except actions.ConferenceError as error:
        if error.code != "already":
            return None
        existing = (
            Booking.objects.filter(
                student_id=offer.student_id,
                slot__teacher_id=offer.teacher_id,
                status=Booking.Status.BOOKED,
            )
            .select_related("slot__teacher", "slot__school", "student")
            .first()
        )
        if existing is None:
            return None
        booking = existing
    ConferenceOffer.objects.filter(pk=offer.pk).update(answered_at=reply.received_at)
    booking = Booking.objects.select_related("slot__teacher", "slot__school", "student").get(
        pk=booking.pk
    )
    return Handled(
        by=HANDLED_BY,
        answer=actions.family_text(
            caregiver, "conference.booked", actions.booking_context(booking, caregiver)
        ),
    )


def _others(offer: ConferenceOffer, reply: Reply) -> str:
    """The offer's times still open, with the numbers the family already has."""
    caregiver = offer.caregiver
    district = District.objects.get(pk=caregiver.district_id)
    open_ids = {
        slot.pk for slot in actions.open_slots(teacher_id=offer.teacher_id, now=reply.received_at)
    }
    slots = ConferenceSlot.objects.in_bulk([pk for pk in offer.slot_ids if pk in open_ids])
    numbered = [(n, slots[pk]) for n, pk in enumerate(offer.slot_ids, 1) if pk in slots]
    listing = actions.numbered_slots(numbered, caregiver, district) if numbered else " -"
    return actions.family_text(caregiver, "conference.taken", {"slots": listing})

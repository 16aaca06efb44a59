"""A delivery whose worker died mid-send is recorded from what Twilio holds, not sent twice.

The worker is played by hand: it claims the row, begins the send (``_start_send``), hands the
text to Twilio (the local sink, over HTTP) and "dies" before recording the answer. The sweeper
(``do_reconcile_deliveries``) then asks Twilio's message list.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import World
from juntos.messaging import actions
from juntos.messaging.channels.base import OutboundMessage
from juntos.messaging.channels.registry import adapter_for
from juntos.messaging.channels.sms import TwilioSmsAdapter
from juntos.messaging.models import Delivery, OutboxEntry
from juntos.people import models as m
from juntos.testing import factories as f
from juntos.testing.twilio_sink import TwilioSink

PHONE = "+15555550101"
BODY = "Picture day is Friday."


def announce(world: World) -> list[Delivery]:
    """An announcement to Rosa's class; its deliveries, pending (the test transaction never
    commits, so no task sends them)."""
    announcement = actions.do_send_announcement(
        by=m.Staff.objects.get(user=world.personas["teacher"]),
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        body=BODY,
        source_language="en",
    )
    return list(Delivery.objects.filter(message__announcement=announcement).order_by("pk"))


@pytest.fixture
def rosa(world: World) -> m.Caregiver:
    """Reachable by SMS, then email; reads English, so the text is the teacher's own."""
    world.north_family.preferred_language = "en"
    world.north_family.save(update_fields=["preferred_language"])
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value=PHONE, sms_capable=True
    )
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="email", value="rosa@example.org"
    )
    return world.north_family


def rendered(delivery: Delivery) -> OutboundMessage:
    renditions, names = actions._texts([delivery])
    return actions._outbound(delivery, renditions[(delivery.message_id, delivery.language)], names)


def begin(deliveries: list[Delivery]) -> list[Delivery]:
    """A worker claims the rows and begins their sends."""
    claimed = actions._claim([d.pk for d in deliveries], timezone.now())
    for delivery in claimed:
        assert actions._start_send(delivery)
    return claimed


def send_then_die(delivery: Delivery) -> str:
    """Twilio takes the text; the worker dies before recording it. Returns Twilio's sid."""
    result = TwilioSmsAdapter().send(rendered(delivery))
    assert result.provider_id
    return result.provider_id


def test_a_message_twilio_took_is_recorded_not_sent_again(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = begin(announce(world))
    sid = send_then_die(delivery)

    result = actions.do_reconcile_deliveries(stuck_after_s=0)

    assert (result.adopted, result.resent, result.waited) == (1, 0, 0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id, delivery.error) == ("sent", sid, "")
    assert actions.do_send_deliveries(ids=[delivery.pk]) == {}
    assert [(s.to, s.body) for s in twilio_sink.messages] == [(PHONE, BODY)]


def test_a_message_twilio_already_delivered_is_recorded_delivered(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = begin(announce(world))
    sid = send_then_die(delivery)
    twilio_sink.set_status(sid, "delivered")

    assert actions.do_reconcile_deliveries(stuck_after_s=0).adopted == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id) == ("delivered", sid)


def test_a_message_still_queued_at_twilio_is_found_without_a_date_sent(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = begin(announce(world))
    sid = send_then_die(delivery)
    twilio_sink.set_status(sid, "queued")  # no date_sent: a DateSent filter leaves it out

    assert actions.do_reconcile_deliveries(stuck_after_s=0).adopted == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id) == ("sent", sid)


def test_a_message_that_failed_at_twilio_moves_to_the_next_channel(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = begin(announce(world))
    sid = send_then_die(delivery)
    twilio_sink.set_status(sid, "undelivered")

    assert actions.do_reconcile_deliveries(stuck_after_s=0).adopted == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id, delivery.error) == (
        "failed",
        sid,
        "undelivered 30003",
    )
    fallback = Delivery.objects.get(fallback_of=delivery)
    assert (fallback.channel, fallback.to) == ("email", "rosa@example.org")


def test_nothing_at_twilio_sends_it_again(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = begin(announce(world))  # the worker died before Twilio got the request

    result = actions.do_reconcile_deliveries(stuck_after_s=0)

    assert (result.adopted, result.resent) == (0, 1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.claim_token, delivery.provider_id) == ("pending", None, "")
    assert actions.do_send_deliveries(ids=[delivery.pk]) == {"sent": 1}
    assert len(twilio_sink.messages) == 1


def test_a_message_with_other_words_is_not_taken_for_it(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = begin(announce(world))
    other = OutboundMessage(
        idempotency_key="elsewhere", to=PHONE, language="en", body="Picture day moved."
    )
    TwilioSmsAdapter().send(other)  # the same number, the same minute, another text

    assert actions.do_reconcile_deliveries(stuck_after_s=0).resent == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id) == ("pending", "")


def test_a_message_from_before_the_send_began_is_not_taken_for_it(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = begin(announce(world))
    sid = send_then_die(delivery)
    # The same words went to the same phone an hour before this send began (a reminder).
    twilio_sink.backdate(sid, timezone.now() - timedelta(hours=1))

    assert actions.do_reconcile_deliveries(stuck_after_s=0).resent == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id) == ("pending", "")


def test_a_message_recorded_on_another_delivery_is_not_taken_twice(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    # Rosa's partner shares her phone: two deliveries with the same words to one number.
    partner = f.caregiver(district=world.district, given_name="Luis", preferred_language="en")
    f.link(partner, world.north_student, m.Relationship.FATHER)
    m.ContactPoint.objects.create(caregiver=partner, kind="phone", value=PHONE, sms_capable=True)
    first, second = begin(announce(world))
    sid = send_then_die(first)  # the worker died after Twilio took the first one only

    result = actions.do_reconcile_deliveries(stuck_after_s=0)

    assert (result.adopted, result.resent) == (1, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.provider_id) == ("sent", sid)
    assert (second.status, second.provider_id) == ("pending", "")
    actions.do_send_deliveries(ids=[second.pk])
    assert [(s.to, s.body) for s in twilio_sink.messages] == [(PHONE, BODY), (PHONE, BODY)]


def test_a_row_whose_send_never_began_goes_back_without_asking(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = announce(world)
    [claimed] = actions._claim([delivery.pk], timezone.now())  # claimed, then the worker died
    twilio_settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # asking would fail

    result = actions.do_reconcile_deliveries(stuck_after_s=0)

    assert (result.waited, result.undecided) == (1, 0)
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    # The worker, had it lived, would find the row taken and not send it.
    assert not actions._start_send(claimed)


def test_a_provider_that_cannot_answer_leaves_the_row_in_doubt(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = begin(announce(world))
    sid = send_then_die(delivery)
    twilio_settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    began = delivery.claimed_at
    assert actions.do_reconcile_deliveries(stuck_after_s=0).undecided == 1
    delivery.refresh_from_db()
    # Still in doubt, about the same span: the next pass asks from when the send began.
    assert (delivery.status, delivery.provider_id) == ("sending", "")
    assert delivery.claimed_at == began
    assert began is not None and delivery.updated_at < began

    twilio_settings.TWILIO_API_BASE = twilio_sink.base_url
    assert actions.do_reconcile_deliveries(stuck_after_s=0).adopted == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id) == ("sent", sid)
    assert len(twilio_sink.messages) == 1


def test_a_row_within_its_deadline_is_left_to_its_worker(
    world: World, rosa: m.Caregiver, twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    [delivery] = begin(announce(world))
    send_then_die(delivery)

    result = actions.do_reconcile_deliveries(stuck_after_s=60)

    assert result.settled + result.undecided == 0
    delivery.refresh_from_db()
    assert delivery.status == "sending"


def test_the_local_outbox_finds_its_entry_by_key(world: World, rosa: m.Caregiver) -> None:
    [delivery] = begin(announce(world))  # no Twilio configured: the local outbox sends
    entry = adapter_for("sms").send(rendered(delivery))

    assert actions.do_reconcile_deliveries(stuck_after_s=0).adopted == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id) == ("delivered", entry.provider_id)
    assert OutboxEntry.objects.count() == 1

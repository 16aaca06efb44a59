"""Anonymity: the rows of an exchange hold no caregiver id, phone number or email address; the
same caregiver is the same participant within one exchange and an unrelated one in another."""

from __future__ import annotations

from typing import Any

from django.db import connection

from conftest import World
from juntos.listening import actions
from juntos.listening.models import Idea, IdeaExchange, Participant, Reaction
from juntos.listening.tests.helpers import LAN_PHONE, open_exchange, sms, sms_phone, staff
from juntos.people.models import Caregiver, ContactPoint
from juntos.testing.webhooks import TWILIO_TOKEN


def test_no_row_names_the_family(world: World, settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_BASE_URL = ""
    lan, rosa = world.north_family_2, world.north_family
    sms_phone(lan, LAN_PHONE)
    ContactPoint.objects.create(caregiver=rosa, kind="email", value="rosa@example.org")
    exchange = open_exchange(world)
    web_idea = actions.do_add_idea(
        exchange=exchange, caregiver=rosa, text="Más talleres de lectura.", channel="portal"
    )
    actions.do_moderate_idea(by=staff(world, "liaison"), idea=web_idea, approve=True)
    sms("Tôi muốn có lớp học tiếng Anh buổi tối.", LAN_PHONE)
    sms("1", LAN_PHONE)
    assert Reaction.objects.get().channel == "sms"
    actions.do_react(idea=web_idea, caregiver=rosa, value="pass", channel="portal")

    # No column of these tables refers to a caregiver, a contact point or a user.
    for model in (IdeaExchange, Participant, Idea, Reaction):
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            assert related not in (Caregiver, ContactPoint), (model, field)
    # No stored value is a caregiver's id, phone number or email address.
    secrets = {
        LAN_PHONE,
        LAN_PHONE.lstrip("+"),
        "rosa@example.org",
        lan.given_name,
        rosa.given_name,
    }
    ids = {str(lan.pk), str(rosa.pk)}
    with connection.cursor() as cursor:
        for model in (Participant, Idea, Reaction):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            columns = [c.name for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = str(value)
                    assert not any(s in text for s in secrets), (table, column, text)
                    if column in ("pseudonym", "language", "text", "value", "channel", "flags"):
                        assert text not in ids, (table, column)
    participants = list(Participant.objects.all())
    assert len(participants) == 2
    assert all(len(p.pseudonym) == 64 and p.pseudonym.isalnum() for p in participants)

    # Same caregiver, same participant in one exchange; another exchange, another key.
    assert actions.pseudonym(exchange.pk, lan.pk) in {p.pseudonym for p in participants}
    second = open_exchange(world, question="What should the school do next year?")
    assert actions.pseudonym(second.pk, lan.pk) != actions.pseudonym(exchange.pk, lan.pk)

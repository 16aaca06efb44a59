"""A stored response cannot be tied to the family that sent it: the table has no column for a
caregiver, a token, a phone or an email, its key is random and its only date is the day; the
row holds none of the family's ids or contact points."""

from __future__ import annotations

import uuid

from django.db import connection
from django.test import Client

from conftest import World
from juntos.people import models as m
from juntos.surveys.models import NamedResponse, Response, Token
from juntos.surveys.tests.helpers import make_survey, open_wave

FORBIDDEN = ("caregiver", "token", "phone", "email", "person", "user", "staff", "name")


def _columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return {
        column.name: connection.introspection.get_field_type(column.type_code, column)
        for column in description
    }


def test_the_response_table_has_no_column_that_names_a_family(db: None) -> None:
    columns = _columns(Response._meta.db_table)

    assert set(columns) == {"id", "wave_id", "language", "answers", "submitted_on"}
    assert not [c for c in columns if any(word in c for word in FORBIDDEN)]
    assert columns["submitted_on"] == "DateField"  # no time of day to match with a log
    assert columns["id"] == "UUIDField"  # no order of arrival


def test_a_stored_response_holds_nothing_of_the_family(world: World) -> None:
    rosa = world.north_family
    m.ContactPoint.objects.create(
        caregiver=rosa, kind="phone", value="+15555550101", sms_capable=True
    )
    m.ContactPoint.objects.create(caregiver=rosa, kind="email", value="rosa@example.org")
    survey = make_survey(world)
    opened = open_wave(world, survey)

    Client().post(f"/surveys/t/{opened.tokens[rosa.pk]}/", {"welcome_1": "agree"})

    token = Token.objects.get(wave=opened.wave, caregiver=rosa)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Response._meta.db_table}")  # noqa: S608 - our table name
        rows = cursor.fetchall()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    for secret in ("+15555550101", "rosa@example.org", token.token_hash, opened.tokens[rosa.pk]):
        assert secret not in stored
    response = Response.objects.get()
    assert isinstance(response.id, uuid.UUID)
    assert not NamedResponse.objects.exists()

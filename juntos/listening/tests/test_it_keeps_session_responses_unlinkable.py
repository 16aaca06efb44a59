"""Responses to a listening session are anonymous and unlinkable: the table has no column that
could name a family or a staff author or give a time of day, and a stored row from the family
page holds only the session, the question, the text, its language, the role, the channel and
the date."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import Client

from conftest import World
from juntos.listening.models import SessionResponse
from juntos.listening.tests.session_helpers import make_session
from juntos.people import models as m

ALLOWED = {"id", "session_id", "question_id", "text", "language", "role", "channel", "date"}


def test_the_table_holds_no_identifying_column(world: World) -> None:
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                cursor, SessionResponse._meta.db_table
            )
        }
    assert columns == ALLOWED
    for forbidden in ("caregiver", "phone", "email", "staff", "author", "user", "created_at"):
        assert not any(forbidden in name for name in columns), forbidden


def test_a_stored_answer_names_nobody(world: World) -> None:
    rosa = world.north_family
    m.ContactPoint.objects.create(caregiver=rosa, kind="phone", value="+15555550101")
    session = make_session(world)
    question = session.protocol.questions.first()
    assert question is not None
    client = Client()
    response = client.post(
        f"/listening/s/{session.token}/?lang=es",
        {f"question_{question.pk}": "Que nos saluden en español", "role": "family"},
    )
    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {SessionResponse._meta.db_table}"  # noqa: S608 - a model's table
        )
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == ALLOWED
    assert row["text"] == "Que nos saluden en español"
    assert (row["language"], row["role"], row["channel"]) == ("es", "family", "web")
    assert type(row["date"]) is datetime.date  # a day, not a moment
    assert (row["session_id"], row["question_id"]) == (session.pk, question.pk)
    values = " ".join(str(v) for v in row.values())
    assert "+15555550101" not in values and rosa.given_name not in values and "@" not in values

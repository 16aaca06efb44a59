"""Staff read conversations, messages and deliveries through /api/, scoped like the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from juntos.messaging.models import (
    Announcement,
    Conversation,
    Delivery,
    Message,
    MessageRendition,
)
from juntos.people import models as m
from juntos.testing import factories as f


@pytest.fixture
def threads(world: World) -> dict[str, Any]:
    """North's family wrote in Spanish to Room 4's teacher, who answered; South's family has an
    unanswered thread; an announcement to North reached two families."""
    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    other = m.Staff.objects.get(user=world.personas["other_teacher"])
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    now = timezone.now()
    north = Conversation.objects.create(
        caregiver=world.north_family, student=world.north_student, school=world.north,
        owner=teacher, last_staff_message_at=now,
    )  # fmt: skip
    reply = Message.objects.create(
        conversation=north, direction="in", kind="reply", body="¿A qué hora es la feria?",
        language="es", detected_language="es", detection_confidence=0.97,
        created_at=now - timedelta(hours=1),
    )  # fmt: skip
    MessageRendition.objects.create(
        message=reply, language="en", text="What time is the fair?", method="machine",
        status="draft", machine_notice=True,
    )  # fmt: skip
    answer = Message.objects.create(
        conversation=north, direction="out", kind="reply", author=teacher,
        body="At 6 pm.", language="en", created_at=now,
    )  # fmt: skip
    MessageRendition.objects.create(
        message=answer, language="es", text="A las 6 de la tarde.", method="human",
        status="reviewed", reviewer=world.personas["liaison"],
    )  # fmt: skip
    Delivery.objects.create(
        message=answer, caregiver=world.north_family, channel="sms", to="+15555550101",
        language="es", status="delivered", attempts=1, provider_id="SM123",
        idempotency_key="api-test-1",
    )  # fmt: skip
    south = Conversation.objects.create(
        caregiver=world.south_family, student=world.south_student, school=world.south,
        owner=other, unanswered_since=now - timedelta(days=2),
        last_family_message_at=now - timedelta(days=2),
    )  # fmt: skip
    announcement = Announcement.objects.create(
        district=world.district, school=world.north, author=leader, audience_kind="school",
        audience_ref={"ids": [world.north.pk]}, body="Book fair Monday.", status="sent",
    )  # fmt: skip
    sent = Message.objects.create(
        direction="out", kind="announcement", author=leader, body="Book fair Monday.",
        language="en", announcement=announcement,
    )  # fmt: skip
    for caregiver, language, channel, status in (
        (world.north_family, "es", "sms", "delivered"),
        (world.north_family_2, "vi", "email", "skipped"),
    ):
        Delivery.objects.create(
            message=sent, caregiver=caregiver, channel=channel, language=language,
            status=status, to=f"{caregiver.pk}@example.org",
            idempotency_key=f"api-test-a{caregiver.pk}",
        )  # fmt: skip
    return {"north": north, "south": south, "answer": answer, "announcement": announcement}


def api(world: World, persona: str) -> Client:
    client = Client()
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    return client


def test_it_lists_the_conversations_each_person_may_open(
    world: World, threads: dict[str, Any]
) -> None:
    def ids(persona: str, query: str = "") -> list[int]:
        response = api(world, persona).get(f"/api/conversations{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()]

    north, south = threads["north"].pk, threads["south"].pk
    # The longest unanswered first.
    assert ids("district_admin") == [south, north]
    assert ids("teacher") == [north]
    assert ids("other_teacher") == [south]
    assert ids("liaison") == [north]
    assert ids("district_admin", "?unanswered=true") == [south]
    assert ids("district_admin", f"?school={world.north.pk}") == [north]
    assert ids("district_admin", "?language=so") == [south]
    assert ids("district_admin", "?limit=1&offset=1") == [north]
    assert ids("teacher", "?owner=me") == [north]
    assert ids("liaison", "?owner=me") == []
    row = api(world, "teacher").get("/api/conversations").json()[0]
    assert row["caregiver_name"] == world.north_family.display_name
    assert row["owner_name"] == m.Staff.objects.get(user=world.personas["teacher"]).display_name


def test_it_refuses_bad_filters_clearly(world: World, threads: dict[str, Any]) -> None:
    client = api(world, "district_admin")
    assert client.get("/api/conversations?language=klingon-xx-1").status_code == 422
    assert client.get("/api/conversations?owner=someone").status_code == 422
    assert client.get("/api/conversations?school=north").status_code == 422


def test_it_answers_401_to_anonymous_and_403_to_non_staff(
    world: World, threads: dict[str, Any]
) -> None:
    conversation = threads["north"].pk
    for url in ("/api/conversations", f"/api/conversations/{conversation}"):
        assert api(world, "anonymous").get(url).status_code == 401
        assert api(world, "outsider").get(url).status_code == 403


def test_it_shows_a_conversation_with_languages_renditions_and_deliveries(
    world: World, threads: dict[str, Any]
) -> None:
    response = api(world, "teacher").get(f"/api/conversations/{threads['north'].pk}")
    assert response.status_code == 200
    body = response.json()
    reply, answer = body["messages"]
    assert (reply["direction"], reply["language"], reply["detected_language"]) == (
        "in", "es", "es",
    )  # fmt: skip
    assert reply["detection_confidence"] == pytest.approx(0.97)
    assert reply["renditions"] == [
        {
            "language": "en", "text": "What time is the fair?", "method": "machine",
            "status": "draft", "reviewer": None, "machine_notice": True,
        }
    ]  # fmt: skip
    assert answer["author"] == m.Staff.objects.get(user=world.personas["teacher"]).display_name
    assert answer["renditions"][0]["reviewer"] == "liaison"
    (delivery,) = answer["deliveries"]
    assert delivery["to"] == "+15555550101"  # the teacher may see this family's contacts
    assert {k: delivery[k] for k in ("channel", "language", "status", "attempts")} == {
        "channel": "sms", "language": "es", "status": "delivered", "attempts": 1,
    }  # fmt: skip
    assert delivery["provider_id"] == "SM123"
    # Opening a family's conversation is recorded like opening their record.
    entry = m.AuditEntry.objects.latest("pk")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        world.personas["teacher"], "caregiver", world.north_family.pk,
    )  # fmt: skip


def test_an_owner_outside_the_family_scope_sees_no_address(
    world: World, threads: dict[str, Any]
) -> None:
    # South's teacher owns a thread with North's family (say, a sibling moved schools): the
    # thread is theirs to answer, but the family's contacts are not in their scope.
    Conversation.objects.filter(pk=threads["north"].pk).update(
        owner=m.Staff.objects.get(user=world.personas["other_teacher"])
    )
    body = api(world, "other_teacher").get(f"/api/conversations/{threads['north'].pk}").json()
    assert body["messages"][1]["deliveries"][0]["to"] is None


def test_another_teacher_gets_404(world: World, threads: dict[str, Any]) -> None:
    client = api(world, "other_teacher")
    assert client.get(f"/api/conversations/{threads['north'].pk}").status_code == 404
    assert client.get(f"/api/messages/{threads['answer'].pk}").status_code == 404
    announcement = threads["announcement"].pk
    assert client.get(f"/api/announcements/{announcement}/deliveries").status_code == 404


def test_it_shows_one_message(world: World, threads: dict[str, Any]) -> None:
    response = api(world, "liaison").get(f"/api/messages/{threads['answer'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["body"], body["conversation_id"]) == ("At 6 pm.", threads["north"].pk)
    assert body["renditions"][0]["text"] == "A las 6 de la tarde."
    assert body["deliveries"][0]["status"] == "delivered"


def test_it_reports_an_announcement_deliveries_by_status_language_and_channel(
    world: World, threads: dict[str, Any]
) -> None:
    announcement = threads["announcement"].pk
    response = api(world, "school_leader").get(
        f"/api/announcements/{announcement}/deliveries?limit=1"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert body["summary"] == [
        {"status": "delivered", "language": "es", "channel": "sms", "count": 1},
        {"status": "skipped", "language": "vi", "channel": "email", "count": 1},
    ]
    assert len(body["deliveries"]) == 1
    assert body["deliveries"][0]["to"] == f"{world.north_family.pk}@example.org"
    # Room 4's teacher neither wrote it nor oversees North: 404.
    teacher = api(world, "teacher").get(f"/api/announcements/{announcement}/deliveries")
    assert teacher.status_code == 404


def test_an_author_without_sight_of_a_family_sees_counts_but_no_address(
    world: World, threads: dict[str, Any]
) -> None:
    author = f.staff_with_role(
        m.Role.TEACHER, school=world.south, username="writer", district=world.district
    )
    Announcement.objects.filter(pk=threads["announcement"].pk).update(author=author)
    client = Client()
    client.force_login(author.user)
    body = client.get(f"/api/announcements/{threads['announcement'].pk}/deliveries").json()
    assert body["total"] == 2
    assert [row["to"] for row in body["deliveries"]] == [None, None]


def test_the_openapi_schema_describes_the_messaging_api(world: World) -> None:
    schema = Client().get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/conversations",
        "/api/conversations/{conversation_id}",
        "/api/messages/{message_id}",
        "/api/announcements/{announcement_id}/deliveries",
    ):
        assert "get" in paths[path], path
    schemas = schema["components"]["schemas"]
    for name in ("ConversationOut", "ConversationDetailOut", "MessageOut", "DeliveryOut"):
        assert name in schemas
    assert {"detected_language", "renditions", "deliveries"} <= set(
        schemas["MessageOut"]["properties"]
    )
    assert {"method", "status", "reviewer", "machine_notice"} <= set(
        schemas["RenditionOut"]["properties"]
    )

"""Staff create and open an exchange from the pages; a liaison moderates with the flags shown;
teachers see approved ideas and counts but do not moderate; another school sees nothing."""

from __future__ import annotations

from typing import Any

from conftest import World
from juntos.listening import actions
from juntos.listening.models import Idea, IdeaExchange
from juntos.listening.tests.helpers import QUESTION, staff_client
from juntos.messaging.models import Delivery


def test_create_open_moderate_and_close(world: World, settings: Any) -> None:
    settings.PUBLIC_BASE_URL = ""
    leader = staff_client(world, "school_leader")
    assert leader.get("/listening/exchanges/new/").status_code == 200
    response = leader.post(
        "/listening/exchanges/new/",
        {
            "school": world.north.pk,
            "question": QUESTION,
            "audience": f"section:{world.north_class.pk}",
        },
    )
    assert response.status_code == 302
    exchange = IdeaExchange.objects.get()
    assert (exchange.status, exchange.audience_kind) == ("draft", "section")
    assert exchange.audience_ref == {"ids": [world.north_class.pk]}
    # A class of another school is refused.
    refused = leader.post(
        "/listening/exchanges/new/",
        {
            "school": world.north.pk,
            "question": QUESTION,
            "audience": f"section:{world.south_class.pk}",
        },
    )
    assert refused.status_code in (200, 400) and IdeaExchange.objects.count() == 1

    leader.post(f"/listening/exchanges/{exchange.pk}/open/")
    exchange.refresh_from_db()
    assert exchange.status == "open" and exchange.message is not None
    # Room 4's family was asked, in Spanish, with the link on the address the leader used.
    delivery = Delivery.objects.get(message=exchange.message)
    assert delivery.caregiver == world.north_family and delivery.language == "es"
    assert (
        f"http://testserver/listening/x/{exchange.pk}/"
        in delivery.message.renditions.get(language="es").text
    )
    assert "pregunta a las familias" in delivery.message.renditions.get(language="es").text
    leader.post(f"/listening/exchanges/{exchange.pk}/open/")  # twice: nothing more is sent
    assert Delivery.objects.count() == 1

    idea = actions.do_add_idea(
        exchange=exchange,
        caregiver=world.north_family,
        text="Llamen a Rosa al 555-867-5309 o escriban a rosa@example.org",
        channel="portal",
    )
    kinds = {flag["kind"] for flag in idea.flags}
    assert kinds == {"phone", "email", "name"}

    liaison = staff_client(world, "liaison")
    page = liaison.get(f"/listening/exchanges/{exchange.pk}/").content.decode()
    assert 'data-testid="moderation-queue"' in page
    assert "555-867-5309" in page and "rosa@example.org" in page and "A name on the roster" in page

    teacher = staff_client(world, "teacher")
    page = teacher.get(f"/listening/exchanges/{exchange.pk}/").content.decode()
    assert "moderation-queue" not in page and "555-867-5309" not in page
    assert (
        teacher.post(f"/listening/ideas/{idea.pk}/moderate/", {"decision": "approve"}).status_code
        == 403
    )
    south = staff_client(world, "other_teacher")
    assert south.get(f"/listening/exchanges/{exchange.pk}/").status_code == 404
    assert (
        south.post(f"/listening/ideas/{idea.pk}/moderate/", {"decision": "approve"}).status_code
        == 404
    )
    assert QUESTION not in south.get("/listening/exchanges/").content.decode()
    assert Idea.objects.get().status == "pending"

    liaison.post(f"/listening/ideas/{idea.pk}/moderate/", {"decision": "reject"})
    assert Idea.objects.get().status == "rejected"
    other = actions.do_add_idea(
        exchange=exchange,
        caregiver=world.north_family,
        text="Más talleres de lectura.",
        channel="sms",
    )
    liaison.post(f"/listening/ideas/{other.pk}/moderate/", {"decision": "approve"})
    other.refresh_from_db()
    assert other.status == "approved" and other.moderated_by is not None
    page = teacher.get(f"/listening/exchanges/{exchange.pk}/").content.decode()
    assert f'data-testid="idea-{other.pk}"' in page and "Más talleres de lectura." in page

    assert teacher.post(f"/listening/exchanges/{exchange.pk}/close/").status_code == 403
    liaison.post(f"/listening/exchanges/{exchange.pk}/close/")
    exchange.refresh_from_db()
    assert exchange.status == "closed" and exchange.closed_at is not None


def test_teachers_cannot_create_exchanges(world: World) -> None:
    teacher = staff_client(world, "teacher")
    assert teacher.get("/listening/exchanges/new/").status_code == 403
    assert teacher.post("/listening/exchanges/new/", {"question": "x"}).status_code == 403
    assert not IdeaExchange.objects.exists()

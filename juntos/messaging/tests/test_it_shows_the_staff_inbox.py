"""The staff inbox: each person's conversations with counts, filters, flags first, and the
family's words previewed in the owner's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from conftest import World
from juntos.messaging import actions
from juntos.messaging.models import Conversation
from juntos.messaging.tests.inbox_helpers import (
    client_as,
    conversation_of,
    give_phone,
    sign,
    staff,
    text_in,
)
from juntos.testing.translation_servers import LibreTranslateServer

# Monday 23 November 2026, 9:00 in Chicago (the district's time zone).
MONDAY_9AM = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
WEDNESDAY_10AM = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


@pytest.fixture
def libre(settings: Any) -> Iterator[LibreTranslateServer]:
    with LibreTranslateServer(api_key="k") as server:
        settings.TRANSLATION_PROVIDER = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.LIBRETRANSLATE_API_KEY = "k"
        yield server


@pytest.fixture
def threads(settings: Any, world: World, libre: LibreTranslateServer) -> dict[str, Conversation]:
    """Rosa (Spanish, Room 4's teacher) wrote Monday 9:00; Lan (Vietnamese, Room 7 has no
    teacher: nobody owns it) at 10:00; Amina (Somali, South) at 11:00."""
    sign(settings)
    give_phone(world.north_family, "+15555550101")
    give_phone(world.north_family_2, "+15555550102")
    give_phone(world.south_family, "+15555550103")
    found = {}
    with time_machine.travel(MONDAY_9AM, tick=False) as clock:
        found["rosa"] = conversation_of(text_in("Hola maestra, ¿a qué hora es la reunión?"))
        clock.shift(3600)
        found["lan"] = conversation_of(
            text_in("Chào cô, cháu nhà tôi bị ốm hôm nay.", "+15555550102")
        )
        clock.shift(3600)
        found["amina"] = conversation_of(
            text_in("Macalin, wiilkaygu maanta waa jiran yahay.", "+15555550103")
        )
    return found


def names_in(page: str) -> list[str]:
    return re.findall(r'<a href="/messaging/conversations/\d+/">([^<]+)</a>', page)


def test_the_teacher_sees_their_own_conversation_with_counts_and_a_translated_preview(
    world: World, threads: dict[str, Conversation]
) -> None:
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        response = client_as(world, "teacher").get(reverse("messaging:inbox"))
    page = response.content.decode()
    assert names_in(page) == ["Rosa Lopez"]
    assert re.search(r'data-count="unread">1<', page)
    assert re.search(r'data-count="unanswered">1<', page)
    assert re.search(r'data-count="oldest">2\xa0days ago<', page)
    # The preview is the machine rendition in the teacher's language, not the Spanish.
    assert "[en] HOLA MAESTRA" in page
    assert "Ana Lopez · " in page and "(Spanish)" in page


def test_all_i_can_see_is_scoped_by_role(world: World, threads: dict[str, Conversation]) -> None:
    leader = client_as(world, "school_leader").get(reverse("messaging:inbox"), {"show": "all"})
    assert sorted(names_in(leader.content.decode())) == ["Lan Tran", "Rosa Lopez"]
    south = client_as(world, "other_teacher").get(reverse("messaging:inbox"), {"show": "all"})
    assert names_in(south.content.decode()) == ["Amina Hassan"]
    admin = client_as(world, "district_admin").get(reverse("messaging:inbox"), {"show": "all"})
    assert len(names_in(admin.content.decode())) == 3


def test_filters_by_language_owner_and_school(
    world: World, threads: dict[str, Conversation]
) -> None:
    client = client_as(world, "district_admin")
    url = reverse("messaging:inbox")
    by_language = client.get(url, {"show": "all", "language": "vi"}).content.decode()
    assert names_in(by_language) == ["Lan Tran"]
    nobody = client.get(url, {"show": "all", "owner": "none"}).content.decode()
    assert names_in(nobody) == ["Lan Tran"]
    teacher = staff(world, "teacher")
    owned = client.get(url, {"show": "all", "owner": str(teacher.pk)}).content.decode()
    assert names_in(owned) == ["Rosa Lopez"]
    south = client.get(url, {"show": "all", "school": str(world.south.pk)}).content.decode()
    assert names_in(south) == ["Amina Hassan"]
    # The counts follow the filters.
    assert re.search(r'data-count="unanswered">1<', south)


def test_unanswered_and_unread_filters(
    world: World, threads: dict[str, Conversation], django_capture_on_commit_callbacks: Any
) -> None:
    liaison = staff(world, "liaison")
    actions.do_send_conversation_message(
        by=liaison, conversation=threads["lan"], body="Thank you, I hope he feels better."
    )
    client = client_as(world, "school_leader")
    url = reverse("messaging:inbox")
    unanswered = client.get(url, {"show": "all", "status": "unanswered"}).content.decode()
    assert names_in(unanswered) == ["Rosa Lopez"]
    unread = client.get(url, {"show": "all", "status": "unread"}).content.decode()
    assert names_in(unread) == ["Rosa Lopez"]


def test_flagged_first_then_the_oldest_unanswered_then_the_most_recent(
    world: World, threads: dict[str, Conversation]
) -> None:
    actions.do_send_conversation_message(
        by=staff(world, "liaison"), conversation=threads["lan"], body="We will call you."
    )
    Conversation.objects.filter(pk=threads["amina"].pk).update(flagged_owner_at=WEDNESDAY_10AM)
    page = client_as(world, "district_admin").get(reverse("messaging:inbox"), {"show": "all"})
    text = page.content.decode()
    assert names_in(text) == ["Amina Hassan", "Rosa Lopez", "Lan Tran"]
    assert "Past the follow-up target" in text
    assert re.search(r'data-count="flagged"><strong class="warning">1<', text)


def test_htmx_gets_only_the_results(world: World, threads: dict[str, Conversation]) -> None:
    response = client_as(world, "teacher").get(
        reverse("messaging:inbox"), {"status": "all"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "<h1>" not in page
    assert names_in(page) == ["Rosa Lopez"]

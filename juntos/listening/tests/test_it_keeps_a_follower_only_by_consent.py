"""An idea stays anonymous unless its author asks to be told what becomes of it; only then is
the family written down, in a table of its own, for the "you said, we did" updates."""

from __future__ import annotations

from typing import Any

from django.db import connection

from conftest import World
from juntos.listening.models import Idea, IdeaFollower
from juntos.listening.tests.helpers import family_client, open_exchange


def test_only_a_family_who_asks_is_followed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        exchange = open_exchange(world)
    lan = family_client(world.north_family_2)
    url = f"/listening/x/{exchange.pk}/"
    page = lan.get(url).content.decode()
    assert 'name="follow_up"' in page
    assert "Hãy cho tôi biết nhà trường làm gì với ý kiến của tôi" in page

    lan.post(url, {"text": "Lớp học tiếng Anh buổi tối cho phụ huynh"})
    lan.post(url, {"text": "Xe buýt đến sớm hơn", "follow_up": "on"})
    anonymous, followed = Idea.objects.order_by("pk")
    assert anonymous.follow_up_caregiver_id is None
    assert followed.follow_up_caregiver_id == world.north_family_2.pk
    assert IdeaFollower.objects.count() == 1
    # The idea's own row still names nobody.
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, Idea._meta.db_table)
        }
    assert not {c for c in columns if "caregiver" in c or "phone" in c or "email" in c}

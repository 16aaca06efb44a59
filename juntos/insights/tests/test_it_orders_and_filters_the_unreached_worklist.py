"""The worklist lists students with no two-way contact in N weeks, never contacted first, then
the longest since the last contact; it filters by weeks, home language and school."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from conftest import World
from juntos.insights import queries
from juntos.insights.models import Attempt
from juntos.messaging.models import Conversation, Delivery, Message
from juntos.people import models as m
from juntos.testing import factories as f


def order_on_page(client: Client, query: str = "") -> list[int]:
    response = client.get(f"/insights/unreached/{query}")
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'data-student="(\d+)"', response.content.decode())]


def test_it_orders_and_filters_the_unreached_worklist(world: World) -> None:
    now = timezone.now()
    ana, minh, omar = world.north_student, world.north_student_2, world.south_student
    m.Student.objects.filter(pk=ana.pk).update(home_language="es")
    m.Student.objects.filter(pk=minh.pk).update(home_language="vi")
    m.Student.objects.filter(pk=omar.pk).update(home_language="so")
    liaison = m.Staff.objects.get(user=world.personas["liaison"])
    # Ana's mother wrote 6 weeks ago; Minh's grandmother was reached by phone 10 weeks ago;
    # Omar's mother answered a call from the call list 2 weeks ago (recent: not listed at 4
    # weeks). A fourth student, Pedro at North, was never contacted.
    conv = Conversation.objects.create(caregiver=world.north_family, school=world.north)
    Message.objects.create(conversation=conv, direction="in", kind="reply", body="Hola",
                           language="es", created_at=now - timedelta(weeks=6))  # fmt: skip
    Attempt.objects.create(student=minh, by=liaison, method="call", outcome="reached",
                           at=now - timedelta(weeks=10))  # fmt: skip
    # A recent attempt that did not reach anyone is not contact.
    Attempt.objects.create(student=minh, by=liaison, method="call", outcome="no_answer", at=now)
    news = Message.objects.create(direction="out", kind="announcement", body="News", language="en")
    Delivery.objects.create(message=news, caregiver=world.south_family, channel="voice",
                            to="+15555550303", language="so", status="delivered",
                            provider_id="call:1", idempotency_key="call-omar",
                            updated_at=now - timedelta(weeks=2))  # fmt: skip
    # A delivered announcement is not a two-way contact: Pedro stays "never contacted".
    pedro = f.student(district=world.district, given_name="Pedro", home_language="es")
    f.enroll(pedro, world.north_class)
    pedro_mother = f.caregiver(district=world.district, given_name="Lucia")
    f.link(pedro_mother, pedro)
    Delivery.objects.create(message=news, caregiver=pedro_mother, channel="sms", to="+1555",
                            language="es", status="delivered", idempotency_key="pedro")  # fmt: skip

    admin = Client()
    admin.force_login(world.personas["district_admin"])
    # Never contacted first, then the oldest contact: Pedro, Minh (10 weeks), Ana (6 weeks).
    assert order_on_page(admin) == [pedro.pk, minh.pk, ana.pk]
    # At 1 week, Omar (2 weeks ago) is unreached too.
    assert order_on_page(admin, "?weeks=1") == [pedro.pk, minh.pk, ana.pk, omar.pk]
    # At 8 weeks, Ana (6 weeks ago) is reached recently enough.
    assert order_on_page(admin, "?weeks=8") == [pedro.pk, minh.pk]
    assert order_on_page(admin, "?language=es") == [pedro.pk, ana.pk]
    assert order_on_page(admin, f"?weeks=1&school={world.south.pk}") == [omar.pk]
    page = admin.get("/insights/unreached/").content.decode()
    assert "3 students" in page and "Never" in page

    # Nine weeks later, at 12 weeks: Ana's message is 15 weeks old, Minh's call 19, Omar's 11.
    population = queries.population_for(world.personas["district_admin"])
    assert population is not None
    later = queries.unreached(
        population, queries.WorklistFilters(weeks=12), now=now + timedelta(weeks=9)
    )
    assert [s.pk for s in later] == [pedro.pk, minh.pk, ana.pk]

"""Fixtures of the family-portal tests: Rosa (Spanish, North Elementary) with a mobile phone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from conftest import World
from juntos.messaging.models import OutboxEntry
from juntos.people import models as m

ROSA_PHONE = "+15555550101"
LINK = re.compile(r"https?://\S+?/family/in/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache: no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rosa(world: World) -> m.Caregiver:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value=ROSA_PHONE, sms_capable=True
    )
    return world.north_family


def links_sent(to: str = ROSA_PHONE) -> list[str]:
    """The tokens of the sign-in links the local outbox holds for ``to``, oldest first."""
    bodies = OutboxEntry.objects.filter(to=to).order_by("pk").values_list("body", flat=True)
    return [match.group(1) for body in bodies for match in LINK.finditer(body)]


Ask = Callable[..., Any]


@pytest.fixture
def ask(django_capture_on_commit_callbacks: Any) -> Ask:
    """POST a link request as a family does; the send task queued at commit runs before the
    answer is returned (each test runs inside one transaction)."""

    def post(client: Client, contact: str, **extra: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/family/link/", {"contact": contact}, **extra)

    return post


def signed_in(client: Client, ask: Ask, contact: str = ROSA_PHONE) -> Client:
    """``client`` with a family session, entered the way a family does."""
    ask(client, contact)
    token = links_sent(contact)[-1]
    response = client.post(f"/family/in/{token}/")
    assert response.status_code == 302, response.content
    return client


_CSRF = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def without_csrf(content: bytes) -> bytes:
    """A page with its CSRF tokens blanked: they differ on every response."""
    return _CSRF.sub(rb"\1", content)

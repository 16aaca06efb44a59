"""A school's leader sends every family a one-time link to the readiness self-assessment, each
in their language and on their channel; sending again skips the families already sent one; the
links name no family, and a family's answers cannot be traced to who was sent what."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from conftest import World
from juntos.insights import actions
from juntos.insights.models import ReadinessInvitation, ReadinessToken
from juntos.messaging.models import OutboxEntry
from juntos.people import models as m

LINK = re.compile(r"/insights/readiness/t/([A-Za-z0-9_-]+)/")


def test_links_go_out_in_each_language_once(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://juntos.example.org"
    m.ContactPoint.objects.create(caregiver=world.north_family, kind="phone",
                                  value="+15555550101", sms_capable=True)  # fmt: skip
    m.ContactPoint.objects.create(caregiver=world.north_family_2, kind="phone",
                                  value="+15555550102", sms_capable=True)  # fmt: skip
    wave = actions.do_open_readiness_wave(district=world.district, school=world.north)
    leader = Client()
    leader.force_login(world.personas["school_leader"])
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(f"/insights/readiness/{wave.pk}/send/")
    assert response.status_code == 302
    rosa = OutboxEntry.objects.get(to="+15555550101")
    lan = OutboxEntry.objects.get(to="+15555550102")
    assert rosa.body.startswith("North Elementary pregunta a las familias")
    assert lan.language == "vi" and "ẩn danh" in lan.body
    # The link opens the self-assessment in the family's language, once.
    token = LINK.search(lan.body).group(1)  # type: ignore[union-attr]
    page = Client().get(f"/insights/readiness/t/{token}/")
    assert page.status_code == 200 and page["Content-Language"] == "vi"
    # Tokens carry a language, never a family; invitations never a token.
    assert {f.name for f in ReadinessToken._meta.get_fields()} >= {"token_hash", "language"}
    assert not any("caregiver" in f.name for f in ReadinessToken._meta.get_fields())
    assert not any("token" in f.name for f in ReadinessInvitation._meta.get_fields())
    # Sending again reaches nobody twice; a teacher may not send.
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(f"/insights/readiness/{wave.pk}/send/")
    assert OutboxEntry.objects.filter(to__in=["+15555550101", "+15555550102"]).count() == 2
    teacher = Client()
    teacher.force_login(world.personas["teacher"])
    assert teacher.post(f"/insights/readiness/{wave.pk}/send/").status_code == 403

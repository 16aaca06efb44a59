"""``family_link`` gives a demo user a working family link, only from the local outbox."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import World
from juntos.people import models as m

pytestmark = pytest.mark.django_db


def test_the_printed_link_signs_the_family_in(world: World) -> None:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value="+15555550101", sms_capable=True
    )
    out = StringIO()
    call_command("family_link", str(world.north_family.pk), "--base-url", "http://t", stdout=out)
    found = re.search(r"http://t(/family/in/[^\s/]+/)", out.getvalue())
    assert found, out.getvalue()
    client = Client()
    assert client.post(found.group(1)).status_code == 302
    assert client.get("/family/").status_code == 200


def test_a_family_with_no_text_or_email_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="No text or email"):
        call_command("family_link", str(world.north_family.pk), stdout=StringIO())


def test_a_real_provider_keeps_the_link_to_the_family(world: World, settings: Any) -> None:
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # nothing listens: the send just fails
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value="+15555550101", sms_capable=True
    )
    out = StringIO()
    call_command("family_link", str(world.north_family.pk), stdout=out)
    assert "/family/in/" not in out.getvalue()
    assert "Sent by sms to +15555550101." in out.getvalue()

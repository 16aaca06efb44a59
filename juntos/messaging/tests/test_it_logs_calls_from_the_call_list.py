"""Voice messages no computer voice can speak go to a call list: a person who speaks the
language calls, reads the message, and records how the call went."""

from __future__ import annotations

from django.urls import reverse

from conftest import World
from juntos.language.models import Method, Status
from juntos.messaging import actions
from juntos.messaging.channels.voice import NO_TTS_FOR_LANGUAGE
from juntos.messaging.models import Delivery
from juntos.messaging.tests.announcement_world import (
    client_as,
    parse,
    remember,
    room4_family,
    staff_of,
)
from juntos.people.models import AuditEntry

BODY = "School starts late tomorrow."
SOMALI = "Dugsigu berri wuu daahi doonaa."
SPANISH = "Mañana la escuela empieza tarde."


def untalkable(world: World) -> tuple[Delivery, Delivery]:
    """Two voice deliveries that failed for want of a voice (Somali, Spanish), as Twilio's
    adapter fails them (test_it_calls_families_with_text_to_speech)."""
    remember(world, BODY, "so", SOMALI, method=Method.HUMAN, status=Status.REVIEWED)
    remember(world, BODY, "es", SPANISH, method=Method.HUMAN, status=Status.REVIEWED)
    room4_family(world, "Faadumo", "so", channels=("voice",), phone="+15555550401", sms=False)
    room4_family(world, "Carmen", "es", channels=("voice",), phone="+15555550402", sms=False)
    actions.do_send_announcement(
        by=staff_of(world, "school_leader"),
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        body=BODY,
        source_language="en",
        school=world.north,
    )
    voice = Delivery.objects.filter(channel="voice")
    voice.update(status="failed", error=NO_TTS_FOR_LANGUAGE, attempts=1)
    return voice.get(language="so"), voice.get(language="es")


def test_it_lists_the_calls_with_the_text_to_read(world: World) -> None:
    somali, _ = untalkable(world)
    page = parse(client_as(world, "liaison").get(reverse("messaging:call_list")).content)
    calls = page.find_all("section", class_="call")
    # The liaison speaks Spanish: that call comes first.
    assert calls[0].find("h2").text().startswith("Carmen")
    assert "you speak it" in calls[0].text()
    assert calls[0].find("blockquote").text() == SPANISH
    assert calls[0].find("blockquote")["lang"] == "es"
    assert "+15555550402" in calls[0].text()
    assert calls[1].find("blockquote").text() == SOMALI
    # The teacher of Room 4 sees their families' calls; the teacher of South does not.
    assert (
        "Faadumo"
        in client_as(world, "teacher").get(reverse("messaging:call_list")).content.decode()
    )
    other = client_as(world, "other_teacher")
    assert "Faadumo" not in other.get(reverse("messaging:call_list")).content.decode()
    assert (
        other.post(
            reverse("messaging:call_log", args=[somali.pk]), {"outcome": "reached"}
        ).status_code
        == 404
    )
    somali.refresh_from_db()
    assert somali.status == "failed"


def test_it_records_each_call(world: World) -> None:
    somali, _ = untalkable(world)
    liaison = client_as(world, "liaison")
    log = reverse("messaging:call_log", args=[somali.pk])

    assert liaison.post(log, {"outcome": "no_answer"}).status_code == 302
    somali.refresh_from_db()
    assert (somali.status, somali.attempts) == ("failed", 2)  # still on the list
    page = liaison.get(reverse("messaging:call_list")).content.decode()
    assert "called 1 time" in page

    assert liaison.post(log, {"outcome": "maybe"}, follow=True).status_code == 200
    somali.refresh_from_db()
    assert somali.attempts == 2  # an unknown outcome records nothing

    liaison.post(log, {"outcome": "reached"})
    somali.refresh_from_db()
    staff = staff_of(world, "liaison")
    assert (somali.status, somali.provider_id) == ("delivered", f"call:{staff.pk}")
    assert "Faadumo" not in liaison.get(reverse("messaging:call_list")).content.decode()
    calls = AuditEntry.objects.filter(object_type="delivery", object_id=somali.pk).order_by("pk")
    assert [(c.actor_id, c.context) for c in calls] == [
        (staff.user_id, f"call:no_answer by staff {staff.pk}"),
        (staff.user_id, f"call:reached by staff {staff.pk}"),
    ]
    # Logged again (a second click): off the list already, nothing changes.
    assert liaison.post(log, {"outcome": "no_answer"}).status_code == 404

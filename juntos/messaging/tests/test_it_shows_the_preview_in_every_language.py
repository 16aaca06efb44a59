"""Before sending, the preview shows who is reached and the text in every language of the
audience with its provenance and SMS segments, and writes nothing."""

from __future__ import annotations

from django.urls import reverse

from conftest import World
from juntos.language.models import Method, Status
from juntos.messaging import actions
from juntos.messaging.models import Delivery, Message, MessageRendition
from juntos.messaging.tests.announcement_world import (
    client_as,
    parse,
    remember,
    room4_family,
    staff_of,
)
from juntos.people import models as m
from juntos.testing import factories as f

BODY = "The school is closed on Monday."
SPANISH = "La escuela está cerrada el lunes."
ARABIC = "المدرسة مغلقة يوم الاثنين."


def test_it_previews_every_language_without_writing(world: World) -> None:
    leader = staff_of(world, "school_leader")
    liaison = world.personas["liaison"]
    liaison.first_name, liaison.last_name = "Lucia", "Reyes"
    liaison.save(update_fields=["first_name", "last_name"])
    room4_family(world, "Rosa", "es", phone="+15555550201")
    room4_family(world, "Lan", "vi", channels=("email",), email="lan@example.org")
    room4_family(world, "Huda", "ar", phone="+15555550202")
    room4_family(world, "Nadie", "es")  # no contact point at all
    opted = room4_family(world, "Stop", "es", phone="+15555550203")
    m.ContactPoint.objects.filter(caregiver=opted).update(opted_out_at="2026-01-01T00:00Z")
    barred = f.caregiver(district=world.district, given_name="Barred")
    f.link(barred, world.north_student, may_contact=False)
    remember(
        world, BODY, "es", SPANISH, method=Method.HUMAN, status=Status.REVIEWED,
        reviewed_by=liaison,
    )  # fmt: skip
    remember(
        world, BODY, "ar", ARABIC, method=Method.MACHINE, status=Status.DRAFT, provider="deepl"
    )
    draft = actions.do_save_announcement_draft(
        by=leader,
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        subject="",
        body=BODY,
        source_language="en",
    )

    response = client_as(world, "school_leader").get(
        reverse("messaging:announcement_detail", args=[draft.pk])
    )

    assert response.status_code == 200
    page = parse(response.content)
    reach = page.find(id="reach").text()
    # Rosa (the fixture's), Rosa, Lan, Huda, Nadie, Stop: six caregivers; Barred left out.
    assert "Families reached 6" in reach
    assert "es: 4" in reach and "vi: 1" in reach and "ar: 1" in reach
    assert "sms: 2" in reach and "email: 1" in reach
    assert "3 with no usable channel (of whom 1 opted out); 1 left out" in reach

    sections = {s["lang"]: s for s in page.find_all("section", class_="rendition")}
    assert set(sections) == {"es", "vi", "ar"}
    spanish, vietnamese, arabic = sections["es"], sections["vi"], sections["ar"]
    assert spanish.find(class_="family-text").text("") == SPANISH
    assert spanish.find(class_="family-text")["dir"] == "ltr"
    provenance = spanish.find(class_="provenance").text()
    assert "memory (remembered human translation)" in provenance
    assert "reviewed by Lucia Reyes" in provenance
    assert "1 segment, UCS-2" in provenance  # the "á" of "está" is outside GSM-7

    assert arabic.find(class_="family-text")["dir"] == "rtl"
    arabic_text = arabic.find(class_="family-text").text("")
    assert arabic_text.startswith(ARABIC)  # then the machine-translation notice, in Arabic
    assert arabic_text != ARABIC
    provenance = arabic.find(class_="provenance").text()
    assert "deepl" in provenance and "with the machine-translation notice" in provenance
    assert "draft: no speaker has checked it" in provenance
    assert "UCS-2" in provenance

    # Nobody translated it into Vietnamese and no provider is configured: the family gets the
    # interpreter offer in Vietnamese on top of the English text, and the page says so.
    assert "Needs a human translator" in vietnamese.text()
    viet_text = vietnamese.find(class_="family-text").text("\n")
    assert viet_text.endswith(BODY) and viet_text != BODY

    # The preview is a read: no message, rendition or delivery was written.
    assert not Message.objects.exists()
    assert not MessageRendition.objects.exists()
    assert not Delivery.objects.exists()
    assert page.find("form", action=reverse("messaging:announcement_send", args=[draft.pk]))


def test_it_shows_a_held_language_as_held(world: World, settings: object) -> None:
    settings.TRANSLATION_HOLD_FOR_HUMAN = True  # type: ignore[attr-defined]
    room4_family(world, "Lan", "vi", channels=("email",), email="lan@example.org")
    draft = actions.do_save_announcement_draft(
        by=staff_of(world, "school_leader"),
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        subject="",
        body=BODY,
        source_language="en",
    )
    page = client_as(world, "school_leader").get(
        reverse("messaging:announcement_detail", args=[draft.pk])
    )
    assert "Held: nobody has translated it yet." in page.content.decode()
    assert not Delivery.objects.exists()


def test_it_hides_the_send_button_from_those_who_did_not_write_it(world: World) -> None:
    draft = actions.do_save_announcement_draft(
        by=staff_of(world, "school_leader"),
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        subject="",
        body=BODY,
        source_language="en",
    )
    send = reverse("messaging:announcement_send", args=[draft.pk])
    liaison = client_as(world, "liaison")
    assert (
        send
        not in liaison.get(
            reverse("messaging:announcement_detail", args=[draft.pk])
        ).content.decode()
    )
    assert liaison.post(send).status_code == 403
    assert client_as(world, "teacher").post(send).status_code == 404  # not theirs to see
    assert not Delivery.objects.exists()

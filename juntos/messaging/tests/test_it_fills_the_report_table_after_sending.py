"""Sending from the preview writes the deliveries; the detail page then shows the live
report (status x language x channel), polling only while something is being sent."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from conftest import World
from juntos.messaging import actions
from juntos.messaging.models import Announcement, Delivery
from juntos.messaging.tests.announcement_world import client_as, parse, room4_family, staff_of
from juntos.people import models as m
from juntos.testing import factories as f

BODY = "Picture day is Thursday."


def draft(world: World) -> Announcement:
    return actions.do_save_announcement_draft(
        by=staff_of(world, "school_leader"),
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        subject="Picture day",
        body=BODY,
        source_language="en",
    )


def test_it_sends_and_reports_by_status_language_and_channel(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    room4_family(world, "Rosa", "es", phone="+15555550301")
    room4_family(world, "Lan", "vi", channels=("email",), email="lan@example.org")
    room4_family(world, "Huda", "ar", phone="+15555550302")
    announcement = draft(world)
    leader = client_as(world, "school_leader")
    send = reverse("messaging:announcement_send", args=[announcement.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(send)
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    # Four caregivers of Ana: the fixture's Rosa (no contact point) and the three above.
    rows = Delivery.objects.filter(message__announcement=announcement)
    assert rows.count() == 4
    # A second click sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(send)
    assert Delivery.objects.filter(message__announcement=announcement).count() == 4

    page = parse(
        leader.get(reverse("messaging:announcement_detail", args=[announcement.pk])).content
    )
    report = page.find("section", id="report")
    # Everything was sent through the local outbox at commit: nothing left to poll for.
    assert "hx-trigger" not in report.attrs
    cells = {
        (tr["data-language"], tr["data-channel"]): [td.text() for td in tr.find_all("td")]
        for tr in report.find_all("tr")
        if "data-language" in tr.attrs
    }
    statuses = [th["data-status"] for th in report.find_all("th") if "data-status" in th.attrs]
    assert statuses == ["pending", "sending", "sent", "delivered", "failed", "skipped"]
    # Columns: channel, then one per status, then the total.
    assert cells[("ar", "sms")] == ["sms", "0", "0", "0", "1", "0", "0", "1"]
    assert cells[("vi", "email")] == ["email", "0", "0", "0", "1", "0", "0", "1"]
    assert cells[("es", "sms")] == ["sms", "0", "0", "0", "1", "0", "1", "2"]
    totals = report.find("tr", class_="totals")
    assert [td.text() for td in totals.find_all("td")] == ["0", "0", "0", "3", "0", "1", "4"]
    problems = report.find("table", class_="problems").text()
    assert "Rosa Lopez" in problems and actions.NO_CHANNEL in problems


def test_it_polls_while_sending_and_names_only_visible_families(world: World) -> None:
    room4_family(world, "Rosa", "es", phone="+15555550301")
    announcement = draft(world)
    # Sent without running the commit hooks: the row stays pending and due.
    actions.do_send_announcement(
        by=staff_of(world, "school_leader"), announcement_id=announcement.pk
    )
    report_url = reverse("messaging:announcement_report", args=[announcement.pk])
    leader = client_as(world, "school_leader")
    partial = leader.get(report_url)
    assert partial.status_code == 200
    section = parse(partial.content).find("section", id="report")
    assert section["hx-trigger"] == "every 5s"
    assert section["hx-get"] == report_url
    assert b"<html" not in partial.content  # the partial alone

    # A family of another school who is on a district-wide delivery stays unnamed to a
    # North liaison; here: a skipped row for a caregiver the liaison cannot see.
    stranger = f.caregiver(district=world.district, given_name="Hidden")
    f.link(stranger, world.south_student, m.Relationship.MOTHER)
    message = announcement.messages.get()
    Delivery.objects.create(
        message=message, caregiver=stranger, channel="sms", language="so",
        status="skipped", skip_reason=actions.NO_CHANNEL, idempotency_key="hidden-1",
    )  # fmt: skip
    text = parse(client_as(world, "liaison").get(report_url).content).text()
    assert "Hidden" not in text and "A family you cannot see" in text
    assert client_as(world, "other_teacher").get(report_url).status_code == 404

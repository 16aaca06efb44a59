"""A family member of the team, signed in through the portal, takes part in her language:
she sees her team, asks to speak during the meeting, and answers the pulse afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client

from conftest import World
from juntos.people import models as m
from juntos.portal.session import SESSION_KEY
from juntos.teams.actions import do_end_meeting, do_mark_attendance, do_start_meeting
from juntos.teams.models import PulseAnswer, SpeakRequest
from juntos.teams.tests.helpers import room

T0 = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)


def family_client(caregiver: m.Caregiver) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    session = client.session
    session[SESSION_KEY] = caregiver.pk
    session.save()
    return client


def test_lan_asks_to_speak_and_answers_the_pulse_in_vietnamese(world: World) -> None:
    r = room(world, T0)
    lan = family_client(world.north_family_2)  # preferred language: Vietnamese

    page = lan.get("/teams/family/")
    text = page.content.decode()
    assert page["Content-Language"] == "vi"
    assert "Các nhóm của quý vị" in text and r.team.name in text
    meeting_url = f"/teams/family/meetings/{r.meeting.pk}/"
    assert meeting_url in text

    before = lan.get(meeting_url).content.decode()
    assert "Cuộc họp chưa bắt đầu." in before  # not started yet
    refused = lan.post(meeting_url, {"step": "ask"})
    assert refused.status_code == 400
    assert "Cuộc họp hiện không diễn ra." in refused.content.decode()

    do_start_meeting(meeting=r.meeting, now=T0)
    assert "Tôi muốn phát biểu" in lan.get(meeting_url).content.decode()
    answer = lan.post(meeting_url, {"step": "ask"})
    assert answer.status_code == 302
    after = lan.get(answer["Location"]).content.decode()
    assert "Quý vị đã có tên trong danh sách phát biểu." in after
    assert "Quý vị là người thứ 1 trong danh sách phát biểu." in after
    assert SpeakRequest.objects.get(meeting=r.meeting).member == r.lan

    do_mark_attendance(meeting=r.meeting, member=r.lan)
    do_end_meeting(meeting=r.meeting, now=T0.replace(hour=19))
    pulse = lan.get(meeting_url).content.decode()
    assert "Hôm nay quý vị có cảm thấy được lắng nghe không?" in pulse
    assert lan.post(meeting_url, {"step": "pulse", "score": "9"}).status_code == 400
    assert lan.post(meeting_url, {"step": "pulse", "score": "5"}).status_code == 302
    assert list(PulseAnswer.objects.values_list("score", flat=True)) == [5]
    again = lan.post(meeting_url, {"step": "pulse", "score": "1"})
    assert "Quý vị đã trả lời rồi." in again.content.decode()
    assert PulseAnswer.objects.count() == 1


def test_a_family_not_on_the_team_sees_no_meeting(world: World) -> None:
    r = room(world, T0)
    amina = family_client(world.south_family)  # Somali, not a member
    assert amina.get(f"/teams/family/meetings/{r.meeting.pk}/").status_code == 404
    page = amina.get("/teams/family/")
    assert page["Content-Language"] == "so"
    assert "Weli kooxna kuma jirtid." in page.content.decode()


def test_rosa_reads_her_team_page_in_spanish(world: World) -> None:
    r = room(world, T0)
    page = family_client(world.north_family).get("/teams/family/").content.decode()
    assert "Sus equipos" in page and "Usted es copresidente/a de este equipo." in page
    assert r.meeting.title in page


def test_the_family_navigation_offers_teams_only_to_members(world: World) -> None:
    room(world, T0)
    assert (
        'href="/teams/family/"'
        in family_client(world.north_family).get("/family/").content.decode()
    )
    assert (
        'href="/teams/family/"'
        not in family_client(world.south_family).get("/family/").content.decode()
    )

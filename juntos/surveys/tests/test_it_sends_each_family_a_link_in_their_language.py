"""Opening a wave sends every family of the school its own one-time link, through the reach
pipeline, in the family's language and on its channel; a family is never sent two links for
one wave, and a survey runs again (a spring wave after the fall one) with new links."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.messaging.models import OutboxEntry
from juntos.people import models as m
from juntos.surveys.models import Survey, Token, Wave
from juntos.surveys.tests.helpers import LINK, make_survey

LAN_PHONE = "+15555550102"


def test_opening_a_wave_texts_each_family_its_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    lan = world.north_family_2
    m.ContactPoint.objects.create(caregiver=lan, kind="phone", value=LAN_PHONE, sms_capable=True)
    survey = make_survey(world)
    client = Client()
    client.force_login(world.personas["school_leader"])

    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(f"/surveys/{survey.pk}/open/", {"name": "Fall 2026"})

    assert opened.status_code == 302
    wave = Wave.objects.get(survey=survey)
    # North's two families; South's family is not asked.
    assert set(Token.objects.filter(wave=wave).values_list("caregiver_id", flat=True)) == {
        world.north_family.pk,
        lan.pk,
    }
    text = OutboxEntry.objects.get(to=LAN_PHONE)
    assert text.language == "vi"
    assert "North Elementary muốn hỏi gia đình quý vị" in text.body
    match = LINK.search(text.body)
    assert match is not None, text.body
    page = client.get(f"/surveys/t/{match.group(1)}/")
    assert page.status_code == 200
    assert page["Content-Language"] == "vi"
    assert "Chúng ta cùng nhau làm được thế nào?" in page.content.decode()
    assert Survey.objects.get(pk=survey.pk).status == "open"


def test_a_survey_runs_again_with_new_links(world: World) -> None:
    survey = make_survey(world)
    client = Client()
    client.force_login(world.personas["school_leader"])
    client.post(f"/surveys/{survey.pk}/open/", {"name": "Fall 2026"})

    client.post(f"/surveys/{survey.pk}/open/", {"name": "Twice"})
    assert survey.waves.count() == 1  # one open wave at a time: nobody gets a second link

    client.post(f"/surveys/{survey.pk}/close/")
    client.post(f"/surveys/{survey.pk}/open/", {"name": "Spring 2027"})

    fall, spring = survey.waves.order_by("number")
    assert (fall.status, spring.status, spring.number) == ("closed", "open", 2)
    assert Token.objects.filter(wave=spring).count() == 2
    assert not set(Token.objects.filter(wave=fall).values_list("token_hash", flat=True)) & set(
        Token.objects.filter(wave=spring).values_list("token_hash", flat=True)
    )


def test_only_leaders_liaisons_and_the_district_run_surveys(world: World) -> None:
    survey = make_survey(world)
    client = Client()
    client.force_login(world.personas["teacher"])

    assert client.post(f"/surveys/{survey.pk}/open/", {"name": "Fall"}).status_code == 403
    assert (
        client.post(
            "/surveys/", {"title": "Mine", "instrument": "climate", "school": world.north.pk}
        ).status_code
        == 403
    )
    assert not Wave.objects.exists()
    other = Client()
    other.force_login(world.personas["other_teacher"])
    assert other.get(f"/surveys/{survey.pk}/").status_code == 404

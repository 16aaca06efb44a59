"""The engagement-needs survey changes a caregiver's preferences only when the family ticked
"answer with my name": then its channel goes first, the interpreter language becomes its
language and its needs follow the answers. Anonymous answers change nothing and name nobody."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.people.models import Caregiver
from juntos.surveys.models import NamedResponse, Response
from juntos.surveys.tests.helpers import make_survey, open_wave

ANSWERS = {
    "days": ["tue", "thu"],
    "times": ["evening"],
    "format": "in_person",
    "transport": "yes",
    "childcare": "yes",
    "interpretation": "yes",
    "interpretation_language": "vi",
    "channel": "email",
}


def _before(caregiver: Caregiver) -> None:
    caregiver.channel_preferences = ["sms", "paper"]
    caregiver.save(update_fields=["channel_preferences"])


def test_a_named_answer_updates_the_caregivers_preferences(world: World) -> None:
    rosa = world.north_family
    _before(rosa)
    opened = open_wave(world, make_survey(world, "engagement"))

    page = Client().post(f"/surveys/t/{opened.tokens[rosa.pk]}/", {**ANSWERS, "named": "yes"})

    assert page.context["state"] == "thanks_named"
    rosa.refresh_from_db()
    assert rosa.channel_preferences == ["email", "sms", "paper"]
    assert rosa.preferred_language == "vi"
    assert (rosa.needs_transport, rosa.needs_childcare, rosa.needs_interpretation) == (
        True,
        True,
        True,
    )
    named = NamedResponse.objects.get()
    assert named.caregiver == rosa
    assert named.response.answers["days"] == ["tue", "thu"]


def test_an_anonymous_answer_changes_nothing(world: World) -> None:
    rosa = world.north_family
    _before(rosa)
    opened = open_wave(world, make_survey(world, "engagement"))

    page = Client().post(f"/surveys/t/{opened.tokens[rosa.pk]}/", ANSWERS)

    assert page.context["state"] == "thanks"
    rosa.refresh_from_db()
    assert rosa.channel_preferences == ["sms", "paper"]
    assert rosa.preferred_language == "es"
    assert (rosa.needs_transport, rosa.needs_childcare, rosa.needs_interpretation) == (
        False,
        False,
        False,
    )
    assert Response.objects.count() == 1
    assert not NamedResponse.objects.exists()


def test_the_climate_survey_never_names_anyone(world: World) -> None:
    rosa = world.north_family
    opened = open_wave(world, make_survey(world, "climate"))

    Client().post(f"/surveys/t/{opened.tokens[rosa.pk]}/", {"welcome_1": "agree", "named": "yes"})

    assert Response.objects.count() == 1
    assert not NamedResponse.objects.exists()

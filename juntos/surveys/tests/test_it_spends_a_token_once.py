"""A family's survey link is the key to one set of answers: the first send is saved, a second
one is refused, and a form with an answer that is not on the list spends nothing."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.surveys.models import Response, Token
from juntos.surveys.tests.helpers import make_survey, open_wave


def test_a_link_takes_one_set_of_answers(world: World) -> None:
    survey = make_survey(world)
    opened = open_wave(world, survey)
    token = opened.tokens[world.north_family.pk]
    url = f"/surveys/t/{token}/"
    client = Client()

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="welcome_1"' in page.content.decode()

    sent = client.post(url, {"welcome_1": "agree", "trust_2": "dont_know", "voice_1": ""})
    assert sent.status_code == 200
    assert 'id="survey-thanks"' in sent.content.decode()
    response = Response.objects.get(wave=opened.wave)
    assert response.answers == {"welcome_1": 4, "trust_2": None}
    assert Token.objects.get(wave=opened.wave, caregiver=world.north_family).used

    again = client.post(url, {"welcome_1": "strongly_disagree"})
    assert "survey-thanks" not in again.content.decode()
    assert Response.objects.filter(wave=opened.wave).count() == 1
    assert client.get(url).context["state"] == "used"


def test_a_wrong_answer_spends_nothing(world: World) -> None:
    survey = make_survey(world)
    opened = open_wave(world, survey)
    url = f"/surveys/t/{opened.tokens[world.north_family.pk]}/"
    client = Client()

    refused = client.post(url, {"welcome_1": "agree", "trust_1": "seven"})

    assert refused.status_code == 400
    assert 'id="error-trust_1"' in refused.content.decode()
    # Rosa reads Spanish: the message next to the question is in Spanish.
    assert "Elija una de las respuestas que se muestran." in refused.content.decode()
    assert not Response.objects.exists()
    assert not Token.objects.get(wave=opened.wave, caregiver=world.north_family).used
    assert client.post(url, {"welcome_1": "agree"}).context["state"] == "thanks"


def test_an_unknown_or_closed_link_takes_nothing(world: World) -> None:
    from juntos.surveys.actions import do_close_wave

    survey = make_survey(world)
    opened = open_wave(world, survey)
    assert Client().get("/surveys/t/not-a-token/").status_code == 404
    do_close_wave(by=None, wave=opened.wave)

    closed = Client().post(
        f"/surveys/t/{opened.tokens[world.north_family.pk]}/", {"welcome_1": "agree"}
    )

    assert closed.context["state"] == "closed"
    assert not Response.objects.exists()

"""Families without a phone or email answer on paper: staff print a short code for each family
that has not answered, hand out paper forms, and type each form in with its code. A code
works once; printing the sheet again replaces every code; the links sent by text still work."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.surveys.models import Response, Token
from juntos.surveys.tests.helpers import make_survey, open_wave


def _sheet(client: Client, survey_id: int) -> dict[str, str]:
    page = client.post(f"/surveys/{survey_id}/codes/")
    assert page.status_code == 200
    return {item.caregiver.given_name: item.code for item in page.context["codes"]}


def test_a_paper_form_is_typed_in_with_its_code(world: World) -> None:
    survey = make_survey(world)
    opened = open_wave(world, survey)
    client = Client()
    client.force_login(world.personas["liaison"])

    codes = _sheet(client, survey.pk)
    assert set(codes) == {"Rosa", "Lan"}
    assert "Lan" in client.post(f"/surveys/{survey.pk}/codes/").content.decode()

    # The sheet was printed twice: only the second sheet's codes work.
    stale = codes["Lan"]
    codes = _sheet(client, survey.pk)
    refused = client.post(
        f"/surveys/{survey.pk}/paper/", {"code": stale, "language": "vi", "welcome_1": "agree"}
    )
    assert refused.status_code == 400
    assert not Response.objects.exists()

    saved = client.post(
        f"/surveys/{survey.pk}/paper/",
        {"code": codes["Lan"].lower().replace("-", " "), "language": "vi", "welcome_1": "agree"},
    )
    assert saved.status_code == 302
    response = Response.objects.get()
    assert (response.language, response.answers) == ("vi", {"welcome_1": 4})
    assert Token.objects.get(wave=opened.wave, caregiver=world.north_family_2).used

    again = client.post(
        f"/surveys/{survey.pk}/paper/",
        {"code": codes["Lan"], "language": "vi", "welcome_1": "agree"},
    )
    assert again.status_code == 400
    assert "already used" in again.content.decode()
    # Lan answered: the next sheet leaves her out, and her texted link is spent too.
    assert set(_sheet(client, survey.pk)) == {"Rosa"}
    assert (
        Client().get(f"/surveys/t/{opened.tokens[world.north_family_2.pk]}/").context["state"]
        == "used"
    )
    # Rosa's texted link still works after the reprints.
    thanks = Client().post(
        f"/surveys/t/{opened.tokens[world.north_family.pk]}/", {"welcome_2": "agree"}
    )
    assert thanks.context["state"] == "thanks"


def test_teachers_cannot_print_codes(world: World) -> None:
    survey = make_survey(world)
    open_wave(world, survey)
    client = Client()
    client.force_login(world.personas["teacher"])

    assert client.post(f"/surveys/{survey.pk}/codes/").status_code == 403
    assert not Token.objects.exclude(code_hash=None).exists()

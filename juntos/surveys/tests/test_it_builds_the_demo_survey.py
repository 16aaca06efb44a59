"""The demo district has a survey with a fall wave and answers in several languages."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from juntos.surveys.models import Response, Survey, Token


@pytest.mark.django_db
def test_the_demo_has_a_survey_with_answers() -> None:
    call_command("seed_demo", "--seed", "7", "--students", "150", stdout=StringIO())
    survey = Survey.objects.get()
    assert survey.waves.get().status == "open"
    answers = Response.objects.filter(wave__survey=survey)
    assert answers.count() == Token.objects.filter(wave__survey=survey, used=True).count() > 0
    assert len(set(answers.values_list("language", flat=True))) >= 3

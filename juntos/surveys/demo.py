"""A family survey for the demo district: Maple Hill's relationship-climate survey, its fall
wave sent to every family (one-time links in each family's language), and answers from some of
them, so that the results page has scale scores by language (small groups suppressed)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from juntos.people.models import Caregiver, District, Staff
from juntos.surveys.actions import do_create_survey, do_open_wave, do_submit_response
from juntos.surveys.models import Survey

LIBRARY = Path(__file__).resolve().parent / "library"
ANSWERED = 60


def build_demo_surveys(*, district: District, seed: int) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - demo choices, not secrets
    leader = Staff.objects.filter(user__username="leader.maple-hill", district=district).first()
    role = leader.roles.filter(school__isnull=False).first() if leader else None
    if leader is None or role is None or role.school is None:
        return {}
    if Survey.objects.filter(school=role.school).exists():
        return {}
    survey = do_create_survey(
        by=leader, school=role.school, instrument_key="climate",
        title="How are we doing together? (fall)",
    )  # fmt: skip
    opened = do_open_wave(by=leader, survey=survey, name="Fall 2026")
    climate = json.loads((LIBRARY / "climate.json").read_text())
    questions = [q["id"] for section in climate["sections"] for q in section["questions"]]
    languages = dict(
        Caregiver.objects.filter(pk__in=opened.tokens).values_list("pk", "preferred_language")
    )
    answered = 0
    for caregiver_id, token in sorted(opened.tokens.items())[:ANSWERED]:
        # Families who speak English feel more welcome than others: something to notice.
        lean = 1 if languages.get(caregiver_id) == "en" else 0
        data = {
            question: [
                rng.choice(
                    ["agree", "strongly_agree", "neutral"]
                    if lean
                    else ["neutral", "disagree", "agree", "dont_know"]
                )
            ]
            for question in questions
        }
        do_submit_response(data=data, language=languages.get(caregiver_id, "en"), token=token)
        answered += 1
    return {"surveys": 1, "survey answers": answered}

"""The engagement-needs results are counts per option: a count under 5 is hidden, and on a
single-choice question the next smallest is hidden too so that the total does not give it
away. The CSV export holds these aggregates only."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.surveys.actions import do_submit_response
from juntos.surveys.instruments import instrument, option_counts
from juntos.surveys.tests.helpers import add_north_families, answers, make_survey, open_wave


def test_counts_per_option_by_hand() -> None:
    rows = [{"times": ["evening"], "format": "in_person"} for _ in range(6)]
    rows += [{"times": ["evening", "morning"], "format": "virtual"} for _ in range(5)]
    rows += [{"format": "either"} for _ in range(2)]

    counts = {c.question.id: c for c in option_counts(instrument("engagement"), rows)}

    times = counts["times"].cells
    assert times["evening"].value == 11 and times["morning"].value == 5
    assert times["afternoon"].value == 0  # nobody is described by a zero
    formats = counts["format"].cells
    assert formats["in_person"].value == 6
    assert formats["either"].reason == "small"
    assert formats["virtual"].reason == "complementary"
    assert counts["format"].answered.value == 13
    assert counts["channel"].answered.value == 0


def test_the_results_page_and_csv_show_the_counts(world: World) -> None:
    families = add_north_families(world, 3)
    survey = make_survey(world, "engagement")
    opened = open_wave(world, survey)
    for caregiver in [world.north_family, world.north_family_2, *families]:
        do_submit_response(
            token=opened.tokens[caregiver.pk],
            data=answers(channel="sms", days=["sat"] if caregiver in families else ["mon"]),
            language="es",
        )
    client = Client()
    client.force_login(world.personas["school_leader"])

    page = client.get(f"/surveys/{survey.pk}/")

    tables = {row["text"]: dict(row["options"]) for row in page.context["counts"]}
    assert tables["How do you prefer to get messages from the school?"]["Text message"].value == 5
    assert tables["Which days are best for you to come to the school?"]["Saturday"].suppressed
    csv = client.get(f"/surveys/{survey.pk}/results.csv").content.decode()
    assert "Family survey,Fall 2026,all,count,channel.sms,5," in csv
    assert "all,count,days.sat,,yes" in csv
    assert "all,count,days.mon,,yes" in csv

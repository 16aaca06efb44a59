"""Every metric on the hand-built district (district.py), against values computed by hand.

Suppression: every group of 1 to 4 people is hidden, and the next smallest group of the same
line is hidden with it when a total is shown (complementary suppression). The Vietnamese
group (4 students) is the case the acceptance asks for: it is hidden, and so is the Somali
group (6), so that "total minus the shown groups" gives only Somali + Vietnamese together.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from juntos.insights import metrics
from juntos.insights.metrics import Breakdown, Population
from juntos.insights.suppression import Cell
from juntos.insights.tests.district import NOW, Hand, build
from juntos.messaging import positivity

S = None  # a suppressed cell: Cell(None, ...)


@pytest.fixture
def hand(db: Any) -> Iterator[Hand]:
    with time_machine.travel(NOW, tick=False):
        yield build()


def district(hand: Hand) -> Population:
    return Population(hand.district.pk)


def period(hand: Hand) -> metrics.Period:
    return metrics.school_year_to_date(hand.district, now=NOW)


def values(breakdown: Breakdown, flag: str | None = None) -> dict[str, int | None]:
    """group key -> shown count (None when suppressed); "all" is the total."""
    rows = {row.key: row for row in breakdown.rows}
    rows["all"] = breakdown.total
    return {
        key: (row.size.value if flag is None else row.values[flag].value)
        for key, row in rows.items()
    }


def test_the_period_is_the_school_year_so_far(hand: Hand) -> None:
    # No roster session: the year starts on August 1, midnight in Chicago (05:00 UTC).
    got = period(hand)
    assert got.start.isoformat() == "2026-08-01T00:00:00-05:00"
    assert got.end == NOW


def test_reach_by_home_language(hand: Hand) -> None:
    reach = metrics.reach(district(hand), period(hand), "language")
    # Students: es 10, so 6, vi 4, ar 7 = 27. vi (4) is small; the smallest other group, so
    # (6), is hidden with it: 27 - 10 - 7 = 10 = so + vi, which says nothing about vi.
    assert values(reach) == {"es": 10, "so": S, "vi": S, "ar": 7, "all": 27}
    vi = next(row for row in reach.rows if row.key == "vi")
    assert vi.size == Cell(None, "small")
    assert next(row for row in reach.rows if row.key == "so").size == Cell(None, "complementary")
    # Delivered: es 8 (mothers 0-7; 8 was only "sent", 9 failed), so 0 (sent, failed, and one
    # delivery last school year), vi 3 (one skipped), ar 7 = 18. so and vi are hidden because
    # their sizes are; together they hold 3 (< 5), so ar (7) is hidden too: 18 - 8 = 10.
    assert values(reach, metrics.DELIVERED) == {"es": 8, "so": S, "vi": S, "ar": S, "all": 18}
    # Two-way: es 7 (mothers 0-4 wrote, 5 was reached by a logged call, student 6's family by a
    # home visit), so 1 (a reached call on the worklist; a reply last year does not count), vi
    # 1 (wrote two hours ago), ar 5 (wrote ten days ago) = 14; so + vi = 2, so ar goes too.
    assert values(reach, metrics.TWO_WAY) == {"es": 7, "so": S, "vi": S, "ar": S, "all": 14}
    es = next(row for row in reach.rows if row.key == "es")
    assert es.shares == {metrics.DELIVERED: 0.8, metrics.TWO_WAY: 0.7}
    assert es.size_share == pytest.approx(10 / 27)
    assert reach.total.shares[metrics.DELIVERED] == pytest.approx(18 / 27)
    # Hidden groups have no share (a share times a shown size would give the count).
    assert vi.shares == {metrics.DELIVERED: None, metrics.TWO_WAY: None}
    assert vi.size_share is None


def test_reach_by_school_grade_and_relationship(hand: Hand) -> None:
    by_school = metrics.reach(district(hand), period(hand), "school")
    north, south = str(hand.north.pk), str(hand.south.pk)
    # North 20 students (es 10, so 6, vi 4), South 7; delivered North 8 + 3, South 7.
    assert values(by_school) == {north: 20, south: 7, "all": 27}
    assert values(by_school, metrics.DELIVERED) == {north: 11, south: 7, "all": 18}
    assert values(by_school, metrics.TWO_WAY) == {north: 9, south: 5, "all": 14}
    # Furthest behind first: South reached 7/7, North 11/20.
    assert [row.label for row in by_school.rows] == ["North Elementary", "South Middle"]

    by_grade = metrics.reach(district(hand), period(hand), "grade")
    # Grade 03: es 10 + ar 7 = 17; 04: so 6 + vi 4 = 10. Delivered 15 and 3: the 3 is small
    # and the only other cell must go with it (else 18 - 15 = 3).
    assert values(by_grade) == {"03": 17, "04": 10, "all": 27}
    assert values(by_grade, metrics.DELIVERED) == {"03": S, "04": S, "all": 18}
    assert values(by_grade, metrics.TWO_WAY) == {"03": S, "04": S, "all": 14}

    by_relationship = metrics.reach(district(hand), period(hand), "relationship")
    # 27 mothers and 1 grandmother (each adult of each student): the grandmother is alone.
    assert values(by_relationship) == {"mother": S, "grandparent": S, "all": 28}
    assert values(by_relationship, metrics.DELIVERED) == {
        "mother": S, "grandparent": S, "all": 18,
    }  # fmt: skip
    assert values(by_relationship, metrics.TWO_WAY) == {"mother": S, "grandparent": S, "all": 14}

    by_channel = metrics.reach(district(hand), period(hand), "channel")
    # The same adults by their first channel preference: 27 mothers text, the grandmother
    # prefers calls: alone, so both groups are hidden.
    assert values(by_channel) == {"sms": S, "voice": S, "all": 28}
    assert values(by_channel, metrics.DELIVERED) == {"sms": S, "voice": S, "all": 18}
    assert [row.label for row in by_channel.rows] == ["Phone call", "Text message"]


def test_follow_up(hand: Hand) -> None:
    got = metrics.follow_up(district(hand), period(hand), now=NOW)
    # Family messages this year: es 5 + ar 5 + vi 1 = 11 (Somali 2's was last year).
    assert got.family_messages == Cell(11)
    # Answered: the five Spanish ones, after 1, 2, 3, 4 and 10 hours. Median: 3 h. 90th
    # percentile, interpolated: position 0.9 x 4 = 3.6, so 4 h + 0.6 x (10 h - 4 h) = 7 h 36 min.
    assert got.answered == Cell(5)
    assert got.median == timedelta(hours=3)
    assert got.p90 == timedelta(hours=7, minutes=36)
    # Waiting past the target (2 school days): the five Arabic conversations (10 days); the
    # Vietnamese one has waited two hours.
    assert got.waiting_past_target == Cell(5)
    assert metrics.percentile([timedelta(hours=h) for h in (10, 1, 3, 2, 4)], 0.9) == got.p90


def test_contact_health_by_language(hand: Hand) -> None:
    health = metrics.contact_health(district(hand))
    # Caregivers: es 11 (10 mothers and the grandmother), so 6, vi 4, ar 7 = 28.
    assert values(health) == {"es": 11, "so": S, "vi": S, "ar": 7, "all": 28}
    # No working channel: es 2 (mother 9's only email bounced; the grandmother has nothing),
    # so 4 (mother 0 opted out, 3-5 failed), vi 1 (mother 3 has nothing), ar 0 (mother 6's
    # phone is failing but her email works) = 7. es is small; so and vi are hidden by size.
    assert values(health, metrics.NO_WORKING_CHANNEL) == {
        "es": S, "so": S, "vi": S, "ar": 0, "all": 7,
    }  # fmt: skip
    # No contact at all: es 1, so 0, vi 1, ar 0 = 2. Hidden cells hold 2 and no shown cell
    # is non-zero, so the total is hidden too.
    assert values(health, metrics.NO_CONTACT) == {"es": S, "so": S, "vi": S, "ar": 0, "all": S}


def test_positive_first(hand: Hand) -> None:
    year = positivity.school_year(hand.district, today=NOW.date())
    got = metrics.positive_first(district(hand), year)
    # Contacted personally: es 7 (mothers 0-6; 7's note failed, so it was not heard), so 2
    # (mothers 1 and 2, notes sent). so is small, es goes with it; the total 9 stays.
    assert values(got.by_language) == {"es": S, "so": S, "all": 9}
    # First contact positive: es 5 (0-4), so 1 = 6.
    assert values(got.by_language, metrics.POSITIVE_FIRST) == {"es": S, "so": S, "all": 6}
    # Notes per school (notes, not families: not suppressed): North 6 positive (es 0-4, so 1),
    # 3 concerns (es 5, 6, so 2); South none.
    assert [(b.school, b.positive, b.concern) for b in got.schools] == [
        ("North Elementary", 6, 3), ("South Middle", 0, 0),
    ]  # fmt: skip
    # Per author: the teacher wrote every note (es 7's failed note is not counted).
    assert [(b.school, b.positive, b.concern) for b in got.authors] == [
        (hand.teacher.display_name, 6, 3),
    ]  # fmt: skip


def test_events_by_language(hand: Hand) -> None:
    got = metrics.events(district(hand), period(hand))
    # Invitations: es 7, so 6, vi 2 = 15; vi is small, so goes with it.
    assert values(got) == {"es": 7, "so": S, "vi": S, "all": 15}
    # Yes: es 5, so 1, vi 1 = 7: so + vi = 2, so es is hidden too.
    assert values(got, metrics.RSVP_YES) == {"es": S, "so": S, "vi": S, "all": 7}
    # Came: es 4, so 1, vi 0 = 5: es and so are small, vi hidden by size; hidden sum 5.
    assert values(got, metrics.ATTENDED) == {"es": S, "so": S, "vi": S, "all": 5}


def test_a_school_leader_sees_only_their_school(hand: Hand) -> None:
    north = Population(hand.district.pk, frozenset({hand.north.pk}))
    reach = metrics.reach(north, period(hand), "language")
    # North: es 10, so 6, vi 4 = 20 (no Arabic students). Delivered es 8, so 0, vi 3 = 11.
    assert values(reach) == {"es": 10, "so": S, "vi": S, "all": 20}
    assert values(reach, metrics.DELIVERED) == {"es": S, "so": S, "vi": S, "all": 11}


def test_the_page_and_the_csv_show_suppressed_cells_and_no_data_yet(hand: Hand) -> None:
    client = Client()
    client.force_login(hand.admin.user)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/insights/")
        export = client.get("/insights/export.csv")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<tr data-group="vi">' in html
    row = html.split('<tr data-group="vi">')[1].split("</tr>")[0]
    assert "Vietnamese" in row and "suppressed" in row and "4" not in row
    # Voice and the loop have no source yet: "no data yet", not an error.
    assert 'data-metric="voice">No data yet.' in html
    assert 'data-metric="loop">No data yet.' in html
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    vi = [r for r in rows if r[:3] == ["reach", "language", "Vietnamese"]]
    assert vi and all(r[3] == "suppressed" and r[6] == "suppressed" for r in vi)
    totals = [r for r in rows if r[:3] == ["reach", "language", "all"]]
    assert [(r[5], r[3], r[6]) for r in totals] == [
        ("delivered", "27", "18"), ("two_way", "27", "14"),
    ]  # fmt: skip
    assert ["voice", "", "", "", "", "", "no data yet", ""] in rows
    # Aggregates only: no family's name in the export.
    text = export.content.decode()
    assert "Motheres0" not in text and "Kid" not in text and "+1555" not in text

"""``manage.py import_polis``: a Polis export becomes a closed exchange with its ideas,
anonymous participants and latest reactions; a bad export stores nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conftest import World
from juntos.listening.models import Idea, IdeaExchange, Participant, Reaction
from juntos.listening.tests.helpers import family_client, staff_client
from juntos.listening.tests.polis_export import (
    COMMENTS,
    MODERATED_OUT_COMMENT,
    VOTERS,
    write_export,
)


def test_it_imports_and_staff_see_it(world: World, tmp_path: Path) -> None:
    write_export(tmp_path)
    # A voter changes their mind: the later vote stands.
    with (tmp_path / "votes.csv").open("a", encoding="utf-8") as fh:
        fh.write("1700009999,,0,100,-1\n")
    out = StringIO()
    call_command(
        "import_polis",
        str(tmp_path),
        "--school",
        "north",
        "--question",
        "How can we do better?",
        stdout=out,
    )
    exchange = IdeaExchange.objects.get()
    assert (exchange.status, exchange.source, exchange.school) == ("closed", "polis", world.north)
    assert Idea.objects.count() == COMMENTS
    assert Idea.objects.get(external_id=str(MODERATED_OUT_COMMENT)).status == "rejected"
    assert Idea.objects.filter(status="approved").count() == COMMENTS - 1
    assert Participant.objects.count() == VOTERS  # the author 100 also voted
    assert Reaction.objects.count() == VOTERS * (COMMENTS - 1)
    voter_100 = Idea.objects.get(external_id="0").author
    assert voter_100 is not None
    assert Reaction.objects.get(idea__external_id="0", participant=voter_100).value == "disagree"
    assert "12 ideas (11 approved, 1 moderated out), 40 anonymous participants" in out.getvalue()

    page = (
        staff_client(world, "teacher").get(f"/listening/exchanges/{exchange.pk}/").content.decode()
    )
    assert "How can we do better?" in page and "Imported from Polis" in page
    # Families are not sent imported conversations.
    assert family_client(world.north_family).get(f"/listening/x/{exchange.pk}/").status_code == 404


def test_a_bad_export_stores_nothing(world: World, tmp_path: Path) -> None:
    write_export(tmp_path)
    with (tmp_path / "votes.csv").open("a", encoding="utf-8") as fh:
        fh.write("1700009999,,0,100,7\n")
    with pytest.raises(CommandError, match=r"votes\.csv"):
        call_command("import_polis", str(tmp_path), "--school", "north")
    with pytest.raises(CommandError, match="no school"):
        call_command("import_polis", str(tmp_path), "--school", "nowhere")
    assert not IdeaExchange.objects.exists() and not Reaction.objects.exists()

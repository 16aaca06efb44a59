"""A cited input is kept as a snapshot with phones, emails and names masked; only a reply (not
an anonymous idea) names the family to tell, and that name never reaches the board."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.commitments.actions import MASK, do_link_input, do_unlink_input
from juntos.commitments.models import InputLink
from juntos.commitments.tests.helpers import approved_idea, commitment, reply, staff

ROSA_WORDS = "Ana needs help with reading. Call me at 555-201-7788 or write rosa.l@example.org"


def test_a_reply_is_snapshotted_masked_and_names_its_family(world: World) -> None:
    message = reply(world.north_family, ROSA_WORDS)
    c = commitment(world)
    link = do_link_input(
        by=staff(world, "school_leader"), commitment=c, kind="reply", object_id=message.pk
    )
    assert link.text == f"{MASK} needs help with reading. Call me at {MASK} or write {MASK}"
    assert link.language == message.language
    assert link.caregiver_id == world.north_family.pk
    # Linking again returns the same link.
    again = do_link_input(
        by=staff(world, "school_leader"), commitment=c, kind="reply", object_id=message.pk
    )
    assert again.pk == link.pk and InputLink.objects.count() == 1

    board = Client().get(f"/commitments/board/{world.north.pk}/?lang=en").content.decode()
    assert f"{MASK} needs help with reading." in board
    for secret in ("Ana", "555-201-7788", "rosa.l@example.org", "Rosa", "Lopez"):
        assert secret not in board
    assert f"caregiver={world.north_family.pk}" not in board

    do_unlink_input(by=staff(world, "school_leader"), link=link)
    assert not InputLink.objects.exists()


def test_an_idea_is_anonymous(world: World) -> None:
    idea = approved_idea(world, world.north_family_2, "Evening classes for Tran parents please")
    c = commitment(world)
    link = do_link_input(by=staff(world, "liaison"), commitment=c, kind="idea", object_id=idea.pk)
    assert link.caregiver_id is None
    assert link.text == f"Evening classes for {MASK} parents please"

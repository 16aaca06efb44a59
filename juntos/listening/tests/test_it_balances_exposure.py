"""Balanced exposure: each reader is offered the approved ideas with the fewest reactions
first, never their own or one they reacted to; ties are broken the same way every time for one
reader and differently across readers."""

from __future__ import annotations

from conftest import World
from juntos.listening import actions
from juntos.listening.models import Idea, Participant, Reaction
from juntos.listening.queries import next_ideas_for, participant_of
from juntos.listening.tests.helpers import open_exchange, staff


def test_fewest_reactions_first(world: World) -> None:
    exchange = open_exchange(world)
    liaison = staff(world, "liaison")
    ideas = []
    for n in range(6):
        idea = actions.do_add_idea(
            exchange=exchange,
            caregiver=world.north_family_2,
            text=f"Idea number {n}",
            channel="portal",
        )
        ideas.append(actions.do_moderate_idea(by=liaison, idea=idea, approve=True))
    held = actions.do_add_idea(
        exchange=exchange, caregiver=world.north_family_2, text="Not approved", channel="portal"
    )
    # Other readers reacted: ideas 0 and 1 twice, idea 2 once.
    others = [
        Participant.objects.create(exchange=exchange, pseudonym=f"other-{n}") for n in range(2)
    ]
    for participant in others:
        for idea in ideas[:2]:
            Reaction.objects.create(
                idea=idea, participant=participant, value="agree", channel="sms"
            )
    Reaction.objects.create(idea=ideas[2], participant=others[0], value="pass", channel="sms")

    actions.do_react(idea=ideas[3], caregiver=world.north_family, value="agree", channel="portal")
    rosa = participant_of(exchange, world.north_family)
    assert rosa is not None
    offered = next_ideas_for(rosa, 10)
    # Not the one she reacted to, not the held one; the unseen first, then 2, then 0 and 1.
    assert ideas[3] not in offered and held not in offered
    assert set(offered[:2]) == {ideas[4], ideas[5]}
    assert offered[2] == ideas[2]
    assert set(offered[3:]) == {ideas[0], ideas[1]}
    assert next_ideas_for(rosa, 10) == offered  # deterministic for one reader
    assert next_ideas_for(rosa, 1) == offered[:1]

    # The author is never offered their own ideas.
    lan = participant_of(exchange, world.north_family_2)
    assert lan is not None and lan.pk == ideas[0].author_id
    assert next_ideas_for(lan, 10) == []

    # Across readers the tie between the two unseen ideas falls both ways.
    firsts = set()
    for n in range(20):
        reader = Participant.objects.create(exchange=exchange, pseudonym=f"reader-{n}")
        firsts.add(next_ideas_for(reader, 1)[0].pk)
    assert firsts == {ideas[4].pk, ideas[5].pk}
    assert Idea.objects.filter(status="approved").count() == 6

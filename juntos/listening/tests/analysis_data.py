"""An exchange with planted opinion groups, for the opinion-map and theme-page tests.

Rows are written directly (as the Polis import does): many anonymous participants reacting is
the input here, not what is being tested.
"""

from __future__ import annotations

from collections.abc import Sequence

from conftest import World
from juntos.listening.models import Idea, IdeaExchange, IdeaRendition, Participant, Reaction
from juntos.listening.tests.helpers import open_exchange

# Group A agrees with ideas 0-4 and disagrees with 5-9; group B the reverse; group C agrees
# with 0-1 and 5-6 and disagrees with the rest. Everyone agrees with ideas 10 and 11.
SPLIT = 10
COMMON = ("Teachers who greet us by name", "Letters home in our language")


def add_ideas(exchange: IdeaExchange, texts: Sequence[str], language: str = "en") -> list[Idea]:
    return [
        Idea.objects.create(
            exchange=exchange,
            text=text,
            language=language,
            channel=Idea.Channel.PORTAL,
            status=Idea.Status.APPROVED,
        )
        for text in texts
    ]


def leaning(group: str, index: int) -> str:
    if index >= SPLIT:
        return "agree"
    if group == "A":
        return "agree" if index < 5 else "disagree"
    if group == "B":
        return "disagree" if index < 5 else "agree"
    return "agree" if index in (0, 1, 5, 6) else "disagree"


def add_participants(
    exchange: IdeaExchange, ideas: Sequence[Idea], groups: dict[str, int], *, start: int = 0
) -> dict[str, list[Participant]]:
    """``groups``: planted group → how many participants; each reacts to every idea."""
    made: dict[str, list[Participant]] = {}
    number = start
    for group, count in groups.items():
        for _ in range(count):
            participant = Participant.objects.create(
                exchange=exchange, pseudonym=f"planted-{number:04d}", language="en"
            )
            number += 1
            Reaction.objects.bulk_create(
                Reaction(
                    idea=idea,
                    participant=participant,
                    value=leaning(group, index),
                    channel=Idea.Channel.PORTAL,
                )
                for index, idea in enumerate(ideas)
            )
            made.setdefault(group, []).append(participant)
    return made


def planted_exchange(
    world: World, groups: dict[str, int]
) -> tuple[IdeaExchange, list[Idea], dict[str, list[Participant]]]:
    exchange = open_exchange(world)
    texts = [f"Idea number {i} about the school" for i in range(SPLIT)] + list(COMMON)
    ideas = add_ideas(exchange, texts)
    return exchange, ideas, add_participants(exchange, ideas, groups)


def rendition(idea: Idea, language: str, text: str) -> None:
    IdeaRendition.objects.create(
        idea=idea, language=language, text=text, method="human", status="reviewed"
    )


# Ideas about two topics, in English and in Spanish (with their English renditions): the
# late bus, the bus stop, and homework.
BUS_EN = [
    "The school bus comes late every morning",
    "The bus is always late and the kids miss breakfast",
    "Please add a bus stop closer to our apartments",
    "The bus driver should wait for the kids at the stop",
    "My son waits too long at the bus stop in the cold",
]
BUS_ES = [
    (
        "El autobús escolar llega tarde todas las mañanas",
        "The school bus arrives late every morning",
    ),
    ("La parada del autobús está muy lejos de la casa", "The bus stop is very far from home"),
]
HOMEWORK_EN = [
    "There is too much homework for young children",
    "Homework takes hours every night",
    "We need homework help after school in the library",
]
HOMEWORK_ES = [
    (
        "Demasiada tarea para los niños pequeños cada noche",
        "Too much homework for little children every night",
    ),
    ("Ayuda con la tarea en la biblioteca", "Homework help in the library"),
]


def theme_exchange(world: World) -> tuple[IdeaExchange, dict[str, Idea]]:
    """An exchange whose approved ideas are the ones above; returns them by their text."""
    exchange = open_exchange(world)
    ideas = add_ideas(exchange, BUS_EN + HOMEWORK_EN)
    for original, english in BUS_ES + HOMEWORK_ES:
        (idea,) = add_ideas(exchange, [original], "es")
        rendition(idea, "en", english)
        ideas.append(idea)
    return exchange, {idea.text: idea for idea in ideas}

"""The demo district has an idea exchange in use: ideas in eight languages, each with its
English rendition, reactions, and a commitment citing two of the ideas."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from juntos.commitments.models import Commitment
from juntos.listening.models import Idea, IdeaExchange, IdeaRendition, Reaction


@pytest.mark.django_db
def test_the_demo_has_an_exchange_and_a_commitment() -> None:
    call_command("seed_demo", "--seed", "7", "--students", "150", stdout=StringIO())
    exchange = IdeaExchange.objects.get()
    assert exchange.status == "open"
    ideas = Idea.objects.filter(exchange=exchange, status="approved")
    assert ideas.count() == 8
    assert len(set(ideas.values_list("language", flat=True))) >= 6
    english = IdeaRendition.objects.filter(idea__in=ideas, language="en")
    assert english.count() == ideas.exclude(language="en").count()
    assert english.filter(text="A Vietnamese interpreter at every meeting.").exists()
    assert Reaction.objects.filter(idea__exchange=exchange).count() > 100
    commitment = Commitment.objects.get()
    assert commitment.status == "in_progress"
    assert commitment.inputs.count() == 2

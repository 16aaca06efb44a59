"""A district copies a shipped protocol and edits its questions. Unchanged questions keep the
library's 16 languages; an edited or added question is translated through the pipeline
(here: the translation memory), and shown in English where no translation exists yet."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.listening.models import Protocol
from juntos.listening.tests.helpers import remember, staff_client
from juntos.listening.tests.session_helpers import make_session, shipped

EDITED = "What would make our school feel like home?"
EDITED_ES = "¿Qué haría que nuestra escuela se sintiera como su casa?"
ADDED = "Who should we invite next time?"
HOPES_ES = "¿Qué espera que su hijo o hija aprenda y llegue a ser?"


def test_a_copy_is_edited_and_translated(world: World) -> None:
    leader = staff_client(world, "school_leader")
    original = shipped("welcome")
    copied = leader.post("/listening/sessions/protocols/", {"protocol": original.pk})
    copy = Protocol.objects.get(district=world.district)
    assert copied.status_code == 302
    assert copied["Location"] == f"/listening/sessions/protocols/{copy.pk}/"
    first, second, third, fourth = list(copy.questions.all())
    saved = leader.post(
        f"/listening/sessions/protocols/{copy.pk}/",
        {"title": "Welcome at North", f"question_{first.pk}": EDITED,
         f"question_{second.pk}": second.text, f"question_{third.pk}": third.text,
         f"question_{fourth.pk}": "", "new_text": ADDED},
    )  # fmt: skip
    assert saved.status_code == 302
    rows = list(copy.questions.values_list("text", "key"))
    assert rows == [(EDITED, ""), (second.text, "hopes"), (third.text, "partnership"),
                    (ADDED, "")]  # fmt: skip
    assert EDITED not in original.questions.values_list("text", flat=True)

    remember(world, "en", "es", EDITED, EDITED_ES)
    session = make_session(world, protocol=copy)
    html = Client().get(f"/listening/s/{session.token}/?lang=es").content.decode()
    assert EDITED_ES in html and HOPES_ES in html
    assert f'lang="en" dir="auto">{ADDED}' in html  # no Spanish yet: English, labelled so


def test_shipped_protocols_are_copied_not_edited(world: World) -> None:
    original = shipped("dialogue")
    leader = staff_client(world, "school_leader")
    question = original.questions.first()
    assert question is not None
    posted = leader.post(
        f"/listening/sessions/protocols/{original.pk}/",
        {"title": "Mine", f"question_{question.pk}": "Changed"},
    )
    assert posted.status_code == 403
    question.refresh_from_db()
    assert question.text == "What is going well for families in our community?"
    assert staff_client(world, "teacher").get("/listening/sessions/protocols/").status_code == 403

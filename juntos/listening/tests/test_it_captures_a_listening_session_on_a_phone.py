"""The facilitator's capture screen: one question at a time in the language they choose, quick
notes (each an anonymous response with a language tag and the speaker's role), +1 buttons per
role, previous and next question: plain forms and links, no JavaScript needed. Facilitators
and the school's managers capture; other staff may not."""

from __future__ import annotations

from conftest import World
from juntos.listening.models import SessionResponse, SessionTally
from juntos.listening.tests.helpers import staff_client
from juntos.listening.tests.session_helpers import make_session

WELCOME_ES = "¿Qué ayuda a su familia a sentirse bienvenida en esta escuela?"
HOPES_ES = "¿Qué espera que su hijo o hija aprenda y llegue a ser?"


def test_the_facilitator_takes_notes_and_counts_speakers(world: World) -> None:
    session = make_session(world)
    first, second = list(session.protocol.questions.all())[:2]
    liaison = staff_client(world, "liaison")  # a facilitator who speaks Spanish
    url = f"/listening/sessions/{session.pk}/capture/"

    page = liaison.get(url).content.decode()
    assert WELCOME_ES in page  # the facilitator's language by default
    assert "Question 1 of 4" in page and "Next question" in page
    assert "Previous question" not in page

    saved = liaison.post(
        f"{url}?q=1&lang=es",
        {"action": "note", "text": "Que haya café y alguien que hable español", "language": "es",
         "role": "family"},
    )  # fmt: skip
    assert saved.status_code == 302 and saved["Location"] == f"{url}?q=1&lang=es"
    for role in ("family", "family", "staff"):
        liaison.post(f"{url}?q=1&lang=es", {"action": "count", "role": role})
    liaison.post(
        f"{url}?q=2&lang=es",
        {"action": "note", "text": "Que sea feliz", "language": "es", "role": "community"},
    )

    notes = list(SessionResponse.objects.order_by("pk").values_list(
        "question_id", "text", "language", "role", "channel"
    ))  # fmt: skip
    assert notes == [
        (first.pk, "Que haya café y alguien que hable español", "es", "family", "capture"),
        (second.pk, "Que sea feliz", "es", "community", "capture"),
    ]
    tallies = dict(SessionTally.objects.filter(question=first).values_list("role", "count"))
    assert tallies == {"family": 2, "staff": 1}

    page = liaison.get(f"{url}?q=2&lang=vi").content.decode()
    assert "Quý vị mong con mình sẽ học được gì" in page
    assert "Previous question" in page and HOPES_ES not in page
    page = liaison.get(f"{url}?q=1&lang=es").content.decode()
    assert 'data-testid="tally-family">2<' in page and 'data-testid="tally-staff">1<' in page


def test_an_empty_note_or_an_unknown_role_is_refused(world: World) -> None:
    session = make_session(world)
    liaison = staff_client(world, "liaison")
    url = f"/listening/sessions/{session.pk}/capture/?q=1"
    empty = liaison.post(url, {"action": "note", "text": "  ", "language": "es", "role": "family"})
    assert empty.status_code == 400
    assert liaison.post(url, {"action": "count", "role": "mayor"}).status_code == 400
    assert not SessionResponse.objects.exists() and not SessionTally.objects.exists()


def test_only_facilitators_and_managers_capture(world: World) -> None:
    session = make_session(world, facilitators=[])
    url = f"/listening/sessions/{session.pk}/capture/"
    assert staff_client(world, "school_leader").get(url).status_code == 200
    assert staff_client(world, "teacher").get(url).status_code == 403
    assert staff_client(world, "other_teacher").get(url).status_code == 404
    posted = staff_client(world, "teacher").post(url, {"action": "count", "role": "family"})
    assert posted.status_code == 403 and not SessionTally.objects.exists()

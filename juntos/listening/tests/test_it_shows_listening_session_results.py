"""The session's results page: each question's responses, the original with an English
rendition from the translation pipeline, and who spoke by role with counts of fewer than 5
people hidden (juntos/insights/suppression.py). The school's staff see it; another school's
staff get 404."""

from __future__ import annotations

from conftest import World
from juntos.listening import sessions
from juntos.listening.tests.helpers import remember, staff_client
from juntos.listening.tests.session_helpers import make_session

SAID_ES = "Que alguien nos reciba en español"
SAID_EN = "That someone welcomes us in Spanish"
SAID_VI = "Có người nói tiếng Việt"


def tally_row(html: str, heading: str) -> str:
    table = html.split(heading, 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return " ".join(table.replace("<tr>", "").replace("</tr>", "").split())


def test_responses_with_their_english_and_the_tally(world: World) -> None:
    session = make_session(world)
    first, second = list(session.protocol.questions.all())[:2]
    remember(world, "es", "en", SAID_ES, SAID_EN)
    sessions.do_add_note(
        session=session, question_id=first.pk, text=SAID_ES, language="es", role="family"
    )
    sessions.do_submit_family_answers(
        session=session, answers={first.pk: SAID_VI}, language="vi", role="family"
    )
    for role, times in (("family", 6), ("community", 5)):
        for _ in range(times):
            sessions.do_count_speaker(session=session, question_id=first.pk, role=role)
    for _ in range(2):
        sessions.do_count_speaker(session=session, question_id=second.pk, role="family")

    html = staff_client(world, "teacher").get(f"/listening/sessions/{session.pk}/").content.decode()
    assert "What we heard (2 responses)" in html
    first_list = html.split('data-testid="responses-1"')[1].split("</ul>")[0]
    assert SAID_ES in first_list and f"In English: {SAID_EN}" in first_list
    assert SAID_VI in first_list  # no translation into English yet: the original only
    assert "Facilitator notes" in first_list and "Web page" in first_list
    # Whole session: 8 family members, 5 community members, no staff, 13 in all.
    assert tally_row(html, "Who spoke") == "<td>8</td><td>5</td><td>0</td><td>13</td>"
    # The second question: 2 family members is too few to show, and so is the total.
    second_part = html.split(f"2. {second.text}")[1]
    assert "<td>fewer than 5</td>" in tally_row(second_part, "</h3>")
    assert "<td>2</td>" not in tally_row(second_part, "</h3>")


def test_another_school_cannot_see_the_results(world: World) -> None:
    session = make_session(world)
    url = f"/listening/sessions/{session.pk}/"
    assert staff_client(world, "other_teacher").get(url).status_code == 404
    assert staff_client(world, "counselor").get(url).status_code == 200
    listed = staff_client(world, "other_teacher").get("/listening/sessions/").content.decode()
    assert session.title not in listed

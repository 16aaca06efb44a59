"""Setting up a listening session: school, title, date, modality, languages, protocol and
facilitators; staff who share the families' languages are suggested (a plain form button, no
JavaScript). School leaders, liaisons and the district admin set sessions up; teachers may not."""

from __future__ import annotations

from conftest import World
from juntos.listening.models import ListeningSession
from juntos.listening.tests.helpers import staff_client
from juntos.listening.tests.session_helpers import shipped, staff
from juntos.people import models as m


def suggested(page: str) -> str:
    return page.split("Suggested facilitators")[1].split("</p>")[0]


def checked(page: str) -> set[str]:
    boxes = page.split('name="facilitators" value="')[1:]
    return {box.split('"')[0] for box in boxes if box.split(">")[0].endswith("checked")}


def test_the_families_languages_suggest_facilitators(world: World) -> None:
    leader = staff_client(world, "school_leader")
    liaison, counselor = staff(world, "liaison"), staff(world, "counselor")
    # North's families read Spanish (Rosa) and Vietnamese (Lan); the liaison speaks Spanish.
    page = leader.get("/listening/sessions/new/").content.decode()
    assert liaison.display_name in suggested(page)
    assert counselor.display_name not in suggested(page)
    assert checked(page) == {str(liaison.pk)}

    counselor.languages = ["vi"]
    counselor.save(update_fields=["languages"])
    page = leader.get("/listening/sessions/new/").content.decode()
    assert checked(page) == {str(liaison.pk), str(counselor.pk)}

    vietnamese = leader.post(
        "/listening/sessions/new/",
        {"suggest": "1", "school": world.north.pk, "languages": ["vi"], "title": "Tết"},
    ).content.decode()
    assert counselor.display_name in suggested(vietnamese)
    assert liaison.display_name not in suggested(vietnamese)
    assert checked(vietnamese) == {str(counselor.pk)}
    assert 'value="Tết"' in vietnamese  # what was typed is kept
    assert not ListeningSession.objects.exists()


def test_a_leader_creates_a_session(world: World) -> None:
    leader = staff_client(world, "school_leader")
    protocol = shipped("needs")
    liaison = staff(world, "liaison")
    response = leader.post(
        "/listening/sessions/new/",
        {
            "school": world.north.pk,
            "title": "Café con la directora",
            "date": "2026-12-03",
            "modality": "phone",
            "languages": ["es", "vi"],
            "protocol": protocol.pk,
            "facilitators": [liaison.pk],
        },
    )
    session = ListeningSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/listening/sessions/{session.pk}/"
    assert (session.school, session.title, str(session.date)) == (
        world.north,
        "Café con la directora",
        "2026-12-03",
    )
    assert session.modality == "phone" and session.languages == ["es", "vi"]
    assert session.protocol == protocol and list(session.facilitators.all()) == [liaison]
    assert len(session.token) >= 32
    page = leader.get(response["Location"]).content.decode()
    assert "No facilitator speaks:" in page and "Vietnamese" in page
    assert f"/listening/s/{session.token}/" in page


def test_a_session_needs_a_language_and_a_teacher_cannot_create(world: World) -> None:
    leader = staff_client(world, "school_leader")
    missing = leader.post(
        "/listening/sessions/new/",
        {"school": world.north.pk, "title": "Night", "date": "2026-12-03",
         "modality": "virtual", "protocol": shipped().pk},
    )  # fmt: skip
    assert missing.status_code == 400 and not ListeningSession.objects.exists()
    assert staff_client(world, "teacher").get("/listening/sessions/new/").status_code == 403
    south = m.School.objects.get(pk=world.south.pk)
    outside = leader.post(
        "/listening/sessions/new/",
        {"school": south.pk, "title": "Night", "date": "2026-12-03", "modality": "virtual",
         "languages": ["es"], "protocol": shipped().pk},
    )  # fmt: skip
    assert outside.status_code == 400 and not ListeningSession.objects.exists()

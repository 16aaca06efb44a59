"""A signed-in family reads the invitation in Spanish and answers with childcare for two
children; the school leader sees the answer and the childcare count."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.events.models import Rsvp
from juntos.events.tests.helpers import (
    TITLE_ES,
    family_client,
    invite_class,
    make_event,
    remember_spanish,
)


def test_the_family_answers_in_spanish_and_staff_see_it(world: World) -> None:
    remember_spanish(world)
    event = make_event(world, options=2)
    invite_class(world, event)
    family = family_client(world.north_family)
    url = f"/events/e/{event.pk}/"

    page = family.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Le invitamos a {TITLE_ES}" in html
    assert 'lang="es"' in html
    assert "¿Cuántos niños necesitan cuidado infantil?" in html
    assert "Sí, iré" in html
    # The supports offered, in Spanish (the test event offers childcare, transport, interpreters).
    assert "En este evento ofrecemos:" in html
    assert "<li>cuidado infantil</li>" in html and "<li>comida</li>" not in html

    second = event.time_options.order_by("starts_at")[1]
    response = family.post(
        url,
        {
            "answer": "yes",
            "time_option": second.pk,
            "childcare_children": "2",
            "needs_ride": "on",
            "interpreter_language": "es",
        },
    )
    assert response.status_code == 302
    rsvp = Rsvp.objects.get(event=event, caregiver=world.north_family)
    assert (rsvp.answer, rsvp.channel, rsvp.childcare_children) == ("yes", "portal", 2)
    assert rsvp.time_option == second and rsvp.needs_ride and rsvp.interpreter_language == "es"
    assert "Gracias, guardamos su respuesta" in family.get(response["Location"]).content.decode()

    leader = Client()
    leader.force_login(world.personas["school_leader"])
    staff_page = leader.get(f"/events/{event.pk}/").content.decode()
    assert 'data-testid="childcare-total">2<' in staff_page
    assert "Rosa" in staff_page and "childcare for 2 children" in staff_page


def test_bad_input_is_refused_and_the_saved_answer_kept(world: World) -> None:
    event = make_event(world)
    invite_class(world, event)
    family = family_client(world.north_family)
    url = f"/events/e/{event.pk}/"
    family.post(url, {"answer": "yes", "childcare_children": "1"})
    response = family.post(url, {"answer": "yes", "childcare_children": "99"})
    assert response.status_code == 400
    assert Rsvp.objects.get().childcare_children == 1


def test_only_invited_families_see_the_event(world: World) -> None:
    event = make_event(world)
    invite_class(world, event)
    assert family_client(world.south_family).get(f"/events/e/{event.pk}/").status_code == 404
    assert family_client(world.north_family_2).get(f"/events/e/{event.pk}/").status_code == 404
    # No family session: the page that sends a new link.
    response = Client().get(f"/events/e/{event.pk}/")
    assert response.status_code == 302 and "/events/" not in response["Location"]
    # A staff sign-in is not a family session.
    staff = Client()
    staff.force_login(world.personas["school_leader"])
    assert staff.get(f"/events/e/{event.pk}/").status_code == 302

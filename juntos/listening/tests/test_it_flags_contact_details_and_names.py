"""Automatic moderation flags: phone numbers, email addresses and names on the district's
roster (students and caregivers, one to three words), found in any script; plain ideas have
none. Every idea waits for a moderator either way."""

from __future__ import annotations

from conftest import World
from juntos.listening import actions
from juntos.listening.tests.helpers import open_exchange
from juntos.testing import factories as f


def flags(world: World, text: str) -> set[tuple[str, str]]:
    return {(x["kind"], x["text"]) for x in actions.find_flags(text, district_id=world.district.pk)}


def test_it_flags_what_a_moderator_must_see(world: World) -> None:
    f.student(district=world.district, given_name="María José", family_name="De la Cruz")
    assert flags(world, "Call me at (555) 867-5309 please") == {("phone", "(555) 867-5309")}
    assert flags(world, "Viết cho tôi: lan.tran+school@mail.example.vn") == {
        ("email", "lan.tran+school@mail.example.vn")
    }
    # Roster names, whatever their case, including a three-word family name.
    assert flags(world, "The teacher of minh was unfair") == {("name", "minh")}
    assert ("name", "De la Cruz") in flags(world, "La familia De la Cruz necesita ayuda")
    assert ("name", "María José") in flags(world, "María José no tiene transporte")
    # Ordinary ideas, short numbers and dates are not flagged.
    assert flags(world, "More evening meetings, 2 or 3 times a year, in 2026.") == set()
    assert flags(world, "Thêm lớp học tiếng Anh buổi tối cho phụ huynh.") == set()


def test_every_new_idea_is_held_with_its_flags(world: World) -> None:
    exchange = open_exchange(world)
    idea = actions.do_add_idea(
        exchange=exchange, caregiver=world.north_family, text="Ana needs a bus", channel="portal"
    )
    plain = actions.do_add_idea(
        exchange=exchange, caregiver=world.north_family, text="More buses", channel="portal"
    )
    assert (idea.status, idea.flags) == ("pending", [{"kind": "name", "text": "Ana"}])
    assert (plain.status, plain.flags) == ("pending", [])

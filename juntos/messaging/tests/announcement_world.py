"""Rows the announcement pages' tests and the URL authorization matrix share.

Each helper builds its rows once per ``world`` (kept on the object), from North Elementary:
a draft announcement by North's leader to Room 4, a saved list of North, a printed paper
batch with one letter.
"""

from __future__ import annotations

from typing import Any

from juntos.messaging import actions
from juntos.messaging.models import Announcement, AudienceList, PaperBatch
from juntos.people import models as m
from juntos.testing import factories as f


def staff_of(world: Any, persona: str) -> m.Staff:
    return m.Staff.objects.select_related("user", "district").get(user=world.personas[persona])


def north_draft(world: Any) -> Announcement:
    if getattr(world, "_north_draft", None) is None:
        world._north_draft = actions.do_save_announcement_draft(
            by=staff_of(world, "school_leader"),
            audience_kind="section",
            audience_ref={"ids": [world.north_class.pk]},
            subject="Field trip",
            body="The field trip is on Friday.",
            source_language="en",
        )
    draft: Announcement = world._north_draft
    return draft


def north_list(world: Any) -> AudienceList:
    if getattr(world, "_north_list", None) is None:
        world._north_list = actions.do_create_audience_list(
            by=staff_of(world, "school_leader"),
            school=world.north,
            name="Family committee",
            caregiver_ids=[world.north_family.pk, world.north_family_2.pk],
        )
    saved: AudienceList = world._north_list
    return saved


def paper_family(world: Any, *, language: str = "es", given_name: str = "Papel") -> m.Caregiver:
    """A North family reached on paper only (Room 4)."""
    family = f.caregiver(
        district=world.district,
        given_name=given_name,
        preferred_language=language,
        channel_preferences=["paper"],
    )
    f.link(family, world.north_student, m.Relationship.FATHER)
    return family


def north_batch(world: Any) -> PaperBatch:
    if getattr(world, "_north_batch", None) is None:
        leader = staff_of(world, "school_leader")
        paper_family(world)
        actions.do_send_announcement(
            by=leader,
            audience_kind="section",
            audience_ref={"ids": [world.north_class.pk]},
            body="School pictures are on Tuesday.",
            source_language="en",
            school=world.north,
        )
        world._north_batch = actions.do_print_paper_batch(by=leader)
    batch: PaperBatch = world._north_batch
    return batch


def client_as(world: Any, persona: str) -> Any:
    from django.test import Client

    client = Client()
    if world.personas[persona] is not None:
        client.force_login(world.personas[persona])
    return client


def room4_family(
    world: Any,
    given_name: str,
    language: str,
    *,
    channels: tuple[str, ...] = ("sms",),
    phone: str = "",
    email: str = "",
    sms: bool = True,
) -> m.Caregiver:
    """A caregiver of Ana (North, Room 4) with a phone and/or an email."""
    family = f.caregiver(
        district=world.district,
        given_name=given_name,
        preferred_language=language,
        channel_preferences=list(channels),
    )
    f.link(family, world.north_student, m.Relationship.OTHER)
    if phone:
        m.ContactPoint.objects.create(caregiver=family, kind="phone", value=phone, sms_capable=sms)
    if email:
        m.ContactPoint.objects.create(caregiver=family, kind="email", value=email)
    return family


def remember(
    world: Any,
    source: str,
    language: str,
    text: str,
    *,
    method: str,
    status: str,
    reviewed_by: Any = None,
    provider: str = "",
) -> None:
    from juntos.language import actions as language_actions

    language_actions.do_remember_translation(
        district_id=world.district.pk,
        source_language="en",
        target_language=language,
        source_text=source,
        target_text=text,
        method=method,
        status=status,
        reviewed_by=reviewed_by,
        provider=provider,
    )


class Node:
    """An HTML element read by :func:`parse` (the standard library's parser: no extra package)."""

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[Node | str] = []

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def text(self, separator: str = " ") -> str:
        parts: list[str] = []
        for child in self.children:
            parts.append(child.strip() if isinstance(child, str) else child.text(separator))
        return separator.join(p for p in parts if p)

    def find_all(self, tag: str = "", **attrs: str) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                classes = child.attrs.get("class", "").split()
                if (not tag or child.tag == tag) and all(
                    (value in classes) if key == "class_" else child.attrs.get(key) == value
                    for key, value in attrs.items()
                ):
                    found.append(child)
                found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str = "", **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'}> with {attrs}"
        return found[0]


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


def parse(html: bytes | str) -> Node:
    from html.parser import HTMLParser

    root = Node("document", {})
    stack = [root]

    class Builder(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            node = Node(tag, {k: v or "" for k, v in attrs})
            stack[-1].children.append(node)
            if tag not in _VOID:
                stack.append(node)

        def handle_endtag(self, tag: str) -> None:
            for index in range(len(stack) - 1, 0, -1):
                if stack[index].tag == tag:
                    del stack[index:]
                    break

        def handle_data(self, data: str) -> None:
            stack[-1].children.append(data)

    Builder().feed(html.decode() if isinstance(html, bytes) else html)
    return root

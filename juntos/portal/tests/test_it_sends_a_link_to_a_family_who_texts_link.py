"""A family who texts LINK (or ENLACE, رابط…) alone gets a new sign-in link by text; a sentence
with the word in it still reaches the inbox."""

from __future__ import annotations

from typing import Any

import pytest

from juntos.messaging.actions import do_receive_sms
from juntos.messaging.models import InboundPayload, Message
from juntos.people import models as m
from juntos.portal.replies import is_link_request
from juntos.portal.tests.conftest import ROSA_PHONE, links_sent


def text_from_rosa(body: str, capture: Any) -> str:
    payload = InboundPayload.objects.create(
        kind="sms", payload={"From": ROSA_PHONE, "To": "+15005550006", "Body": body}
    )
    with capture(execute=True):
        result, status = do_receive_sms(payload=payload)
    assert status == 200
    return result.outcome


@pytest.mark.parametrize(
    "word", ["LINK", "enlace", "Enlace!", " lien ", "رابط", "Liên kết", "링크"]
)
def test_link_words_in_our_languages(word: str) -> None:
    assert is_link_request(word)


@pytest.mark.parametrize("text", ["", "the link does not work", "STOP", "enlaces rotos"])
def test_sentences_are_not_link_requests(text: str) -> None:
    assert not is_link_request(text)


def test_enlace_sends_a_new_link_and_stays_out_of_the_inbox(
    rosa: m.Caregiver, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://juntos.example"
    assert text_from_rosa("Enlace", django_capture_on_commit_callbacks) == "portal_link"
    [token] = links_sent()
    assert not Message.objects.filter(direction="in").exists()
    assert text_from_rosa("El enlace no funciona", django_capture_on_commit_callbacks) == "reply"
    assert Message.objects.filter(direction="in").count() == 1
    assert links_sent() == [token]


def test_without_a_public_address_the_text_goes_to_the_inbox(
    rosa: m.Caregiver, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PUBLIC_BASE_URL = ""
    assert text_from_rosa("LINK", django_capture_on_commit_callbacks) == "reply"
    assert links_sent() == []

"""Other apps' say in a family's text reply, before it becomes a conversation message.

An SMS reply can be an answer to something the school asked: "1" to an event invitation, a
slot number to a conference offer. Apps that ask such questions register a handler here (in
their ``AppConfig.ready``); ``actions.do_receive_sms`` offers each reply to the handlers, in
order, after the STOP/START/HELP keywords and before threading it into the inbox. A handler
claims a reply only when it is clearly an answer to an open question of its own; anything else
(a sentence, a question, a reply with no open question) goes to the inbox as before, so that a
family's words are never swallowed by a menu.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from juntos.people.models import Caregiver


@dataclass(frozen=True)
class Reply:
    """A text from a known number. ``caregivers`` share the number (the first is the one the
    inbox would use); ``known`` are their recorded languages, a prior for reading words."""

    caregivers: Sequence[Caregiver]
    body: str
    known: Sequence[str]
    phone: str
    received_at: datetime


@dataclass(frozen=True)
class Handled:
    """A claimed reply: ``by`` names the handler (stored as the payload's outcome), ``answer``
    is the text to send back at once (in the family's language), or "" for none."""

    by: str
    answer: str = ""


Handler = Callable[[Reply], Handled | None]
# Whether an app has an open question for the caregivers of a reply (no side effects).
Awaits = Callable[[Reply], bool]

_handlers: list[tuple[Handler, Awaits | None]] = []


def register_reply_handler(handler: Handler, *, awaits: Awaits | None = None) -> None:
    """Offer replies to ``handler``. An app that asks families questions also passes
    ``awaits``, so that a reply is not given to one app while another waits for an answer too."""
    if all(registered is not handler for registered, _ in _handlers):
        _handlers.append((handler, awaits))


def unregister_reply_handler(handler: Handler) -> None:
    _handlers[:] = [(h, a) for h, a in _handlers if h is not handler]


def handle(reply: Reply) -> Handled | None:
    """The first handler's claim on ``reply``, or None when none claims it.

    When two apps each wait for an answer from these caregivers (an event invitation and a
    conference offer), a bare "1" could answer either: nobody claims it, and a person in the
    inbox asks the family what they meant.
    """
    waiting = [handler for handler, awaits in _handlers if awaits is not None and awaits(reply)]
    if len(waiting) > 1:
        return None
    for handler, _ in _handlers:
        handled = handler(reply)
        if handled is not None:
            return handled
    return None

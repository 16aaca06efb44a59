"""A new link by text message: a family texts LINK (or the word in their language) alone.

Claimed through the messaging replies hook (``juntos.messaging.replies``), after STOP, START
and HELP and before the inbox: a lone link word never becomes a conversation message. The link
is sent as its own message (``do_send_magic_link`` on SMS, to the number that asked), so the
immediate answer is empty. Words are matched like the opt-out keywords
(``juntos.language.keywords.normalize``: any case, with or without accents, punctuation at the
ends ignored); every language's word counts, whatever the record says: alone, none of them
means anything else.

Links need an absolute address: with no ``PUBLIC_BASE_URL`` set, the text is not claimed and
reaches the inbox like any other (a staff member can answer it).
"""

from __future__ import annotations

import contextlib

from django.conf import settings

from juntos.language.keywords import normalize
from juntos.messaging.replies import Handled, Reply

LINK_WORDS: frozenset[str] = frozenset(
    normalize(word)
    for word in (
        "link",  # en, pt, tl, hmn (the English word is the one printed on our letters)
        "enlace",  # es
        "lien",  # fr
        "رابط",  # ar
        "liên kết",  # vi
        "链接",  # zh (simplified)
        "鏈接",  # zh (traditional)
        "xiriir",  # so
        "lyen",  # ht
        "ссылка",  # ru
        "посилання",  # uk
        "لینک",  # fa-AF, ps
        "링크",  # ko
    )
)


def is_link_request(body: str) -> bool:
    return normalize(body) in LINK_WORDS


def handle_link_request(reply: Reply) -> Handled | None:
    if not settings.PUBLIC_BASE_URL or not is_link_request(reply.body) or not reply.caregivers:
        return None
    from juntos.portal.actions import RateLimitedError, do_send_magic_link

    with contextlib.suppress(RateLimitedError):
        do_send_magic_link(caregiver=reply.caregivers[0], channel="sms")
    return Handled(by="portal_link")

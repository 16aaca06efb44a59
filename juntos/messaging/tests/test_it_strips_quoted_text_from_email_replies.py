"""The family's own words of an email reply: quoted messages, attributions, Outlook headers,
signatures and mobile footers removed, in the languages families write in."""

from __future__ import annotations

import pytest

from juntos.messaging.email_inbound import html_to_text, reply_body, strip_quoted_reply

GMAIL_EN = """Thank you, we will be there on Friday.

On Tue, Nov 24, 2026 at 6:05 PM Ms. Ana García <agarcia@riverside.k12.us> wrote:
> Dear families, the field trip is on Friday.
> Please sign the permission slip.
"""

GMAIL_ES_WRAPPED = """Sí, mi hija va a ir. ¿Necesita llevar almuerzo?

El mar, 24 nov 2026 a las 18:05, Ana García (<
agarcia@riverside.k12.us>) escribió:

> Estimadas familias, la excursión es el viernes.
"""

GMAIL_FR = """Merci beaucoup, il sera là.

Le mar. 24 nov. 2026 à 18:05, Ana García <agarcia@riverside.k12.us> a écrit :
> Chères familles,
"""

GMAIL_PT = """Obrigada pela mensagem. Ele vai sim.

Em ter., 24 de nov. de 2026 às 18:05, Ana García <agarcia@riverside.k12.us>
escreveu:

> Queridas famílias,
"""

GMAIL_VI = """Cảm ơn cô, cháu sẽ đi.

Vào Th 3, 24 thg 11, 2026 vào lúc 18:05 Ana García <agarcia@riverside.k12.us> đã viết:
> Kính gửi quý phụ huynh,
"""

OUTLOOK_EN = """Yes, I can come to the meeting at 4.

Sent from my iPhone

________________________________
From: Ana García <agarcia@riverside.k12.us>
Sent: Tuesday, November 24, 2026 6:05 PM
To: Rosa Lopez <rosa.lopez@example.com>
Subject: Parent-teacher conference

Dear Rosa, can you come on Thursday?
"""

OUTLOOK_ES = """Sí puedo ir el jueves.

Obtener Outlook para Android

________________________________
De: Ana García <agarcia@riverside.k12.us>
Enviado: martes, 24 de noviembre de 2026 18:05
Para: Rosa Lopez <rosa.lopez@example.com>
Asunto: Conferencia
"""

OUTLOOK_ORIGINAL = """Ok, thanks!

-----Original Message-----
From: Ana García [mailto:agarcia@riverside.k12.us]
Sent: Tuesday, November 24, 2026 6:05 PM
"""

SIGNATURE = """Nos vemos mañana.

--
Rosa Lopez
(555) 555-0101
"""

MOBILE_ES = """Gracias maestra

Enviado desde mi iPhone"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GMAIL_EN, "Thank you, we will be there on Friday."),
        (GMAIL_ES_WRAPPED, "Sí, mi hija va a ir. ¿Necesita llevar almuerzo?"),
        (GMAIL_FR, "Merci beaucoup, il sera là."),
        (GMAIL_PT, "Obrigada pela mensagem. Ele vai sim."),
        (GMAIL_VI, "Cảm ơn cô, cháu sẽ đi."),
        (OUTLOOK_EN, "Yes, I can come to the meeting at 4."),
        (OUTLOOK_ES, "Sí puedo ir el jueves."),
        (OUTLOOK_ORIGINAL, "Ok, thanks!"),
        (SIGNATURE, "Nos vemos mañana."),
        (MOBILE_ES, "Gracias maestra"),
    ],
    ids=[
        "gmail-en", "gmail-es-wrapped", "gmail-fr", "gmail-pt", "gmail-vi", "outlook-en",
        "outlook-es", "original-message", "signature", "mobile-footer",
    ],
)  # fmt: skip
def test_it_keeps_only_the_new_words(text: str, expected: str) -> None:
    assert strip_quoted_reply(text) == expected


def test_interleaved_quotes_are_dropped_and_the_answers_kept() -> None:
    text = "> What time?\nAt 4 pm.\n> Who is coming?\nMy husband and I.\r\n"
    assert strip_quoted_reply(text) == "At 4 pm.\nMy husband and I."


def test_a_family_sentence_that_merely_starts_like_an_attribution_is_kept() -> None:
    text = "El jueves no puedo, pero el viernes sí.\nOn Friday I am free."
    assert strip_quoted_reply(text) == text


def test_html_only_replies_lose_their_blockquote() -> None:
    markup = (
        "<div dir='ltr'>Gracias,<br>llegaré a las 3 &amp; media.</div>"
        '<div class="gmail_quote"><div>El mar, 24 nov 2026, Ana escribió:</div>'
        "<blockquote>Estimadas familias</blockquote></div>"
    )
    assert html_to_text(markup).strip() == "Gracias,\nllegaré a las 3 & media."
    assert reply_body({"html": markup}) == "Gracias,\nllegaré a las 3 & media."


def test_a_reply_written_only_in_the_subject_keeps_the_subject() -> None:
    fields = {"subject": "RE: Re: Sí, allí estaremos", "text": "> Estimadas familias\n"}
    assert reply_body(fields) == "Sí, allí estaremos"

"""Paper letters: a PDF batch, one letter (one page or more) per family, each in its language.

Families with no phone and no email still hear from the school, in their language
(DESIGN.md section 2, rule 2). The caller passes text that is already translated; this module
only lays it out: a Django template (``messaging/letter.html``) and a stylesheet
(``messaging/letter.css``) rendered by WeasyPrint. Each letter carries its own ``lang`` and
``dir``, so one batch can mix Arabic (right to left, Naskh) with Chinese and Korean (each with
its own CJK font) and Vietnamese. The fonts are the Noto families from the Debian packages
``fonts-noto-core`` and ``fonts-noto-cjk``; see ``docs/paper-letters.md``.

:func:`render_letters` is the whole renderer. :class:`PaperChannel` is the channel adapter: it
puts one message into a batch and the worker renders the batch.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import weasyprint
from django.template import Context, Engine
from weasyprint.urls import URLFetcher

from juntos.language import registry
from juntos.messaging.channels.base import OutboundMessage, Outcome, SendResult

PaperSize = Literal["letter", "A4"]

# CSS page-size keywords; the value goes into the template, so only these two ever reach it.
_PAGE_SIZES: Final[dict[str, str]] = {"letter": "letter", "A4": "A4"}

_APP_DIR: Final = Path(__file__).resolve().parent.parent
_TEMPLATE_DIR: Final = _APP_DIR / "templates"
_TEMPLATE_NAME: Final = "messaging/letter.html"
_STYLESHEET: Final = _APP_DIR / "static" / "messaging" / "letter.css"

# Keys of OutboundMessage.metadata that PaperChannel reads (the worker fills them in).
META_ADDRESS: Final = "address"  # postal address lines joined with "\n"; may be empty
META_SCHOOL_NAME: Final = "school_name"
META_DATE_TEXT: Final = "date_text"  # the date, already written in the letter's language
META_REPLY_INSTRUCTIONS: Final = "reply_instructions"

# C0 and C1 control characters other than tab and newline: rosters and translation providers
# sometimes carry them, and a font has no glyph for them (they would print as empty boxes).
_CONTROL_CHARACTERS: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_LINE: Final = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Letter:
    """One family's letter. Every text is already in ``language``; nothing is translated here."""

    recipient_name: str
    address_lines: list[str]  # may be empty: a letter carried home in a backpack has no address
    language: str  # BCP 47 tag, as the registry knows it (``fa-AF`` for Dari)
    school_name: str
    date_text: str
    subject: str
    body: str  # paragraphs separated by blank lines; single newlines are kept
    reply_instructions: str  # how to answer on paper, in ``language``
    idempotency_key: str  # printed small in the footer to match returned mail to its delivery


@dataclass(frozen=True)
class _LetterView:
    """What the template needs for one letter: cleaned text and the language's layout facts."""

    lang: str
    dir: str
    language_name: str
    reference: str
    school_name: str
    date_text: str
    recipient_name: str
    address_lines: list[str]
    subject: str
    body_paragraphs: list[str]
    reply_paragraphs: list[str]


def _clean(text: str) -> str:
    # NFC because some sources send Vietnamese decomposed (base letter + combining marks); the
    # fonts have the precomposed letters, which position the stacked marks better.
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL_CHARACTERS.sub("", text).strip()


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _BLANK_LINE.split(_clean(text)) if p.strip()]


def _prepare(letter: Letter) -> _LetterView:
    """Check one letter and clean its text; raise ValueError naming the letter if it is unusable."""
    reference = _one_line(letter.idempotency_key)
    if not reference:
        raise ValueError("a paper letter needs an idempotency key")
    try:
        language = registry.get(letter.language)
    except registry.InvalidLanguage as error:
        raise ValueError(f"letter {reference}: {error}") from error
    body = _paragraphs(letter.body)
    if not body:
        raise ValueError(f"letter {reference}: the body is empty")
    return _LetterView(
        lang=language.code,
        dir="rtl" if language.rtl else "ltr",
        # The autonym (العربية, 中文, Tiếng Việt): tells the family, the liaison and the mail room
        # which language the page is in without any English label.
        language_name=language.native_name,
        reference=reference,
        school_name=_one_line(letter.school_name),
        date_text=_one_line(letter.date_text),
        recipient_name=_one_line(letter.recipient_name),
        address_lines=[line for line in map(_one_line, letter.address_lines) if line],
        subject=_one_line(letter.subject),
        body_paragraphs=body,
        reply_paragraphs=_paragraphs(letter.reply_instructions),
    )


@functools.cache
def _engine() -> Engine:
    # A standalone engine reads the template by path, so rendering does not depend on
    # juntos.messaging being in INSTALLED_APPS or on the project's TEMPLATES setting.
    return Engine(dirs=[str(_TEMPLATE_DIR)], autoescape=True)


@functools.cache
def _stylesheet_text() -> str:
    return _STYLESHEET.read_text(encoding="utf-8")


def letters_html(letters: Sequence[Letter], *, paper_size: PaperSize = "letter") -> str:
    """The HTML that :func:`render_letters` prints (useful for an on-screen preview)."""
    if paper_size not in _PAGE_SIZES:
        raise ValueError(f"paper size must be one of {sorted(_PAGE_SIZES)}, not {paper_size!r}")
    if not letters:
        raise ValueError("a batch needs at least one letter")
    views = [_prepare(letter) for letter in letters]
    seen: set[str] = set()
    for view in views:
        # Two letters with one key would be one delivery printed twice: a bug upstream.
        if view.reference in seen:
            raise ValueError(f"letter {view.reference} appears twice in the batch")
        seen.add(view.reference)
    langs = {view.lang for view in views}
    dirs = {view.dir for view in views}
    context = {
        # "mul" is the BCP 47 tag for several languages; each letter says its own.
        "batch_lang": langs.pop() if len(langs) == 1 else "mul",
        "batch_dir": dirs.pop() if len(dirs) == 1 else "ltr",
        "page_size": _PAGE_SIZES[paper_size],
        "letters": views,
    }
    return _engine().get_template(_TEMPLATE_NAME).render(Context(context))


def _no_fetching() -> URLFetcher:
    # The letters reference no URL. Refusing every fetch (and failing loudly) keeps a URL that
    # slipped into a template from reaching the network or the file system.
    return URLFetcher(allowed_protocols=frozenset(), fail_on_errors=True)


def render_letters(letters: Sequence[Letter], *, paper_size: PaperSize = "letter") -> bytes:
    """Render ``letters`` to one PDF: each letter starts on a new page, in its own language.

    Raises ValueError for an empty batch, an unknown language, an empty body, a missing or
    repeated idempotency key. Missing glyphs are not errors here: WeasyPrint logs them as
    warnings on the ``weasyprint`` logger (the test suite checks that the demo languages have
    none).
    """
    html = letters_html(letters, paper_size=paper_size)
    fetcher = _no_fetching()
    stylesheet = weasyprint.CSS(string=_stylesheet_text(), url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[stylesheet])
    return pdf


def letter_from_message(message: OutboundMessage) -> Letter:
    """Build a letter from a message the worker prepared for paper (see the ``META_*`` keys)."""
    meta = message.metadata
    return Letter(
        recipient_name=message.recipient_name,
        address_lines=meta.get(META_ADDRESS, "").split("\n"),
        language=message.language,
        school_name=meta.get(META_SCHOOL_NAME, ""),
        date_text=meta.get(META_DATE_TEXT, ""),
        subject=message.subject,
        body=message.body,
        reply_instructions=meta.get(META_REPLY_INSTRUCTIONS, ""),
        idempotency_key=message.idempotency_key,
    )


class PaperChannel:
    """The paper channel adapter: collects letters into one print batch; prints nothing itself.

    ``send`` checks that the message can be printed as a letter and adds it to this batch,
    then answers ``Outcome.DELIVERED`` with the batch reference as ``provider_id``. That is as
    far as software can see a paper letter: the PDF still has to be rendered (:meth:`render`),
    stored, printed, folded and mailed or sent home with the student by people, and nothing
    tells Juntos whether the family read it. Staff record returned mail by the reference
    printed in each letter's footer.

    The letters live only in this object until :meth:`render`: the worker must render and
    store the PDF *before* it records the deliveries as delivered, or a crash in between would
    mark letters delivered that were never printed.

    Sending the same ``idempotency_key`` twice adds the letter once. A message that cannot be a
    letter (unknown language, empty body, no key) is ``Outcome.FAILED``: rendering it again would
    not help, so the worker moves on to the caregiver's next channel.
    """

    name = "paper"

    def __init__(self, *, batch_reference: str) -> None:
        if not batch_reference.strip():
            raise ValueError("a paper batch needs a reference")
        self.batch_reference = batch_reference
        self._letters: dict[str, Letter] = {}

    @property
    def letters(self) -> list[Letter]:
        """The batch, in the order the messages were sent."""
        return list(self._letters.values())

    def send(self, message: OutboundMessage) -> SendResult:
        letter = letter_from_message(message)
        try:
            _prepare(letter)
        except ValueError as error:
            return SendResult(outcome=Outcome.FAILED, error=str(error))
        self._letters.setdefault(letter.idempotency_key, letter)
        return SendResult(outcome=Outcome.DELIVERED, provider_id=self.batch_reference)

    def render(self, *, paper_size: PaperSize = "letter") -> bytes:
        """The batch as one PDF (ValueError when nothing was sent)."""
        return render_letters(self.letters, paper_size=paper_size)

"""The printed data walk: one PDF for a team meeting, the same charts in each team language.

A data walk (seed 003) puts a few charts in front of staff and families and asks two questions
of each: *What do you notice? What do you wonder?* This module prints it: for every language
asked for, one page per chart, with the two prompts and ruled lines to write on.

How the text gets translated: :func:`render_walk_pdf` takes *callables* for the title, the
charts and the prompts, and calls each one under ``translation.override(language)`` for every
language in turn. The caller writes them with ``gettext`` as usual, so the module itself holds
no message ids and a language missing from a catalog falls back the way Django does.

How a chart gets on paper: vl-convert compiles its Vega-Lite spec (:mod:`juntos.insights.charts`)
to SVG with no browser; the SVG goes inline into the HTML (``insights/walk_pdf.html``), which
WeasyPrint prints. Vega writes text as SVG ``<text>`` and WeasyPrint draws SVG text with real
fonts, so axis titles, legends and labels stay text in the PDF: they can be searched, copied,
read aloud and found by a text extractor (the tests use ``pdftotext``). The chart's title is
printed by the HTML page itself, above the drawing.

One exception: WeasyPrint draws SVG text one character at a time, which leaves Arabic-script
letters unjoined and in left-to-right order. A chart with any right-to-left or combining-mark
text (:func:`needs_shaping`) is therefore drawn as a PNG by vl-convert's own renderer, which
shapes and orders it correctly; its title, description and prompts are still HTML text,
right to left. See docs/data-walk.md.
"""

from __future__ import annotations

import base64
import functools
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import vl_convert
import weasyprint
from django.template import Context, Engine
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from weasyprint.urls import URLFetcher

from juntos.insights.charts import VEGA_LITE_VERSION, Chart
from juntos.language import registry

PaperSize = Literal["letter", "A4"]
_PAGE_SIZES: Final[dict[str, str]] = {"letter": "letter", "A4": "A4"}

_TEMPLATE_DIR: Final = Path(__file__).resolve().parent / "templates"
_TEMPLATE_NAME: Final = "insights/walk_pdf.html"

# Seed 003 and the issue: a walk is 6 to 10 charts; fewer is allowed (a new school has less
# data), more is refused because a meeting cannot walk through them.
MAX_CHARTS: Final = 10
WRITING_LINES: Final = 4  # ruled lines under each prompt
PNG_SCALE: Final = 3  # 3 pixels per CSS pixel: sharp on paper
_RIGHT_TO_LEFT: Final = frozenset({"R", "AL"})
_COMBINING: Final = frozenset({"Mn", "Mc"})


@dataclass(frozen=True)
class Prompts:
    """The two data-walk questions, in the language being printed."""

    notice: str  # "What do you notice?"
    wonder: str  # "What do you wonder?"


@dataclass(frozen=True)
class _ChartPage:
    key: str
    number: int
    title: str
    description: str
    svg: SafeString | None  # the chart as vector SVG, or
    png: str | None  # the chart as a PNG data URI (text WeasyPrint cannot shape in SVG)


@dataclass(frozen=True)
class Edition:
    """The walk in one language: what the template prints for that language."""

    lang: str
    dir: str
    language_name: str
    title: str
    prompts: Prompts
    pages: list[_ChartPage]
    total: int


def chart_svg(chart: Chart) -> str:
    """The chart drawn as SVG by vl-convert (the Vega-Lite version the page also runs).

    Raises ValueError when the spec is not valid Vega-Lite: vl-convert's error says why.
    """
    svg: str = vl_convert.vegalite_to_svg(chart.spec, vl_version=VEGA_LITE_VERSION)
    return svg


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def needs_shaping(text: str) -> bool:
    """Whether ``text`` has right-to-left letters or combining marks.

    WeasyPrint draws SVG text one character at a time: fine for Latin, Cyrillic, Chinese,
    Korean or Vietnamese (after NFC), wrong for Arabic, Dari, Pashto or Hebrew (letters
    unjoined and in left-to-right order) and for scripts built from combining marks.
    """
    for character in unicodedata.normalize("NFC", text):
        if unicodedata.bidirectional(character) in _RIGHT_TO_LEFT:
            return True
        if unicodedata.category(character) in _COMBINING:
            return True
    return False


def _draw(chart: Chart, number: int) -> _ChartPage:
    # The title is printed by the page (HTML text, shaped and searchable in every script),
    # so the drawing leaves it out.
    spec = {key: value for key, value in chart.spec.items() if key != "title"}
    svg: SafeString | None = None
    png: str | None = None
    if any(needs_shaping(text) for text in _texts(spec)):
        # resvg (inside vl-convert) shapes Arabic script and orders it right to left.
        image = vl_convert.vegalite_to_png(spec, vl_version=VEGA_LITE_VERSION, scale=PNG_SCALE)
        png = "data:image/png;base64," + base64.b64encode(image).decode("ascii")
    else:
        # vl-convert's SVG escapes every text it draws (labels, data values), so the markup
        # is Vega's own and safe to inline.
        svg = mark_safe(  # noqa: S308
            vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
        )
    return _ChartPage(
        key=chart.key,
        number=number,
        title=chart.title,
        description=chart.description,
        svg=svg,
        png=png,
    )


def _edition(
    language: str,
    *,
    title: Callable[[], str],
    charts: Callable[[], Sequence[Chart]],
    prompts: Callable[[], Prompts],
) -> Edition:
    info = registry.get(language)
    with translation.override(info.code):
        walk_title = title()
        walk_charts = list(charts())
        walk_prompts = prompts()
    if not walk_charts:
        raise ValueError("a data walk needs at least one chart")
    if len(walk_charts) > MAX_CHARTS:
        raise ValueError(f"a data walk has at most {MAX_CHARTS} charts, not {len(walk_charts)}")
    keys = [chart.key for chart in walk_charts]
    if len(set(keys)) != len(keys):
        raise ValueError(f"chart keys repeat: {keys}")
    pages = [_draw(chart, number) for number, chart in enumerate(walk_charts, start=1)]
    return Edition(
        lang=info.code,
        dir="rtl" if info.rtl else "ltr",
        language_name=info.native_name,
        title=walk_title,
        prompts=walk_prompts,
        pages=pages,
        total=len(pages),
    )


def walk_editions(
    *,
    title: Callable[[], str],
    charts: Callable[[], Sequence[Chart]],
    languages: Sequence[str],
    prompts: Callable[[], Prompts],
) -> list[Edition]:
    """One :class:`Edition` per language, each built under ``translation.override``.

    Every edition must have the same charts in the same order (same keys), so that a team
    reading two languages side by side talks about the same chart number.
    """
    if not languages:
        raise ValueError("a data walk needs at least one language")
    codes = [registry.get(language).code for language in languages]
    if len(set(codes)) != len(codes):
        raise ValueError(f"languages repeat: {codes}")
    editions = [_edition(code, title=title, charts=charts, prompts=prompts) for code in codes]
    first = [page.key for page in editions[0].pages]
    for edition in editions[1:]:
        if [page.key for page in edition.pages] != first:
            raise ValueError(f"the {edition.lang} walk has other charts than the {codes[0]} walk")
    return editions


@functools.cache
def _engine() -> Engine:
    # A standalone engine, as for paper letters: printing does not depend on TEMPLATES.
    return Engine(dirs=[str(_TEMPLATE_DIR)], autoescape=True)


def walk_html(editions: Sequence[Edition], *, paper_size: PaperSize = "letter") -> str:
    """The HTML that :func:`render_walk_pdf` prints."""
    if paper_size not in _PAGE_SIZES:
        raise ValueError(f"paper size must be one of {sorted(_PAGE_SIZES)}, not {paper_size!r}")
    context = {
        "page_size": _PAGE_SIZES[paper_size],
        "editions": editions,
        "lines": range(WRITING_LINES),
    }
    return _engine().get_template(_TEMPLATE_NAME).render(Context(context))


def _no_fetching() -> URLFetcher:
    # Everything is inline (SVG, PNG data URIs, the styles): nothing may be fetched from the
    # network or the file system.
    return URLFetcher(allowed_protocols=frozenset({"data"}), fail_on_errors=True)


def render_walk_pdf(
    *,
    title: Callable[[], str],
    charts: Callable[[], Sequence[Chart]],
    languages: Sequence[str],
    prompts: Callable[[], Prompts],
    paper_size: PaperSize = "letter",
) -> bytes:
    """The data walk as one PDF: for each language in ``languages`` (in order), one page per
    chart with the walk's title, the chart, its description and the two prompts.

    ``title``, ``charts`` and ``prompts`` are called once per language, inside
    ``translation.override(language)``: write them with ``gettext`` and build the charts with
    translated labels (``juntos.insights.charts``). Example::

        render_walk_pdf(
            title=lambda: gettext("Data walk: reach and voice"),
            charts=lambda: walk_charts(school),  # builds each Chart with gettext labels
            languages=["en", "es", "so"],
            prompts=lambda: Prompts(
                notice=gettext("What do you notice?"), wonder=gettext("What do you wonder?")
            ),
        )

    Raises ValueError for no language, an unknown or repeated language, no chart, more than
    :data:`MAX_CHARTS`, repeated chart keys, languages whose charts differ, or a spec that is
    not valid Vega-Lite.
    """
    editions = walk_editions(title=title, charts=charts, languages=languages, prompts=prompts)
    html = walk_html(editions, paper_size=paper_size)
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetching())
    pdf: bytes = document.write_pdf()
    return pdf

"""The printed data walk: the same charts in English and in Spanish, one page per chart, with
the "notice / wonder" prompts; the charts' own text (drawn by Vega) stays text in the PDF, and an
Arabic walk reads right to left.

The PNGs written to test-artifacts/data-walk/ are for people to look at.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils.translation import get_language

from juntos.insights import charts
from juntos.insights.charts import Chart
from juntos.insights.walk import Prompts, needs_shaping, render_walk_pdf, walk_editions, walk_html

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs pdftotext and pdftoppm (poppler-utils)",
)

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "data-walk"

# What a caller's gettext would return in each language (this module has no catalog: the
# callables below look the text up by the active language, which proves the walk renders each
# language under translation.override).
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "walk": "Data walk: who do we reach?",
        "notice": "What do you notice?",
        "wonder": "What do you wonder?",
        "fewer": "fewer than 5",
        "reach": "Families reached by home language",
        "reached": "Families reached",
        "enrollment": "Share of enrollment",
        "share": "Share of families",
        "two_way": "Two-way exchange by home language",
        "answered": "Messages answered within two days",
        "in_time": "Answered in time",
        "target": "Target",
        "positive": "First contact was positive",
        "working": "Families with a working channel",
        "readiness": "How staff and families see the school",
        "staff": "Staff",
        "families": "Families",
        "score": "Average score (1 to 4)",
        "communication": "Communication",
        "advocacy": "Family advocacy",
        "english": "English",
        "spanish": "Spanish",
        "somali": "Somali",
        "hmong": "Hmong",
        "said": "What the chart shows, for a screen reader.",
    },
    "es": {
        "walk": "Recorrido de datos: ¿a quién llegamos?",
        "notice": "¿Qué notan?",
        "wonder": "¿Qué se preguntan?",
        "fewer": "menos de 5",
        "reach": "Familias alcanzadas por idioma del hogar",
        "reached": "Familias alcanzadas",
        "enrollment": "Parte de la matrícula",
        "share": "Parte de las familias",
        "two_way": "Intercambio en ambos sentidos por idioma del hogar",
        "answered": "Mensajes respondidos en dos días",
        "in_time": "Respondidos a tiempo",
        "target": "Meta",
        "positive": "El primer contacto fue positivo",
        "working": "Familias con un canal que funciona",
        "readiness": "Cómo ven la escuela el personal y las familias",
        "staff": "Personal",
        "families": "Familias",
        "score": "Puntuación media (1 a 4)",
        "communication": "Comunicación",
        "advocacy": "Defensa familiar",
        "english": "Inglés",
        "spanish": "Español",
        "somali": "Somalí",
        "hmong": "Hmong",
        "said": "Lo que muestra el gráfico, para un lector de pantalla.",
    },
}
KEYS = ["reach", "two-way", "answered", "positive", "working", "readiness"]
TITLE_OF = {
    "reach": "reach",
    "two-way": "two_way",
    "answered": "answered",
    "positive": "positive",
    "working": "working",
    "readiness": "readiness",
}


def t(name: str) -> str:
    return TEXT[get_language() or "en"][name]


def share_rows(*values: tuple[float, float]) -> list[charts.ShareRow]:
    groups = [t("english"), t("spanish"), t("somali"), t("hmong")]
    rows: list[charts.ShareRow] = [
        {"group": g, "share": s, "enrollment_share": e, "suppressed": False}
        for g, (s, e) in zip(groups, values, strict=False)
    ]
    rows.append({"group": t("hmong"), "share": None, "enrollment_share": 0.04, "suppressed": True})
    return rows


def walk_charts() -> list[Chart]:
    """Six charts, every text through ``t`` (a stand-in for gettext)."""
    said = t("said")
    return [
        charts.reach_against_enrollment(
            key="reach",
            title=t("reach"),
            description=said,
            rows=share_rows((0.84, 0.5), (0.66, 0.31), (0.22, 0.15)),
            share_label=t("reached"),
            enrollment_label=t("enrollment"),
            axis_title=t("share"),
            suppressed_label=t("fewer"),
        ),
        charts.reach_against_enrollment(
            key="two-way",
            title=t("two_way"),
            description=said,
            rows=share_rows((0.51, 0.5), (0.38, 0.31), (0.09, 0.15)),
            share_label=t("reached"),
            enrollment_label=t("enrollment"),
            axis_title=t("share"),
            suppressed_label=t("fewer"),
        ),
        charts.weekly_line(
            key="answered",
            title=t("answered"),
            description=said,
            rows=[
                {"week": f"{day}/10", "value": value, "suppressed": value is None}
                for day, value in ((6, 0.55), (13, 0.61), (20, None), (27, 0.78))
            ],
            axis_title=t("in_time"),
            series_label=t("in_time"),
            suppressed_label=t("fewer"),
            target=0.9,
            target_label=t("target"),
        ),
        charts.bars_by_group(
            key="positive",
            title=t("positive"),
            description=said,
            rows=[
                {"group": t("english"), "value": 0.72, "suppressed": False},
                {"group": t("spanish"), "value": 0.61, "suppressed": False},
                {"group": t("somali"), "value": None, "suppressed": True},
            ],
            axis_title=t("share"),
            suppressed_label=t("fewer"),
        ),
        charts.bars_by_group(
            key="working",
            title=t("working"),
            description=said,
            rows=[
                {"group": t("english"), "value": 0.97, "suppressed": False},
                {"group": t("spanish"), "value": 0.9, "suppressed": False},
                {"group": t("somali"), "value": 0.68, "suppressed": False},
            ],
            axis_title=t("share"),
            suppressed_label=t("fewer"),
        ),
        charts.diverging_bars(
            key="readiness",
            title=t("readiness"),
            description=said,
            rows=[
                {
                    "group": t("communication"),
                    "left": 3.4,
                    "left_suppressed": False,
                    "right": 2.3,
                    "right_suppressed": False,
                },
                {
                    "group": t("advocacy"),
                    "left": 2.8,
                    "left_suppressed": False,
                    "right": None,
                    "right_suppressed": True,
                },
            ],
            left_label=t("staff"),
            right_label=t("families"),
            axis_title=t("score"),
            suppressed_label=t("fewer"),
            maximum=4,
        ),
    ]


def prompts() -> Prompts:
    return Prompts(notice=t("notice"), wonder=t("wonder"))


@contextmanager
def weasyprint_warnings() -> Iterator[list[logging.LogRecord]]:
    """Every warning WeasyPrint logs meanwhile (unsupported CSS, ".notdef glyph rendered")."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    warnings: list[str]


def page_text(pdf: bytes, number: int) -> str:
    """The page's text as poppler extracts it, without the bidi control marks it adds."""
    text = subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)
    return " ".join(text.split())


def page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    found = re.search(rb"Pages:\s+(\d+)", info)
    assert found is not None
    return int(found.group(1))


@pytest.fixture(scope="module")
def printed() -> Printed:
    with weasyprint_warnings() as records:
        pdf = render_walk_pdf(
            title=lambda: t("walk"), charts=walk_charts, languages=["en", "es"], prompts=prompts
        )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "walk-en-es.pdf").write_bytes(pdf)
    return Printed(pdf, [record.getMessage() for record in records])


def test_each_language_prints_every_chart_on_its_own_page(printed: Printed) -> None:
    assert page_count(printed.pdf) == 2 * len(KEYS)
    for offset, language in ((0, "en"), (len(KEYS), "es")):
        words = TEXT[language]
        other = TEXT["es" if language == "en" else "en"]
        for index, key in enumerate(KEYS):
            text = page_text(printed.pdf, offset + index + 1)
            title = words[TITLE_OF[key]]
            assert title in text, (language, key, text)
            assert other[TITLE_OF[key]] not in text, (language, key)
            assert words["walk"] in text
            assert words["notice"] in text and words["wonder"] in text
            assert re.search(rf"\b{index + 1} ?/ ?{len(KEYS)}\b", text), text
            assert words["said"] in text


def test_the_charts_own_text_survives_as_text_in_spanish(printed: Printed) -> None:
    # Legend, axis and group labels are drawn by Vega inside the SVG, not by the HTML page:
    # finding them means the SVG text reached the PDF as text, in Spanish.
    reach = page_text(printed.pdf, len(KEYS) + 1)
    for label in ("Familias alcanzadas", "Parte de la matrícula", "Parte de las familias"):
        assert label in reach, reach
    assert "Somalí" in reach and "menos de 5" in reach
    assert "84%" in reach and "22%" in reach
    readiness = page_text(printed.pdf, 2 * len(KEYS))
    assert "Personal" in readiness and "Puntuación media (1 a 4)" in readiness
    assert "Defensa familiar" in readiness
    english = page_text(printed.pdf, 1)
    assert "Share of enrollment" in english and "fewer than 5" in english
    assert "menos de 5" not in english


def test_every_glyph_is_found_and_every_rule_understood(printed: Printed) -> None:
    assert printed.warnings == []


def test_it_writes_pngs_to_look_at(printed: Printed) -> None:
    for old in ARTIFACTS.glob("walk-*.png"):
        old.unlink()
    pdf = ARTIFACTS / "walk-en-es.pdf"
    for number, name in ((1, "walk-en"), (len(KEYS) + 1, "walk-es"), (2 * len(KEYS), "walk-es")):
        subprocess.run(
            [
                *("pdftoppm", "-png", "-r", "70", "-f", str(number), "-l", str(number)),
                *(str(pdf), str(ARTIFACTS / name)),
            ],
            check=True,
        )
    pngs = sorted(ARTIFACTS.glob("walk-*.png"))
    assert len(pngs) == 3
    assert all(png.read_bytes().startswith(b"\x89PNG") for png in pngs)


ARABIC = {
    "walk": "جولة البيانات",
    "title": "الأسر التي تم الوصول إليها حسب لغة المنزل",
    "notice": "ماذا تلاحظ؟",
    "wonder": "ماذا تتساءل؟",
}
WORD_BOX = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>'
)


def arabic_chart() -> Chart:
    return charts.reach_against_enrollment(
        key="reach",
        title=ARABIC["title"],
        description="وصف الرسم",
        rows=[
            {"group": "الإنجليزية", "share": 0.8, "enrollment_share": 0.6, "suppressed": False},
            {"group": "العربية", "share": None, "enrollment_share": 0.1, "suppressed": True},
        ],
        share_label="الأسر التي تم الوصول إليها",
        enrollment_label="نسبة التسجيل",
        axis_title="النسبة",
        suppressed_label="أقل من 5",
    )


def test_an_arabic_walk_reads_right_to_left() -> None:
    with weasyprint_warnings() as records:
        pdf = render_walk_pdf(
            title=lambda: ARABIC["walk"],
            charts=lambda: [arabic_chart()],
            languages=["ar"],
            prompts=lambda: Prompts(notice=ARABIC["notice"], wonder=ARABIC["wonder"]),
        )
    assert [record.getMessage() for record in records] == []
    (ARTIFACTS / "walk-ar.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            str(ARTIFACTS / "walk-ar.pdf"),
            str(ARTIFACTS / "walk-ar"),
        ],
        check=True,
    )
    # The title is text, in reading order, with its letters joined (no presentation forms).
    text = page_text(pdf, 1)
    assert ARABIC["title"] in text
    assert ARABIC["notice"] in text
    # And it is laid out right to left: its first word stands to the right of its last.
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    # poppler's word boxes spell right-to-left words in drawing order (last letter first).
    x_of = {html.unescape(word)[::-1]: float(x) for x, word in WORD_BOX.findall(boxes)}
    first, *_, last = ARABIC["title"].split()
    assert x_of[first] > x_of[last]
    assert x_of[first] > 400  # the title starts at the right margin of a 612-point page
    # The chart's Arabic labels cannot be joined by WeasyPrint's SVG text (letter by letter),
    # so the chart is drawn as an image by vl-convert, whose renderer shapes Arabic.
    assert needs_shaping(ARABIC["title"]) and not needs_shaping("Familias alcanzadas, Somalí")
    images = subprocess.run(
        ["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    kinds = [line.split()[2] for line in images.strip().splitlines()[2:]]
    assert kinds.count("image") == 1, images  # the chart (an "smask" is its transparency)
    assert ' dir="rtl"' in walk_html(
        walk_editions(
            title=lambda: ARABIC["walk"],
            charts=lambda: [arabic_chart()],
            languages=["ar"],
            prompts=lambda: Prompts(notice=ARABIC["notice"], wonder=ARABIC["wonder"]),
        )
    )


def test_a_walk_is_refused_when_its_languages_disagree() -> None:
    def changing() -> list[Chart]:
        made = walk_charts()
        return made if get_language() == "en" else made[:-1]

    with pytest.raises(ValueError, match="other charts"):
        walk_editions(title=lambda: "t", charts=changing, languages=["en", "es"], prompts=prompts)
    with pytest.raises(ValueError, match="repeat"):
        walk_editions(
            title=lambda: "t", charts=walk_charts, languages=["es", "es"], prompts=prompts
        )
    with pytest.raises(ValueError, match="at most 10"):
        walk_editions(
            title=lambda: "t",
            charts=lambda: walk_charts() * 2,
            languages=["en"],
            prompts=prompts,
        )
    with pytest.raises(ValueError, match="at least one language"):
        walk_editions(title=lambda: "t", charts=walk_charts, languages=[], prompts=prompts)


def test_caller_text_is_printed_literally() -> None:
    editions = walk_editions(
        title=lambda: "Walk <script>alert(1)</script> & co",
        charts=lambda: walk_charts()[:1],
        languages=["en"],
        prompts=lambda: Prompts(notice="<b>Notice</b>", wonder="Wonder"),
    )
    page = walk_html(editions)
    assert "<script>" not in page and "<b>" not in page
    assert "Walk &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page

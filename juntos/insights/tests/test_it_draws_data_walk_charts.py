"""The data-walk charts are valid Vega-Lite, readable, and never show a suppressed number.

Each spec is compiled and drawn by vl-convert (the Vega-Lite that prints the PDF); the page draws
the same spec with the npm build of the same Vega-Lite line, embedded by ``insights/_chart.html``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string

from juntos.insights import charts
from juntos.insights.charts import Chart, ComparisonRow, ShareRow, ValueRow, WeekRow
from juntos.insights.walk import chart_svg

ROOT = Path(__file__).resolve().parents[3]
SVG = "{http://www.w3.org/2000/svg}"
FEWER = "fewer than 5"

REACH_ROWS: list[ShareRow] = [
    {"group": "English", "share": 0.82, "enrollment_share": 0.48, "suppressed": False},
    {"group": "Spanish", "share": 0.64, "enrollment_share": 0.31, "suppressed": False},
    {"group": "Somali", "share": 0.23, "enrollment_share": 0.14, "suppressed": False},
    # A caller that forgot to blank a suppressed share: the builder must drop it anyway.
    {"group": "Hmong", "share": 0.37, "enrollment_share": 0.07, "suppressed": True},
]


def reach() -> Chart:
    return charts.reach_against_enrollment(
        key="reach-by-language",
        title="Families reached by home language",
        description="Somali-speaking families are reached less than their share of enrollment.",
        rows=REACH_ROWS,
        share_label="Families reached",
        enrollment_label="Share of enrollment",
        axis_title="Share of families",
        suppressed_label=FEWER,
    )


def weekly() -> Chart:
    rows: list[WeekRow] = [
        {"week": "Oct 6", "value": 0.58, "suppressed": False},
        {"week": "Oct 13", "value": 0.66, "suppressed": False},
        {"week": "Oct 20", "value": 0.43, "suppressed": True},
        {"week": "Oct 27", "value": 0.79, "suppressed": False},
    ]
    return charts.weekly_line(
        key="answered-in-time",
        title="Family messages answered within two days",
        description="More messages are answered in time each week.",
        rows=rows,
        axis_title="Answered in time",
        series_label="Answered in time",
        suppressed_label=FEWER,
        target=0.9,
        target_label="Target 90%",
    )


def bars() -> Chart:
    rows: list[ValueRow] = [
        {"group": "Grade K", "value": 0.71, "suppressed": False},
        {"group": "Grade 1", "value": 0.44, "suppressed": False},
        {"group": "Grade 2", "value": 0.52, "suppressed": True},
    ]
    return charts.bars_by_group(
        key="positive-first",
        title="First contact was positive",
        description="Most kindergarten families heard good news first.",
        rows=rows,
        axis_title="Share of families",
        suppressed_label=FEWER,
    )


def readiness() -> Chart:
    rows: list[ComparisonRow] = [
        {
            "group": "Communication",
            "left": 3.4,
            "left_suppressed": False,
            "right": 2.2,
            "right_suppressed": False,
        },
        {
            "group": "Family advocacy",
            "left": 2.9,
            "left_suppressed": False,
            "right": 1.6,
            "right_suppressed": True,
        },
    ]
    return charts.diverging_bars(
        key="readiness-gap",
        title="How staff and families see the school",
        description="Staff rate communication higher than families do.",
        rows=rows,
        left_label="Staff",
        right_label="Families",
        axis_title="Average score (1 to 4)",
        suppressed_label=FEWER,
        maximum=4,
    )


BUILDERS = [reach, weekly, bars, readiness]


def texts(svg: str) -> list[str]:
    """Every string Vega drew as text, in document order."""
    tree = ElementTree.fromstring(svg)  # noqa: S314 - vl-convert's output for our own specs
    return [element.text or "" for element in tree.iter(f"{SVG}text")]


def data_values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for layer in spec.get("layer", []):
        rows.extend(layer.get("data", {}).get("values", []))
    return rows


@pytest.mark.parametrize("build", BUILDERS, ids=lambda build: build.__name__)
def test_every_builder_makes_a_valid_drawable_spec(build: Any) -> None:
    chart: Chart = build()
    svg = chart_svg(chart)  # raises ValueError if Vega-Lite rejects the spec
    drawn = texts(svg)
    assert chart.spec["$schema"] == charts.SCHEMA
    assert chart.spec["usermeta"] == {"chart": chart.key}
    assert chart.spec["description"] == chart.description
    # In the page Vega makes the description the chart's accessible name (the container's
    # aria-label, role graphics-document).
    assert chart.title in drawn
    assert FEWER in drawn
    # Shares are written as percentages, never as 0.82.
    assert not any(re.fullmatch(r"0\.\d+", text) for text in drawn), drawn
    # The spec is plain JSON: the page ships it as json_script.
    assert json.loads(json.dumps(chart.spec)) == chart.spec


def test_reach_shows_each_group_beside_its_enrollment_and_hides_the_suppressed_number() -> None:
    chart = reach()
    drawn = texts(chart_svg(chart))
    for label in ("English", "Spanish", "Somali", "Hmong", "Families reached"):
        assert label in drawn
    assert "Share of enrollment" in drawn
    assert {"82%", "64%", "23%"} <= set(drawn)
    assert "0%" in drawn and "100%" in drawn  # the axis, as percentages
    # Hmong is drawn as "fewer than 5": its 37% is nowhere, not in the spec sent to the page
    # nor in the drawing.
    assert "37%" not in drawn
    assert "0.37" not in json.dumps(chart.spec)
    hmong = [row for row in data_values(chart.spec) if row.get("group") == "Hmong"]
    assert {row.get("measure") for row in hmong if "value" in row} == {"Share of enrollment"}
    assert {"group": "Hmong", "label": FEWER} in hmong
    # Two marks tell the series apart by shape as well as by colour (colour-blind readers).
    points = next(layer for layer in chart.spec["layer"] if layer["mark"]["type"] == "point")
    assert points["encoding"]["shape"]["scale"]["range"] == ["circle", "diamond"]
    assert points["encoding"]["color"]["scale"]["range"] == [charts.BLUE, charts.ORANGE]


def test_a_suppressed_week_breaks_the_line_and_shows_no_number() -> None:
    chart = weekly()
    spec_text = json.dumps(chart.spec)
    assert "0.43" not in spec_text
    line = next(layer for layer in chart.spec["layer"] if layer["mark"]["type"] == "line")
    segments = {row["week"]: row["segment"] for row in line["data"]["values"]}
    assert list(segments) == ["Oct 6", "Oct 13", "Oct 27"]
    # Oct 27 is not joined to Oct 13 across the hidden week.
    assert segments["Oct 6"] == segments["Oct 13"] != segments["Oct 27"]
    drawn = texts(chart_svg(chart))
    assert "Target 90%" in drawn
    assert [t for t in drawn if t.startswith("Oct")] == ["Oct 6", "Oct 13", "Oct 20", "Oct 27"]


def test_bars_and_the_diverging_readiness_chart_hide_suppressed_values() -> None:
    drawn = texts(chart_svg(bars()))
    assert {"71%", "44%"} <= set(drawn)
    assert "52%" not in drawn
    assert "0.52" not in json.dumps(bars().spec)

    chart = readiness()
    drawn = texts(chart_svg(chart))
    assert {"3.4", "2.2", "2.9"} <= set(drawn)
    assert "1.6" not in drawn and "1.6" not in json.dumps(chart.spec)
    # Both directions count up from the centre: no negative scores on the axis.
    assert not any(text.startswith(("-", "\u2212")) for text in drawn), drawn
    assert {"Staff", "Families"} <= set(drawn)


def test_bad_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        charts.bars_by_group(
            key="k",
            title="t",
            description="d",
            rows=[
                {"group": "A", "value": 0.1, "suppressed": False},
                {"group": "A", "value": 0.2, "suppressed": False},
            ],
            axis_title="a",
            suppressed_label=FEWER,
        )
    with pytest.raises(ValueError, match="between 0 and 1"):
        charts.reach_against_enrollment(
            key="k",
            title="t",
            description="d",
            rows=[{"group": "A", "share": 12.0, "enrollment_share": 0.1, "suppressed": False}],
            share_label="s",
            enrollment_label="e",
            axis_title="a",
            suppressed_label=FEWER,
        )
    with pytest.raises(ValueError, match="conversion failed"):
        chart_svg(Chart(key="k", title="t", description="d", spec={"mark": "no-such-mark"}))


def test_the_page_and_the_pdf_run_the_same_vega_lite() -> None:
    package = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert package["vega-lite"].startswith(charts.VEGA_LITE_VERSION + ".")
    assert charts.SCHEMA.endswith(f"/v{charts.VEGA_LITE_VERSION.split('.')[0]}.json")
    assert set(package) >= {"vega", "vega-lite", "vega-embed"}
    # Pinned exactly, like htmx: the lock file is the truth, no ranges.
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", package[name]) for name in package)


def test_the_page_snippet_ships_the_spec_as_json_data_for_walk_js() -> None:
    chart = reach()
    html = render_to_string("insights/_chart.html", {"chart": chart})
    assert 'data-vega-spec="chart-reach-by-language"' in html
    found = re.search(
        r'<script id="chart-reach-by-language" type="application/json">(.*?)</script>', html, re.S
    )
    assert found is not None
    assert json.loads(found.group(1)) == chart.spec
    # Without JavaScript the reader still gets the title and what the chart says.
    assert chart.title in html and chart.description in html
    # No inline JavaScript: only JSON data scripts.
    assert re.findall(r"<script(?![^>]*application/json)", html) == []
    scripts = render_to_string("insights/_chart.html#scripts")
    sources = re.findall(r'<script src="([^"]+)" defer></script>', scripts)
    assert [Path(source).name for source in sources] == [
        "vega.min.js",
        "vega-lite.min.js",
        "vega-embed.min.js",
        "walk.js",
    ]


def test_the_vendored_browser_builds_are_served_as_static_files() -> None:
    from django.contrib.staticfiles import finders

    for path in (
        "vendor/vega/vega.min.js",
        "vendor/vega-lite/vega-lite.min.js",
        "vendor/vega-embed/vega-embed.min.js",
        "insights/walk.js",
    ):
        found = finders.find(path)
        assert found, path
    walk_js = Path(str(finders.find("insights/walk.js"))).read_text()
    assert "vegaEmbed" in walk_js and "ast: true" in walk_js

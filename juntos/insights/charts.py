"""Vega-Lite specs for the data walk: pure functions from plain rows to a :class:`Chart`.

A chart is data plus text. The same spec is drawn twice: in the data-walk page by vega-embed
(``insights/static/insights/walk.js``, the browser builds vendored from npm) and in the printed
walk by vl-convert (:mod:`juntos.insights.walk`). Both run Vega-Lite :data:`VEGA_LITE_VERSION`
(package.json pins the npm release of that line), so the page and the paper show one picture.

Rules every builder follows:

* **Rows in, never models.** Builders take plain rows (the ``*Row`` typed dicts below) that the
  metrics have already computed *and suppressed* (:mod:`juntos.insights.suppression`).
* **Text comes translated.** Titles, axis titles, legend labels and the "fewer than 5" label
  are passed in by the caller, who renders them with ``gettext`` under the language being
  drawn. This module holds no message ids.
* **Suppressed means no number.** A suppressed group is drawn as an empty, dashed box labelled
  with the caller's "fewer than 5" text. Its value is dropped here even if a caller passed one,
  so no number reaches the spec (and so the browser), the SVG or the PDF.
* **Readable by everyone.** Every spec has a ``description`` (the SVG's accessible name), a
  colour-blind-safe palette (Okabe and Ito) with a second cue (shape or position) wherever
  colour tells two series apart, and percentages formatted as percentages.
* ``usermeta.chart`` carries the chart key, so a page, a test or an observation can tell which
  chart an element draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, TypedDict

# The Vega-Lite line used by vl-convert (its ``vl_version``) and, through package.json, by the
# page. vl-convert 1.9 bundles 6.4; npm's vega-lite 6.4.x is the same compiler.
VEGA_LITE_VERSION: Final = "6.4"
SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v6.json"

# Okabe & Ito's palette, safe for the common colour-vision deficiencies. The first two are the
# pair used for "families" and "staff"/"enrollment" comparisons; they also differ in lightness,
# so they stay apart when printed in grey.
BLUE: Final = "#0072B2"
ORANGE: Final = "#E69F00"
VERMILLION: Final = "#D55E00"
GREEN: Final = "#009E73"
SKY: Final = "#56B4E9"
PURPLE: Final = "#CC79A7"
PALETTE: Final = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE)
INK: Final = "#1f1f1f"
MUTED: Final = "#595959"  # 7:1 on white: the "fewer than 5" label stays readable
RULE: Final = "#8c8c8c"

# Noto first: the PDF is printed by WeasyPrint with the Noto fonts of the Debian packages
# fonts-noto-core and fonts-noto-cjk (every demo script); a browser without them falls back.
FONT: Final = "Noto Sans, Noto Naskh Arabic, Noto Sans CJK SC, sans-serif"
PERCENT: Final = ".0%"
WIDTH: Final = 460
STEP: Final = 30  # height of one group's row or band, in pixels


class ShareRow(TypedDict):
    """One group's reach against its share of enrollment (both 0..1, None when not shown)."""

    group: str
    share: float | None
    enrollment_share: float | None
    suppressed: bool


class ValueRow(TypedDict):
    """One group's value (a share 0..1 unless the builder is told otherwise)."""

    group: str
    value: float | None
    suppressed: bool


class WeekRow(TypedDict):
    """One week: ``week`` is its label, already written in the reader's language."""

    week: str
    value: float | None
    suppressed: bool


class ComparisonRow(TypedDict):
    """One item (a readiness domain) seen by two sides: staff on the left, families on the right."""

    group: str
    left: float | None
    left_suppressed: bool
    right: float | None
    right_suppressed: bool


@dataclass(frozen=True)
class Chart:
    """A chart of the walk: its key (stable across languages), its text and its spec."""

    key: str
    title: str
    description: str
    spec: dict[str, Any]


def _config() -> dict[str, Any]:
    return {
        "font": FONT,
        "background": "#ffffff",
        "view": {"stroke": None},
        "title": {"anchor": "start", "fontSize": 16, "color": INK, "offset": 12, "limit": 600},
        "axis": {
            "labelFontSize": 12,
            "titleFontSize": 12,
            "labelColor": INK,
            "titleColor": INK,
            "titleFontWeight": "normal",
            "labelLimit": 180,
        },
        "legend": {"labelFontSize": 12, "labelColor": INK, "orient": "bottom", "symbolSize": 120},
        "range": {"category": list(PALETTE)},
        "text": {"fontSize": 12, "color": INK},
    }


def _spec(*, key: str, title: str, description: str, body: dict[str, Any]) -> Chart:
    if not key.strip():
        raise ValueError("a chart needs a key")
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "description": description,
        "usermeta": {"chart": key},
        "title": {"text": title},
        "width": WIDTH,
        "config": _config(),
        **body,
    }
    return Chart(key=key, title=title, description=description, spec=spec)


def _groups(names: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            # Two rows with one label would be drawn on one line, one over the other.
            raise ValueError(f"group {name!r} appears twice")
        seen.add(name)
    return list(names)


def _fraction(value: float | None) -> float | None:
    if value is None:
        return None
    if not 0 <= value <= 1:
        raise ValueError(f"a share is between 0 and 1, not {value!r}")
    return float(value)


def _suppressed_layers(
    groups: list[dict[str, str]], *, x_from: float, x_to: float, label_at: float
) -> list[dict[str, Any]]:
    """An empty dashed box over each suppressed group's row, labelled "fewer than 5"."""
    if not groups:
        return []
    data = {"values": groups}
    return [
        {
            "data": data,
            "mark": {
                "type": "rect",
                "fill": "#ffffff",
                "stroke": MUTED,
                "strokeDash": [4, 3],
                "strokeWidth": 1,
                "aria": False,
            },
            "encoding": {"x": {"datum": x_from}, "x2": {"datum": x_to}},
        },
        {
            "data": data,
            "mark": {"type": "text", "fontStyle": "italic", "color": MUTED},
            "encoding": {"x": {"datum": label_at}, "text": {"field": "label"}},
        },
    ]


def reach_against_enrollment(
    *,
    key: str,
    title: str,
    description: str,
    rows: Sequence[ShareRow],
    share_label: str,
    enrollment_label: str,
    axis_title: str,
    suppressed_label: str,
) -> Chart:
    """A dot plot: each group's share of families reached beside its share of enrollment.

    Reached is a filled blue circle with its percentage; enrollment an orange diamond; a grey
    line joins them, so the gap is what the eye reads. A group whose reach is suppressed gets
    an empty dashed row labelled ``suppressed_label`` (its enrollment diamond stays when the
    caller passes one: enrollment is a separate, already suppressed figure).
    """
    groups = _groups([row["group"] for row in rows])
    points: list[dict[str, Any]] = []
    gaps: list[dict[str, Any]] = []
    hidden: list[dict[str, str]] = []
    for row in rows:
        share = None if row["suppressed"] else _fraction(row["share"])
        enrollment = _fraction(row["enrollment_share"])
        if row["suppressed"]:
            hidden.append({"group": row["group"], "label": suppressed_label})
        if share is not None:
            points.append({"group": row["group"], "measure": share_label, "value": share})
        if enrollment is not None:
            points.append({"group": row["group"], "measure": enrollment_label, "value": enrollment})
        if share is not None and enrollment is not None:
            gaps.append({"group": row["group"], "low": enrollment, "high": share})
    x_scale = {"domain": [0, 1]}
    layers: list[dict[str, Any]] = _suppressed_layers(hidden, x_from=0, x_to=1, label_at=0.5)
    if gaps:
        layers.append(
            {
                "data": {"values": gaps},
                "mark": {"type": "rule", "color": RULE, "strokeWidth": 2, "aria": False},
                "encoding": {
                    "x": {"field": "low", "type": "quantitative", "scale": x_scale},
                    "x2": {"field": "high"},
                },
            }
        )
    layers.append(
        {
            "data": {"values": points},
            "mark": {"type": "point", "filled": True, "size": 130, "opacity": 1},
            "encoding": {
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": axis_title,
                    "scale": x_scale,
                    "axis": {"format": PERCENT, "tickCount": 5, "grid": True},
                },
                "color": {
                    "field": "measure",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": [share_label, enrollment_label], "range": [BLUE, ORANGE]},
                },
                "shape": {
                    "field": "measure",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": [share_label, enrollment_label],
                        "range": ["circle", "diamond"],
                    },
                },
            },
        }
    )
    layers.append(
        {
            "data": {"values": [p for p in points if p["measure"] == share_label]},
            "mark": {"type": "text", "align": "left", "dx": 9, "fontWeight": "bold", "aria": False},
            "encoding": {
                "x": {"field": "value", "type": "quantitative", "scale": x_scale},
                "text": {"field": "value", "type": "quantitative", "format": PERCENT},
                "color": {"value": BLUE},
            },
        }
    )
    return _spec(
        key=key,
        title=title,
        description=description,
        body={
            "height": {"step": STEP},
            "encoding": {
                "y": {
                    "field": "group",
                    "type": "nominal",
                    "title": None,
                    "sort": groups,
                    "scale": {"domain": groups},
                }
            },
            "layer": layers,
        },
    )


def weekly_line(
    *,
    key: str,
    title: str,
    description: str,
    rows: Sequence[WeekRow],
    axis_title: str,
    series_label: str,
    suppressed_label: str,
    target: float | None = None,
    target_label: str = "",
) -> Chart:
    """A line over weeks (shares 0..1), in the order given, with an optional dashed target.

    A suppressed week has no point: the line breaks there and the week's column is an empty
    dashed box labelled ``suppressed_label``, so a missing week is never read as zero.
    """
    weeks = _groups([row["week"] for row in rows])
    # A suppressed week starts a new segment: the line breaks rather than joining its neighbours.
    shown: list[dict[str, Any]] = []
    segment = 0
    for row in rows:
        value = None if row["suppressed"] else _fraction(row["value"])
        if value is None:
            segment += 1
            continue
        shown.append(
            {"week": row["week"], "series": series_label, "value": value, "segment": segment}
        )
    hidden = [{"week": row["week"], "label": suppressed_label} for row in rows if row["suppressed"]]
    y_scale = {"domain": [0, 1]}
    x = {
        "field": "week",
        "type": "ordinal",
        "title": None,
        "sort": weeks,
        "scale": {"domain": weeks},
        "axis": {"labelAngle": 0},
    }
    layers: list[dict[str, Any]] = []
    if hidden:
        layers.append(
            {
                "data": {"values": hidden},
                "mark": {
                    "type": "rect",
                    "fill": "#ffffff",
                    "stroke": MUTED,
                    "strokeDash": [4, 3],
                    "aria": False,
                },
                "encoding": {"x": x, "y": {"datum": 0}, "y2": {"datum": 1}},
            }
        )
        layers.append(
            {
                "data": {"values": hidden},
                "mark": {"type": "text", "fontStyle": "italic", "color": MUTED, "angle": 270},
                "encoding": {"x": x, "y": {"datum": 0.5}, "text": {"field": "label"}},
            }
        )
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"target": _fraction(target), "label": target_label}]},
                "mark": {"type": "rule", "color": VERMILLION, "strokeDash": [6, 4], "aria": False},
                "encoding": {"y": {"field": "target", "type": "quantitative", "scale": y_scale}},
            }
        )
        layers.append(
            {
                "data": {"values": [{"target": _fraction(target), "label": target_label}]},
                "mark": {
                    "type": "text",
                    "align": "right",
                    "baseline": "bottom",
                    "dy": -3,
                    "color": VERMILLION,
                    "x": "width",
                },
                "encoding": {
                    "y": {"field": "target", "type": "quantitative", "scale": y_scale},
                    "text": {"field": "label"},
                },
            }
        )
    layers.append(
        {
            "data": {"values": shown},
            "mark": {"type": "line", "point": {"filled": True, "size": 70}, "strokeWidth": 2.5},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": axis_title,
                    "scale": y_scale,
                    "axis": {"format": PERCENT, "tickCount": 5},
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": [series_label], "range": [BLUE]},
                },
                "detail": {"field": "segment", "type": "nominal"},
            },
        }
    )
    return _spec(
        key=key,
        title=title,
        description=description,
        body={"height": 260, "layer": layers},
    )


def bars_by_group(
    *,
    key: str,
    title: str,
    description: str,
    rows: Sequence[ValueRow],
    axis_title: str,
    suppressed_label: str,
    value_format: str = PERCENT,
    maximum: float | None = 1.0,
) -> Chart:
    """Horizontal bars, one per group, labelled with their value (a share by default).

    ``maximum`` fixes the end of the axis (1 = 100% for shares; None lets Vega pick, for
    counts or scores with ``value_format`` such as ``",d"`` or ``".1f"``).
    """
    groups = _groups([row["group"] for row in rows])
    shown: list[dict[str, Any]] = []
    for row in rows:
        value = row["value"]
        if row["suppressed"] or value is None:
            continue
        if value < 0 or (maximum is not None and value > maximum):
            raise ValueError(f"{row['group']}: {value!r} is outside the axis")
        shown.append({"group": row["group"], "value": float(value)})
    hidden = [
        {"group": row["group"], "label": suppressed_label} for row in rows if row["suppressed"]
    ]
    top = maximum if maximum is not None else max([r["value"] for r in shown] + [1.0])
    x_scale: dict[str, Any] = {"domain": [0, top]}
    layers = _suppressed_layers(hidden, x_from=0, x_to=top, label_at=top / 2)
    layers.append(
        {
            "data": {"values": shown},
            "mark": {"type": "bar", "color": BLUE, "height": {"band": 0.7}},
            "encoding": {
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": axis_title,
                    "scale": x_scale,
                    "axis": {"format": value_format, "tickCount": 5, "grid": True},
                }
            },
        }
    )
    layers.append(
        {
            "data": {"values": shown},
            "mark": {"type": "text", "align": "left", "dx": 4},
            "encoding": {
                "x": {"field": "value", "type": "quantitative", "scale": x_scale},
                "text": {"field": "value", "type": "quantitative", "format": value_format},
            },
        }
    )
    return _spec(
        key=key,
        title=title,
        description=description,
        body={
            "height": {"step": STEP},
            "encoding": {
                "y": {
                    "field": "group",
                    "type": "nominal",
                    "title": None,
                    "sort": groups,
                    "scale": {"domain": groups, "paddingInner": 0.25},
                }
            },
            "layer": layers,
        },
    )


def diverging_bars(
    *,
    key: str,
    title: str,
    description: str,
    rows: Sequence[ComparisonRow],
    left_label: str,
    right_label: str,
    axis_title: str,
    suppressed_label: str,
    maximum: float,
    value_format: str = ".1f",
) -> Chart:
    """Back-to-back bars: how one side (staff, to the left) and the other (families, to the
    right) see each item, on one scale from 0 to ``maximum`` in both directions.

    Lengths compare directly across the centre line; the two sides also differ in colour
    (orange, blue) and the legend names them. A suppressed side is an empty dashed box on its
    side of the centre, labelled ``suppressed_label``.
    """
    groups = _groups([row["group"] for row in rows])
    if maximum <= 0:
        raise ValueError("the maximum must be positive")
    shown: list[dict[str, Any]] = []
    hidden: list[dict[str, Any]] = []
    for row in rows:
        for side, sign, value, suppressed in (
            (left_label, -1, row["left"], row["left_suppressed"]),
            (right_label, 1, row["right"], row["right_suppressed"]),
        ):
            if suppressed:
                hidden.append(
                    {
                        "group": row["group"],
                        "label": suppressed_label,
                        "start": 0,
                        "end": sign * maximum,
                        "middle": sign * maximum / 2,
                    }
                )
            elif value is not None:
                if not 0 <= value <= maximum:
                    raise ValueError(f"{row['group']}: {value!r} is outside 0..{maximum}")
                shown.append(
                    {
                        "group": row["group"],
                        "side": side,
                        "value": float(value),
                        "signed": sign * float(value),
                        "align": "right" if sign < 0 else "left",
                    }
                )
    x_scale = {"domain": [-maximum, maximum]}
    layers: list[dict[str, Any]] = []
    if hidden:
        layers.append(
            {
                "data": {"values": hidden},
                "mark": {
                    "type": "rect",
                    "fill": "#ffffff",
                    "stroke": MUTED,
                    "strokeDash": [4, 3],
                    "aria": False,
                },
                "encoding": {
                    "x": {"field": "start", "type": "quantitative", "scale": x_scale},
                    "x2": {"field": "end"},
                },
            }
        )
        layers.append(
            {
                "data": {"values": hidden},
                "mark": {"type": "text", "fontStyle": "italic", "color": MUTED},
                "encoding": {
                    "x": {"field": "middle", "type": "quantitative", "scale": x_scale},
                    "text": {"field": "label"},
                },
            }
        )
    layers.append(
        {
            "data": {"values": shown},
            "mark": {"type": "bar", "height": {"band": 0.7}},
            "encoding": {
                "x": {
                    "field": "signed",
                    "type": "quantitative",
                    "title": axis_title,
                    "scale": x_scale,
                    # Both directions count up from the centre: the axis shows magnitudes.
                    "axis": {
                        "labelExpr": "replace(datum.label, /^[-\u2212]/, '')",
                        "grid": True,
                        "tickCount": 8,
                    },
                },
                "color": {
                    "field": "side",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": [left_label, right_label], "range": [ORANGE, BLUE]},
                },
            },
        }
    )
    layers.append(
        {
            "data": {"values": [p for p in shown if p["align"] == "right"]},
            "mark": {"type": "text", "align": "right", "dx": -4},
            "encoding": {
                "x": {"field": "signed", "type": "quantitative", "scale": x_scale},
                "text": {"field": "value", "type": "quantitative", "format": value_format},
            },
        }
    )
    layers.append(
        {
            "data": {"values": [p for p in shown if p["align"] == "left"]},
            "mark": {"type": "text", "align": "left", "dx": 4},
            "encoding": {
                "x": {"field": "signed", "type": "quantitative", "scale": x_scale},
                "text": {"field": "value", "type": "quantitative", "format": value_format},
            },
        }
    )
    layers.append(
        {
            "data": {"values": [{"zero": 0}]},
            "mark": {"type": "rule", "color": INK, "aria": False},
            "encoding": {"x": {"field": "zero", "type": "quantitative", "scale": x_scale}},
        }
    )
    return _spec(
        key=key,
        title=title,
        description=description,
        body={
            "height": {"step": STEP},
            "encoding": {
                "y": {
                    "field": "group",
                    "type": "nominal",
                    "title": None,
                    "sort": groups,
                    "scale": {"domain": groups, "paddingInner": 0.25},
                }
            },
            "layer": layers,
        },
    )

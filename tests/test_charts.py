"""Charts written as SVG: well formed, named for screen readers, bars and lines drawn to
scale, text escaped, the same bytes for the same numbers (packs: test_site_e2e)."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from hpkb.outputs.site.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything not well formed


def _bars(root: ET.Element) -> list[dict[str, float | str]]:
    """The data rectangles (not the white background or the legend's swatches)."""
    return [{"x": float(r.get("x", 0)), "y": float(r.get("y", 0)),
             "w": float(r.get("width", 0)), "h": float(r.get("height", 0)),
             "fill": r.get("fill", "")}
            for r in root.iter(f"{SVG}rect")
            if r.get("fill") != "#ffffff" and float(r.get("height", 0)) > 12.5]


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_a_chart_is_named_and_described_for_screen_readers() -> None:
    chart = bar_chart("by-year", "Incidents by year", ["2023/24", "2024/25"],
                      {"Homicide": [3, 2], "Near miss": [1, 4]})
    root = _tree(chart.svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "by-year-title by-year-desc"
    assert root.find(f"{SVG}title").text == "Incidents by year"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == (  # type: ignore[union-attr]
        "2023/24: Homicide 3, Near miss 1; 2024/25: Homicide 2, Near miss 4.")
    assert chart.description == "2023/24: Homicide 3, Near miss 1; 2024/25: Homicide 2, Near miss 4."
    assert {"Incidents by year", "Homicide", "Near miss", "2023/24", "2024/25"} <= set(
        _texts(root))
    # Nothing fetched: no links, no fonts, no images (only the SVG namespace itself).
    assert re.findall(r"https?://[^\"]+", chart.svg) == ["http://www.w3.org/2000/svg"]
    assert "@font-face" not in chart.svg and "<image" not in chart.svg


def test_stacked_bars_are_drawn_to_scale() -> None:
    chart = bar_chart("s", "Stacked", ["a", "b", "c"], {"one": [2, 4, 0], "two": [2, 0, 3]})
    bars = _bars(_tree(chart.svg))
    assert len(bars) == 4  # zero values draw nothing
    per_unit = {round(float(b["h"]) / v, 6) for b, v in zip(
        sorted(bars, key=lambda b: (b["fill"], b["x"])), [2, 4, 2, 3], strict=True)}
    assert len(per_unit) == 1  # every bar's height is its count times the same scale
    first = [b for b in bars if b["x"] == min(float(b["x"]) for b in bars)]
    lower, upper = sorted(first, key=lambda b: -float(b["y"]))
    assert abs(float(upper["y"]) + float(upper["h"]) - float(lower["y"])) < 0.02  # stacked


def test_side_by_side_and_horizontal_bars() -> None:
    grouped = _bars(_tree(bar_chart("g", "Grouped", ["q1", "q2"],
                                    {"x": [1, 2], "y": [2, 1]}, stacked=False).svg))
    assert len(grouped) == 4 and len({b["w"] for b in grouped}) == 1
    by_left = sorted(grouped, key=lambda b: b["x"])
    assert by_left[0]["fill"] != by_left[1]["fill"]  # one label's bars side by side
    assert float(by_left[0]["x"]) + float(by_left[0]["w"]) <= float(by_left[1]["x"]) + 0.01
    flat = _tree(bar_chart("h", "Owners", ["Probation Service", "Early help"],
                           {"Overdue": [4, 2]}, horizontal=True).svg)
    wide = sorted((b for b in _bars(flat)), key=lambda b: b["y"])
    assert len(wide) == 2 and abs(float(wide[0]["w"]) - 2 * float(wide[1]["w"])) < 0.02


def test_a_line_goes_through_every_value() -> None:
    root = _tree(line_chart("l", "Rolling", [f"2025-{m:02}" for m in range(1, 13)],
                            {"Incidents": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}).svg)
    (line,) = list(root.iter(f"{SVG}polyline"))
    points = [tuple(map(float, p.split(","))) for p in (line.get("points") or "").split()]
    assert len(points) == 12
    steps = [b[1] - a[1] for a, b in itertools.pairwise(points)]
    assert max(steps) < 0 and max(steps) - min(steps) < 0.02  # equal steps upwards


def test_text_is_escaped_and_output_is_stable() -> None:
    labels = ['<script>alert("x")</script>', "Tom & Jerry"]
    first = bar_chart("e", "Titles & <tags>", labels, {"n": [1, 2]})
    root = _tree(first.svg)
    assert "<script>" not in first.svg
    assert "Titles & <tags>" in _texts(root) and "Tom & Jerry" in _texts(root)
    assert bar_chart("e", "Titles & <tags>", labels, {"n": [1, 2]}).svg == first.svg


def test_long_labels_are_shortened_but_described_whole() -> None:
    name = "Child and adolescent mental health service for the whole county"
    chart = bar_chart("o", "Owners", [name], {"Overdue": [1]}, horizontal=True)
    assert name not in _texts(_tree(chart.svg))
    assert any(t.endswith("…") and name.startswith(t[:-1]) for t in _texts(_tree(chart.svg)))
    assert name in chart.description

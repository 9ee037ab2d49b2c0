"""Accessible SVG charts, written directly: each has a <title> and <desc>, and the page
shows the same numbers in a table beside it. Deterministic output, text in system fonts
(no web fonts, nothing fetched).

Written by hand rather than drawn with matplotlib: a chart here is a few bars or one line
of counts, and importing matplotlib and drawing with it would cost every clean build far
more than the charts are worth.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Chart", "bar_chart", "line_chart"]

COLOURS = ("#1f3a93", "#a30000", "#2e7d32", "#6a1b9a", "#e65100")
WIDTH, HEIGHT = 750, 360  # the site's size; packs ask for their own
BAR_ROOM = 26  # pixels a bar takes in a horizontal chart sized to its bars
MIN_AXIS = 5  # a count axis runs to at least this, so that one or two look small
# Browsers use the first family they have; Typst (packs), with only its bundled fonts,
# finds Libertinus Serif, the packs' body font.
FONT = ("system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, "
        "'Libertinus Serif', sans-serif")
INK, GRID = "#333333", "#d9d9d9"  # INK on white: 12.6:1
TICK_PX, TITLE_PX = 11, 15
LABEL_CHARS = 34  # longer category labels are shortened (the description has them whole)


@dataclass(frozen=True)
class Chart:
    """One chart: a file name, its alternative text, and the SVG."""

    name: str
    title: str
    description: str
    svg: str


@dataclass(frozen=True)
class _Box:
    """The plot area, in SVG pixels."""

    left: float
    top: float
    right: float
    bottom: float


def _describe(labels: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    parts = []
    for index, label in enumerate(labels):
        values = ", ".join(f"{name} {_value(series[name][index])}" for name in series)
        parts.append(f"{label}: {values}")
    return "; ".join(parts) + "."


def _value(value: float | None) -> str:
    return "no value" if value is None else f"{value:g}"


def _num(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros (stable text)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text_width(text: str, size: float) -> float:
    """Roughly how wide ``text`` is in a sans-serif face (for layout only)."""
    return len(text) * size * 0.6


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _ticks(top: float) -> list[float]:
    """Counts' axis: 0 up to at least ``top`` (and `MIN_AXIS`) in 1, 2 or 5 times a power
    of ten, about five steps."""
    top = max(top, MIN_AXIS)
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)  # counts: whole numbers
    return [step * i for i in range(math.ceil(top / step - 1e-9) + 1)]


def _label(tick: float) -> str:
    return f"{tick:g}"


def _text(x: float, y: float, text: str, size: float, anchor: str = "middle",
          extra: str = "") -> str:
    return (f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" '
            f'text-anchor="{anchor}"{extra}>{escape(text)}</text>')


def _legend_width(series: Sequence[str]) -> float:
    return sum(_text_width(name, TICK_PX) + 34 for name in series) - 16


def _legend(series: Sequence[str], right: float, y: float, line: bool) -> list[str]:
    """Series names ending at ``right``, each after its colour (a swatch, or a stroke for
    lines), on the line whose text sits at ``y``."""
    parts = []
    x = right
    for number in range(len(series) - 1, -1, -1):
        name = series[number]
        colour = COLOURS[number % len(COLOURS)]
        x -= _text_width(name, TICK_PX)
        parts.append(_text(x, y, name, TICK_PX, "start"))
        x -= 18
        parts.append(f'<line x1="{_num(x)}" y1="{_num(y - 4)}" x2="{_num(x + 14)}" '
                     f'y2="{_num(y - 4)}" stroke="{colour}" stroke-width="3"/>' if line else
                     f'<rect x="{_num(x)}" y="{_num(y - 10)}" width="12" height="12" '
                     f'fill="{colour}"/>')
        x -= 16
    return parts


def _svg(name: str, title: str, description: str, body: list[str], width: float,
         height: float) -> Chart:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" '
            f'height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
            f'aria-labelledby="{name}-title {name}-desc" font-family="{escape(FONT)}" '
            f'fill="{INK}">'
            f'<title id="{name}-title">{escape(title)}</title>'
            f'<desc id="{name}-desc">{escape(description)}</desc>'
            f'<rect width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>')
    return Chart(name, title, description, "\n".join([head, *body, "</svg>"]) + "\n")


def _frame(title: str, series: Sequence[str], line: bool, left: float,
           bottom_room: float, width: float, height: float) -> tuple[_Box, list[str]]:
    """The plot area (below the title and legend, right of ``left``), the title, and
    the legend beside the title, or below it where they would meet."""
    right = width - 16
    parts = [_text(left, 22, title, TITLE_PX, "start")]
    top = 44.0
    if len(series) > 1:
        beside = left + _text_width(title, TITLE_PX) + 24 + _legend_width(series) <= right
        parts += _legend(series, right, 22 if beside else 44, line)
        top = 44 if beside else 64
    return _Box(left=left, top=top, right=right, bottom=height - bottom_room), parts


def _value_axis(ticks: list[float], box: _Box, horizontal: bool) -> list[str]:
    """Grid lines and labels for the counts, and the axis line itself."""
    parts = []
    span = ticks[-1] or 1.0
    for tick in ticks:
        if horizontal:
            x = box.left + (box.right - box.left) * tick / span
            parts.append(f'<line x1="{_num(x)}" y1="{_num(box.top)}" x2="{_num(x)}" '
                         f'y2="{_num(box.bottom)}" stroke="{GRID}"/>')
            parts.append(_text(x, box.bottom + 16, _label(tick), TICK_PX))
        else:
            y = box.bottom - (box.bottom - box.top) * tick / span
            parts.append(f'<line x1="{_num(box.left)}" y1="{_num(y)}" x2="{_num(box.right)}" '
                         f'y2="{_num(y)}" stroke="{GRID}"/>')
            parts.append(_text(box.left - 6, y + 4, _label(tick), TICK_PX, "end"))
    return parts


def _axes(box: _Box) -> str:
    return (f'<path d="M{_num(box.left)} {_num(box.top)}V{_num(box.bottom)}'
            f'H{_num(box.right)}" fill="none" stroke="{INK}"/>')


def _category_step(count: int, room: float, widest: float) -> int:
    """Every how many categories a label fits along ``room`` pixels."""
    return max(1, math.ceil(count * (widest + 6) / max(room, 1.0)))


def bar_chart(name: str, title: str, labels: Sequence[str],
              series: Mapping[str, Sequence[float]], *, stacked: bool = True,
              horizontal: bool = False, width: float = WIDTH, height: float | None = None
              ) -> Chart:
    """Bars for each label, one colour per series (stacked or side by side). A horizontal
    chart with no ``height`` is as tall as its bars need."""
    if height is None:
        height = (max(150.0, 44 + 20 * (len(series) > 1) + BAR_ROOM * len(labels) + 28)
                  if horizontal else HEIGHT)
    names = list(series)
    shown = [_short(label) for label in labels]
    totals = [sum(series[s][i] for s in names) if stacked else
              max((series[s][i] for s in names), default=0) for i in range(len(labels))]
    ticks = _ticks(max(totals, default=0))
    widest = max((_text_width(label, TICK_PX) for label in shown), default=0.0)
    # Labels along the bottom slant when the widest is wider than its bar's room.
    slanted = not horizontal and widest + 6 > (width - 60 - 16) / max(len(labels), 1)
    if horizontal:
        box, parts = _frame(title, names, False, 12 + min(widest, width * 0.45), 28, width,
                            height)
    else:
        box, parts = _frame(title, names, False, 60,
                            28 if not slanted else 20 + min(widest, 140) * 0.75, width, height)
    parts += _value_axis(ticks, box, horizontal)
    span = ticks[-1] or 1.0
    along = (box.bottom - box.top) if horizontal else (box.right - box.left)
    slot = along / max(len(labels), 1)
    band = slot * (0.7 if horizontal else 0.8)
    thick = band if stacked else band / max(len(names), 1)
    base = [0.0] * len(labels)
    for number, series_name in enumerate(names):
        colour = COLOURS[number % len(COLOURS)]
        for index, value in enumerate(series[series_name]):
            start = slot * index + (slot - band) / 2 + (0 if stacked else thick * number)
            low, high = (base[index], base[index] + value) if stacked else (0.0, value)
            if high > low:
                if horizontal:
                    x = box.left + (box.right - box.left) * low / span
                    size = (box.right - box.left) * (high - low) / span
                    parts.append(f'<rect x="{_num(x)}" y="{_num(box.top + start)}" '
                                 f'width="{_num(size)}" height="{_num(thick)}" '
                                 f'fill="{colour}"/>')
                else:
                    y = box.bottom - (box.bottom - box.top) * high / span
                    size = (box.bottom - box.top) * (high - low) / span
                    parts.append(f'<rect x="{_num(box.left + start)}" y="{_num(y)}" '
                                 f'width="{_num(thick)}" height="{_num(size)}" '
                                 f'fill="{colour}"/>')
            if stacked:
                base[index] += value
    parts += _category_labels(shown, box, slot, horizontal, slanted)
    parts.append(_axes(box))
    return _svg(name, title, _describe(labels, series), parts, width, height)


def _category_labels(shown: Sequence[str], box: _Box, slot: float, horizontal: bool,
                     slanted: bool) -> list[str]:
    parts = []
    if horizontal:
        step = _category_step(len(shown), box.bottom - box.top, TICK_PX * 0.9)
        for index in range(0, len(shown), step):
            y = box.top + slot * (index + 0.5) + 4
            parts.append(_text(box.left - 6, y, shown[index], TICK_PX, "end"))
        return parts
    step = _category_step(len(shown), box.right - box.left, TICK_PX * 1.3) if slanted else 1
    for index in range(0, len(shown), step):
        x = box.left + slot * (index + 0.5)
        if slanted:
            y = box.bottom + 12
            parts.append(_text(x, y, shown[index], TICK_PX, "end",
                               f' transform="rotate(-45 {_num(x)} {_num(y)})"'))
        else:
            parts.append(_text(x, box.bottom + 16, shown[index], TICK_PX))
    return parts


def line_chart(name: str, title: str, labels: Sequence[str],
               series: Mapping[str, Sequence[float | None]], *, width: float = WIDTH,
               height: float = HEIGHT) -> Chart:
    """Lines over labels (months or quarters), one per series; a series is drawn only
    where it has values (None: no value there, as before a rolling window is whole)."""
    names = list(series)
    shown = [_short(label) for label in labels]
    ticks = _ticks(max((v for s in names for v in series[s] if v is not None), default=0))
    widest = max((_text_width(label, TICK_PX) for label in shown), default=0.0)
    box, parts = _frame(title, names, True, 60, 20 + min(widest, 140) * 0.75, width, height)
    parts += _value_axis(ticks, box, False)
    span = ticks[-1] or 1.0
    slot = (box.right - box.left) / max(len(labels), 1)
    for number, series_name in enumerate(names):
        points = " ".join(
            f"{_num(box.left + slot * (i + 0.5))},"
            f"{_num(box.bottom - (box.bottom - box.top) * v / span)}"
            for i, v in enumerate(series[series_name]) if v is not None)
        if points:
            parts.append(f'<polyline points="{points}" fill="none" '
                         f'stroke="{COLOURS[number % len(COLOURS)]}" stroke-width="2.5" '
                         f'stroke-linejoin="round"/>')
    # As many labels as fit along the axis, evenly spaced.
    step = max(1, len(labels) // 12, _category_step(len(labels), box.right - box.left,
                                                    TICK_PX * 1.3))
    for index in range(0, len(shown), step):
        x = box.left + slot * (index + 0.5)
        y = box.bottom + 12
        parts.append(_text(x, y, shown[index], TICK_PX, "end",
                           f' transform="rotate(-45 {_num(x)} {_num(y)})"'))
    parts.append(_axes(box))
    return _svg(name, title, _describe(labels, series), parts, width, height)

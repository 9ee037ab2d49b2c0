"""Accessible SVG charts (matplotlib): each has a <title> and <desc>, and the page shows
the same numbers in a table beside it. Deterministic output, fonts drawn as paths (no
web fonts, nothing fetched)."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Chart", "ChartCache", "bar_chart", "line_chart"]

COLOURS = ("#1f3a93", "#a30000", "#2e7d32", "#6a1b9a", "#e65100")


@dataclass(frozen=True)
class Chart:
    """One chart: a file name, its alternative text, and the SVG."""

    name: str
    title: str
    description: str
    svg: str


def _figure(title: str) -> tuple[object, object]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.6), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _svg(figure: object, name: str, title: str, description: str) -> Chart:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"hpkb-{name}", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "hpkb"})  # type: ignore[attr-defined]
    svg = buffer.getvalue()
    label = (f'<title id="{name}-title">{html.escape(title)}</title>'
             f'<desc id="{name}-desc">{html.escape(description)}</desc>')
    svg = re.sub(r"(<svg\b[^>]*)>", rf'\1 role="img" aria-labelledby="{name}-title {name}-desc">'
                 + label.replace("\\", r"\\"), svg, count=1)
    return Chart(name, title, description, svg)


def _describe(labels: Sequence[str], series: Mapping[str, Sequence[float]]) -> str:
    parts = []
    for index, label in enumerate(labels):
        values = ", ".join(f"{name} {series[name][index]:g}" for name in series)
        parts.append(f"{label}: {values}")
    return "; ".join(parts) + "."


@dataclass(frozen=True)
class ChartCache:
    """Where charts drawn by an earlier build are kept (one file per chart name), and
    what else they were drawn by: hpkb's code and the libraries' versions
    (`fingerprint.code_digest`)."""

    folder: Path
    seed: str


def _cached(cache: ChartCache | None, name: str, spec: list[object],
            draw: Callable[[], Chart]) -> Chart:
    """The chart drawn from ``spec``, or the one drawn from the same spec last time: an
    unchanged chart needs no matplotlib, whose import alone takes 0.3 s of a one-entry
    rebuild."""
    if cache is None:
        return draw()
    key = hashlib.sha256(json.dumps([spec, cache.seed]).encode()).hexdigest()
    path = cache.folder / f"{name}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept["key"] == key:
            return Chart(**kept["chart"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    chart = draw()
    cache.folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"key": key, "chart": asdict(chart)}), encoding="utf-8")
    return chart


def bar_chart(name: str, title: str, labels: Sequence[str],
              series: Mapping[str, Sequence[float]], *, stacked: bool = True,
              horizontal: bool = False, cache: ChartCache | None = None) -> Chart:
    """Bars for each label, one colour per series (stacked or side by side)."""
    spec: list[object] = ["bar", title, list(labels),
                          {k: list(v) for k, v in series.items()}, stacked, horizontal]
    return _cached(cache, name, spec, lambda: _bars(name, title, labels, series, stacked,
                                                     horizontal))


def _bars(name: str, title: str, labels: Sequence[str],
          series: Mapping[str, Sequence[float]], stacked: bool, horizontal: bool) -> Chart:
    figure, axes = _figure(title)
    positions = list(range(len(labels)))
    bottom = [0.0] * len(labels)
    width = 0.8 if stacked else 0.8 / max(len(series), 1)
    for number, (series_name, values) in enumerate(series.items()):
        offsets = positions if stacked else [p - 0.4 + width * (number + 0.5) for p in positions]
        draw = axes.barh if horizontal else axes.bar  # type: ignore[attr-defined]
        kwargs = {"left" if horizontal else "bottom": bottom} if stacked else {}
        draw(offsets, values, width if not horizontal else 0.7, label=series_name,
             color=COLOURS[number % len(COLOURS)], **kwargs)
        if stacked:
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ticks = axes.set_yticks if horizontal else axes.set_xticks  # type: ignore[attr-defined]
    ticks(positions, labels, fontsize=8)
    if len(series) > 1:
        axes.legend(fontsize=8, frameon=False)  # type: ignore[attr-defined]
    return _svg(figure, name, title, _describe(labels, series))


def line_chart(name: str, title: str, labels: Sequence[str],
               series: Mapping[str, Sequence[float]], *,
               cache: ChartCache | None = None) -> Chart:
    """Lines over labels (months or quarters), one per series."""
    spec: list[object] = ["line", title, list(labels), {k: list(v) for k, v in series.items()}]
    return _cached(cache, name, spec, lambda: _lines(name, title, labels, series))


def _lines(name: str, title: str, labels: Sequence[str],
           series: Mapping[str, Sequence[float]]) -> Chart:
    figure, axes = _figure(title)
    positions = list(range(len(labels)))
    for number, (series_name, values) in enumerate(series.items()):
        axes.plot(positions, values, label=series_name,  # type: ignore[attr-defined]
                  color=COLOURS[number % len(COLOURS)], linewidth=2)
    step = max(1, len(labels) // 12)
    axes.set_xticks(positions[::step], labels[::step], fontsize=8,  # type: ignore[attr-defined]
                    rotation=45)
    if len(series) > 1:
        axes.legend(fontsize=8, frameon=False)  # type: ignore[attr-defined]
    return _svg(figure, name, title, _describe(labels, series))

"""The board paper's building blocks in Typst: tables that break across pages with their
header repeated and fit the page's width, charts with their alternative text, figures
as tiles, a chart and its table side by side. Every text goes in as a string literal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hpkb.outputs.packs.typst_text import typst_array, typst_string
from hpkb.outputs.site.charts import Chart

__all__ = ["PRELUDE", "Column", "beside", "chart", "para", "section", "sub", "table",
           "tiles"]

# Defined at the top of the paper: the pack template (which a repo may override) only
# includes it.
PRELUDE = """// The board paper, written by hpkb: every text below is a string literal.
#let hp-accent = rgb("#1f3a93")
#show heading.where(level: 1): set text(size: 15pt, fill: hp-accent)
#show heading.where(level: 1): set block(above: 1.5em, below: 0.8em)
#let hp-table(columns, aligns, header, rows, size: 9pt) = {
  set text(size: size)
  set par(justify: false)
  table(
    columns: columns,
    align: (x, y) => aligns.at(x) + top,
    inset: (x: 4pt, y: 3.5pt),
    stroke: (x, y) => (bottom: if y == 0 { 0.8pt + luma(80) } else { 0.4pt + luma(195) }),
    fill: (x, y) => if y == 0 { rgb("#e6ebf5") },
    table.header(..header.map(h => text(weight: "bold", h))),
    ..rows.flatten(),
  )
}
#let hp-tiles(items) = grid(
  columns: (1fr,) * items.len(), column-gutter: 6pt,
  ..items.map(((value, name)) => block(
    width: 100%, fill: rgb("#eef1f8"), inset: (x: 7pt, y: 7pt), radius: 2pt,
    stack(spacing: 5pt, text(size: 17pt, weight: "bold", fill: hp-accent, value),
          text(size: 8pt, name)))))
#let hp-sub(title) = block(above: 1.2em, below: 0.6em, sticky: true,
  text(size: 11pt, weight: "bold", fill: hp-accent, title))
#let hp-beside(left, right) = grid(columns: (56%, 1fr), column-gutter: 14pt, left, right)
"""


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its width (a Typst length or fraction) and whether it
    holds numbers (set to the right)."""

    heading: str
    width: str = "1fr"
    numeric: bool = False


def table(columns: Sequence[Column], rows: Sequence[Sequence[object]], size: str = "9pt"
          ) -> str:
    """A table (a Typst expression) that breaks across pages, its header repeated."""
    widths = typst_array(c.width for c in columns)
    aligns = typst_array("right" if c.numeric else "left" for c in columns)
    header = typst_array(typst_string(c.heading) for c in columns)
    body = typst_array(typst_array(typst_string(cell) for cell in row) for row in rows)
    return f"hp-table({widths}, {aligns}, {header}, {body}, size: {size})"


def chart(found: Chart, file: str, width: str = "100%") -> str:
    """A chart (a Typst expression): the SVG, its title and numbers as alternative text."""
    alt = f"{found.title}. {found.description}"
    return f"image({typst_string(file)}, width: {width}, alt: {typst_string(alt)})"


def beside(left: str, right: str) -> str:
    """Two expressions side by side (a chart and its short table)."""
    return f"#hp-beside({left}, {right})"


def tiles(items: Sequence[tuple[object, str]]) -> str:
    """Headline figures as tiles: (value, what it counts)."""
    return "#hp-tiles(" + typst_array(
        typst_array([typst_string(value), typst_string(name)]) for value, name in items) + ")"


def section(title: str) -> str:
    return f"#heading(level: 1, {typst_string(title)})"


def sub(title: str) -> str:
    return f"#hp-sub({typst_string(title)})"


def para(text: str) -> str:
    """A paragraph of plain text."""
    return f"#par({typst_string(text)})"

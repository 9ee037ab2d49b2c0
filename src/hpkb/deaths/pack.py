"""The board pack of kind `deaths`: the period's figures, charts, open cases, spikes and
the strongest alerts, as Markdown for hpkb's pack typesetting (internal only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpkb.deaths.analyse import Analysis
from hpkb.deaths.patterns import open_cases
from hpkb.deaths.section import death_charts
from hpkb.outputs.site.markdown_text import escape_md

if TYPE_CHECKING:
    from hpkb.deaths.outputs import InternalOutputs
    from hpkb.outputs.packs.definitions import PackDef, PackDocument

__all__ = ["MOST_ALERTS", "deaths_pack_document", "deaths_pack_markdown"]

MOST_ALERTS = 10


def _rows(head: tuple[str, ...], rows: list[tuple[object, ...]],
          widths: tuple[int, ...] | None = None) -> list[str]:
    """A pipe table, left-aligned; ``widths``: each column's share of the page (pandoc
    reads them from the lengths of the rule under the head), else equal shares."""
    if not rows:
        return ["None in this period.", ""]
    rule = "|".join(":" + "-" * width for width in widths or (3,) * len(head))
    return ["| " + " | ".join(head) + " |", f"|{rule}|",
            *("| " + " | ".join(escape_md(str(c)) for c in row) + " |" for row in rows), ""]


def deaths_pack_markdown(analysis: Analysis) -> tuple[str, dict[str, str]]:
    """The pack's Markdown and its charts (file name → SVG)."""
    counts = analysis.counts
    charts = death_charts(analysis, prefix="pack-deaths-")
    wanted = ("monthly", "category", "area")
    lines = ["## Summary", "",
             f"{counts['deaths']:,} deaths in {escape_md(analysis.period.label)} from "
             f"{counts['records']:,} records; {len(analysis.alerts)} alerts to review; "
             f"{len(analysis.spikes)} spikes; coroner's outcomes pending: "
             f"{counts['coroner']['pending']}.", "",
             "An alert is a prompt for a human review, never a finding of fact.", ""]
    for name in wanted:
        if name in charts:
            lines += [f"![{escape_md(charts[name].title)}]({charts[name].name}.svg)", ""]
    lines += ["## By the police's initial view", ""]
    lines += _rows(("Category", "Deaths"), list(counts["by_category"].items()))
    lines += ["## By area", ""]
    lines += _rows(("Area", "Deaths"), list(counts["by_area"].items()))
    lines += ["## Unexplained and suspicious deaths", ""]
    lines += _rows(("Refs", "Date", "Area", "Initial view", "Investigation", "Debrief"),
                   [(", ".join(d.refs), d.when.isoformat(), d.area or "", d.category or "",
                     d.investigation or "", ", ".join(d.debriefs))
                    for d in open_cases(analysis.deaths, analysis.period)],
                   (26, 13, 15, 14, 16, 16))
    lines += ["## Spikes", ""]
    lines += _rows(("Quarter", "What", "Observed", "Expected"),
                   [(s.quarter, f"{s.what}: {s.label}", s.observed, f"{s.expected:.1f}")
                    for s in analysis.spikes])
    lines += ["## Alerts to review (strongest first)", ""]
    lines += _rows(("Alert", "Score", "Why", "Members"),
                   [(a.id, f"{a.score:g}", a.because, ", ".join(a.refs))
                    for a in analysis.alerts[:MOST_ALERTS]],
                   (16, 7, 47, 30))
    return "\n".join(lines) + "\n", {f"{c.name}.svg": c.svg for n, c in charts.items()
                                     if n in wanted}


def deaths_pack_document(pack: PackDef, outputs: InternalOutputs) -> PackDocument:
    """A `deaths` board pack for its period (`last-financial-quarter` and the like, or
    from/to; everything to date when it names none)."""
    from hpkb.outputs.packs.definitions import PackDocument

    analysis = outputs.for_period(pack.period if pack.period != "all" else None,
                                  pack.start, pack.end)
    markdown, charts = deaths_pack_markdown(analysis)
    return PackDocument(pack.id, pack.title, f"Death investigations: {analysis.period.label}",
                        pack.owner or "", markdown, charts)

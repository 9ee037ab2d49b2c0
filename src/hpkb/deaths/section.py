"""The internal site's "Death investigations" section: its pages (Markdown for the
site's free pages) and their charts (hpkb's own SVG writer), from one analysis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hpkb.deaths.alerts import KINDS, Alert
from hpkb.deaths.analyse import Analysis
from hpkb.deaths.death import Death
from hpkb.deaths.patterns import open_cases
from hpkb.outputs.site.charts import Chart, bar_chart, line_chart
from hpkb.outputs.site.markdown_text import escape_md

__all__ = ["ALERTS_PAGE", "CHART_FOLDER", "OVERVIEW_PAGE", "Section", "death_charts",
           "site_section"]

OVERVIEW_PAGE, ALERTS_PAGE = "death-investigations.md", "death-alerts.md"
CHART_FOLDER = "assets/charts"  # in the docs tree and the site, beside the statistics'


@dataclass(frozen=True)
class Section:
    """The section's pages (file name in the site's free pages → Markdown) and charts
    (path in the docs tree → SVG)."""

    pages: dict[str, str]
    charts: dict[str, str]


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(escape_md(str(cell)) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _counts_table(title: str, counts: Mapping[str, int]) -> list[str]:
    return _table((title, "Deaths"), list(counts.items())) if counts else ["None.", ""]


def death_charts(analysis: Analysis, prefix: str = "deaths-") -> dict[str, Chart]:
    """The section's charts, by name, drawn from the same figures as its tables."""
    counts = analysis.counts
    months = counts["by_month"][-24:]
    charts: dict[str, Chart] = {}
    if months:
        labels = [m["month"] for m in months]
        charts["monthly"] = bar_chart(
            f"{prefix}monthly", "Deaths by month, and the same month a year before", labels,
            {"This year": [m["deaths"] for m in months],
             "A year before": [next(iter(m["same_month_earlier_years"].values()))
                               for m in months]}, stacked=False)
        every = counts["by_month"]
        charts["rolling"] = line_chart(f"{prefix}rolling", "Deaths in the previous 12 months",
                                       [m["month"] for m in every],
                                       {"Deaths": [m["rolling_12_months"] for m in every]})
    for key, title in (("by_category", "Deaths by the police's initial view"),
                       ("by_area", "Deaths by area"),
                       ("by_location_type", "Deaths by kind of place")):
        if counts[key]:
            charts[key.removeprefix("by_")] = bar_chart(
                f"{prefix}{key.removeprefix('by_')}", title, list(counts[key]),
                {"Deaths": list(counts[key].values())}, horizontal=True)
    substances = dict(list(counts["by_substance"].items())[:12])
    if substances:
        charts["substances"] = bar_chart(f"{prefix}substances", "Substances found (most "
                                         "frequent)", list(substances),
                                         {"Deaths": list(substances.values())}, horizontal=True)
    bands = counts["by_age_band_and_sex"]
    if bands:
        charts["age-sex"] = bar_chart(f"{prefix}age-sex", "Deaths by age band and sex",
                                      list(bands), {s.capitalize(): [b.get(s, 0) for b in
                                                                     bands.values()]
                                                    for s in ("male", "female")},
                                      stacked=False)
    return charts


def _image(charts: Mapping[str, Chart], name: str) -> list[str]:
    chart = charts.get(name)
    if chart is None:
        return []
    return [f'<img src="../{CHART_FOLDER}/{chart.name}.svg" alt="{escape_md(chart.description)}">',
            ""]


def _who(death: Death) -> str:
    parts = [death.when.isoformat(), death.name or "name not given",
             f"{death.age}" if death.age is not None else "age not given",
             death.address or death.area or "place not given"]
    return ", ".join(parts)


def _alert_block(alert: Alert, reviewed: tuple[str, str] | None = None) -> list[str]:
    lines = [f"### {alert.id}", "",
             f"**{escape_md(KINDS[alert.kind])}**, score {alert.score:g}. "
             + escape_md(alert.because) + ".", ""]
    if reviewed is not None:
        lines += [f"Reviewed: **{escape_md(reviewed[0])}**: {escape_md(reviewed[1])}", ""]
    rows = [(", ".join(d.refs), _who(d), d.category or "not given",
             d.investigation or "not given", d.coroner_outcome or "not given") for d in
            sorted(alert.members, key=lambda d: (d.when, d.key))]
    lines += _table(("Refs", "Death", "Initial view", "Investigation", "Coroner"), rows)
    debriefs = sorted({b for d in alert.members for b in d.debriefs})
    if debriefs:
        lines += ["Rapid debriefs: " + ", ".join(f"[[{b}]]" for b in debriefs), ""]
    return lines


def _overview(analysis: Analysis, charts: Mapping[str, Chart]) -> str:
    counts, period = analysis.counts, analysis.period
    lines = ["# Death investigations", "",
             f"The force's death investigations, {escape_md(period.label)}, as of "
             f"{analysis.today.isoformat()}: {len(analysis.loaded.records):,} records from "
             f"{len(counts['by_source'])} sources, merged into {counts['deaths']:,} deaths. "
             "Internal only: every record is personal data. An alert is a prompt for a human "
             "review, never a finding of fact.", "",
             f"[Alerts to review: {len(analysis.alerts)}]({ALERTS_PAGE})", "",
             "## Deaths by month", "", *_image(charts, "monthly"),
             *_image(charts, "rolling")]
    lines += _table(("Month", "Deaths", "Rolling 12 months", "A year before"),
                    [(m["month"], m["deaths"], m["rolling_12_months"],
                      next(iter(m["same_month_earlier_years"].values())))
                     for m in counts["by_month"][-24:]])
    for key, title, head in (("by_category", "By the police's initial view", "Category"),
                             ("by_area", "By area", "Area"),
                             ("by_location_type", "By kind of place", "Place"),
                             ("by_substance", "By substance", "Substance")):
        chart = {"by_category": "category", "by_area": "area",
                 "by_location_type": "location_type", "by_substance": "substances"}[key]
        lines += [f"## {title}", "", *_image(charts, chart), *_counts_table(head, counts[key])]
    lines += ["## By age band and sex", "", *_image(charts, "age-sex")]
    lines += _table(("Age band", "Male", "Female", "Not given"),
                    [(band, s.get("male", 0), s.get("female", 0),
                      sum(v for k, v in s.items() if k not in ("male", "female")))
                     for band, s in counts["by_age_band_and_sex"].items()])
    coroner = counts["coroner"]
    lines += ["## Coroner's outcomes", "",
              f"Pending: {coroner['pending']} (the oldest {coroner['oldest_pending_days']} "
              "days since the death).", "", *_counts_table("Waiting", coroner["pending_by_age"]),
              *_counts_table("Outcome", coroner["outcomes"]),
              "## Unexplained and suspicious deaths", ""]
    cases = open_cases(analysis.deaths, period)
    lines += _table(("Refs", "Death", "Initial view", "Investigation", "Coroner",
                     "Debrief"),
                    [(", ".join(d.refs), _who(d), d.category or "not given",
                      d.investigation or "not given", d.coroner_outcome or "not given",
                      ", ".join(d.debriefs)) for d in cases]) if cases else ["None.", ""]
    lines += ["## Spikes", "", "A quarter's count well above its own history (see the user "
              "guide for how it is judged).", ""]
    lines += _table(("Quarter", "What", "Observed", "Expected", "False discovery rate"),
                    [(s.quarter, f"{s.what}: {s.label}", s.observed, f"{s.expected:.1f}",
                      f"{s.q:.2g}") for s in analysis.spikes]) if analysis.spikes else \
        ["None.", ""]
    return "\n".join(lines)


def _alerts_page(analysis: Analysis) -> str:
    lines = ["# Death alerts", "",
             "Deaths that may be linked, strongest first. Each is a prompt for a human "
             "review, never a finding of fact. Mark an alert `reviewed: linked` or "
             "`reviewed: not linked`, with why, under its id in deaths/reviews.yml, and it is "
             "not raised again.", ""]
    lines += ["## To review", ""]
    if not analysis.alerts:
        lines += ["No alerts to review.", ""]
    for alert in analysis.alerts:
        lines += _alert_block(alert)
    if analysis.reviewed:
        lines += ["## Reviewed", ""]
        for alert, review in analysis.reviewed:
            lines += _alert_block(alert, (review.decision, review.why))
    return "\n".join(lines)


def site_section(analysis: Analysis) -> Section:
    """The section's two pages and their charts."""
    charts = death_charts(analysis)
    return Section({OVERVIEW_PAGE: _overview(analysis, charts),
                    ALERTS_PAGE: _alerts_page(analysis)},
                   {f"{CHART_FOLDER}/{c.name}.svg": c.svg for c in charts.values()})

"""The board pack: a board paper for a period, written as Typst from the governance figures.

Sections: a summary in words (with the owner's note for the period, when there is one),
the running position, homicides and near misses over time, context and factors,
timeliness, the debrief register, outstanding actions, recommendation responses, missed
opportunities and new learning. Each chart has its numbers in a table beside it. Pure:
a ProfileView in, Typst and SVG text out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hpkb.governance.actions import ActionRow, action_rows
from hpkb.governance.figures import Timeliness
from hpkb.governance.missed import missed_opportunities
from hpkb.governance.periods import Period, financial_year
from hpkb.governance.position import RunningPosition, debriefs_to, running_position
from hpkb.governance.registers import (
    debrief_register,
    factor_counts,
    outstanding_by,
    quarter_flow,
    response_rows,
    twelve_months_to,
)
from hpkb.governance.report import problem_profile, stale_entries
from hpkb.outputs.packs.typst_layout import (
    PRELUDE,
    Column,
    beside,
    chart,
    para,
    section,
    sub,
    table,
    tiles,
)
from hpkb.outputs.site.charts import Chart, bar_chart, line_chart
from hpkb.outputs.site.pages import label, long_date
from hpkb.outputs.wording import count_of, plural
from hpkb.view.gate import ProfileView

__all__ = ["BoardPaper", "board_paper"]

SIDE = 430  # charts beside a table: drawn this wide (px), shown 56% of the text width
FULL = 700  # charts across the page


@dataclass(frozen=True)
class BoardPaper:
    """The paper's Typst body (it includes note.typ when there is a note) and charts."""

    typst: str
    charts: dict[str, str]


class _Paper:
    """Collects the paper's lines and its charts as the sections are written."""

    def __init__(self) -> None:
        self.lines: list[str] = [PRELUDE]
        self.charts: dict[str, str] = {}

    def add(self, *lines: str) -> None:
        self.lines += [*lines, ""]

    def chart(self, found: Chart, width: str = "100%") -> str:
        self.charts[f"{found.name}.svg"] = found.svg
        return chart(found, f"{found.name}.svg", width)


def _day(day: date) -> str:
    """A date as a table shows it: 30 Jun 2025."""
    return f"{day.day} {day:%b %Y}"


def _month(month: str) -> str:
    """"2026-01" as "Jan 2026"."""
    return f"{date.fromisoformat(f'{month}-01'):%b %Y}"


def _theme(view: ProfileView, theme_id: str | None) -> str:
    found = view.taxonomy.themes.get(theme_id or "")
    return found.title if found else (theme_id or "")


def _org(view: ProfileView, org_id: str) -> str:
    found = view.taxonomy.organisations.get(org_id)
    return found.name if found else org_id


def _narrative(running: RunningPosition, period: Period, rows: Sequence[ActionRow],
               twelve: tuple[int, int, int]) -> list[str]:
    """The changes and the position in a few plain sentences."""
    changes, position = running.changes, running.position
    held = count_of(changes.debriefs, "debrief", words=True)
    kinds = []
    if changes.debriefs:
        kinds = [count_of(changes.homicides, "homicide", words=True),
                 count_of(changes.near_misses, "near miss", "near misses", words=True)]
    first = (f"{held[0].upper()}{held[1:]} {plural(changes.debriefs, 'was', 'were')} held in "
             f"the period ({period.label})" + (f": {' and '.join(kinds)}" if kinds else "")
             + f". {count_of(changes.actions_raised, 'action', words=True).capitalize()} "
             f"{plural(changes.actions_raised, 'was', 'were')} raised and "
             f"{count_of(changes.actions_completed, 'action', words=True)} completed.")
    second = (f"As at {long_date(position.as_of)}, "
              f"{count_of(position.outstanding, 'action')} of the "
              f"{position.actions_raised} raised to date "
              f"{plural(position.outstanding, 'is', 'are')} outstanding")
    if position.outstanding:
        second += (f", {position.outstanding_recent} of them from the "
                   f"{count_of(len(position.recent_debriefs), 'most recent debrief', words=True)}"
                   f" ({', '.join(position.recent_debriefs)}); {position.overdue} "
                   f"{plural(position.overdue, 'is', 'are')} overdue")
    second += (f". {count_of(position.completed, 'action')} "
               f"{plural(position.completed, 'has', 'have')} been completed"
               + (f", {position.completed_late} of them after the due date"
                  if position.completed_late else "") + ".")
    sentences = [first, second]
    sentence = _overdue_owners(rows)
    if sentence:
        sentences.append(sentence)
    incidents, homicides, before = twelve
    sentences.append(
        f"In the twelve months to {long_date(position.as_of)} there "
        f"{plural(incidents, 'was', 'were')} {count_of(incidents, 'incident', words=True)} "
        f"({count_of(homicides, 'homicide', words=True)}), against "
        f"{count_of(before, 'incident', words=True).split()[0] if before else 'none'} in the "
        "twelve months before.")
    return sentences


def _names(names: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _overdue_owners(rows: Sequence[ActionRow]) -> str | None:
    """Which owners have the most overdue actions, in a sentence (None: none overdue)."""
    owners = [o for o in outstanding_by(rows, lambda r: r.owner) if o.overdue]
    if not owners:
        return None
    most = owners[0].overdue
    top = [o.key for o in owners if o.overdue == most]
    if len(owners) == 1:
        return (f"The one overdue action is with {top[0]}." if most == 1 else
                f"All {most} overdue actions are with {top[0]}.")
    if len(top) == 1:
        return f"{top[0]} has the most overdue actions ({most})."
    if len(top) > 3:
        return (f"The overdue actions are spread across {len(owners)} owners, none with more "
                f"than {count_of(most, 'action', words=True).split()[0]}.")
    return (f"The most overdue actions, {count_of(most, 'action', words=True).split()[0]} "
            f"each, are with {_names(top)}.")


def _summary(paper: _Paper, running: RunningPosition, period: Period,
             rows: Sequence[ActionRow], twelve: tuple[int, int, int], note: bool) -> None:
    position = running.position
    paper.add(section("Summary"))
    for sentence in _narrative(running, period, rows, twelve):
        paper.add(para(sentence))
    paper.add(tiles([(position.debriefs, "debriefs to date"),
                     (position.actions_raised, "actions raised"),
                     (position.completed, "completed"),
                     (position.outstanding, "outstanding"),
                     (position.overdue, "overdue")]))
    if note:
        paper.add(sub("Commentary"), '#include "note.typ"')


def _position(paper: _Paper, running: RunningPosition, period: Period,
              rows: Sequence[ActionRow]) -> None:
    position, changes = running.position, running.changes
    paper.add(section(f"Position as at {long_date(position.as_of)}"),
              para("To date: every debrief held (by incident date) and every action raised "
                   "up to that day, with its status on that day. In the period: what changed "
                   f"in {period.label}."))
    recent = ", ".join(position.recent_debriefs) or "none"
    to_date = [("Debriefs held", position.debriefs),
               ("of which homicides", position.homicides),
               ("of which near misses", position.near_misses),
               ("Actions raised", position.actions_raised),
               ("Completed", position.completed),
               ("of which after the due date", position.completed_late),
               ("Outstanding (open or in progress)", position.outstanding),
               ("of which in progress", position.in_progress),
               (f"of which from the last "
                f"{count_of(len(position.recent_debriefs), 'debrief')} ({recent})",
                position.outstanding_recent),
               ("of which overdue", position.overdue),
               ("Dropped", position.dropped)]
    in_period = [("Debriefs held", changes.debriefs), ("of which homicides", changes.homicides),
                 ("of which near misses", changes.near_misses),
                 ("Actions raised", changes.actions_raised),
                 ("Actions completed", changes.actions_completed)]
    paper.add(beside(table([Column("To date", "1fr"), Column("Count", "1.3cm", True)],
                           to_date),
                     table([Column("In the period", "1fr"), Column("Count", "1.3cm", True)],
                           in_period)))
    flow = quarter_flow(rows, position.as_of)
    if flow:
        found = bar_chart("actions-by-quarter", "Actions raised and completed by quarter",
                          [f.quarter for f in flow],
                          {"Raised": [f.raised for f in flow],
                           "Completed": [f.completed for f in flow]},
                          stacked=False, width=SIDE, height=300)
        paper.add(sub("Actions raised and completed by financial quarter"),
                  beside(paper.chart(found),
                         table([Column("Quarter", "1fr"), Column("Raised", "1.2cm", True),
                                Column("Done", "1.1cm", True),
                                Column("Open at end", "1.9cm", True)],
                               [(f.quarter, f.raised, f.completed, f.outstanding_at_end)
                                for f in flow], size="8.5pt")))


def _incidents(paper: _Paper, view: ProfileView, as_of: date, population: int | None
               ) -> tuple[int, int, int]:
    """The incidents section; returns (incidents and homicides in the twelve months to
    the as-of date, incidents in the twelve before) for the summary."""
    profile = problem_profile(view, as_of, population)
    by_month = profile["by_month"]
    months = list(by_month)
    rolling = profile["rolling_12_months"]
    twelve = (rolling[months[-1]] if months else 0,
              profile["last_12_months"]["homicides"],
              rolling[months[-13]] if len(months) > 12 else 0)
    paper.add(section("Homicides and near misses"))
    if not months:
        paper.add(para("No debriefs to date."))
        return twelve
    years: dict[str, list[int]] = {}
    for month, counts in by_month.items():
        year = financial_year(date.fromisoformat(f"{month}-01"))
        totals = years.setdefault(year, [0, 0])
        totals[0] += counts["homicide"]
        totals[1] += counts["near-miss"]
    rates = profile["homicide_rate_per_million_by_financial_year"] or {}
    columns = [Column("Year", "1fr"), Column("Homicides", "1.7cm", True),
               Column("Near misses", "2cm", True)]
    if rates:
        columns.append(Column("Per million", "1.8cm", True))
    found = bar_chart("incidents-by-year", "Homicides and near misses by financial year",
                      list(years), {"Homicide": [t[0] for t in years.values()],
                                    "Near miss": [t[1] for t in years.values()]},
                      width=SIDE, height=300)
    paper.add(beside(paper.chart(found), table(columns, [
        (year, h, n, *([f"{rates.get(year, 0):g}"] if rates else []))
        for year, (h, n) in years.items()])))
    if population:
        paper.add(para(f"Homicides per million residents in the twelve months to "
                       f"{long_date(as_of)}: {profile['homicide_rate_per_million']:g} "
                       f"(population {population:,}). Years not yet ended count their "
                       "months so far."))
    # The rolling line from the first whole twelve months (a shorter window undercounts).
    shown = months[11:] or months
    series: dict[str, list[float | None]] = {
        "Incidents in the previous 12 months": [float(rolling[m]) for m in shown]}
    longer = profile["rolling_36_months_per_year"]
    if longer:
        series["Average a year over 36 months"] = [longer.get(m) for m in shown]
    line = line_chart("rolling", "Rolling 12-month count of homicides and near misses",
                      [_month(m) for m in shown], series, width=FULL, height=300)
    paper.add(sub("Rolling twelve months"), "#" + paper.chart(line))
    recent = months[-12:]
    paper.add(sub(f"By month, {_month(recent[0])} to {_month(recent[-1])}"), "#" + table(
        [Column("Month", "1fr"), Column("Homicides", "2.2cm", True),
         Column("Near misses", "2.2cm", True), Column("Previous 12 months", "3.2cm", True)],
        [(_month(m), by_month[m]["homicide"], by_month[m]["near-miss"], rolling[m])
         for m in recent]))
    return twelve


def _factors(paper: _Paper, view: ProfileView, as_of: date) -> None:
    recent = twelve_months_to(debriefs_to(view, as_of), as_of)
    paper.add(section("Context and factors, last twelve months"))
    if not recent:
        paper.add(para(f"No debriefs in the twelve months to {long_date(as_of)}."))
        return
    contexts = Counter(str(e.meta["incident"]["context"]) for e in recent)
    categories = Counter(str(e.meta["incident"]["category"]) for e in recent)
    paper.add(para(f"{count_of(len(recent), 'debrief')} in the twelve months to "
                   f"{long_date(as_of)}. A debrief may have several factors; the review "
                   "team names one primary factor."))
    factors = factor_counts(recent)
    context_table = table([Column("Context", "1fr"), Column("Homicides", "2.2cm", True),
                           Column("Near misses", "2.2cm", True)],
                          [(label(c), sum(1 for e in recent if e.meta["incident"]["context"] == c
                                          and e.meta["incident"]["category"] == "homicide"),
                            sum(1 for e in recent if e.meta["incident"]["context"] == c
                                and e.meta["incident"]["category"] == "near-miss"))
                           for c in sorted(contexts, key=lambda c: (-contexts[c], c))]
                          + [("All", categories["homicide"], categories["near-miss"])])
    if not factors:
        paper.add("#" + context_table)
        return
    found = bar_chart("factors", "Factors in the last twelve months",
                      [label(f) for f, _, _ in factors],
                      {"Primary": [p for _, _, p in factors],
                       "Also present": [n - p for _, n, p in factors]},
                      horizontal=True, width=SIDE)
    paper.add(beside(paper.chart(found), table(
        [Column("Factor", "1fr"), Column("Debriefs", "1.5cm", True),
         Column("Primary", "1.4cm", True)],
        [(label(f), n, p) for f, n, p in factors])))
    paper.add("#" + context_table)


def _verdict(step: Timeliness) -> str:
    if step.days is None:
        return "not yet"
    return f"{step.days}" + (" late" if step.verdict == "late" else "")


def _timeliness(paper: _Paper, view: ProfileView, as_of: date, period: Period,
                rows: Sequence[ActionRow], targets: tuple[int, int]) -> None:
    register = debrief_register(debriefs_to(view, as_of), rows, targets)
    paper.add(section("Debrief register and timeliness"),
              para(f"Every debrief to date, newest first. Days from the incident to the "
                   f"initial review (target {targets[0]} days) and to the learning and "
                   f"actions report (target {targets[1]} days); the target day itself is "
                   "within. Actions as at the position date."))
    if not register:
        paper.add(para("No debriefs to date."))
        return
    in_period = [d for d in register if period.holds(d.date)]
    summary = []
    for name, step in (("Initial review", 0), ("Report", 1)):
        for scope, chosen in (("in the period", in_period), ("to date", register)):
            verdicts = Counter((d.review, d.report)[step].verdict for d in chosen)
            summary.append((f"{name}, {scope}", verdicts["within"], verdicts["late"],
                            verdicts["missing"]))
    paper.add("#" + table([Column("Step", "1fr"), Column("Within", "1.6cm", True),
                           Column("Late", "1.6cm", True), Column("Not yet done", "2.2cm", True)],
                          summary))
    paper.add(sub("Register"), "#" + table(
        [Column("Debrief", "2.1cm"), Column("Incident", "2cm"), Column("Category", "1fr"),
         Column("Context", "1fr"), Column(f"Review days (≤{targets[0]})", "1.6cm", True),
         Column(f"Report days (≤{targets[1]})", "1.6cm", True),
         Column("Actions", "1.3cm", True), Column("Outstanding", "1.9cm", True),
         Column("Overdue", "1.4cm", True)],
        [(d.id, _day(d.date), label(d.category), label(d.context), _verdict(d.review),
          _verdict(d.report), d.raised, d.outstanding, d.overdue) for d in register],
        size="8.5pt"))


def _outstanding(paper: _Paper, running: RunningPosition, rows: Sequence[ActionRow]) -> None:
    position = running.position
    paper.add(section("Outstanding and overdue actions"))
    if not position.outstanding:
        paper.add(para(f"No actions are outstanding as at {long_date(position.as_of)}."))
        return
    paper.add(para(f"{count_of(position.outstanding, 'action')} outstanding as at "
                   f"{long_date(position.as_of)}, {position.overdue} of them overdue (open or "
                   "in progress after the due date)."))
    owners = outstanding_by(rows, lambda r: r.owner)
    found = bar_chart("outstanding-by-owner", "Outstanding actions by owner",
                      [o.key for o in owners],
                      {"Overdue": [o.overdue for o in owners],
                       "Not yet due": [o.outstanding - o.overdue for o in owners]},
                      horizontal=True, width=FULL)
    paper.add(sub("By owner"), "#" + paper.chart(found), "#" + table(
        [Column("Owner", "1fr"), Column("Outstanding", "2cm", True),
         Column("Overdue", "2cm", True), Column("Earliest due", "2.6cm")],
        [(o.key, o.outstanding, o.overdue, _day(o.earliest_due)) for o in owners]))
    entries = outstanding_by(rows, lambda r: r.entry)
    paper.add(sub("By debrief, learning entry or recommendation"), "#" + table(
        [Column("Raised by", "1fr"), Column("Outstanding", "2cm", True),
         Column("Overdue", "2cm", True), Column("Earliest due", "2.6cm")],
        [(o.key, o.outstanding, o.overdue, _day(o.earliest_due)) for o in entries]))
    overdue = sorted((r for r in rows if r.overdue), key=lambda r: (r.due, r.id))
    if overdue:
        paper.add(sub("Overdue actions, longest overdue first"), "#" + table(
            [Column("Action", "2.9cm"), Column("What is to be done", "1fr"),
             Column("Owner", "3cm"), Column("Due", "2cm"), Column("Days over", "1.3cm", True)],
            [(r.id, r.action, r.owner, _day(r.due),
              (position.as_of - r.due).days) for r in overdue], size="8.5pt"))


def _responses(paper: _Paper, view: ProfileView, rows: Sequence[ActionRow]) -> None:
    found = response_rows(view, rows)
    if not found:
        return
    paper.add(section("Recommendation responses"),
              para("The force's response to each recommendation it has recorded one for, "
                   "from any source, with the actions in answer to it."))
    paper.add("#" + table(
        [Column("Recommendation", "3.6cm"), Column("Response", "2cm"), Column("Lead", "2.4cm"),
         Column("Position", "1fr"), Column("Actions done / open / overdue", "2.1cm")],
        [(f"{r.source}, recommendation {r.number} ({r.recommendation})", label(r.response),
          r.lead or "", r.position or f"Updated {long_date(r.updated)}",
          f"{r.completed} / {r.outstanding} / {r.overdue}") for r in found], size="8.5pt"))


def _missed(paper: _Paper, view: ProfileView, as_of: date) -> None:
    figures = missed_opportunities(debriefs_to(view, as_of))
    if not figures["count"]:
        return
    kinds = figures["by_kind"]
    paper.add(section("Missed opportunities"),
              para(f"{count_of(figures['count'], 'missed opportunity')} recorded in the "
                   f"chronologies of {count_of(figures['debriefs'], 'debrief')} to date: "
                   f"{kinds['systemic']} systemic, {kinds['individual']} individual, "
                   f"{kinds['not_recorded']} not yet judged; {figures['answered']} answered "
                   "by an action."))
    agencies = figures["by_agency"]
    found = bar_chart("missed-by-agency", "Missed opportunities by agency", list(agencies),
                      {"Missed opportunities": list(agencies.values())}, horizontal=True,
                      width=SIDE)
    paper.add(beside(paper.chart(found), table(
        [Column("Agency", "1fr"), Column("Missed", "1.5cm", True)], list(agencies.items()))))
    paper.add(sub("By theme"), "#" + table(
        [Column("Theme", "1fr"), Column("Missed opportunities", "3.4cm", True)],
        [(_theme(view, t), n) for t, n in figures["by_theme"].items()]))


def _new_entries(paper: _Paper, view: ProfileView, period: Period) -> None:
    new = sorted((e for e in view.entries if e.kind in ("learning", "practice")
                  and period.holds(date.fromisoformat(e.meta["created"]))),
                 key=lambda e: (e.meta["created"], e.id))
    paper.add(section("New learning and practice"))
    if not new:
        paper.add(para("None in this period."))
    else:
        paper.add("#" + table(
            [Column("Title", "1fr"), Column("Kind", "2cm"), Column("From", "3.6cm"),
             Column("Themes", "3.6cm")],
            [(e.title, "Learning" if e.kind == "learning" else "Practice",
              _org(view, str(e.meta["organisation"])),
              ", ".join(_theme(view, t) for t in e.meta["themes"])) for e in new]))
    stale = stale_entries(view)
    if stale:
        paper.add(sub("Due for review"), "#" + table(
            [Column("Owner", "4cm"), Column("Entry", "1fr"), Column("Review was due", "3cm")],
            [(owner, e["title"], long_date(e["review_by"]))
             for owner, found in stale.items() for e in found]))


def board_paper(view: ProfileView, period: Period, targets: tuple[int, int],
                population: int | None, note: bool) -> BoardPaper:
    """The board paper for ``period``, its position as at the period's end (or today, if
    sooner); ``note``: the owner's note is there to include (note.typ)."""
    as_of = period.as_of(view.today)
    rows = [r for r in action_rows(view, as_of) if r.raised <= as_of]
    running = running_position(view, as_of, period.start, period.end, rows)
    paper = _Paper()
    body = _Paper()  # the sections after the summary, which reads their figures
    twelve = _incidents(body, view, as_of, population)
    _factors(body, view, as_of)
    _summary(paper, running, period, rows, twelve, note)
    _position(paper, running, period, rows)
    paper.lines += body.lines[1:]
    paper.charts.update(body.charts)
    _timeliness(paper, view, as_of, period, rows, targets)
    _outstanding(paper, running, rows)
    _responses(paper, view, rows)
    _missed(paper, view, as_of)
    _new_entries(paper, view, period)
    return BoardPaper("\n".join(paper.lines) + "\n", paper.charts)

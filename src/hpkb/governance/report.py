"""Governance figures from one profile's view: the period report and the tables the
statistics page shows.

Pure: a ProfileView in, plain data out (the CLI prints it as text, CSV or JSON). The
running position comes from `hpkb.governance.position`, the actions from
`hpkb.governance.actions`: every output takes the same figures from them.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any, get_args

from hpkb.content.schema import Incident
from hpkb.governance.actions import (
    ACTION_FIELDS,
    ActionRow,
    action_rows,
    select_actions,
    status_as_of,
)
from hpkb.governance.figures import debrief_timeliness
from hpkb.governance.missed import missed_opportunities
from hpkb.governance.periods import financial_quarter, financial_year
from hpkb.governance.position import running_position
from hpkb.view.gate import ProfileView, PublishedEntry

__all__ = ["ACTION_FIELDS", "ActionRow", "action_rows", "actions_by_quarter",
           "financial_quarter", "financial_year", "overdue_by_owner", "period_report",
           "problem_profile", "response_summary", "select_actions", "stale_entries",
           "status_as_of", "timeliness_by_quarter"]


def _incident_values(name: str) -> list[str]:
    annotation = Incident.model_fields[name].annotation
    args = get_args(annotation)
    while args and not all(isinstance(a, str) for a in args):
        args = get_args(args[0]) if args else ()
    return [str(a) for a in args]


def _debriefs(profile_view: ProfileView, start: date | None, end: date
              ) -> list[PublishedEntry]:
    chosen = []
    for entry in profile_view.entries:
        if entry.kind != "debrief":
            continue
        when = date.fromisoformat(entry.meta["incident"]["date"])
        if (start is None or when >= start) and when <= end:
            chosen.append(entry)
    return chosen


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def period_report(profile_view: ProfileView, *, start: date | None, end: date | None,
                  as_of: date, targets: tuple[int, int],
                  population: int | None = None) -> dict[str, Any]:
    """The figures `hpkb report --json` prints (shape fixed by the CLI contract)."""
    end = end or as_of
    debriefs = _debriefs(profile_view, start, end)
    categories = Counter(e.meta["incident"]["category"] for e in debriefs)
    contexts = Counter(e.meta["incident"]["context"] for e in debriefs)
    factors = Counter(f for e in debriefs for f in e.meta["incident"].get("factors", []))
    primary = Counter(e.meta["incident"].get("primary_factor") or "not-recorded"
                      for e in debriefs)
    by_year: dict[str, dict[str, int]] = {}
    for entry in sorted(debriefs, key=lambda e: e.meta["incident"]["date"]):
        year = financial_year(date.fromisoformat(entry.meta["incident"]["date"]))
        counts = by_year.setdefault(year, {"homicide": 0, "near-miss": 0})
        counts[entry.meta["incident"]["category"]] += 1
    every_row = action_rows(profile_view, as_of)
    rows = [r for r in every_row
            if (start is None or r.raised >= start) and r.raised <= end and r.raised <= as_of]
    statuses = Counter(r.status for r in rows)
    steps: dict[str, dict[str, Any]] = {}
    days_taken: dict[str, list[int]] = {"initial_review": [], "report": []}
    for entry in debriefs:
        for verdict in debrief_timeliness(entry.meta, targets):
            step = steps.setdefault(verdict.step, {"target_days": verdict.target_days,
                                                   "within": 0, "late": 0, "missing": 0})
            step[verdict.verdict] += 1
            if verdict.days is not None:
                days_taken[verdict.step].append(verdict.days)
    for name, target in zip(("initial_review", "report"), targets, strict=True):
        steps.setdefault(name, {"target_days": target, "within": 0, "late": 0, "missing": 0})
        steps[name]["median_days"] = _median(days_taken[name])
    running = running_position(profile_view, as_of, start, end, every_row).as_json()
    return {
        "period": {"from": start.isoformat() if start else None, "to": end.isoformat(),
                   "as_of": as_of.isoformat()},
        # As at --as-of: everything to date; and what changed in the period.
        "position": running["position"],
        "changes": running["changes"],
        "debriefs": {
            "count": len(debriefs),
            "by_category": {c: categories.get(c, 0) for c in ("homicide", "near-miss")},
            "by_context": {c: contexts.get(c, 0) for c in _incident_values("context")},
            "by_factor": {f: factors.get(f, 0) for f in _incident_values("factors")},
            "by_primary_factor": {f: primary[f] for f in
                                  [*_incident_values("factors"), "not-recorded"] if primary[f]},
            "by_financial_year": by_year,
        },
        "actions": {
            "raised": len(rows),
            "completed": statuses.get("completed", 0),
            "open": statuses.get("open", 0) + statuses.get("in-progress", 0),
            "in_progress": statuses.get("in-progress", 0),
            "dropped": statuses.get("dropped", 0),
            "overdue": sum(1 for r in rows if r.overdue),
        },
        "timeliness": {"initial_review": steps["initial_review"], "report": steps["report"]},
        "problem_profile": problem_profile(profile_view, end, population),
        "missed_opportunities": missed_opportunities(debriefs),
        "responses": response_summary(profile_view, as_of),
        "stale": stale_entries(profile_view),
    }


RESPONSES = ("accepted", "partly-accepted", "not-accepted")


def response_summary(profile_view: ProfileView, as_of: date) -> dict[str, Any]:
    """Recommendations responded to, by response, and their actions as of ``as_of``."""
    rows = [r for r in action_rows(profile_view, as_of) if r.source is not None]
    given = Counter(str(r.meta["response"]) for r in profile_view.responses)
    return {"count": len(profile_view.responses),
            "by_response": {name: given[name] for name in RESPONSES},
            "actions": {"raised": len(rows),
                        "completed": sum(r.status == "completed" for r in rows),
                        "outstanding": sum(r.outstanding for r in rows),
                        "overdue": sum(r.overdue for r in rows)}}


def _months(first: date, last: date) -> list[str]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def problem_profile(profile_view: ProfileView, end: date,
                    population: int | None) -> dict[str, Any]:
    """Incidents per month and financial year, the rolling 12-month count to ``end``,
    and the rate per million residents when the force's population is configured."""
    incidents = sorted((date.fromisoformat(e.meta["incident"]["date"]),
                        str(e.meta["incident"]["category"]))
                       for e in profile_view.entries if e.kind == "debrief")
    incidents = [(day, category) for day, category in incidents if day <= end]
    by_month: dict[str, dict[str, int]] = {}
    if incidents:
        for month in _months(incidents[0][0], end):
            by_month[month] = {"homicide": 0, "near-miss": 0}
        for day, category in incidents:
            by_month[f"{day.year}-{day.month:02d}"][category] += 1
    rolling: dict[str, int] = {}
    months = list(by_month)
    for index, month in enumerate(months):
        window = months[max(0, index - 11):index + 1]
        rolling[month] = sum(by_month[m]["homicide"] + by_month[m]["near-miss"] for m in window)
    last_year = rolling[months[-1]] if months else 0
    homicides_last_year = sum(by_month[m]["homicide"] for m in months[-12:])
    # Where history allows, the three-year line: incidents a year over the 36 months to
    # each month (whole windows only), which steadies a count this rare.
    longer = {month: round(sum(by_month[m]["homicide"] + by_month[m]["near-miss"]
                               for m in months[index - 35:index + 1]) / 3, 2)
              for index, month in enumerate(months) if index >= 35}
    by_year = {financial_year(day): 0 for day in [*(d for d, _ in incidents), end]}
    for day, category in incidents:
        by_year[financial_year(day)] += category == "homicide"
    return {
        "by_month": by_month,
        "rolling_12_months": rolling,
        "rolling_36_months_per_year": longer,
        "homicide_rate_per_million_by_financial_year": (
            {year: round(n * 1_000_000 / population, 2) for year, n in by_year.items()}
            if population else None),
        "last_12_months": {"incidents": last_year, "homicides": homicides_last_year},
        "population": population,
        "homicide_rate_per_million": (round(homicides_last_year * 1_000_000 / population, 2)
                                      if population else None),
    }


def actions_by_quarter(rows: Iterable[ActionRow]) -> dict[str, dict[str, int]]:
    """Actions by the financial quarter they were raised in, counted by status today."""
    table: dict[str, dict[str, int]] = {}
    for row in sorted(rows, key=lambda r: r.raised):
        counts = table.setdefault(financial_quarter(row.raised),
                                  {"completed": 0, "in-progress": 0, "open": 0, "dropped": 0})
        counts[row.status] += 1
    return table


def overdue_by_owner(rows: Iterable[ActionRow]) -> dict[str, int]:
    counts = Counter(r.owner for r in rows if r.overdue)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def timeliness_by_quarter(profile_view: ProfileView, targets: tuple[int, int]
                          ) -> dict[str, dict[str, int]]:
    """Debriefs by the quarter of the incident, and how many met each target."""
    table: dict[str, dict[str, int]] = {}
    for entry in sorted(_debriefs(profile_view, None, date.max),
                        key=lambda e: e.meta["incident"]["date"]):
        when = date.fromisoformat(entry.meta["incident"]["date"])
        row = table.setdefault(financial_quarter(when), {"debriefs": 0, "review_within": 0,
                                                         "report_within": 0})
        row["debriefs"] += 1
        review, report = debrief_timeliness(entry.meta, targets)
        row["review_within"] += review.verdict == "within"
        row["report_within"] += report.verdict == "within"
    return table


def stale_entries(profile_view: ProfileView) -> dict[str, list[dict[str, str]]]:
    """Entries past their review date, grouped by owner."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for entry in sorted(profile_view.entries, key=lambda e: str(e.meta.get("review_by"))):
        if entry.stale:
            owner = str(entry.meta.get("owner") or "No owner recorded")
            grouped.setdefault(owner, []).append(
                {"id": entry.id, "title": entry.title, "review_by": str(entry.meta["review_by"])})
    return dict(sorted(grouped.items()))

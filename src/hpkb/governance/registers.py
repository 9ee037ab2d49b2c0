"""The tables a board reads beside the running position: the debrief register,
outstanding actions by debrief and by owner, actions raised and completed by quarter,
recommendation responses and factors (pure: a ProfileView and rows in, rows out)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hpkb.governance.actions import ActionRow
from hpkb.governance.figures import Timeliness, debrief_timeliness
from hpkb.governance.periods import add_months, financial_quarter, fy_start
from hpkb.view.gate import ProfileView, PublishedEntry

__all__ = ["DebriefRow", "Outstanding", "QuarterFlow", "ResponseRow", "debrief_register",
           "factor_counts", "outstanding_by", "quarter_flow", "response_rows",
           "twelve_months_to"]


@dataclass(frozen=True)
class DebriefRow:
    """One debrief in the register: when, what, how quickly, and its actions."""

    id: str
    date: date
    category: str
    context: str
    review: Timeliness
    report: Timeliness
    raised: int
    outstanding: int
    overdue: int


def debrief_register(debriefs: Iterable[PublishedEntry], rows: Sequence[ActionRow],
                     targets: tuple[int, int]) -> list[DebriefRow]:
    """The debriefs given, newest first, with their timeliness and their actions as of the
    rows' date."""
    by_entry: dict[str, list[ActionRow]] = {}
    for row in rows:
        by_entry.setdefault(row.entry, []).append(row)
    register = []
    for entry in debriefs:
        incident = entry.meta["incident"]
        review, report = debrief_timeliness(entry.meta, targets)
        own = by_entry.get(entry.id, [])
        register.append(DebriefRow(entry.id, date.fromisoformat(incident["date"]),
                                   str(incident["category"]), str(incident["context"]),
                                   review, report, len(own), sum(r.outstanding for r in own),
                                   sum(r.overdue for r in own)))
    return sorted(register, key=lambda d: (d.date, d.id), reverse=True)


@dataclass(frozen=True)
class Outstanding:
    """Outstanding actions of one owner or one debrief: how many, how many overdue, and
    the earliest due date among them."""

    key: str
    outstanding: int
    overdue: int
    earliest_due: date


def outstanding_by(rows: Iterable[ActionRow], key: Callable[[ActionRow], str]
                   ) -> list[Outstanding]:
    """Outstanding actions grouped by ``key``: most overdue first, then most outstanding."""
    groups: dict[str, list[ActionRow]] = {}
    for row in rows:
        if row.outstanding:
            groups.setdefault(key(row), []).append(row)
    found = [Outstanding(name, len(group), sum(r.overdue for r in group),
                         min(r.due for r in group)) for name, group in groups.items()]
    return sorted(found, key=lambda o: (-o.overdue, -o.outstanding, o.key))


@dataclass(frozen=True)
class QuarterFlow:
    """One financial quarter: actions raised and completed in it, and outstanding at its
    end (or at the as-of date, for the quarter under way)."""

    quarter: str
    raised: int
    completed: int
    outstanding_at_end: int


def quarter_flow(rows: Sequence[ActionRow], as_of: date, quarters: int = 8
                 ) -> list[QuarterFlow]:
    """The last ``quarters`` financial quarters to ``as_of`` (dropped actions count as
    closed: their date is not recorded)."""
    first_of_current = date(fy_start(as_of), 4, 1)
    while add_months(first_of_current, 3) <= as_of:
        first_of_current = add_months(first_of_current, 3)
    flows = []
    for back in range(quarters - 1, -1, -1):
        first = add_months(first_of_current, -3 * back)
        last = min(add_months(first, 3) - timedelta(days=1), as_of)
        flows.append(QuarterFlow(
            financial_quarter(first),
            sum(first <= r.raised <= last for r in rows),
            sum(r.completed is not None and first <= r.completed <= last for r in rows),
            sum(r.raised <= last and r.status != "dropped"
                and (r.completed is None or r.completed > last) for r in rows)))
    # Quarters before the first action say nothing: leave them out.
    while flows and not (flows[0].raised or flows[0].outstanding_at_end):
        flows.pop(0)
    return flows


@dataclass(frozen=True)
class ResponseRow:
    """One recommendation with the force's response and its actions as of a date."""

    recommendation: str
    source: str
    number: int
    text: str
    response: str
    lead: str | None
    position: str | None
    plan: str | None
    updated: str
    evidence: tuple[str, ...]
    raised: int
    completed: int
    outstanding: int
    overdue: int


def response_rows(profile_view: ProfileView, rows: Iterable[ActionRow]) -> list[ResponseRow]:
    """Every response the profile may see, in the taxonomy's order of recommendations."""
    by_rec: dict[str, list[ActionRow]] = {}
    for row in rows:
        if row.source is not None:
            by_rec.setdefault(row.entry, []).append(row)
    order = list(profile_view.taxonomy.recommendations)
    found = []
    for response in sorted(profile_view.responses,
                           key=lambda r: (order.index(r.recommendation)
                                          if r.recommendation in order else len(order))):
        rec = profile_view.taxonomy.recommendations.get(response.recommendation)
        meta: Any = response.meta
        own = by_rec.get(response.recommendation, [])
        found.append(ResponseRow(
            response.recommendation, rec.source if rec else "", rec.number if rec else 0,
            rec.text if rec else "", str(meta["response"]), meta.get("lead"),
            meta.get("position"), meta.get("plan"), str(meta["updated"]),
            tuple(meta.get("evidence", [])), len(own),
            sum(r.status == "completed" for r in own), sum(r.outstanding for r in own),
            sum(r.overdue for r in own)))
    return found


def twelve_months_to(debriefs: Iterable[PublishedEntry], as_of: date) -> list[PublishedEntry]:
    """The debriefs whose incident falls in the twelve months to ``as_of``."""
    first = add_months(as_of, -12) + timedelta(days=1)
    return [e for e in debriefs
            if first <= date.fromisoformat(e.meta["incident"]["date"]) <= as_of]


def factor_counts(debriefs: Iterable[PublishedEntry]) -> list[tuple[str, int, int]]:
    """(factor, debriefs with it, debriefs with it as the primary factor), most first."""
    chosen = list(debriefs)
    every = Counter(f for e in chosen for f in e.meta["incident"].get("factors", []))
    primary = Counter(e.meta["incident"].get("primary_factor") for e in chosen)
    return sorted(((f, n, primary[f]) for f, n in every.items()),
                  key=lambda item: (-item[1], -item[2], item[0]))

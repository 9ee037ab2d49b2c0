"""The running position as at a date, and what changed in a period: the one source of the
figures a board reads first (report, statistics page, action tracker, packs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from hpkb.governance.actions import ActionRow, action_rows
from hpkb.view.gate import ProfileView, PublishedEntry

__all__ = ["RECENT_DEBRIEFS", "Changes", "Position", "RunningPosition", "debriefs_to",
           "running_position"]

RECENT_DEBRIEFS = 3  # "of which from the three most recent debriefs"


@dataclass(frozen=True)
class Position:
    """Everything to date, as at ``as_of``: debriefs held (by incident date) and actions
    raised, with each action's status on that day."""

    as_of: date
    debriefs: int
    homicides: int
    near_misses: int
    actions_raised: int
    completed: int
    outstanding: int  # open or in progress
    in_progress: int
    open: int
    dropped: int
    overdue: int
    completed_late: int  # completed after their due date
    recent_debriefs: tuple[str, ...]  # the most recent debriefs, newest first
    outstanding_recent: int  # outstanding actions raised by those debriefs


@dataclass(frozen=True)
class Changes:
    """What changed in a period (since the last pack): debriefs held, actions raised and
    actions completed in it (up to the as-of date)."""

    start: date | None
    end: date
    debriefs: int
    homicides: int
    near_misses: int
    actions_raised: int
    actions_completed: int


@dataclass(frozen=True)
class RunningPosition:
    """The position as at a date and the changes in the period that ends there."""

    position: Position
    changes: Changes

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, tuple):
                return list(value)
            return value
        return {name: {k: plain(v) for k, v in asdict(part).items()}
                for name, part in (("position", self.position), ("changes", self.changes))}


def _incident(entry: PublishedEntry) -> date:
    return date.fromisoformat(entry.meta["incident"]["date"])


def debriefs_to(profile_view: ProfileView, as_of: date) -> list[PublishedEntry]:
    """The visible debriefs whose incident is on or before ``as_of``, oldest first."""
    chosen = [e for e in profile_view.entries if e.kind == "debrief" and _incident(e) <= as_of]
    return sorted(chosen, key=lambda e: (_incident(e), e.id))


def _categories(debriefs: Sequence[PublishedEntry]) -> tuple[int, int, int]:
    homicides = sum(1 for e in debriefs if e.meta["incident"]["category"] == "homicide")
    return len(debriefs), homicides, len(debriefs) - homicides


def running_position(profile_view: ProfileView, as_of: date, start: date | None = None,
                     end: date | None = None, rows: Sequence[ActionRow] | None = None
                     ) -> RunningPosition:
    """The position as at ``as_of`` and the changes from ``start`` to ``end`` (default
    ``as_of``; nothing after ``as_of`` counts). ``rows``: `action_rows` as of ``as_of``,
    when the caller has them."""
    end = min(end or as_of, as_of)
    debriefs = debriefs_to(profile_view, as_of)
    raised = [r for r in (rows if rows is not None else action_rows(profile_view, as_of))
              if r.raised <= as_of]
    recent = tuple(e.id for e in reversed(debriefs[-RECENT_DEBRIEFS:]))
    count, homicides, near_misses = _categories(debriefs)
    position = Position(
        as_of, count, homicides, near_misses, len(raised),
        completed=sum(r.status == "completed" for r in raised),
        outstanding=sum(r.outstanding for r in raised),
        in_progress=sum(r.status == "in-progress" for r in raised),
        open=sum(r.status == "open" for r in raised),
        dropped=sum(r.status == "dropped" for r in raised),
        overdue=sum(r.overdue for r in raised),
        completed_late=sum(r.completed_late for r in raised),
        recent_debriefs=recent,
        outstanding_recent=sum(r.outstanding for r in raised if r.entry in recent))

    def inside(day: date | None) -> bool:
        return day is not None and (start is None or day >= start) and day <= end

    held = [e for e in debriefs if inside(_incident(e))]
    count, homicides, near_misses = _categories(held)
    changes = Changes(start, end, count, homicides, near_misses,
                      actions_raised=sum(inside(r.raised) for r in raised),
                      actions_completed=sum(inside(r.completed) for r in raised))
    return RunningPosition(position, changes)

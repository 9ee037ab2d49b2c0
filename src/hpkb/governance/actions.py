"""Every action across the knowledge base as of a date: debriefs', learning entries' and
recommendation responses' (pure: a ProfileView in, rows out)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hpkb.content.taxonomy import Taxonomy
from hpkb.governance.figures import is_overdue, optional_day, raised_date
from hpkb.view.gate import ProfileView

__all__ = ["ACTION_FIELDS", "ActionRow", "action_rows", "select_actions", "status_as_of",
           "tracker_order"]

ACTION_FIELDS = ("id", "entry", "action", "owner", "theme", "raised", "due", "status",
                 "completed", "outcome", "overdue", "source")


@dataclass(frozen=True)
class ActionRow:
    """One action with its global id, its status as of a date and its overdue flag.

    ``entry`` is the entry id, or the recommendation id for a response's action;
    ``source`` names the recommendation's source for those (None for entries')."""

    id: str
    entry: str
    action: str
    owner: str
    theme: str | None
    raised: date
    due: date
    status: str
    completed: date | None
    outcome: str | None
    overdue: bool
    source: str | None = None

    @property
    def outstanding(self) -> bool:
        """Open or in progress (as of the rows' date)."""
        return self.status in ("open", "in-progress")

    @property
    def completed_late(self) -> bool:
        return self.completed is not None and self.completed > self.due

    def as_json(self) -> dict[str, Any]:
        return {name: (value.isoformat() if isinstance(value, date) else value)
                for name, value in ((f, getattr(self, f)) for f in ACTION_FIELDS)}


def status_as_of(status: str, completed: date | None, as_of: date) -> str:
    """An action completed after ``as_of`` was still open on that day."""
    if status == "completed" and completed is not None and completed > as_of:
        return "open"
    return status


def _row(global_id: str, entry: str, action: Mapping[str, Any], raised: date, as_of: date,
         source: str | None) -> ActionRow:
    completed = optional_day(action.get("completed"))
    due = date.fromisoformat(action["due"])
    status = status_as_of(action["status"], completed, as_of)
    return ActionRow(global_id, entry, action["action"], action["owner"], action.get("theme"),
                     raised, due, status, completed if status == "completed" else None,
                     action.get("outcome") if status in ("completed", "dropped") else None,
                     is_overdue(status, due, as_of), source)


def action_rows(profile_view: ProfileView, as_of: date) -> list[ActionRow]:
    """Every action of every visible debrief, learning entry and recommendation response,
    with its status as of ``as_of``."""
    rows: list[ActionRow] = []
    for entry in profile_view.entries:
        meta = entry.meta
        meeting = optional_day(meta.get("process", {}).get("meeting"))
        created = date.fromisoformat(meta["created"])
        for action in meta.get("actions", []):
            raised = raised_date(optional_day(action.get("raised")), meeting, created)
            rows.append(_row(f"{entry.id}/{action['id']}", entry.id, action, raised, as_of,
                             None))
    recommendations = profile_view.taxonomy.recommendations
    for response in profile_view.responses:
        meta = response.meta
        found = recommendations.get(response.recommendation)
        source = found.source if found is not None else None
        created = date.fromisoformat(meta["created"]) if "created" in meta else as_of
        for action in meta.get("actions", []):
            raised = raised_date(optional_day(action.get("raised")), None, created)
            rows.append(_row(f"{response.recommendation}/{action['id']}",
                             response.recommendation, action, raised, as_of, source))
    return rows


def select_actions(rows: Iterable[ActionRow], taxonomy: Taxonomy, *, status: str | None = None,
                   overdue: bool = False, owner: str | None = None,
                   theme: str | None = None) -> list[ActionRow]:
    """Filter actions: status, overdue only, owner (case-insensitive, part of the name),
    theme (a theme includes its sub-themes); soonest due first."""
    themes = None
    if theme is not None:
        themes = {t.id for t in taxonomy.themes.values()
                  if theme in taxonomy.theme_with_ancestors(t.id)}
    chosen = []
    for row in rows:
        if status is not None and row.status != status:
            continue
        if overdue and not row.overdue:
            continue
        if owner is not None and owner.casefold() not in row.owner.casefold():
            continue
        if themes is not None and row.theme not in themes:
            continue
        chosen.append(row)
    return sorted(chosen, key=lambda r: (r.due, r.id))


def tracker_order(rows: Iterable[ActionRow]) -> list[ActionRow]:
    """Overdue first (longest overdue first), then the other outstanding actions by due
    date, then completed and dropped ones, most recently due first."""
    def key(row: ActionRow) -> tuple[int, int, str]:
        group = 0 if row.overdue else 1 if row.outstanding else 2
        day = row.due.toordinal()
        return group, day if group < 2 else -day, row.id
    return sorted(rows, key=key)

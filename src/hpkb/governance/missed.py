"""Missed opportunities across debriefs: by agency, by theme, individual or systemic, and
whether an action answers each (internal figures: chronologies are personal)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hpkb.view.gate import PublishedEntry

__all__ = ["MissedOpportunityRow", "missed_opportunities", "missed_opportunity_rows"]


@dataclass(frozen=True)
class MissedOpportunityRow:
    """One missed opportunity: the debrief, the contact's date, who missed it, what should
    have happened, individual or systemic, the themes it bears on, the answering actions."""

    debrief: str
    date: str
    agency: str
    should_have: str | None
    kind: str | None
    themes: tuple[str, ...]
    actions: tuple[str, ...]


def missed_opportunity_rows(debriefs: Iterable[PublishedEntry]) -> list[MissedOpportunityRow]:
    """Every missed opportunity the debriefs' chronologies record (a profile without
    personal details has no chronologies: none)."""
    rows = []
    for entry in debriefs:
        themes_of_action = {a["id"]: a.get("theme") for a in entry.meta.get("actions", [])}
        for item in entry.meta.get("chronology", []):
            missed = item.get("missed_opportunity")
            if missed is None:
                continue
            actions = tuple(missed.get("actions", []))
            # The themes of the actions that answer it, else the debrief's own.
            themes = tuple(dict.fromkeys(t for a in actions if (t := themes_of_action.get(a))))
            rows.append(MissedOpportunityRow(
                entry.id, str(item["date"]), str(missed.get("agency") or item["agency"]),
                missed.get("should_have"), missed.get("kind"),
                themes or tuple(entry.meta["themes"]), actions))
    return rows


def missed_opportunities(debriefs: Iterable[PublishedEntry]) -> dict[str, Any]:
    """The counts `hpkb report`, the statistics page and board packs show."""
    rows = missed_opportunity_rows(debriefs)
    by_agency = Counter(r.agency for r in rows)
    by_theme = Counter(t for r in rows for t in r.themes)
    return {
        "count": len(rows),
        "debriefs": len({r.debrief for r in rows}),
        "by_agency": dict(sorted(by_agency.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_theme": dict(sorted(by_theme.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_kind": {"individual": sum(r.kind == "individual" for r in rows),
                    "systemic": sum(r.kind == "systemic" for r in rows),
                    "not_recorded": sum(r.kind is None for r in rows)},
        "answered": sum(bool(r.actions) for r in rows),
    }

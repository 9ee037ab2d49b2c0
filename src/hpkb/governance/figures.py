"""Governance figures that pages and reports share: timeliness and overdue actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

__all__ = ["Timeliness", "debrief_timeliness", "is_overdue", "optional_day", "raised_date",
           "timeliness"]

Verdict = Literal["within", "late", "missing"]


@dataclass(frozen=True)
class Timeliness:
    """One debrief step against its target: days taken (if done) and the verdict."""

    step: str
    target_days: int
    days: int | None
    verdict: Verdict


def _judge(step: str, incident: date, done: date | None, target: int) -> Timeliness:
    if done is None:
        return Timeliness(step, target, None, "missing")
    days = (done - incident).days
    # Calendar days from the incident; the target day itself is within.
    return Timeliness(step, target, days, "within" if days <= target else "late")


def timeliness(incident: date, initial_review: date | None, report: date | None,
               review_days: int, report_days: int) -> tuple[Timeliness, Timeliness]:
    """Initial review and report against their targets (default 14 and 30 days)."""
    return (_judge("initial_review", incident, initial_review, review_days),
            _judge("report", incident, report, report_days))


def optional_day(value: Any) -> date | None:
    """A published (ISO text) date, or None when the field is empty."""
    return date.fromisoformat(value) if value else None


def debrief_timeliness(meta: Mapping[str, Any], targets: tuple[int, int]
                       ) -> tuple[Timeliness, Timeliness]:
    """Timeliness of a published debrief (its JSON-ready front matter)."""
    process = meta["process"]
    return timeliness(date.fromisoformat(meta["incident"]["date"]),
                      optional_day(process.get("initial_review")),
                      optional_day(process.get("report")), *targets)


def is_overdue(status: str, due: date | str, today: date) -> bool:
    """Open or in progress, and due before today (due today is not overdue)."""
    due_date = date.fromisoformat(due) if isinstance(due, str) else due
    return status in ("open", "in-progress") and due_date < today


def raised_date(raised: date | None, meeting: date | None, created: date) -> date:
    """When an action was raised: its own date, else the debrief meeting, else the date the
    entry was created (learning entries have no meeting)."""
    return raised or meeting or created

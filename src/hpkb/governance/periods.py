"""Periods as a board uses them: financial years and quarters (1 April to 31 March),
the last complete ones, and the calendar spans kept from before (the three or twelve
months to today)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["PERIOD_PATTERN", "Period", "add_months", "financial_quarter", "financial_year",
           "fy_start", "period_problem", "resolve_period"]

# `2024-25` (a financial year), `2024-25-Q4` (a quarter of it), or a named span.
PERIOD_PATTERN = (r"^(all|last-quarter|last-year|last-financial-quarter|last-financial-year"
                  r"|[0-9]{4}-[0-9]{2}(-Q[1-4])?)$")
_FINANCIAL = re.compile(r"([0-9]{4})-([0-9]{2})(?:-Q([1-4]))?$")


def financial_year(day: date) -> str:
    """UK financial year (1 April to 31 March) of a date, as "2023/24"."""
    start = fy_start(day)
    return f"{start}/{(start + 1) % 100:02d}"


def fy_start(day: date) -> int:
    """The calendar year a date's financial year starts in."""
    return day.year if day.month >= 4 else day.year - 1


def financial_quarter(day: date) -> str:
    """The financial quarter of a date, as "2024/25 Q1" (Q1 is April to June)."""
    return f"{financial_year(day)} Q{((day.month - 4) % 12) // 3 + 1}"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), kept within the month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Period:
    """A reporting period: its first and last day (no first day: from the start) and how
    a board reads its name."""

    start: date | None
    end: date
    label: str  # as a sentence reads it: "the three months to 1 December 2026"

    @property
    def heading(self) -> str:
        """The label as a heading or cover reads it (its first letter a capital)."""
        return self.label[:1].upper() + self.label[1:]

    def as_of(self, today: date) -> date:
        """The date the position is taken at: the period's end, or today if sooner."""
        return min(self.end, today)

    def holds(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and day <= self.end


def _quarter(start_year: int, number: int) -> Period:
    first = add_months(date(start_year, 4, 1), 3 * (number - 1))
    last = add_months(first, 3) - timedelta(days=1)
    name = f"Q{number} {start_year}/{(start_year + 1) % 100:02d}"
    return Period(first, last, f"{name} ({first:%B} to {last:%B %Y})")


def _year(start_year: int) -> Period:
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31),
                  f"the financial year {start_year}/{(start_year + 1) % 100:02d} "
                  f"(April {start_year} to March {start_year + 1})")


def period_problem(spec: str) -> str | None:
    """Why a period name that matches `PERIOD_PATTERN` cannot be a period, or None."""
    found = _FINANCIAL.match(spec)
    if found and (int(found[1]) + 1) % 100 != int(found[2]):
        first = int(found[1])
        return (f"`{spec}`: a financial year runs from April of one year to March of the "
                f"next, as in {first}-{(first + 1) % 100:02d}")
    return None


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def resolve_period(spec: str | None, today: date, start: date | None = None,
                   end: date | None = None) -> Period:
    """The period a pack or report names: fixed dates (``start``, ``end``) win, then
    ``spec``; none of them: everything to today."""
    if start is not None or end is not None:
        last = end or today
        return Period(start, last, f"{_long(start) if start else 'the start'} to "
                                   f"{_long(last)}")
    found = _FINANCIAL.match(spec or "")
    if found:
        return _quarter(int(found[1]), int(found[3])) if found[3] else _year(int(found[1]))
    if spec == "last-quarter":
        first = add_months(today, -3) + timedelta(days=1)
        return Period(first, today, f"the three months to {_long(today)}")
    if spec == "last-year":
        first = add_months(today, -12) + timedelta(days=1)
        return Period(first, today, f"the twelve months to {_long(today)}")
    if spec == "last-financial-quarter":
        # The latest quarter that has ended by today (its last day counts as ended).
        year, number = fy_start(today), ((today.month - 4) % 12) // 3 + 1
        current = _quarter(year, number)
        if current.end <= today:
            return current
        return _quarter(year, number - 1) if number > 1 else _quarter(year - 1, 4)
    if spec == "last-financial-year":
        current = _year(fy_start(today))
        return current if current.end <= today else _year(fy_start(today) - 1)
    return Period(None, today, f"everything to {_long(today)}")

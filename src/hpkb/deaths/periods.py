"""Periods as a board uses them: financial years (1 April to 31 March) and their
quarters (`2024-25-Q4` is January to March 2025), the last complete one of each, or any
dates from and to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["PERIOD_HELP", "Period", "financial_quarter", "financial_year", "months",
           "period_of", "quarter_bounds"]

PERIOD_HELP = ("a financial year (2024-25), a quarter of one (2024-25-Q4: January to "
               "March 2025), last-financial-quarter or last-financial-year")
_YEAR = re.compile(r"(\d{4})-(\d{2})(?:-Q([1-4]))?")


@dataclass(frozen=True)
class Period:
    """A report's period: its first and last day (no first day: from the start)."""

    start: date | None
    end: date
    label: str

    def holds(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and day <= self.end


def financial_year(day: date) -> str:
    """The financial year a day falls in, as `2024-25`."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def financial_quarter(day: date) -> str:
    """The financial quarter a day falls in, as `2024-25-Q4`."""
    return f"{financial_year(day)}-Q{(day.month - 4) % 12 // 3 + 1}"


def quarter_bounds(label: str) -> tuple[date, date]:
    """The first and last day of a financial year or quarter label."""
    found = _YEAR.fullmatch(label)
    if found is None or (int(found[1]) + 1) % 100 != int(found[2]):
        raise ValueError(label)
    first = int(found[1])
    if found[3] is None:
        return date(first, 4, 1), date(first + 1, 3, 31)
    month = 4 + (int(found[3]) - 1) * 3  # 4, 7, 10, 13 (January of the next year)
    start = date(first + (month > 12), (month - 1) % 12 + 1, 1)
    after = date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
    return start, after - timedelta(days=1)


def period_of(spec: str | None, start: date | None, end: date | None, today: date) -> Period:
    """The period a report asks for: ``spec`` (a label, or last-financial-quarter /
    last-financial-year), else ``start`` to ``end`` (``end`` defaults to today).
    ValueError names what is wrong."""
    if spec is None:
        if start is not None and end is not None and start > end:
            raise ValueError(f"--from {start} is after --to {end}")
        label = f"{start or 'the start'} to {end or today}"
        return Period(start, end or today, label)
    if start is not None or end is not None:
        raise ValueError("give --period, or --from and --to, not both")
    if spec in ("last-financial-quarter", "last-financial-year"):
        label = financial_quarter(today) if spec.endswith("quarter") else financial_year(today)
        first, _ = quarter_bounds(label)
        label = financial_quarter(first - timedelta(days=1)) if spec.endswith("quarter") \
            else financial_year(first - timedelta(days=1))
        return Period(*quarter_bounds(label), label)
    try:
        return Period(*quarter_bounds(spec), spec)
    except ValueError:
        raise ValueError(f"`{spec}` is not a period: give {PERIOD_HELP}") from None


def months(start: date, end: date) -> list[str]:
    """Every month from ``start``'s to ``end``'s, as `YYYY-MM`."""
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year}-{month:02d}")
        year, month = year + (month == 12), month % 12 + 1
    return found

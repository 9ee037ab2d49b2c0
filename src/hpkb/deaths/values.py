"""Reading one column's cells: each kind of value parsed once per distinct text, with the
message and fix for a cell that is not of its kind."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from hpkb.deaths.columns import Column

__all__ = ["Problem", "Read", "parse_column"]

Problem = tuple[str, str]  # (message, hint)
Read = Callable[[str], Any]  # a cell's text → its value, or raises _Bad

_UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ROLE = re.compile(r"[a-z][a-z-]*")
_DEBRIEF = re.compile(r"RD-\d{4}-\d{3}")
GRID = {"easting": 700_000.0, "northing": 1_300_000.0}


class _Bad(Exception):
    """A cell that is not of its column's kind (message, hint)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.problem = (message, hint)


def _date(text: str) -> date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    uk = _UK_DATE.fullmatch(text)
    if uk is not None:
        try:
            iso = date(int(uk[3]), int(uk[2]), int(uk[1])).isoformat()
            raise _Bad(f"`{text}` is not an ISO date", f"write it as {iso} (YYYY-MM-DD)")
        except ValueError:
            pass
    raise _Bad(f"`{text}` is not a date", "write a real day as YYYY-MM-DD, or leave it "
               "blank when the source does not know it")


def _choice(column: Column) -> Read:
    from hpkb.check.findings import did_you_mean

    allowed = frozenset(column.choices)

    def read(text: str) -> str:
        if text in allowed:
            return text
        raise _Bad(f"`{text}` is not a {column.name.replace('_', ' ')}",
                   did_you_mean(text, column.choices,
                                "use one of: " + ", ".join(column.choices)))
    return read


def _number(column: Column) -> Read:
    top = GRID.get(column.name, float("inf"))

    def read(text: str) -> float:
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise _Bad(f"`{text}` is not a number of metres",
                       "write the British National Grid figure in metres, e.g. 412345, "
                       "or leave it blank") from None
        if not 0 <= value <= top:
            raise _Bad(f"{column.name} {text} is outside Great Britain's grid",
                       f"a British National Grid {column.name} lies between 0 and "
                       f"{top:,.0f} metres: check the figure, or leave it blank")
        return value
    return read


def _age(text: str) -> int:
    if not text.isdigit() or int(text) > 130:
        raise _Bad(f"`{text}` is not an age in whole years",
                   "write the age as a whole number (0-130), or leave it blank")
    return int(text)


def _list(text: str) -> tuple[str, ...]:
    return tuple(sorted({" ".join(part.split()).lower() for part in text.split(";")
                         if part.strip()}))


def _people(text: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        role, colon, name = part.partition(":")
        role, name = role.strip().lower(), " ".join(name.split())
        if not colon or not _ROLE.fullmatch(role) or not name:
            raise _Bad(f"`{part.strip()}` is not a `role: name` pair",
                       "write each person as `role: name` (e.g. `found-by: Alex Smith`), "
                       "separated by `;`")
        found.append((role, name))
    return tuple(found)


def _debrief(text: str) -> str:
    if not _DEBRIEF.fullmatch(text):
        raise _Bad(f"`{text}` is not a rapid debrief id",
                   "write the debrief's id, e.g. RD-2024-007, or leave it blank")
    return text


def _text(text: str) -> str:
    return " ".join(text.split())


def _reader(column: Column) -> Read:
    if column.kind == "date":
        return _date
    if column.kind == "choice":
        return _choice(column)
    if column.kind == "number":
        return _number(column)
    return {"age": _age, "list": _list, "people": _people, "debrief": _debrief}.get(
        column.kind, _text)


def parse_column(column: Column, cells: Iterable[str]
                 ) -> tuple[list[Any], dict[int, Problem]]:
    """Each cell's value (None when blank or bad) and, by the cell's position, the problem
    of each bad one. A distinct text is parsed once (a decade's records hold a few
    thousand distinct dates)."""
    read = _reader(column)
    cells = cells if isinstance(cells, list) else list(cells)
    known: dict[str, Any] = {"": None}
    bad: dict[str, Problem] = {}
    for cell in set(cells):
        if cell in known:
            continue
        text = cell.strip()
        try:
            value = read(text) if text else None
        except _Bad as exc:
            bad[cell] = exc.problem
            known[cell] = None
            continue
        known[cell] = None if column.kind in ("list", "people") and not value else value
    values = list(map(known.__getitem__, cells))
    problems = {at: bad[cell] for at, cell in enumerate(cells) if cell in bad} if bad else {}
    return values, problems

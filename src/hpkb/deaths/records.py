"""Load the death records: every CSV file in deaths/, checked row by row against the
column contract; a file with no errors loads in full, a file with errors loads nothing."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hpkb.check.findings import Diagnostic, Severity, did_you_mean, error, warning
from hpkb.deaths.columns import COLUMNS, DEATHS_FOLDER
from hpkb.deaths.reading import MAX_CELL, Table, read_table
from hpkb.deaths.values import Problem, parse_column

__all__ = ["Loaded", "Record", "load_records", "record_files"]

# Findings of one kind in one file beyond this many are summed up in one more finding.
MOST_PER_CODE = 20


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a death-record file, its values typed (None or () where blank)."""

    file: str
    line: int
    ref: str
    source: str
    reported: date | None
    died: date | None
    found: date | None
    area: str | None
    location_type: str | None
    address: str | None
    easting: float | None
    northing: float | None
    name: str | None
    dob: date | None
    age: int | None
    sex: str | None
    category: str | None
    substances: tuple[str, ...]
    circumstances: str | None
    people: tuple[tuple[str, str], ...]
    investigation: str | None
    coroner_outcome: str | None
    debrief: str | None

    @property
    def when(self) -> date:
        """The day the record counts on: the death, else the finding, else the report."""
        day = self.died or self.found or self.reported
        assert day is not None  # a record without any is refused (HP1003)
        return day


@dataclass(frozen=True)
class Loaded:
    """The records of every file that loaded, and the findings on all of them."""

    records: tuple[Record, ...]
    findings: tuple[Diagnostic, ...]
    files: tuple[tuple[str, int, bool], ...] = ()  # (file, rows, loaded)


def record_files(root: Path) -> list[Path]:
    """The CSV files in deaths/ (and folders below it), in order of their paths."""
    folder = root / DEATHS_FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(folder.rglob("*.csv"))


class _Findings:
    """A file's findings, at most MOST_PER_CODE of each code, then one summing up."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.kept: list[Diagnostic] = []
        self.more: Counter[str] = Counter()

    def add(self, line: int, column: int, code: str, problem: Problem, *,
            warn: bool = False) -> None:
        if sum(1 for d in self.kept if d.code == code) >= MOST_PER_CODE:
            self.more[code] += 1
            return
        make = warning if warn else error
        self.kept.append(make(self.rel, line, column, code, *problem))

    def all(self) -> list[Diagnostic]:
        summed = [error(self.rel, 1, 1, code, f"… and {count:,} more rows with {code} "
                        "problems in this file", "fix the rows above, then run again to "
                        "see the rest") for code, count in sorted(self.more.items())]
        return self.kept + summed


def _columns(table: Table, found: _Findings, bad: set[tuple[int, str]]
             ) -> dict[str, list[Any]]:
    """Each contract column's values (all None when the file has no such column); the
    cells that were not of their kind are added to ``bad`` (row, column name)."""
    values: dict[str, list[Any]] = {}
    for column in COLUMNS:
        number = table.columns.get(column.name)
        if number is None:
            values[column.name] = [None] * len(table.lines)
            continue
        cells = list(table.cells[number - 1])
        if max(map(len, cells), default=0) > MAX_CELL:
            for at, cell in enumerate(cells):
                if len(cell) > MAX_CELL:
                    found.add(table.lines[at], number, "HP1013", (
                        f"this {column.name} is {len(cell):,} characters long",
                        f"keep a value under {MAX_CELL:,} characters: a record holds "
                        "short facts, not case papers"))
                    cells[at] = ""
        parsed, problems = parse_column(column, cells)
        code = "HP1005" if column.kind == "choice" else "HP1011" if column.kind == "people" \
            else "HP1004" if column.kind == "date" else "HP1008"
        for at, problem in problems.items():
            found.add(table.lines[at], number, code, problem)
            bad.add((at, column.name))
        values[column.name] = parsed
    return values


def _row_checks(table: Table, values: dict[str, list[Any]], found: _Findings,
                organisations: Collection[str], debriefs: Collection[str] | None,
                today: date, bad: set[tuple[int, str]]) -> None:
    """What a row's values must say together: required values, known source and debrief,
    dates in order, both grid figures or neither, an age that fits the dates."""
    where = table.columns
    bad_sources: set[str] = set()
    for at, line in enumerate(table.lines):
        for name in ("ref", "source"):
            if values[name][at] is None:
                needs = "a reference" if name == "ref" else "its organisation id"
                found.add(line, where[name], "HP1003", (f"`{name}` is blank",
                                                        f"every record needs {needs}"))
        source = values["source"][at]
        if source is not None and source not in organisations:
            found.add(line, where["source"], "HP1006", (
                f"source `{source}` is not an organisation",
                did_you_mean(source, organisations, "use the organisation's id from "
                             "content/taxonomy/organisations.yml, or add it there")))
            bad_sources.add(source)
        dob, died, found_on, reported = (values[n][at] for n in
                                         ("dob", "died", "found", "reported"))
        if died is None and found_on is None and reported is None:
            found.add(line, 1, "HP1003", ("the record has no `died`, `found` or `reported` "
                                          "date", "give at least one of the three dates"))
        order = [(n, d) for n, d in (("dob", dob), ("died", died), ("found", found_on),
                                     ("reported", reported)) if d is not None]
        for (first, early), (then, late) in itertools.pairwise(order):
            if early > late:
                found.add(line, where[then], "HP1009", (
                    f"`{then}` {late} is before `{first}` {early}",
                    "check both dates: a death comes after birth, and is found, then "
                    "reported, on or after the day it happened"))
        if order and order[-1][1] > today:
            found.add(line, where[order[-1][0]], "HP1009", (
                f"`{order[-1][0]}` {order[-1][1]} is in the future", "check the date"))
        if (values["easting"][at] is None) != (values["northing"][at] is None) \
                and not {(at, "easting"), (at, "northing")} & bad:
            name = "northing" if values["northing"][at] is None else "easting"
            found.add(line, where.get(name, 1), "HP1008", (
                f"`{name}` is blank but the other grid figure is given",
                "give both easting and northing, or neither"))
        age, when = values["age"][at], died or found_on
        if age is not None and dob is not None and when is not None:
            years = when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))
            if abs(years - age) > 1:
                found.add(line, where["age"], "HP1010", (
                    f"age {age} does not fit the date of birth: {years} on {when}",
                    "check the age and the date of birth"), warn=True)
        debrief = values["debrief"][at]
        if debrief is not None and debriefs is not None and debrief not in debriefs:
            found.add(line, where["debrief"], "HP1012", (
                f"debrief {debrief} is not in debriefs/",
                did_you_mean(debrief, debriefs, "name a rapid debrief that exists, or "
                             "leave it blank")))


def _file(path: Path, rel: str, organisations: Collection[str],
          debriefs: Collection[str] | None, today: date
          ) -> tuple[list[Record], list[Diagnostic], int]:
    table, early = read_table(path, rel)
    if table is None:
        return [], early, 0
    found = _Findings(rel)
    bad: set[tuple[int, str]] = set()
    values = _columns(table, found, bad)
    _row_checks(table, values, found, organisations, debriefs, today, bad)
    for name in ("substances", "people"):  # blank lists are empty tuples, not None
        values[name] = [value or () for value in values[name]]
    records = list(map(Record, [rel] * len(table.lines), table.lines,
                       *(values[c.name] for c in COLUMNS)))
    return records, early + found.all(), len(table.lines) + len(early)


def _duplicates(by_file: dict[str, list[Record]]) -> list[Diagnostic]:
    first: dict[tuple[str, str], Record] = {}
    findings: list[Diagnostic] = []
    for records in by_file.values():
        for record in records:
            key = (record.source, record.ref)
            if not record.ref or not record.source:
                continue
            if key in first:
                earlier = first[key]
                findings.append(error(record.file, record.line, 1, "HP1007",
                                      f"ref `{record.ref}` of `{record.source}` is also at "
                                      f"{earlier.file}:{earlier.line}",
                                      "give each record of a source its own ref"))
            else:
                first[key] = record
    return findings


def load_records(root: Path, organisations: Collection[str], today: date,
                 debriefs: Collection[str] | None = None) -> Loaded:
    """Every record of every file without errors in deaths/, and every finding. With
    ``debriefs`` (ids), a record's `debrief` must be one of them."""
    if debriefs is None:
        folder = root / "debriefs"
        debriefs = {p.stem for p in folder.glob("*.md")} if folder.is_dir() else set()
    by_file: dict[str, list[Record]] = {}
    findings: defaultdict[str, list[Diagnostic]] = defaultdict(list)
    rows: dict[str, int] = {}
    for path in record_files(root):
        rel = path.relative_to(root).as_posix()
        by_file[rel], findings[rel], rows[rel] = _file(path, rel, organisations, debriefs,
                                                       today)
    for finding in _duplicates(by_file):
        findings[finding.file].append(finding)
    loaded: list[Record] = []
    files: list[tuple[str, int, bool]] = []
    every: list[Diagnostic] = []
    for rel, records in by_file.items():
        errors = sum(1 for d in findings[rel] if d.severity is Severity.ERROR)
        every += findings[rel]
        if errors:
            every.append(warning(rel, 1, 1, "HP1016", f"none of this file's {rows[rel]:,} "
                                 f"rows are loaded: it has {errors:,} error"
                                 f"{'s' * (errors != 1)}", "fix the errors; a file loads "
                                 "only when every row is right"))
        else:
            loaded += records
        files.append((rel, rows[rel], not errors))
    return Loaded(tuple(loaded), tuple(every), tuple(files))

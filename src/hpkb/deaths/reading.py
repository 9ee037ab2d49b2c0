"""Reading one death-record CSV file: its text, header and rows with their line numbers;
a file that cannot be read or whose header breaks the contract gives findings instead."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hpkb.check.findings import Diagnostic, did_you_mean, error
from hpkb.deaths.columns import COLUMNS

__all__ = ["MAX_CELL", "Table", "read_table"]

MAX_CELL = 2000  # characters in one cell: a record's longest free text is a short note
_NAMES = tuple(c.name for c in COLUMNS)


@dataclass(frozen=True)
class Table:
    """A CSV file's columns (by name, with their 1-based column numbers), the cells of
    each column of the header (top to bottom), and the line each row starts on."""

    rel: str
    columns: dict[str, int]
    cells: list[list[str]]
    lines: list[int]


def _lines(text: str) -> Iterator[str]:
    """The text's lines, each with its line ending, for the CSV reader: the text is not
    copied whole (a file of a million rows is hundreds of megabytes)."""
    if text.count("\r") != text.count("\r\n"):  # lone carriage returns end lines too
        yield from io.StringIO(text, newline="")
        return
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end + 1]
        start = end + 1
    if start < len(text):
        yield text[start:]


def _decode(path: Path, rel: str) -> str | Diagnostic:
    if path.is_symlink():
        return error(rel, 1, 1, "HP1001", "symbolic links are not read",
                     "replace the link with the real file (hpkb never follows links)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return error(rel, 1, 1, "HP1001", f"cannot read this file: {exc.strerror}",
                     "check the file's permissions")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return error(rel, line, 1, "HP1001", "this file is not UTF-8 text",
                     "save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8)")


def _header(rel: str, header: list[str]) -> tuple[dict[str, int], list[Diagnostic]]:
    columns: dict[str, int] = {}
    findings: list[Diagnostic] = []
    for number, cell in enumerate(header, start=1):
        name = cell.strip().lower()
        if name in columns:
            findings.append(error(rel, 1, number, "HP1002", f"column `{name}` appears twice",
                                  "keep one column of each name"))
        elif name not in _NAMES:
            findings.append(error(rel, 1, number, "HP1002", f"unknown column `{cell.strip()}`",
                                  did_you_mean(name, _NAMES, "the columns are: "
                                               + ", ".join(_NAMES))))
        else:
            columns[name] = number
    for column in COLUMNS:
        if column.required and column.name not in columns:
            findings.append(error(rel, 1, 1, "HP1002", f"the header has no `{column.name}` "
                                  "column", f"add a `{column.name}` column: every record "
                                  f"needs {column.about}"))
    return columns, findings


def read_table(path: Path, rel: str) -> tuple[Table | None, list[Diagnostic]]:
    """The file's table (None when it cannot be read at all: not text, not CSV, or a
    header that breaks the contract) and the findings on it."""
    text = _decode(path, rel)
    if isinstance(text, Diagnostic):
        return None, [text]
    reader = csv.reader(_lines(text), strict=True)
    lines: list[int] = []
    findings: list[Diagnostic] = []
    try:
        header = next(reader, None)
        if header is None:
            return None, [error(rel, 1, 1, "HP1002", "this file is empty",
                                "write a header row naming the columns, then one row per "
                                "record")]
        columns, findings = _header(rel, header)
        if findings:
            return None, findings
        width, end = len(header), reader.line_num
        # Cells by column; the values of a column that repeats them (dates, areas, kinds:
        # under half distinct in the first batch) held once each.
        cells: list[list[str]] = [[] for _ in header]
        seen: list[dict[str, str] | None] = []
        batch: list[list[str]] = []

        def keep() -> None:  # the batch's rows into the columns (transposed in bulk)
            for at, values in enumerate(zip(*batch, strict=True)):
                if len(seen) == at:
                    seen.append({} if len(set(values)) < len(values) / 2 else None)
                known = seen[at]
                cells[at].extend(values if known is None else
                                 map(known.setdefault, values, values))
            batch.clear()

        for row in reader:
            start, end = end + 1, reader.line_num
            if len(row) != width:
                if any(cell.strip() for cell in row):
                    findings.append(error(rel, start, 1, "HP1001", f"this row has {len(row)} "
                                          f"values; the header has {width}", "give every row "
                                          "one value per column (quote a value holding a "
                                          "comma)"))
                continue
            batch.append(row)
            lines.append(start)
            if len(batch) == 4096:
                keep()
        if batch:
            keep()
    except csv.Error as exc:
        findings.append(error(rel, reader.line_num, 1, "HP1001", f"this is not valid CSV: {exc}",
                              "close every quoted value with a quote; write a quote inside "
                              "one as two quotes"))
        return None, findings
    return Table(rel, columns, cells, lines), findings

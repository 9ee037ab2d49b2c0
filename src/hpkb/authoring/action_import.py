"""Read action updates from a spreadsheet saved as CSV, for `hpkb actions import`.

Every problem is a finding at the CSV's own line and column (the column counted as a
spreadsheet counts them: 1 is A); a row with one is not applied.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from hpkb.authoring.action_edit import (
    ACTION_STATUSES,
    ActionUpdate,
    Request,
    parse_action_ref,
    text_problem,
)
from hpkb.check.findings import Diagnostic, did_you_mean, error
from hpkb.content.schema import iso_suggestion

__all__ = ["COLUMNS", "IGNORED_COLUMNS", "read_requests"]

COLUMNS: tuple[str, ...] = ("id", "status", "completed", "due", "owner", "outcome", "note")
# The other columns `hpkb actions --csv` writes: its output can be edited and imported back.
IGNORED_COLUMNS: tuple[str, ...] = ("entry", "action", "theme", "raised", "overdue", "source")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SAVE_AS = "save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8 (Comma delimited))"


def read_requests(path: Path, shown: str) -> tuple[list[Request], list[Diagnostic]]:
    """The updates the CSV file at ``path`` asks for, and the findings in it (placed at
    ``shown``, its name as the user gave it)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [error(shown, 1, 1, "HP001", f"cannot read file: {exc.strerror}",
                          "check the file exists and is readable")]
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return [], [error(shown, line, column, "HP001", "file is not valid UTF-8", _SAVE_AS)]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    before = 0
    try:
        for cells in reader:
            # A cell may hold line breaks: a row starts on the line after the last one.
            rows.append((before + 1, cells))
            before = reader.line_num
    except csv.Error as exc:
        return [], [error(shown, before + 1, 1, "HP001", f"cannot read the file as CSV: {exc}",
                          _SAVE_AS)]
    rows = [(line, cells) for line, cells in rows if any(cell.strip() for cell in cells)]
    if not rows:
        return [], [error(shown, 1, 1, "HP101", "the file has no header row",
                          "start with a row naming the columns: id, then any of "
                          + ", ".join(COLUMNS[1:]))]
    findings: list[Diagnostic] = []
    header_line, header = rows[0]
    columns = _columns(shown, header_line, header, findings)
    if "id" not in columns:
        findings.append(error(shown, header_line, 1, "HP101", "the header row has no `id` column",
                              "name the column of global action ids (as in RD-2024-007/A02) "
                              "`id`"))
        return [], findings
    requests = []
    for line, cells in rows[1:]:
        request = _request(shown, line, cells, columns, len(header), findings)
        if request is not None:
            requests.append(request)
    return requests, findings


def _columns(shown: str, line: int, header: Sequence[str], findings: list[Diagnostic]
             ) -> dict[str, int]:
    """Each known column's number (1 is A), from the header row."""
    columns: dict[str, int] = {}
    for number, cell in enumerate(header, start=1):
        name = cell.strip().lower()
        if name in columns:
            findings.append(error(shown, line, number, "HP102", f"column `{name}` appears twice",
                                  "keep one column of each name"))
        elif name in COLUMNS:
            columns[name] = number
        elif name and name not in IGNORED_COLUMNS:
            findings.append(error(shown, line, number, "HP102", f"unknown column `{cell.strip()}`",
                                  did_you_mean(name, COLUMNS, "the columns are id, "
                                               + ", ".join(COLUMNS[1:]))))
    return columns


def _request(shown: str, line: int, cells: Sequence[str], columns: dict[str, int],
             width: int, findings: list[Diagnostic]) -> Request | None:
    """One row's update, or None (its findings added) when a cell is wrong."""
    found = len(findings)

    def cell(name: str) -> str | None:
        number = columns.get(name)
        if number is None or number > len(cells):
            return None
        value = cells[number - 1].replace("\r\n", "\n").replace("\r", "\n").strip()
        return value or None

    def problem(name: str, code: str, message: str, hint: str) -> None:
        findings.append(error(shown, line, columns[name], code, message, hint))

    for number in range(width + 1, len(cells) + 1):
        if cells[number - 1].strip():
            findings.append(error(shown, line, number, "HP102",
                                  "a cell right of the last column in the header row",
                                  "name its column in the header row, or empty the cell"))
    text = cell("id")
    ref = parse_action_ref(text or "")
    if text is None:
        problem("id", "HP101", "the row has no action id",
                "write the global id, as in RD-2024-007/A02, or delete the row")
    elif ref is None:
        problem("id", "HP107", f"`{text}` is not an action id",
                f"did you mean {text.upper()}?" if parse_action_ref(text.upper())
                else "write the entry id, a slash and the action id, as in RD-2024-007/A02")
    status = cell("status")
    if status is not None:
        spelled = re.sub(r"[\s_]+", "-", status.lower())
        if spelled in ACTION_STATUSES:
            status = spelled
        else:
            problem("status", "HP104",
                    f"status `{status}` is not one of {', '.join(ACTION_STATUSES)}",
                    did_you_mean(spelled, ACTION_STATUSES, "use one of the four statuses"))
    days: dict[str, date | None] = {}
    for name in ("completed", "due"):
        written = cell(name)
        days[name] = None if written is None else _date(written)
        if written is not None and days[name] is None:
            suggestion = iso_suggestion(written)
            problem(name, "HP105", f"`{name}`: `{written}` is not a date written YYYY-MM-DD",
                    f"write {suggestion}" if suggestion else
                    "write the date as YYYY-MM-DD, for example 2024-09-19 (format the "
                    "column as text so the spreadsheet keeps it so)")
    for name in ("owner", "outcome", "note"):
        written = cell(name)
        if written is not None and (wrong := text_problem(written)) is not None:
            problem(name, "HP103", f"`{name}` cannot be written: {wrong}",
                    "delete the character from the cell")
    if len(findings) > found or ref is None:
        return None
    return Request(ref, ActionUpdate(status, days["completed"], days["due"], cell("owner"),
                                     cell("outcome"), cell("note")), shown, line, columns)


def _date(text: str) -> date | None:
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None

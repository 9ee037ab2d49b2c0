"""Findings about content, and the three ways of printing them.

Every problem hpkb finds in a content repository is a `Diagnostic`: a value, never an
exception. Stages return lists of them; the CLI prints them once, with a count, and maps
them to an exit code (1 when any error, or any warning under ``--strict``).

Error tree (the only exceptions hpkb raises on purpose)::

    HpkbError            a problem the user can fix outside the content (bad option,
                         unreadable config, missing build); printed as one line, exit 2
                         or 1 as its ``exit_code`` says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Literal

__all__ = [
    "Diagnostic",
    "HpkbError",
    "Severity",
    "count_summary",
    "did_you_mean",
    "fails",
    "format_diagnostics",
]

OutputFormat = Literal["text", "json", "github"]


class Severity(StrEnum):
    """How bad a finding is: errors always fail, warnings fail only under --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding: where it is, which rule, what is wrong and how to fix it."""

    file: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    hint: str = ""

    def as_text(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return (
            f"{self.file}:{self.line}:{self.column}: {self.code} "
            f"{self.severity.value} {self.message}{hint}"
        )

    def as_github(self) -> str:
        level = "error" if self.severity is Severity.ERROR else "warning"
        text = self.message + (f" ({self.hint})" if self.hint else "")
        # GitHub's workflow-command syntax needs %, CR and LF escaped in the message.
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return (
            f"::{level} file={self.file},line={self.line},col={self.column},"
            f"title={self.code}::{text}"
        )

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Diagnostic:
        """The finding ``as_json`` gave (KeyError or ValueError when it is not one)."""
        return cls(str(data["file"]), int(data["line"]), int(data["column"]),
                   str(data["code"]), Severity(data["severity"]), str(data["message"]),
                   str(data["hint"]))


class HpkbError(Exception):
    """A problem outside the content (options, config, missing build): one line, no trace."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def error(
    file: str, line: int, column: int, code: str, message: str, hint: str = ""
) -> Diagnostic:
    return Diagnostic(file, line, column, code, Severity.ERROR, message, hint)


def warning(
    file: str, line: int, column: int, code: str, message: str, hint: str = ""
) -> Diagnostic:
    return Diagnostic(file, line, column, code, Severity.WARNING, message, hint)


def fails(diagnostics: Iterable[Diagnostic], strict: bool) -> bool:
    """True when these findings must stop the command."""
    return any(d.severity is Severity.ERROR or strict for d in diagnostics)


def count_summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def format_diagnostics(diagnostics: Sequence[Diagnostic], fmt: OutputFormat) -> str:
    """All findings, sorted by place, in one of the CLI's output formats."""
    ordered = sorted(diagnostics)
    if fmt == "json":
        return json.dumps([d.as_json() for d in ordered], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(d.as_github() for d in ordered)
    return "\n".join(d.as_text() for d in ordered)


def did_you_mean(word: str, choices: Iterable[str], fallback: str = "") -> str:
    """A hint naming the closest known choice(s), or ``fallback`` when none is close."""
    import difflib  # only needed when something is wrong

    pool = list(choices)
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered:
        return f"did you mean `{lowered[word.lower()]}`?"
    close = difflib.get_close_matches(word, pool, n=2, cutoff=0.7)
    if close:
        return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"
    return fallback

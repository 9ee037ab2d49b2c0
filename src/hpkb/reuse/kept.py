"""What one build keeps on disk for the next: each entry file's front matter as parsed,
its positions, body and own findings, so that a file whose bytes are as before is
neither read, parsed nor checked again by the next `hpkb build` (a process of its own,
unlike `hpkb serve`'s memo): the build's fingerprint has read every input file once
already, and gives each one's digest. Taking a file's result from here costs a small
part of parsing and checking it again.

One line per file: the digest of its name, kind and bytes, a space, and the JSON of what
reading it gave. A line is only ever taken for the very bytes it was made from, by the
same hpkb code on the same day (a file's own findings depend on the date); a line that
cannot be read is a file to read again, never an error.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hpkb.check.findings import Diagnostic
from hpkb.content.files import EntryFile, entry_digest
from hpkb.content.model import Entry, Source
from hpkb.content.schema import MODEL_BY_KIND
from hpkb.content.strict_yaml import Path as StrictPath

__all__ = ["KEPT_FILE", "Kept", "KeptLine", "Typed", "kept_line", "read_kept", "seed_of",
           "write_kept"]

KEPT_FILE = "typed.jsonl"  # in build/.cache
_FORMAT = 3

# An entry file's typing: the entry (None when its front matter does not conform) and the
# file's own findings (what validation's own checks of the file give).
Typed = tuple[Entry | None, list[Diagnostic]]


@dataclass(frozen=True)
class KeptLine:
    """One file's line: the digest it is found by, and its JSON."""

    digest: str
    record: str


@dataclass(frozen=True)
class Kept:
    """The lines the last build kept, by digest, for this code and this day."""

    seed: str
    lines: dict[str, str]
    appendable: bool = False  # the file ends with a whole line: lines may be added

    def typed(self, entry_file: EntryFile, file_digest: str
              ) -> tuple[Source, Typed, KeptLine] | None:
        """The file whose bytes have ``file_digest`` (`content.files.file_digest`) as its kept line
        says it was read and typed, or None (not kept): the file need not be read."""
        digest = entry_digest(entry_file.rel, entry_file.kind, file_digest)
        record = self.lines.get(digest)
        if record is None:
            return None
        try:
            source, typed = _from_record(json.loads(record), entry_file, digest)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None  # not what this code writes: read the file again
        return source, typed, KeptLine(digest, record)


def seed_of(code: str, today: date) -> str:
    return f"{_FORMAT} {code} {today.isoformat()}"


def read_kept(path: Path, seed: str) -> Kept:
    """The lines at ``path`` when they were kept for ``seed``; else none."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return Kept(seed, {})
    head, _, rest = text.partition("\n")
    if head != seed:
        return Kept(seed, {})
    lines: dict[str, str] = {}
    for line in rest.split("\n"):
        digest, _, record = line.partition(" ")
        if record:
            lines[digest] = record
    # A file cut short (a build killed while adding to it) is written whole next time.
    return Kept(seed, lines, appendable=text.endswith("\n"))


def write_kept(path: Path, seed: str, lines: list[KeptLine], before: Kept) -> None:
    """Keep ``lines`` (those of this build's files) for the next build. The lines not
    kept already (``before``: what this build read) are added at the end, while at
    least half the file's lines are still in use (a one-entry edit adds one line, rather
    than the whole file being written again); else the file is written whole, then
    renamed, so a reader
    never sees half a file (a line cut short is only a file to read again)."""
    new = [k for k in lines if k.digest not in before.lines]
    if before.seed == seed and before.appendable and len(lines) * 2 >= len(before.lines) \
            + len(new):
        if new:
            with path.open("a", encoding="utf-8") as file:
                file.write("".join(f"{k.digest} {k.record}\n" for k in new))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # two builds at once
    partial.write_text(seed + "\n" + "".join(f"{k.digest} {k.record}\n" for k in lines),
                       encoding="utf-8")
    with contextlib.suppress(OSError):
        os.replace(partial, path)


def kept_line(source: Source, typed: Typed) -> KeptLine:
    """The line that gives back ``source`` and ``typed`` for the file's very bytes (whose
    digest the source holds)."""
    entry, findings = typed
    # The positions as JSON text in the JSON: only a finding reads them (`_Positions`).
    positions = json.dumps([[list(path), line, column]
                            for path, (line, column) in source.positions.items()],
                           ensure_ascii=False, separators=(",", ":"))
    record = {"front": source.front, "dates": _date_paths(source.front, (), []),
              "positions": positions, "body": source.body, "body_line": source.body_line,
              "findings": [d.as_json() for d in findings], "typed": entry is not None}
    return KeptLine(source.digest, json.dumps(record, default=_iso, ensure_ascii=False,
                                              separators=(",", ":")))


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not kept")


def _date_paths(value: Any, path: tuple[str | int, ...], found: list[list[str | int]]
                ) -> list[list[str | int]]:
    """Where dates are in the front matter: JSON writes them as text, and they are made
    dates again when read back."""
    if isinstance(value, dict):
        for key, item in value.items():
            _date_paths(item, (*path, key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _date_paths(item, (*path, index), found)
    elif isinstance(value, date):
        found.append(list(path))
    return found


class _Positions(Mapping[StrictPath, tuple[int, int]]):
    """A kept line's positions, read from their JSON when first asked: only findings
    need them, and reading every file's cost a tenth of taking 1,000 files from here."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._table: dict[StrictPath, tuple[int, int]] | None = None

    def _read(self) -> dict[StrictPath, tuple[int, int]]:
        if self._table is None:
            try:
                self._table = {tuple(path): (int(line), int(column))
                               for path, line, column in json.loads(self._text)}
            except (ValueError, TypeError):  # not as written: findings point at line 1
                self._table = {}
        return self._table

    def __getitem__(self, path: StrictPath) -> tuple[int, int]:
        return self._read()[path]

    def __iter__(self) -> Iterator[StrictPath]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())


def _from_record(record: dict[str, Any], entry_file: EntryFile, digest: str
                 ) -> tuple[Source, Typed]:
    kind = entry_file.kind
    front = record["front"]
    for path in record["dates"]:
        holder = front
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = date.fromisoformat(holder[path[-1]])
    positions = _Positions(str(record["positions"]))
    source = Source(entry_file.rel, kind, front, positions, str(record["body"]),
                    int(record["body_line"]), digest)
    findings = [Diagnostic.from_json(d) for d in record["findings"]]
    # The front matter conformed when the line was kept, so it conforms now: the same
    # model of the same values.
    entry = Entry(source, MODEL_BY_KIND[kind].model_validate(front)) if record["typed"] else None
    return source, (entry, findings)

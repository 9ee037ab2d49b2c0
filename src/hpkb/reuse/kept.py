"""How an entry file's reading is kept on the "typed" shelf (`reuse.store`): its front
matter as parsed, its positions, body and own findings, so that a file whose bytes are
as before is neither read, parsed nor checked again by the next build. The build's
fingerprint has read every input file once already and gives each one's digest; taking a
file's result from its record costs a small part of parsing and checking it again.

A record is found by the digest of the file's name, kind and bytes and the day (a file's
own findings depend on the date), under the seed of hpkb's code (`Reuse`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from hpkb.check.findings import Diagnostic
from hpkb.content.files import EntryFile
from hpkb.content.model import Entry, Source
from hpkb.content.schema import MODEL_BY_KIND
from hpkb.content.strict_yaml import Path as StrictPath
from hpkb.reuse.store import Codec

__all__ = ["Read", "Typed", "typed_codec", "typed_key"]

# An entry file's typing: the entry (None when its front matter does not conform) and the
# file's own findings (what validation's own checks of the file give).
Typed = tuple[Entry | None, list[Diagnostic]]
# What reading one entry file gives: the source and its typing (findings frozen: one
# value serves every build of a process that asks), or the finding that stopped it.
Read = tuple[Source, Entry | None, tuple[Diagnostic, ...]] | Diagnostic


def typed_key(file_key: str, today: date) -> str:
    """The record's key: ``file_key`` is `content.files.entry_digest` of the file."""
    return f"{file_key} {today.isoformat()}"


def typed_codec(entry_file: EntryFile, file_key: str) -> Codec[Read]:
    """How one file's reading is written and read back (a finding that stopped it is not
    kept: the file is read again)."""
    def encode(read: Read) -> str | None:
        if isinstance(read, Diagnostic) or read[0].digest != file_key:
            return None  # stopped, or its bytes changed since the fingerprint read them
        source, entry, findings = read
        return kept_record(source, (entry, list(findings)))

    def decode(text: str) -> Read:
        source, (entry, findings) = _from_record(json.loads(text), entry_file, file_key)
        return source, entry, tuple(findings)

    return Codec(encode, decode)


def kept_record(source: Source, typed: Typed) -> str:
    """The record that gives back ``source`` and ``typed`` for the file's very bytes
    (whose digest the source holds)."""
    entry, findings = typed
    # The positions as JSON text in the JSON: only a finding reads them (`_Positions`).
    positions = json.dumps([[list(path), line, column]
                            for path, (line, column) in source.positions.items()],
                           ensure_ascii=False, separators=(",", ":"))
    record = {"front": source.front, "dates": _date_paths(source.front, (), []),
              "positions": positions, "body": source.body, "body_line": source.body_line,
              "findings": [d.as_json() for d in findings], "typed": entry is not None}
    return json.dumps(record, default=_iso, ensure_ascii=False, separators=(",", ":"))


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
    """A record's positions, read from their JSON when first asked: only findings
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
    # The front matter conformed when the record was kept, so it conforms now: the same
    # model of the same values.
    entry = Entry(source, MODEL_BY_KIND[kind].model_validate(front)) if record["typed"] else None
    return source, (entry, findings)

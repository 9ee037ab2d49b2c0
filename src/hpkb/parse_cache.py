"""Front matter parsed by an earlier build, kept in build/.cache by the text's digest.

Parsing YAML is most of validation (1.3 s of 1.9 s at 5,000 entries), and an edit
changes one file's front matter at most. Each parsed text is kept in a file of its own
(an edit writes one small file, not the whole cache again), named by the digest of the
text and of hpkb's code, so a new version of either is parsed afresh. The kept values
are plain JSON, never pickle: a cache file planted in a repository must not be able to
run code. Only what parsed cleanly is kept; a finding names its file, so a file with
one is parsed every time.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from hpkb.diagnostics import Diagnostic
from hpkb.strict_yaml import ParsedYaml, parse_yaml

__all__ = ["ParseCache"]


def _encoded(value: Any) -> Any:
    """A parsed value as JSON. Dates become ``{"d": iso}``; a mapping that could be
    mistaken for that or for ``{"m": pairs}`` (one key, `d` or `m`), or whose keys are
    not all text, becomes ``{"m": [[key, value], ...]}``; anything else is itself."""
    if isinstance(value, dict):
        plain = all(isinstance(k, str) for k in value) and \
            not (len(value) == 1 and next(iter(value)) in ("d", "m"))
        if plain:
            return {k: _encoded(v) for k, v in value.items()}
        return {"m": [[_encoded(k), _encoded(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encoded(item) for item in value]
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _tagged(value: dict[str, Any]) -> Any:
    """json.loads' object hook: undo `_encoded`'s tags (inner objects come first)."""
    if len(value) == 1 and "d" in value:
        return date.fromisoformat(value["d"])
    if len(value) == 1 and "m" in value:
        return dict(value["m"])
    return value


class ParseCache:
    """``parse`` is `parse_yaml`, answered from ``folder`` where the same text parsed
    before under the same code (``seed``); ``prune`` removes what this run did not use.
    With ``keep`` false, nothing is written (a repository's first build: most are
    never built again, and writing 5,000 records costs a first build 1.5 s)."""

    def __init__(self, folder: Path, seed: str, keep: bool = True) -> None:
        self._folder = folder
        self._seed = seed
        self._keep = keep  # write what is parsed (else only read what is kept)
        self._used: set[str] = set()

    def parse(self, text: str, file: str, line_offset: int = 0) -> ParsedYaml | Diagnostic:
        name = hashlib.sha256(f"{self._seed}\0{line_offset}\0{text}".encode()).hexdigest()
        path = self._folder / f"{name}.json"
        try:
            value, places = json.loads(path.read_text(encoding="utf-8"), object_hook=_tagged)
            kept = ParsedYaml(value, {tuple(place[:-2]): (place[-2], place[-1])
                                      for place in places})
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            kept = None  # not kept, or a damaged record: parse the text
        if kept is not None:
            self._used.add(path.name)
            return kept
        result = parse_yaml(text, file, line_offset)
        if isinstance(result, ParsedYaml) and self._keep:
            record = [_encoded(result.value), [[*where, line, column] for where, (line, column)
                                               in result.positions.items()]]
            self._folder.mkdir(parents=True, exist_ok=True)
            # Written in place: a half-written record is no JSON array, so it is parsed
            # again, like any damaged one.
            path.write_text(json.dumps(record, separators=(",", ":")), encoding="utf-8")
            self._used.add(path.name)
        return result

    def prune(self) -> None:
        """Remove the records this run did not use (texts since edited, older code)."""
        if self._folder.is_dir():
            for path in self._folder.iterdir():
                if path.name not in self._used:
                    path.unlink()

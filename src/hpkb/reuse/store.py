"""The one seam through which a build reuses earlier work: ``reuse.get(shelf, key, make)``.

A stage that could save work asks its `Reuse` for a value by a key naming everything the
value is made from (a file's digest, an entry's published digest, a segment's name…); it
gets the value an earlier build kept for that very key, or ``make()``'s. Whatever a build
asks for is kept for the next one; what it no longer asks for is dropped when it is done
(`Reuse.keep`), so a shelf holds one build's worth.

Two layers, one interface:

- in memory, for the builds of one process (`hpkb serve`): the values themselves
  (`Memory`); they must be frozen, since every build that asks gets the same object;
- on disk, for the next process (`hpkb build`): one file per shelf in build/.cache, all in
  one format (`SHELF_HEAD`, then each record as its key and length on a line, then its
  text). A `Codec` turns a value into that text and back; a value without a codec stays
  in memory.

A record is only ever taken by its own key, under the same seed (hpkb's code and the
rendering libraries' versions): a shelf kept for other code is ignored, and a record
that cannot be read back is made again, never an error. ``Reuse.off()`` is the reference
build (`hpkb build --no-reuse`): nothing is found, nothing kept, no live build given.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

__all__ = ["JSON", "SHELF_HEAD", "TEXT", "Codec", "Memory", "Reuse", "compact_json", "key_of",
           "read_shelf"]

T = TypeVar("T")

SHELF_HEAD = "hpkb records 1 "  # a shelf file's first line, before its seed


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How a value is kept on disk: ``encode`` gives its text (None: not kept, such as a
    finding that stopped a file being read); ``decode`` gives it back, or raises
    (ValueError, KeyError, TypeError, IndexError, AttributeError) for a text it cannot
    read, which is then made again."""

    encode: Callable[[T], str | None]
    decode: Callable[[str], T]


def key_of(*terms: object) -> str:
    """A key for a value made from ``terms`` (frozen data, whose repr says all of it)."""
    return hashlib.sha256(repr(terms).encode()).hexdigest()


def compact_json(value: Any) -> str:
    """``value`` as JSON on one line (a record's text)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


TEXT: Codec[str] = Codec(lambda text: text, lambda text: text)
JSON: Codec[Any] = Codec(compact_json, json.loads)
_UNREADABLE = (ValueError, KeyError, TypeError, IndexError, AttributeError)


class Memory:
    """Values kept in one process from one build for the next (`hpkb serve` holds one).
    Whatever a build did not ask for is dropped when the next build starts (`turn`)."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, object] = {}
        self._used: dict[Hashable, object] = {}

    def find(self, key: Hashable) -> tuple[bool, object]:
        """(True, the value) when kept for ``key``, and marked used; else (False, None)."""
        if key in self._used:
            return True, self._used[key]
        if key in self._kept:
            self._used[key] = self._kept[key]
            return True, self._used[key]
        return False, None

    def put(self, key: Hashable, value: object) -> None:
        self._used[key] = value

    def keys_of(self, shelf: str) -> set[str]:
        """The keys of the values kept for ``shelf`` (`Reuse` keys them (shelf, key))."""
        return {key[1] for key in self._kept.keys() | self._used.keys()
                if isinstance(key, tuple) and len(key) == 2 and key[0] == shelf}

    def keep_all(self) -> None:
        """The build stopped before it asked for all it would have: what the last one
        used stays kept for the next as well."""
        self._used = {**self._kept, **self._used}

    def turn(self) -> None:
        """A build starts: keep what the last one used, drop the rest."""
        if self._used:
            self._kept, self._used = self._used, {}


@dataclass
class _Used:
    """A record a build asked for: its value, how to write it, and its text when that
    is known (read from disk, or written already)."""

    value: object
    codec: Codec[Any] | None
    text: str | None
    kept_before: bool = False  # found in memory: its text is likely on disk already
    held: bool = False  # its text as read from disk, not decoded yet (`Reuse.hold`)


class Reuse:
    """What one build may reuse: records by shelf and key, in ``memory`` (the process's)
    and in ``folder`` (on disk, for this build folder), and the ``live`` build, whose
    unchanged files a stage may take as they are (``intact``: it stands as its stamp
    recorded it, so its own records describe it)."""

    def __init__(self, folder: Path | None, seed: str, memory: Memory | None = None,
                 live: Path | None = None, intact: bool = False) -> None:
        self.folder = folder
        self.seed = seed
        self.memory = memory
        self.live = live
        self.intact = intact and live is not None
        self._shelves: dict[str, dict[str, str]] = {}  # what is on disk, read when asked
        self._used: dict[str, dict[str, _Used]] = {}

    @classmethod
    def off(cls) -> Reuse:
        """The reference build's: nothing found, nothing kept, no live build."""
        return cls(None, "")

    @property
    def on(self) -> bool:
        return self.folder is not None or self.memory is not None

    def get(self, shelf: str, key: str, make: Callable[[], T],
            codec: Codec[T] | None = None) -> T:
        """The value kept for ``key`` on ``shelf``, else ``make()``'s (kept from now on)."""
        found, value = self._found(shelf, key, codec)
        if found:
            return cast(T, value)
        made = make()
        self.put(shelf, key, made, codec)
        return made

    def find(self, shelf: str, key: str, codec: Codec[T] | None = None) -> T | None:
        """The value kept for ``key`` on ``shelf``, or None (nothing made)."""
        found, value = self._found(shelf, key, codec)
        return cast(T, value) if found else None

    def hold(self, shelf: str, key: str) -> None:
        """Keep the record for ``key`` on ``shelf`` for the next build, as it is, when
        there is one (this build does not need its value, but a later one may)."""
        if not self.on or key in self._used.get(shelf, {}):
            return
        found, value = self.memory.find((shelf, key)) if self.memory is not None \
            else (False, None)
        if found:
            self._used.setdefault(shelf, {})[key] = _Used(value, None, None, kept_before=True)
            return
        text = self._shelf(shelf).get(key) if self.folder is not None else None
        if text is not None:
            self._used.setdefault(shelf, {})[key] = _Used(None, None, text, held=True)

    def hold_all(self, shelf: str) -> None:
        """`hold` every record kept on ``shelf``: for a shelf a build uses some records
        of and the next may use others (compiled templates: a build that renders a few
        pages loads a few templates)."""
        if not self.on:
            return
        keys = self.memory.keys_of(shelf) if self.memory is not None else set()
        if self.folder is not None:
            keys |= self._shelf(shelf).keys()
        for key in sorted(keys):
            self.hold(shelf, key)

    def put(self, shelf: str, key: str, value: T, codec: Codec[T] | None = None) -> None:
        """Keep ``value`` for ``key`` on ``shelf`` (a value without a codec, in memory
        only)."""
        if self.memory is None and (codec is None or self.folder is None):
            return  # nowhere to keep it
        if self.memory is not None:
            self.memory.put((shelf, key), value)
        self._used.setdefault(shelf, {})[key] = _Used(value, codec, None)

    def _found(self, shelf: str, key: str, codec: Codec[Any] | None) -> tuple[bool, object]:
        if not self.on:
            return False, None
        used = self._used.setdefault(shelf, {})
        if key in used:
            record = used[key]
            if codec is not None and record.codec is None:
                record.codec = codec  # held: asked for now, so written as any other
            if not record.held:
                return True, record.value
            if codec is None:
                return False, None
            assert record.text is not None
            try:
                record.value, record.held = codec.decode(record.text), False
            except _UNREADABLE:
                del used[key]
                return False, None  # made again
            if self.memory is not None:
                self.memory.put((shelf, key), record.value)
            return True, record.value
        if self.memory is not None:
            found, value = self.memory.find((shelf, key))
            if found:  # its text is looked up only if the build is kept (`keep`)
                used[key] = _Used(value, codec, None, kept_before=True)
                return True, value
        if codec is None or self.folder is None:
            return False, None
        text = self._shelf(shelf).get(key)
        if text is None:
            return False, None
        try:
            value = codec.decode(text)
        except _UNREADABLE:
            return False, None  # not what this code writes: made again
        if self.memory is not None:
            self.memory.put((shelf, key), value)
        used[key] = _Used(value, codec, text)
        return True, value

    def _shelf(self, shelf: str) -> dict[str, str]:
        if shelf not in self._shelves:
            self._shelves[shelf] = read_shelf(self._file(shelf), self.seed) \
                if self.folder is not None else {}
        return self._shelves[shelf]

    def _file(self, shelf: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{shelf}.records"

    def keep(self) -> None:
        """Write each shelf this build asked of, holding exactly the records it asked
        for (a shelf it never asked of is left as it is). A shelf whose records are
        those on disk already is not written again."""
        if self.folder is None:
            return
        for shelf, used in self._used.items():
            records: dict[str, str] = {}
            for key, record in used.items():
                if record.text is None and record.kept_before:
                    record.text = self._shelf(shelf).get(key)
                if record.text is None and record.codec is not None:
                    record.text = record.codec.encode(record.value)
                if record.text is not None and _fit_key(key):
                    records[key] = record.text
            if records != self._shelf(shelf):
                _write_shelf(self._file(shelf), self.seed, records)
                self._shelves[shelf] = records


def _fit_key(key: str) -> bool:
    return "\t" not in key and "\n" not in key


def read_shelf(file: Path, seed: str) -> dict[str, str]:
    """The records kept in ``file`` for ``seed``, by key; none when there is no such
    file, it was kept for another seed, or it is not whole."""
    records: dict[str, str] = {}
    with contextlib.suppress(OSError, ValueError):
        # Bytes decoded, not text read: reading text would turn a "\r" into a newline.
        data = file.read_bytes().decode("utf-8")
        head, _, body = data.partition("\n")
        if head != f"{SHELF_HEAD}{seed}":
            return {}
        at = 0
        while at < len(body):
            end = body.index("\n", at)
            key, length = body[at:end].split("\t")
            if not length.isdigit():  # digits only: the reading never goes back
                return {}
            start, at = end + 1, end + 1 + int(length)
            if at > len(body) or body[at:at + 1] != "\n":
                return {}
            records[key] = body[start:at]
            at += 1
        return records
    return {}


def _write_shelf(file: Path, seed: str, records: dict[str, str]) -> None:
    """Write the shelf whole, then rename it into place: a reader never sees half of
    one (two builds at once each write their own, and the last rename wins)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(f"{file.name}.{os.getpid()}.partial")
    text = "".join([f"{SHELF_HEAD}{seed}\n", *(f"{key}\t{len(text)}\n{text}\n"
                                               for key, text in records.items())])
    with contextlib.suppress(OSError):
        partial.write_bytes(text.encode("utf-8"))
        os.replace(partial, file)

"""Find entry files, read them safely, split front matter from body.

Nothing here writes. Symlinks are reported, never followed; oversized or non-UTF-8
files are reported, never parsed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from hpkb.check.findings import Diagnostic, error
from hpkb.content.model import ENTRY_KINDS, KIND_FOLDERS, EntryKind, Source
from hpkb.content.strict_yaml import ParsedYaml, parse_yaml

__all__ = ["MAX_FILE_BYTES", "EntryFile", "entry_digest", "file_digest", "find_entry_files",
           "load_source", "parse_source", "read_text", "read_with_digest", "split_front_matter"]

MAX_FILE_BYTES = 512 * 1024


@dataclass(frozen=True)
class EntryFile:
    """An entry file found on disk (not yet read)."""

    path: Path
    rel: str
    kind: EntryKind


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _symlink_finding(rel: str) -> Diagnostic:
    return error(rel, 1, 1, "HP003", "symbolic links are not read",
                 "replace the link with the real file (hpkb never follows links)")


def find_entry_files(root: Path) -> tuple[list[EntryFile], list[Diagnostic]]:
    """Every ``*.md`` under the entry folders, sorted, plus findings for symlinks."""
    files: list[EntryFile] = []
    findings: list[Diagnostic] = []
    for kind in ENTRY_KINDS:
        folder = root / KIND_FOLDERS[kind]
        if folder.is_symlink():
            findings.append(_symlink_finding(_rel(root, folder)))
            continue
        if folder.is_dir():
            _find_in(folder, _rel(root, folder), kind, files, findings)
    files.sort(key=lambda f: f.rel)
    return files, findings


def _find_in(folder: Path, rel: str, kind: EntryKind, files: list[EntryFile],
             findings: list[Diagnostic]) -> None:
    """`find_entry_files` in one folder, then its folders, as a top-down ``os.walk``
    that follows no link would find them (its findings in the same order), from the
    listing's own types: no look at each file again, on every build."""
    with os.scandir(folder) as listing:
        found = sorted(listing, key=lambda entry: entry.name)
    folders = [entry for entry in found if entry.is_dir()]  # links to folders too
    findings += [_symlink_finding(f"{rel}/{entry.name}") for entry in folders
                 if entry.is_symlink()]
    for entry in found:
        name = entry.name
        if entry.is_dir() or not name.endswith(".md") or name.startswith("."):
            continue
        if entry.is_symlink():
            findings.append(_symlink_finding(f"{rel}/{name}"))
        else:
            files.append(EntryFile(folder / name, f"{rel}/{name}", kind))
    for entry in folders:
        if not entry.is_symlink() and not entry.name.startswith("."):
            _find_in(folder / entry.name, f"{rel}/{entry.name}", kind, files, findings)


def read_text(path: Path, rel: str, limit: int = MAX_FILE_BYTES) -> str | Diagnostic:
    """A file's text with BOM and CRLF normalised, or a finding saying why not."""
    read = _read(path, rel, limit)
    return read if isinstance(read, Diagnostic) else read[0]


def file_digest(data: bytes) -> str:
    """The digest of a file's bytes (as `reuse.fingerprint.build_fingerprint` records them)."""
    return hashlib.sha256(data).hexdigest()


def read_with_digest(path: Path, rel: str, limit: int = MAX_FILE_BYTES
                     ) -> tuple[str, str] | Diagnostic:
    """`read_text`, and the digest of the very bytes the text came from (`file_digest`)."""
    read = _read(path, rel, limit)
    return read if isinstance(read, Diagnostic) else (read[0], file_digest(read[1]))


def _read(path: Path, rel: str, limit: int) -> tuple[str, bytes] | Diagnostic:
    """A file's text and the bytes it came from (see `read_text`)."""
    if path.is_symlink():
        return _symlink_finding(rel)
    try:
        size = path.stat().st_size
        if size > limit:
            return error(rel, 1, 1, "HP002",
                         f"file is {size:,} bytes; the limit is {limit:,}",
                         "split it into smaller entries or move attachments out of the text")
        data = path.read_bytes()
    except OSError as exc:
        return error(rel, 1, 1, "HP001", f"cannot read file: {exc.strerror}",
                     "check the file exists and is readable")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return error(rel, line, column, "HP001", "file is not valid UTF-8",
                     "save the file as UTF-8 (most editors: File > Save with encoding)")
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, data


def split_front_matter(text: str, rel: str) -> tuple[str, str, int] | Diagnostic:
    """(front matter, body, body's first file line), or the finding why not."""
    lines = text.split("\n")
    if lines[0].rstrip(" \t") != "---":
        return error(rel, 1, 1, "HP004", "file does not start with front matter",
                     "begin the file with a line `---`, the YAML fields, then `---`")
    for index in range(1, len(lines)):
        if lines[index].rstrip(" \t") in ("---", "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return front, body, index + 2
    return error(rel, 1, 1, "HP005", "front matter is not closed",
                 "add a line `---` after the last front-matter field")


def load_source(entry_file: EntryFile) -> Source | Diagnostic:
    """Read one entry file into a Source, or the first finding that stops it."""
    read = read_with_digest(entry_file.path, entry_file.rel)
    if isinstance(read, Diagnostic):
        return read
    return parse_source(entry_file, *read)


def parse_source(entry_file: EntryFile, text: str, digest: str = "") -> Source | Diagnostic:
    """An entry file's text (as ``read_text`` gave it) as a Source, or the first finding
    that stops it. ``digest``: its bytes' (`file_digest`)."""
    rel = entry_file.rel
    split = split_front_matter(text, rel)
    if isinstance(split, Diagnostic):
        return split
    front_text, body, body_line = split
    parsed = parse_yaml(front_text, rel, line_offset=1)
    if isinstance(parsed, Diagnostic):
        return parsed
    return _source_of(entry_file, parsed, body, body_line, digest)


def _source_of(
    entry_file: EntryFile, parsed: ParsedYaml, body: str, body_line: int, digest: str
) -> Source | Diagnostic:
    if not isinstance(parsed.value, dict):
        got = "nothing" if parsed.value is None else type(parsed.value).__name__
        return error(entry_file.rel, 2, 1, "HP010",
                     f"front matter must be a set of `field: value` lines, got {got}",
                     "write one `field: value` per line between the --- lines")
    return Source(entry_file.rel, entry_file.kind, parsed.value, parsed.positions,
                  body, body_line,
                  entry_digest(entry_file.rel, entry_file.kind, digest) if digest else "")


def entry_digest(rel: str, kind: str, digest: str) -> str:
    """The digest of an entry file's name, kind and bytes (their ``file_digest``)."""
    return hashlib.sha256(f"{rel}\0{kind}\0{digest}".encode()).hexdigest()

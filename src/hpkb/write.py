"""The only module that writes outputs: staged directories under build/, swapped in whole.

A build writes into a fresh directory marked as hpkb's own, and replaces the live one
only when complete, so a failed or killed build leaves the previous output serving.
hpkb deletes only directories that carry its marker file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from hpkb.check.findings import HpkbError

__all__ = [
    "CACHE_DIR",
    "MARKER",
    "Rendered",
    "build_lock",
    "inside_build",
    "json_text",
    "json_text_at",
    "link_or_copy",
    "link_tree",
    "own_directory",
    "same_file",
    "staged_directory",
    "write_json",
    "write_or_link",
    "write_text",
]

MARKER = ".hpkb-build"
BUILD_DIR = "build"
CACHE_DIR = f"{BUILD_DIR}/.cache"  # what a build keeps to be quicker next time, no output


def inside_build(root: Path, target: Path) -> Path:
    """``target`` resolved, refusing anything outside ``root/build`` (or build itself)."""
    build = root.resolve() / BUILD_DIR
    if build.is_symlink():
        raise HpkbError(f"{build} is a symbolic link; hpkb writes only into a real build/ "
                        "folder", exit_code=1)
    resolved = (root / target).resolve() if not target.is_absolute() else target.resolve()
    if resolved == build or build not in resolved.parents:
        raise HpkbError(f"output folder {target} is outside build/; hpkb writes only under "
                        f"{build}", exit_code=2)
    return resolved


def _is_ours(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink() and (path / MARKER).is_file()


def _remove_ours(path: Path) -> None:
    if _is_ours(path):
        shutil.rmtree(path)


def _sweep_leftovers(parent: Path, name: str) -> None:
    """Tidy up after a killed build: put back a retired build that was never replaced,
    then remove staging folders (only ones hpkb marked)."""
    target = parent / name
    for retired in sorted(parent.glob(f".{name}.old-*")):
        if not target.exists() and _is_ours(retired):
            os.replace(retired, target)
    for leftover in parent.glob(f".{name}.*"):
        _remove_ours(leftover)


RETIRED = "retired-"  # a retired build, moved into the trash folder (`staged_directory`)
# A shell that starts `rm` in the background and ends at once: nobody waits for the
# removal, and the shell, waited for, leaves no zombie.
_REMOVE_IN_BACKGROUND = 'rm -rf -- "$@" </dev/null >/dev/null 2>&1 &'


def _discard(retired: list[Path]) -> None:
    """Remove retired builds in a process nobody waits for (spawned, not forked: a fork
    copies the build's whole process; a spawned process inherits no descriptor, the build
    lock's included). Here, should that fail (as where there is no `sh`)."""
    if not retired:
        return
    try:
        subprocess.run(["sh", "-c", _REMOVE_IN_BACKGROUND, "sh", *map(str, retired)],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
    except (OSError, subprocess.CalledProcessError):
        for path in retired:
            shutil.rmtree(path, ignore_errors=True)


def own_directory(path: Path) -> Path:
    """Create ``path`` (inside a staging folder) marked as hpkb's, so it can be replaced."""
    path.mkdir(parents=True, exist_ok=True)
    (path / MARKER).write_text("made by hpkb; safe to delete\n", encoding="utf-8")
    return path


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the repo's build lock while writing under build/: one hpkb writes at a time
    (`hpkb build` beside `hpkb serve`'s rebuild waits for it), or each would sweep away
    the other's staging folder as a killed build's leftover."""
    lock = inside_build(root, Path(CACHE_DIR) / "build.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(lock):  # a lock on every platform, released when the block ends
        yield


@contextmanager
def staged_directory(target: Path, trash: Path | None = None) -> Iterator[Path]:
    """Yield a fresh marked folder; on success it replaces ``target`` in one rename.

    On any exception the staging folder is removed and ``target`` is untouched. The
    retired build is moved into ``trash`` (build/.cache: never an output) and removed by
    a process nobody waits for (`_discard`); without ``trash``, here.
    """
    parent = target.parent
    if target.exists() and not _is_ours(target):
        raise HpkbError(f"{target} exists but was not made by hpkb; move it away first",
                        exit_code=1)
    parent.mkdir(parents=True, exist_ok=True)
    _sweep_leftovers(parent, target.name)
    staging = own_directory(Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=parent)))
    staging.chmod(0o755)  # mkdtemp makes it private; a build is served to readers
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        (target / MARKER).touch()
        os.replace(target, retired)
    os.replace(staging, target)
    if trash is None or not _is_ours(retired):
        _remove_ours(retired)
        return
    trash.mkdir(parents=True, exist_ok=True)
    # Any retired build left there too (its remover killed), in the same process.
    left = sorted(trash.glob(f"{RETIRED}*"))
    discarded = trash / f"{RETIRED}{target.name}-{os.getpid()}-{time.monotonic_ns()}"
    os.replace(retired, discarded)
    _discard([*left, discarded])


def same_file(path: str | Path, other: str | Path) -> bool:
    """The two names are links to one file (so they hold the same bytes). Paths as text,
    not pathlib objects: a build asks this of each of its files."""
    try:
        mine, theirs = os.stat(path), os.lstat(other)
    except OSError:
        return False
    return (mine.st_ino, mine.st_dev) == (theirs.st_ino, theirs.st_dev)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Hard-link a previous build's file into this one (a copy where links cannot be
    made). Safe because nothing in a build ever writes into an existing file."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """A previous build's folder, every file hard-linked (`link_or_copy`)."""
    shutil.copytree(source, target, dirs_exist_ok=True,
                    copy_function=lambda one, other: link_or_copy(Path(one), Path(other)))


def write_text(path: Path, text: str) -> None:
    """``text`` into a new file at ``path``: a file there already (in a staging folder,
    maybe a hard link to the live build's) is replaced, never written into."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.write_text(text, encoding="utf-8")


def write_or_link(path: Path, text: str, previous: Path | None, made: bool = False
                  ) -> None:
    """Write ``text``, or hard-link ``previous`` (the last build's file) when it holds
    the same bytes: then neither the check for unchanged pages nor the output guard
    (when the last build stands as it was left) reads it again. Nothing ever writes into
    an existing file of a build. ``made``: the
    folder exists."""
    data = text.encode("utf-8")
    if not made:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if previous is not None and previous.stat().st_size == len(data) and \
                previous.read_bytes() == data:
            os.link(previous, path)
            return
    except OSError:
        pass  # no previous file, or links not allowed here: write it
    path.write_bytes(data)


def json_text(data: Any) -> str:
    """JSON as hpkb writes it: indented, UTF-8 as is, keys in their order. The very text
    of ``json.dumps(data, indent=2, ensure_ascii=False)`` and a newline, made quicker:
    with an indent, json encodes in Python, generator by generator, and the export is
    written in every build. A `Rendered` value in
    ``data`` is taken as it was made."""
    return json_text_at(data, "\n") + "\n"


def json_text_at(data: Any, newline: str) -> str:
    """``data`` as `json_text` writes it where its lines after the first start with
    ``newline`` (a value nested in another: "\\n" and two spaces for each level)."""
    parts: list[str] = []
    _indented(data, newline, parts.append)
    return "".join(parts)


@dataclass(frozen=True)
class Rendered:
    """A value's text made by `json_text_at`, kept from an earlier build: `json_text`
    takes it as it is, where the same value would give the same text (the caller
    places it at the ``newline`` it was made at)."""

    text: str


_encode_text = json.encoder.encode_basestring  # ensure_ascii=False's: C where built


def _json_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return _encode_text(key)
    if key is True or key is False or key is None:
        return f'"{json.dumps(key)}"'
    if isinstance(key, int):
        return f'"{int.__repr__(key)}"'
    if isinstance(key, float):
        return f'"{_json_float(key)}"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _scalar(value: Any) -> str | None:
    """A JSON scalar's text, or None for a list or object."""
    if isinstance(value, str):
        return _encode_text(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, list | tuple | dict):
        return None
    if isinstance(value, Rendered):
        return value.text
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _indented(value: Any, newline: str, add: Any) -> None:
    """``value`` as JSON, its lines after the first starting with ``newline``'s indent."""
    text = _encode_text(value) if type(value) is str else _scalar(value)
    if text is not None:
        add(text)
        return
    if not value:
        add("{}" if isinstance(value, dict) else "[]")
        return
    inner = newline + "  "
    between = "," + inner
    if isinstance(value, dict):
        add("{")
        first = True
        for key, item in value.items():
            add((inner if first else between) + (_encode_text(key) if type(key) is str
                                                  else _json_key(key)) + ": ")
            first = False
            if type(item) is str:  # most values: no call for them
                add(_encode_text(item))
            else:
                _indented(item, inner, add)
        add(newline + "}")
        return
    add("[")
    first = True
    for item in value:
        add(inner if first else between)
        first = False
        if type(item) is str:
            add(_encode_text(item))
        else:
            _indented(item, inner, add)
    add(newline + "]")


def write_json(path: Path, data: Any) -> None:
    write_text(path, json_text(data))



"""Digests of what a build depends on, so an unchanged build is not done again.

A build's output is a function of the content repo's input files, hpkb's own code and
templates, the versions of the libraries that render, and the request (profile, drafts,
stages, as-of date). The digest covers exactly those; the live build records it.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from hpkb.content.files import file_digest
from hpkb.content.model import KIND_FOLDERS

__all__ = ["BUILD_STAMP", "Found", "build_fingerprint", "code_digest", "files_digest",
           "tree_state", "walk_tree"]

BUILD_STAMP = "build-inputs.sha256"
INPUTS = ("mkdocs.yml", "content", "templates", "deaths", *KIND_FOLDERS.values())
RENDERING_LIBRARIES = ("mkdocs", "properdocs", "mkdocs-material", "markdown",
                       "pymdown-extensions", "jinja2", "whoosh-reloaded", "pypandoc-binary",
                       "typst")


Found = list[tuple[tuple[str, ...], str]]  # (parts of the path below a base, the path)


def walk_tree(base: Path, folder: Path, files_only: bool = False) -> Found:
    """Everything below ``folder``, as pathlib's ``rglob("*")`` finds it (a symbolic link
    to a folder is not followed), at less cost (os.scandir, no Path object per file): a
    build's digests walk thousands of files, and `hpkb serve` looks at the author's files
    several times a second.
    With ``files_only``, only what ``Path.is_file`` would take (from what the listing
    already says, not another look at each file)."""
    found: Found = []
    stack = [(os.fspath(folder), folder.relative_to(base).parts)]
    while stack:
        where, parts = stack.pop()
        with os.scandir(where) as entries:
            for entry in entries:
                named = (*parts, entry.name)
                if not files_only or entry.is_file():
                    found.append((named, entry.path))
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, named))
    return found


def files_digest(seed: str, base: Path, paths: Iterable[Path]) -> str:
    """A digest of ``seed`` and the given files (names relative to ``base``, contents)."""
    return _digest(seed, [(p.relative_to(base).parts, os.fspath(p)) for p in paths])


def _digest(seed: str, found: Found, files: dict[str, str] | None = None) -> str:
    """The digest of ``seed`` and the ``found`` files (each one's bytes' `file_digest`
    recorded in ``files`` by its path, when given)."""
    digest = hashlib.sha256(seed.encode())
    for parts, path in sorted(found):  # in the order of the paths' parts
        rel = "/".join(parts)
        if os.path.islink(path):  # never followed (validation refuses them); its target counts
            digest.update(f"L{rel}\0{os.readlink(path)}\0".encode())
        elif os.path.isfile(path):
            with open(path, "rb") as file:
                own = file_digest(file.read())
            digest.update(f"F{rel}\0{own}\0".encode())
            if files is not None:
                files[rel] = own
    return digest.hexdigest()


def code_digest() -> str:
    """hpkb's own code and templates (even between releases) and the rendering libraries'
    versions. Read again only when a file's name, size or modification time changed: a
    build asks several times, and an edit's build should not read the package each time."""
    package = Path(__file__).resolve().parent.parent  # the hpkb package, this one included
    found = tuple((parts, path) for parts, path in walk_tree(package, package)
                  if "__pycache__" not in parts)
    stats = tuple((path, stat.st_size, stat.st_mtime_ns)
                  for _, path in found for stat in (os.lstat(path),))
    return _code_digest_of(found, stats)


@functools.lru_cache(maxsize=4)
def _code_digest_of(found: tuple[tuple[tuple[str, ...], str], ...],
                    stats: tuple[tuple[str, int, int], ...]) -> str:
    # ``stats`` only keys the cache: the same files as they were give the same digest.
    return _digest(_library_versions(), list(found))


@functools.cache
def _library_versions() -> str:
    # Looked up once a process (a build asks several times): the
    # libraries a process has loaded are the versions it started with, whatever is
    # installed meanwhile. hpkb's own files are read every time (templates are read
    # from disk as pages render).
    return "".join(f"{name}={_installed(name)}\n" for name in RENDERING_LIBRARIES)


def _installed(name: str) -> str:
    """A library's version, or "absent" (one of the site engines is)."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def build_fingerprint(root: Path, request: Iterable[str], files: dict[str, str] | None = None
                      ) -> str:
    """The digest of a build's inputs: repo input files, code, and the request's terms.
    ``files`` gets each input file's `file_digest`, by its path in the repo: validation
    takes a file it kept from the last build by it, without reading the file again."""
    seed = code_digest() + "".join(f"\0R{term}" for term in request)
    found: Found = []
    walked: list[str] = []
    for name in INPUTS:
        if any(name.startswith(f"{outer}/") for outer in walked):
            continue  # in a folder taken whole already (content/learning, in content)
        path = root / name
        if path.is_dir() and not path.is_symlink():
            found += walk_tree(root, path)
            walked.append(name)
        else:
            found.append((Path(name).parts, os.fspath(path)))
    return _digest(seed, found, files)


def tree_state(folder: Path) -> str:
    """A digest of a build folder's files as they stand (names, sizes, modification
    times; the stamp itself aside): a live build someone changed is built again."""
    digest = hashlib.sha256()
    for parts, path in sorted(walk_tree(folder, folder, files_only=True)):
        if parts[-1] != BUILD_STAMP:
            stat = os.lstat(path)
            digest.update(f"{'/'.join(parts)}\0{stat.st_size}\0{stat.st_mtime_ns}\n"
                          .encode())
    return digest.hexdigest()

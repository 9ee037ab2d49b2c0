"""Digests of what a build depends on, so an unchanged build is not done again.

A build's output is a function of the content repo's input files, hpkb's own code and
templates, the versions of the libraries that render, and the request (profile, drafts,
stages, as-of date). The digest covers exactly those; the live build records it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

from hpkb.model import KIND_FOLDERS

__all__ = ["BUILD_STAMP", "build_fingerprint", "code_digest", "files_digest", "tree_state"]

BUILD_STAMP = "build-inputs.sha256"
INPUTS = ("mkdocs.yml", "content", "templates", *KIND_FOLDERS.values())
RENDERING_LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions",
                       "jinja2", "whoosh-reloaded", "pagefind", "pypandoc-binary", "typst",
                       "matplotlib")


def files_digest(seed: str, base: Path, paths: Iterable[Path]) -> str:
    """A digest of ``seed`` and the given files (names relative to ``base``, contents)."""
    digest = hashlib.sha256(seed.encode())
    _add_tree(digest, base, paths)
    return digest.hexdigest()


def _add_tree(digest: hashlib._Hash, base: Path, paths: Iterable[Path]) -> None:
    for path in sorted(paths):
        rel = path.relative_to(base).as_posix().encode()
        if path.is_symlink():  # never followed (validation refuses them); its target counts
            digest.update(b"L" + rel + b"\0" + str(path.readlink()).encode() + b"\0")
        elif path.is_file():
            data = path.read_bytes()
            digest.update(b"F" + rel + b"\0" + str(len(data)).encode() + b"\0" + data)


def code_digest() -> str:
    """hpkb's own code and templates (even between releases) and the rendering libraries'
    versions."""
    package = Path(__file__).parent
    versions = "".join(f"{name}={version(name)}\n" for name in RENDERING_LIBRARIES)
    return files_digest(versions, package,
                        (p for p in package.rglob("*") if "__pycache__" not in p.parts))


def build_fingerprint(root: Path, request: Iterable[str]) -> str:
    """The digest of a build's inputs: repo input files, code, and the request's terms."""
    seed = code_digest() + "".join(f"\0R{term}" for term in request)
    paths: list[Path] = []
    for name in INPUTS:
        path = root / name
        is_tree = path.is_dir() and not path.is_symlink()
        paths += path.rglob("*") if is_tree else [path]
    return files_digest(seed, root, paths)


def tree_state(folder: Path) -> str:
    """A digest of a build folder's files as they stand (names, sizes, modification
    times; the stamp itself aside): a live build someone changed is built again."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != BUILD_STAMP:
            stat = path.lstat()
            digest.update(f"{path.relative_to(folder).as_posix()}\0{stat.st_size}\0"
                          f"{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()

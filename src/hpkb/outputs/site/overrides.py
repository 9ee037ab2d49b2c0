"""A content repository's template overrides: which are real changes, and which are
copies of a packaged template (an older `hpkb init` copied them all), which keep the
repository from receiving template fixes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from hpkb.check.findings import Diagnostic, warning
from hpkb.outputs.site.templates import package_dir

__all__ = ["Override", "overrides", "overrides_findings", "prune_copies"]

OVERRIDES_DIR = "templates"
RELEASED = "released.sha256"  # every packaged template version: `scripts/template_digests.py`


@dataclass(frozen=True)
class Override:
    """One file under the repository's `templates/`, and whether it is an unchanged copy
    of a version of the packaged template at the same path."""

    path: Path  # relative to the repository
    copy: bool


def _released() -> set[tuple[str, str]]:
    text = (package_dir("templates") / RELEASED).read_text("utf-8")
    return {(name, digest) for digest, name in
            (line.split("  ", 1) for line in text.splitlines() if line)}


def overrides(root: Path) -> list[Override]:
    """Every file under `templates/` that stands for a packaged template (the folder's
    own README and hidden files aside), in path order. Links are not followed."""
    folder = root / OVERRIDES_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    released = _released()
    found: list[Override] = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink() or not path.is_file() or name == "README.md" \
                or any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        found.append(Override(path.relative_to(root), (name, digest) in released))
    return found


def overrides_findings(root: Path) -> list[Diagnostic]:
    """A warning for each override that is an unchanged copy of a packaged template."""
    return [warning(item.path.as_posix(), 1, 1, "HP704",
                    "this file is an unchanged copy of one of hpkb's own templates, so this "
                    "repository will not receive fixes to it",
                    "delete it so that hpkb uses its own, or run `hpkb templates --prune` to "
                    "delete every such copy")
            for item in overrides(root) if item.copy]


def prune_copies(root: Path) -> list[Path]:
    """Delete the overrides that are unchanged copies of packaged templates, and the
    folders that leaves empty; return what was deleted (relative to the repository)."""
    removed: list[Path] = []
    for item in overrides(root):
        if item.copy:
            (root / item.path).unlink()
            removed.append(item.path)
    emptied = {parent for path in removed for parent in path.parents
               if OVERRIDES_DIR in parent.parts[:1] and parent != Path(OVERRIDES_DIR)}
    for directory in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        if (root / directory).is_dir() and not any((root / directory).iterdir()):
            (root / directory).rmdir()
    return removed

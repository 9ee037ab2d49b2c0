"""`hpkb init` (a new content repository) and `hpkb new` (a new entry with the next id).

These are the only writes outside build/: `init` into an empty folder, `new` one file it
creates exclusively (never overwriting).
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import jinja2

from hpkb.config import load_settings, today_of
from hpkb.diagnostics import HpkbError
from hpkb.model import ID_PREFIX, KIND_FOLDERS, EntryKind
from hpkb.taxonomy import load_taxonomy
from hpkb.templates_env import package_dir, template_dirs, template_loader

__all__ = ["init_repo", "new_entry", "next_id"]

_ID_IN_NAME = re.compile(r"^(RD|LN|PR)-([0-9]{4})-([0-9]{3})\.md$")


def init_repo(target: Path) -> list[Path]:
    """Copy the starter repository into an empty (or new) folder; return what was made."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise HpkbError(f"{target} is not empty; `hpkb init` only fills an empty folder")
    starter = package_dir("starter")
    shutil.copytree(starter, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    templates = target / "templates"
    shutil.copytree(package_dir("templates"), templates, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return sorted(p for p in target.rglob("*") if p.is_file())


def next_id(root: Path, kind: EntryKind, year: int) -> str:
    """The next free id of ``kind`` for ``year``, after every id any file already uses."""
    prefix = ID_PREFIX[kind]
    highest = 0
    for folder in {KIND_FOLDERS[k] for k in KIND_FOLDERS}:
        for path in (root / folder).glob("*.md") if (root / folder).is_dir() else ():
            match = _ID_IN_NAME.match(path.name)
            if match and match.group(1) == prefix and int(match.group(2)) == year:
                highest = max(highest, int(match.group(3)))
    if highest >= 999:
        raise HpkbError(f"no free {prefix} id left for {year}", exit_code=1)
    return f"{prefix}-{year}-{highest + 1:03d}"


def _template_env(root: Path) -> jinja2.Environment:
    # A content repo's templates/ overrides the package's defaults, file by file.
    env = jinja2.Environment(loader=template_loader(template_dirs(root), "new"),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             autoescape=False)
    env.filters["yaml_text"] = lambda text: json.dumps(str(text), ensure_ascii=False)
    return env


def new_entry(root: Path, kind: EntryKind, title: str, today: date | None = None) -> Path:
    """Write a scaffold for a new entry with the next free id; return its path."""
    title = title.strip()
    if not title or len(title) > 120 or "\n" in title:
        raise HpkbError("--title must be one line of 1 to 120 characters")
    settings, _ = load_settings(root)
    today = today_of(settings, today)
    taxonomy, _ = load_taxonomy(root)
    entry_id = next_id(root, kind, today.year)
    organisation = settings.hpkb.organisation or next(iter(taxonomy.organisations), "")
    theme = next(iter(taxonomy.themes), "")
    text = _template_env(root).get_template(f"{kind}.md.j2").render(
        id=entry_id, title=title, today=today.isoformat(), organisation=organisation,
        theme=theme)
    folder = root / KIND_FOLDERS[kind]
    if folder.is_symlink():
        raise HpkbError(f"{folder} is a symbolic link; hpkb does not write through links",
                        exit_code=1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{entry_id}.md"
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        raise HpkbError(f"{path} already exists; nothing was written", exit_code=1) from None
    return path

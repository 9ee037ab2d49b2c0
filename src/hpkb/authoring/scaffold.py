"""`hpkb init` (a new content repository) and `hpkb new` (a new entry with the next id).

These are the only writes outside build/: `init` into an empty folder, `new` one file it
creates exclusively (never overwriting).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2

from hpkb.check.findings import HpkbError, did_you_mean
from hpkb.content.model import ID_PREFIX, KIND_FOLDERS, EntryKind
from hpkb.content.settings import load_settings, today_of
from hpkb.content.taxonomy import load_taxonomy
from hpkb.outputs.site.templates import (
    package_dir,
    sandboxed_environment,
    template_dirs,
    template_loader,
)

__all__ = ["InitReport", "init_repo", "new_entry", "next_id"]

_ID_IN_NAME = re.compile(r"^(RD|LN|PR)-([0-9]{4})-([0-9]{3})\.md$")


EXAMPLE_FOLDERS = ("debriefs", "practice", "content/learning")


@dataclass(frozen=True)
class InitReport:
    """What `hpkb init` made: the files written, and whether a git repository was
    started (with its pre-commit hook)."""

    files: tuple[Path, ...]
    git: bool


def init_repo(target: Path, organisation: str = "essex-police", name: str | None = None,
              *, examples: bool = False) -> InitReport:
    """A new content repository for a force in an empty (or new) folder: settings naming
    the force, the taxonomy, pack definitions, a README with next steps, an empty
    `templates/` for the files the force overrides, one example entry of each kind with
    ``examples``; then a git repository whose pre-commit hook runs `hpkb validate`."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise HpkbError(f"{target} is not empty; `hpkb init` only fills an empty folder")
    starter = package_dir("starter")
    forces = _forces(starter)
    if organisation not in forces:
        raise HpkbError(f"--organisation `{organisation}` is not a force in the taxonomy "
                        f"({did_you_mean(organisation, forces, 'see organisations.yml')})")
    name = (name or forces[organisation]).strip()
    if not name or "\n" in name or len(name) > 80:
        raise HpkbError("--name must be one line of 1 to 80 characters")
    skip = () if examples else EXAMPLE_FOLDERS
    shutil.copytree(starter, target, dirs_exist_ok=True,
                    ignore=lambda folder, names: _left_out(starter, folder, names, skip))
    for folder in skip:
        (target / folder).mkdir(parents=True, exist_ok=True)
        (target / folder / ".gitkeep").write_text("", encoding="utf-8")
    settings = target / "mkdocs.yml"
    settings.write_text(_settings_for(settings.read_text("utf-8"), organisation, name),
                        encoding="utf-8")
    for rendered in ("README.md", "templates/README.md"):
        path = target / rendered
        path.write_text(path.read_text("utf-8").replace("{force}", name), encoding="utf-8")
    git = _start_git(target)
    return InitReport(tuple(sorted(p for p in target.rglob("*")
                                   if p.is_file() and ".git" not in p.relative_to(target).parts)),
                      git)


def _forces(starter: Path) -> dict[str, str]:
    """The forces of the packaged taxonomy: id → name."""
    taxonomy, _ = load_taxonomy(starter)
    return {o.id: o.name for o in taxonomy.organisations.values() if o.kind == "force"}


def _left_out(starter: Path, folder: str, names: list[str], skip: tuple[str, ...]
              ) -> list[str]:
    here = Path(folder).relative_to(starter).as_posix()
    return [n for n in names if n == "__pycache__"
            or (here in skip and n.endswith(".md"))]


def _settings_for(text: str, organisation: str, name: str) -> str:
    """The starter's mkdocs.yml naming the force (its lines kept, comments and all)."""
    site_name = json.dumps(f"{name} homicide prevention knowledge base", ensure_ascii=False)
    text = re.sub(r"(?m)^site_name: .*$", lambda _: f"site_name: {site_name}", text)
    return re.sub(r"(?m)^(    organisation: ).*$", lambda m: m.group(1) + organisation, text)


_HOOK = """#!/bin/sh
# Runs `hpkb validate` before each commit (installed by `hpkb init`). Skip it once with
# `git commit --no-verify`.
if ! command -v hpkb >/dev/null 2>&1; then
  echo "pre-commit: hpkb is not on PATH; activate the environment hpkb is installed in" >&2
  exit 1
fi
exec hpkb validate
"""


def _start_git(target: Path) -> bool:
    """`git init` in the new repository and its pre-commit hook; False when git is not
    to be had (the repository works without it)."""
    try:
        subprocess.run(["git", "init", "-q", str(target)], check=True, capture_output=True,
                       timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    hook = target / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(_HOOK, encoding="utf-8", newline="\n")
    hook.chmod(0o755)
    return True


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
    env = sandboxed_environment(template_loader(template_dirs(root), "new"),
                                keep_trailing_newline=True, autoescape=False)
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

"""Where templates come from: a content repo's templates/ first, then hpkb's defaults."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import jinja2

__all__ = ["package_dir", "template_dirs", "template_loader"]


def package_dir(name: str) -> Path:
    """A folder shipped inside the hpkb package (templates, starter)."""
    return Path(str(resources.files("hpkb") / name))


def template_dirs(root: Path) -> list[Path]:
    """Template folders in override order: the repo's own, then the package's."""
    return [root / "templates", package_dir("templates")]


def template_loader(dirs: Iterable[Path], subdir: str) -> jinja2.BaseLoader:
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d / subdir)) for d in dirs])

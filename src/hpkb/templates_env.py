"""Where templates come from: a content repo's templates/ first, then hpkb's defaults."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

__all__ = ["CompiledTemplates", "package_dir", "template_dirs", "template_loader"]


def package_dir(name: str) -> Path:
    """A folder shipped inside the hpkb package (templates, starter)."""
    return Path(str(resources.files("hpkb") / name))


def template_dirs(root: Path) -> list[Path]:
    """Template folders in override order: the repo's own, then the package's."""
    return [root / "templates", package_dir("templates")]


def template_loader(dirs: Iterable[Path], subdir: str) -> jinja2.BaseLoader:
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d / subdir)) for d in dirs])


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """One file per template name, used only while the template's source and the code
    that compiles it are the ones it was compiled from."""

    def __init__(self, folder: Path, seed: str) -> None:
        super().__init__(str(folder))
        self.seed = seed

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # By name alone: theme overrides are read from each build's own staging folder,
        # and a key with that path in it would never match (and pile up files). In one
        # environment a name always finds the same template.
        return hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()

    def get_source_checksum(self, source: str) -> str:
        # The seed (hpkb's code and the libraries' versions) stands for the environment's
        # options, which Jinja's own checksum leaves out.
        return hashlib.sha1(f"{self.seed}\0{source}".encode(),
                            usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class CompiledTemplates:
    """Where compiled templates are kept (build/.cache/templates, a folder per Jinja
    environment), and what else compiled them: ``seed`` is `fingerprint.code_digest`.
    Compiling the site's and the theme's templates afresh cost every build 0.4 s."""

    folder: Path
    seed: str

    def cache(self, environment: str) -> jinja2.BytecodeCache:
        """The cache of one environment (its options differ from another's). Files are
        written whole, then renamed: both renderers share the theme's."""
        folder = self.folder / environment
        folder.mkdir(parents=True, exist_ok=True)
        return _TemplateCache(folder, self.seed)

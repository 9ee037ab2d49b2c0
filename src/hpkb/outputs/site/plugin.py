"""hpkb's MkDocs plugin, named in every generated mkdocs.yml (``plugins: [hpkb]``, found
through the ``mkdocs.plugins`` entry point), so that plain `mkdocs build` of the generated
project builds the very site hpkb builds.

It leaves out of the site the theme's files no page of hpkb's loads: Material's own
search (lunr and its language files; hpkb's site search replaces it, so no page has
Material's search box and its worker is never started) and the source maps of the
theme's scripts and styles, which only a browser's developer tools ask for. The output
guard and the site check read every file of the site; these need not be there to read.

When hpkb runs MkDocs in its own process it may give the plugin a store of compiled
templates (``compiled``), which the plugin gives the theme's Jinja environment
(MkDocs' ``on_env`` event) so that a build does not compile the theme's templates
afresh; plain `mkdocs build` gives none, and Jinja compiles them as usual.

For MkDocs' dirty build (`engine.run_mkdocs` with the live build), hpkb gives it the live
build's folder (``live``): each file of the docs tree that is the very file the live build
was made from (hpkb links unchanged pages to it) gets the live build's output of it, as a
link, before MkDocs looks whether it needs writing again (``on_files``). A file MkDocs would
still write (its source newer than its output) is left to MkDocs, unlinked: MkDocs writes
into the files it renders, and the live build's must stay as they are.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

__all__ = ["UNUSED_THEME_FILES", "HpkbPlugin", "HpkbPluginConfig", "unused_theme_file"]

# Folders of the theme's files (as MkDocs names them, below the site) no page loads.
UNUSED_THEME_FILES = ("assets/javascripts/lunr/",)


def unused_theme_file(src_uri: str) -> bool:
    """Whether a theme file is one no page of hpkb's site loads."""
    return src_uri.startswith(UNUSED_THEME_FILES) or src_uri.endswith(".map")


# MkDocs' Config and BasePlugin have no annotations on __init_subclass__.
class HpkbPluginConfig(Config):  # type: ignore[no-untyped-call]
    """The plugin's options in mkdocs.yml: none."""


class HpkbPlugin(BasePlugin[HpkbPluginConfig]):  # type: ignore[no-untyped-call]
    """The theme's unused files left out of the site (MkDocs' ``on_files`` event), and
    the theme's templates compiled once (``on_env``, when hpkb gives ``compiled``)."""

    compiled: jinja2.BytecodeCache | None = None
    live: Path | None = None  # the live build's folder, for a dirty build

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
               ) -> jinja2.Environment:
        if self.compiled is not None:  # before any template is loaded
            env.bytecode_cache = self.compiled
        return env

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        for file in [f for f in files if unused_theme_file(f.src_uri)]:
            files.remove(file)
        if self.live is not None:
            for file in files:
                _take_unchanged(file, self.live)
        return files


def _take_unchanged(file: File, live: Path) -> None:
    """The live build's output of ``file`` linked into the site, when ``file`` is the
    very file of the live build's docs tree and MkDocs would not write it again."""
    source = live / "docs" / file.src_uri
    made = live / "site" / file.dest_uri
    try:
        if file.abs_src_path is None or not os.path.samefile(file.abs_src_path, source) \
                or not made.is_file():
            return
        os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
        os.link(made, file.abs_dest_path)
    except OSError:  # not there, or no links on this file system: MkDocs writes it
        return
    if file.is_modified():
        os.unlink(file.abs_dest_path)

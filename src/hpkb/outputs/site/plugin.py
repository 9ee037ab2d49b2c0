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
"""

from __future__ import annotations

import jinja2
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

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

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
               ) -> jinja2.Environment:
        if self.compiled is not None:  # before any template is loaded
            env.bytecode_cache = self.compiled
        return env

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        for file in [f for f in files if unused_theme_file(f.src_uri)]:
            files.remove(file)
        return files

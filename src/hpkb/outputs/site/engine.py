"""The site engine: run MkDocs on the generated project through its documented entry point.

`mkdocs.commands.build.build` builds the project hpkb wrote (docs/, overrides/,
mkdocs.yml) exactly as plain `mkdocs build` does; hpkb's own part in it is a plugin named
in that mkdocs.yml (`hpkb.outputs.site.plugin`). Every MkDocs warning becomes a finding
(strict), and every HTML file of the built site is checked (`hpkb.outputs.site.html_check`).

This module is the only one that runs the engine. The engine is MkDocs 1.6, or
ProperDocs (a maintained fork of MkDocs 1.x, the same engine under its own name) when
the lock installs ProperDocs instead: then ProperDocs' own redirect makes the theme's and
the plugin's `import mkdocs.*` ProperDocs', and its log is read under its name.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2

from hpkb.check.findings import Diagnostic, error
from hpkb.outputs.site.html_check import check_built_pages, html_findings

__all__ = ["engine_name", "prime", "run_mkdocs"]


@functools.cache
def engine_name() -> str:
    """The site engine installed: "mkdocs", or "properdocs" when only ProperDocs is."""
    try:
        version("mkdocs")
    except PackageNotFoundError:
        return "properdocs"
    return "mkdocs"


def _engine(module: str) -> Any:
    """The engine's module ``module`` (config, commands.build)."""
    if engine_name() == "properdocs":
        importlib.import_module("properdocs.replacement")  # `import mkdocs.*` → ProperDocs
    return importlib.import_module(f"{engine_name()}.{module}")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_log() -> Iterator[_Collect]:
    """MkDocs' warnings and errors, collected rather than printed."""
    logger = logging.getLogger(engine_name())
    collect = _Collect()
    saved = (logger.propagate, logger.level)
    logger.addHandler(collect)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield collect
    finally:
        logger.removeHandler(collect)
        logger.propagate, _ = saved
        logger.setLevel(saved[1])


def _load_config(config_path: Path) -> Any:
    """MkDocs' config of ``config_path``, without its notice about MkDocs 2."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    return _engine("config").load_config(str(config_path))


def prime(config_path: Path) -> None:
    """Import MkDocs, its theme and the Markdown extensions ``config_path`` names, in this
    process, as its first build would (`hpkb serve`, so that the first save is previewed
    as quickly as the next). A config MkDocs cannot load is left to that build to report."""
    with _mkdocs_log(), contextlib.suppress(Exception):
        import markdown

        config = _load_config(config_path)
        config.theme.get_env().get_template("main.html")
        markdown.Markdown(extensions=config.markdown_extensions,
                          extension_configs=config.mdx_configs)


def _html_files(site: Path) -> list[str]:
    """Every HTML file below ``site``, as a path relative to it."""
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if path.is_file())


# What MkDocs always says of a build asked to keep the pages it finds up to date (its
# `dirty` build, `mkdocs build --dirty`): not a finding, when hpkb asks for one.
_DIRTY_NOTICE = "A 'dirty' build is being performed"


def run_mkdocs(config_path: Path, live: Path | None = None,
               compiled: jinja2.BytecodeCache | None = None) -> list[Diagnostic]:
    """Build the site of ``config_path`` (`mkdocs build --strict`); check its pages.
    Every warning becomes a finding. With ``live`` (the live build's folder, when nothing
    but some pages' Markdown differs from it: see `outputs.site.build`): MkDocs' dirty
    build into an empty site folder, where hpkb's plugin has first linked the live build's
    output of every file that is as it was (`outputs.site.plugin`), so that MkDocs renders
    only the changed pages, and the theme's own pages (404, sitemap). It is
    not strict, since it always warns that other pages' navigation may be out of date;
    any other warning is still a finding (and `outputs.site.build.render_site` then
    renders every page). Only the pages it wrote are checked: the others
    are the live build's, checked when it was built. ``compiled``: where the theme's
    compiled templates are kept, given to hpkb's plugin."""
    failure = None
    site: Path | None = None
    started = time.time_ns() - 1_000_000_000  # file times may lag the clock a little
    with _mkdocs_log() as collected:
        try:
            config = _load_config(config_path)
            site = Path(config.site_dir)
            if live is not None:
                config.strict = False
            if compiled is not None or live is not None:
                # Imported once the engine is (under ProperDocs, its `mkdocs` redirect).
                from hpkb.outputs.site.plugin import HpkbPlugin

                plugin = config.plugins.get("hpkb")
                if isinstance(plugin, HpkbPlugin):
                    plugin.compiled, plugin.live = compiled, live
            _engine("commands.build").build(config, dirty=live is not None)
        except Exception as exc:  # MkDocs' own errors, and any in a template or extension
            failure = f"{type(exc).__name__}: {exc}"
    messages = [m for m in collected.messages
                if not (live is not None and m.startswith(_DIRTY_NOTICE))]
    findings = [error("mkdocs.yml", 1, 1, "HP701", f"MkDocs: {message}",
                      "a generated page or template is at fault; report it with this message")
                for message in messages]
    if failure and not findings:
        findings.append(error("mkdocs.yml", 1, 1, "HP701", f"MkDocs: {failure}",
                              "a generated page or template is at fault"))
    if findings or site is None:
        return findings
    pages = _html_files(site)
    if live is not None:  # the others are the live build's, checked when it was built
        pages = [page for page in pages if (site / page).stat().st_mtime_ns >= started]
    return html_findings(check_built_pages(site, pages))

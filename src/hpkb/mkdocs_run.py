"""Run MkDocs on the generated tree: on both cores, re-rendering only what changed.

MkDocs renders pages one by one in one process (4 to 20 ms of CPU each) and has no correct
incremental build. hpkb drives MkDocs' own build steps (pinned MkDocs 1.6) itself:

- every process prepares MkDocs in full and reads the navigation pages' sources (so the
  navigation renders the same everywhere), but renders only its share: a second process
  (`python -m hpkb.mkdocs_run`) and this one take pages from one queue as they come free
  (`hpkb.forked`), and each checks the HTML it writes;
- a page whose generated Markdown is byte-identical to the previous build's, under an
  identical configuration, theme overrides and versions, is not rendered again: its HTML
  is hard-linked from the previous build (every page's HTML depends only on its own
  Markdown and on those shared inputs, because hpkb writes backlinks, titles and related
  entries into the Markdown itself).

Every MkDocs warning becomes a finding (strict), as with `mkdocs build --strict`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from hpkb.diagnostics import Diagnostic, error
from hpkb.forked import chunk_size, claimed_chunks, fill_queue
from hpkb.html_check import check_built_pages, html_findings
from hpkb.templates_env import CompiledTemplates
from hpkb.workers import (
    WorkerFailed,
    finish_worker,
    send_line,
    send_work,
    start_worker,
    stop,
)
from hpkb.write import link_or_copy

__all__ = ["PARALLEL_MIN_PAGES", "MadeOnce", "NavOnce", "Renderer", "ThemeListing", "prime",
           "run_mkdocs", "start_renderer"]

# Below this many pages to render, a second process costs more than it saves.
PARALLEL_MIN_PAGES = 150
# The first line a renderer gets once the docs tree is written: prepare MkDocs.
PREPARE = "--prepare--"
# Sent first, once mkdocs.yml and the theme's overrides are written: the second process
# compiles the theme's templates while this one writes the docs tree (`compile_theme`).
THEME = "--theme--"
# Pages are taken from the queue this many at a time (more when there are very many).
PAGE_CHUNK = 4
# The theme's files no page loads, left out of the site: Material's own search (lunr and
# its language files: hpkb's site search replaces it, so no page has its search box and
# its worker is never started) and the source maps of its scripts and styles, which only
# a browser's developer tools ask for. 37 files, 2.2 MB: each build copied them and the
# output guard read them.
UNUSED_THEME_FILES = ("assets/javascripts/lunr/",)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_log() -> Iterator[_Collect]:
    logger = logging.getLogger("mkdocs")
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


@dataclass
class _Prepared:
    """MkDocs' state before any page is rendered (mutable MkDocs objects: kept local)."""

    config: Any
    files: Any
    nav: Any
    env: Any
    pages: dict[str, Any]  # src_uri → Page
    # MkDocs' list of the documentation pages, made once: a page's rendering is handed
    # it, and making it for each chunk of pages taken from the queue cost about 3
    # CPU-seconds of a build at 5,000 entries (a pass over every file each time).
    doc_files: Any


def _prepare(config_path: Path, templates: CompiledTemplates | None) -> _Prepared:
    """MkDocs' own build steps up to rendering, as `mkdocs build` does them (the theme's
    compiled templates kept in ``templates``)."""
    from mkdocs.structure.files import get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    config = _load_config(config_path)
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    files = get_files(config)
    env = _theme_env(config, templates)
    # MkDocs asks the environment only for its list of templates (ThemeListing).
    files.add_files_from_theme(ThemeListing(env), config)  # type: ignore[arg-type]
    for file in [f for f in files if f.src_uri.startswith(UNUSED_THEME_FILES)
                 or f.src_uri.endswith(".map")]:
        files.remove(file)
    assert env.loader is not None  # MkDocs' theme loader
    env.loader = _NavOnceLoader(env.loader)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    pages: dict[str, Any] = {}
    in_nav = {id(page) for page in nav.pages}
    env.globals["hpkb_nav_once"] = NavOnce(in_nav)
    env.globals["hpkb_once"] = MadeOnce()
    for file in files.documentation_pages():
        page = file.page if file.page is not None else Page(None, file, config)
        # Metadata and titles of the pages in the navigation, so it renders the same
        # everywhere; every other page is read when rendered (entries stay out of the
        # navigation, so no page shows their titles but their own).
        if id(page) in in_nav:
            page.read_source(config)
        pages[file.src_uri] = page
    env = config.plugins.on_env(env, config=config, files=files)
    return _Prepared(config, files, nav, env, pages, files.documentation_pages())


def _load_config(config_path: Path) -> Any:
    """MkDocs' config of ``config_path``, without its notice about MkDocs 2."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    from mkdocs.config import load_config

    return load_config(str(config_path))


def _theme_env(config: Any, templates: CompiledTemplates | None) -> jinja2.Environment:
    """The theme's Jinja environment, as MkDocs makes it, keeping compiled templates in
    ``templates``."""
    env: jinja2.Environment = config.theme.get_env()
    env.bytecode_cache = templates.cache("theme") if templates else None
    return env


def compile_theme(config_path: Path, templates: CompiledTemplates) -> None:
    """Compile, into ``templates``, the theme templates a page loads: the page templates
    and what they include, extend and import, found in their source. In the same
    environment as `_prepare` makes, so the renderers find them compiled; any a page
    loads that this missed is compiled then, as before."""
    from jinja2 import meta

    env = _theme_env(_load_config(config_path), templates)
    assert env.loader is not None  # MkDocs' theme loader
    env.loader = _NavOnceLoader(env.loader)
    todo, seen = ["main.html", "404.html"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            env.get_template(name)
            source = env.loader.get_source(env, name)[0]
        except jinja2.TemplateNotFound:
            continue
        todo += [found for found in meta.find_referenced_templates(env.parse(source))
                 if found is not None]


# The theme's navigation partial, as every template includes it, and under a name of its
# own: the first is served as a call to NavOnce around the second (_NavOnceLoader).
NAV = "partials/nav.html"
THEME_NAV = "hpkb/theme-nav.html"
_NAV_ONCE = f'{{% call hpkb_nav_once(page) %}}{{% include "{THEME_NAV}" %}}{{% endcall %}}'


class _NavOnceLoader(jinja2.BaseLoader):
    """The theme's templates as its own loader finds them (a repo's overrides first),
    but the navigation partial goes through NavOnce: the change is made where the
    partial is looked up, not in a copy of Material's template that includes it."""

    def __init__(self, theme: jinja2.BaseLoader) -> None:
        self._theme = theme

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template == NAV:
            return _NAV_ONCE, None, lambda: True
        return self._theme.get_source(environment, NAV if template == THEME_NAV else template)

    def list_templates(self) -> list[str]:
        return self._theme.list_templates()


class NavOnce:
    """The theme's navigation, made once for every page outside it in one folder
    (every template's include of the nav partial calls it; see _NavOnceLoader).

    The navigation of such a page marks no item as the current one, and its links are
    relative to the page's folder (MkDocs' url filter drops a page address's last part
    when it is a file name): every entry page of a folder gets the very same HTML.
    Material made it afresh for each, over a tenth of the site's rendering time. Pages
    in the navigation (the home page, the listings) are made as Material makes them."""

    def __init__(self, in_nav: Collection[int]) -> None:
        self._in_nav = in_nav  # the ids of the navigation's pages
        self._made: dict[str, Any] = {}

    def __call__(self, page: Any, caller: Callable[[], Any]) -> Any:
        if page is None or id(page) in self._in_nav:
            return caller()
        folder, _, name = page.url.rpartition("/")
        key = folder if "." in name else page.url
        if key not in self._made:
            self._made[key] = caller()
        return self._made[key]


class MadeOnce:
    """Parts of the theme's pages that depend on nothing but the site's configuration and
    the way up to the site's root (``base_url``): the script settings Material writes
    into every page and its script tags. Made once for each way up (as `NavOnce`), by
    blocks of the site's main.html that call this around Material's own."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], Any] = {}

    def __call__(self, part: str, base_url: str, caller: Callable[[], Any]) -> Any:
        if (part, base_url) not in self._made:
            self._made[part, base_url] = caller()
        return self._made[part, base_url]


class ThemeListing:
    """A theme's Jinja environment as MkDocs' ``Files.add_files_from_theme`` asks it for
    the theme's files: the names Jinja's own listing gives, without walking hidden
    folders. MkDocs' filter drops every name with a part starting with a dot anyway, and
    Material's ``.icons`` alone holds over ten thousand files: listing them took 0.1-0.15 s
    of every preparation (twice in a build, once in each preview)."""

    def __init__(self, env: Any) -> None:
        self._env = env

    def list_templates(self, extensions: Any = None,
                       filter_func: Callable[[str], bool] | None = None) -> list[str]:
        loader = self._env.loader
        if extensions is not None or not isinstance(loader, jinja2.FileSystemLoader):
            return list(self._env.list_templates(extensions, filter_func))
        found: set[str] = set()
        for searchpath in loader.searchpath:  # as jinja2's FileSystemLoader.list_templates
            for folder, folders, names in os.walk(searchpath, followlinks=loader.followlinks):
                folders[:] = [name for name in folders if not name.startswith(".")]
                for name in names:
                    template = os.path.join(folder, name)[len(searchpath):] \
                        .strip(os.path.sep).replace(os.path.sep, "/")
                    found.add(template[2:] if template[:2] == "./" else template)
        return [name for name in sorted(found) if filter_func is None or filter_func(name)]


def _render(prepared: _Prepared, uris: Sequence[str]) -> list[tuple[str, int, str]]:
    """Render and write the named pages (MkDocs' own per-page steps); check each page's
    HTML as it is written (hpkb.html_check), on whichever process renders it."""
    from mkdocs.commands.build import _build_page, _populate_page

    for uri in uris:
        _populate_page(prepared.pages[uri], prepared.config, prepared.files)
    for uri in uris:
        _build_page(prepared.pages[uri], prepared.config, prepared.doc_files, prepared.nav,
                    prepared.env)
    level = prepared.config.validation.links.anchors
    for uri in uris:
        prepared.pages[uri].validate_anchor_links(files=prepared.files, log_level=level)
    return check_built_pages(Path(prepared.config.site_dir),
                             [prepared.pages[uri].file.dest_uri for uri in uris])


def _write_shared(prepared: _Prepared) -> list[tuple[str, int, str]]:
    """Static files and theme templates (sitemap, 404); the HTML templates' check, as
    for pages."""
    from mkdocs.commands.build import _build_extra_template, _build_theme_template

    config = prepared.config
    _copy_static(prepared.files, str(config.docs_dir))
    for template in config.theme.static_templates:
        _build_theme_template(template, prepared.env, prepared.files, config, prepared.nav)
    for template in config.extra_templates:
        _build_extra_template(template, prepared.files, config, prepared.nav)
    written = [*config.theme.static_templates, *config.extra_templates]
    return check_built_pages(Path(config.site_dir),
                             [name for name in written if name.endswith(".html")])


def _copy_static(files: Any, docs_dir: str) -> None:
    """MkDocs' copy of the static files (`Files.copy_static_files`), but the docs tree's
    own hard-linked: both trees are this build's, and nothing in a build is written
    into (the downloads alone are 3.5 MB at 1,000 entries)."""
    for file in files:
        if file.is_documentation_page() or not file.inclusion.is_included():
            continue
        source = file.abs_src_path
        if file.generated_by is None and source is not None \
                and source.startswith(docs_dir + os.sep):
            os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
            link_or_copy(source, file.abs_dest_path)
        else:
            file.copy_file()


def _reuse(site: Path, previous_site: Path, uris: Iterable[str], pages: Mapping[str, Any]
           ) -> None:
    """Hard-link (or copy) the previous HTML of unchanged pages into the new site."""
    made: set[str] = set()
    for uri in uris:
        rel = pages[uri].file.dest_uri
        folder = rel.rpartition("/")[0]
        if folder not in made:  # a look at each folder once, not at each page
            (site / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        link_or_copy(f"{previous_site}/{rel}", f"{site}/{rel}")


def prime(config_path: Path) -> None:
    """Load MkDocs, its theme and extensions for ``config_path`` (a live build's, which
    has no plugins: nothing is written) in this process, as its first build would
    (0.2-0.3 s at 1,000 pages). A config MkDocs cannot load is left to that build to
    report."""
    with _mkdocs_log(), contextlib.suppress(Exception):
        _prepare(config_path, None)


class Renderer:
    """A second page-rendering process, and the queue of pages it shares with this one
    (the process reads it too). A handle on open pipes, so not a frozen value: each end
    is closed once, its number being free for another file after."""

    def __init__(self, process: subprocess.Popen[str], queue: int, feed: int) -> None:
        self.process = process
        self.queue = queue
        self._open = {queue, feed}
        self._feed = feed

    def share(self, pages: int) -> int:
        """Put ``pages`` pages in the queue (none: the process is sent none either, and
        never reads it); the chunk size they are taken in."""
        chunk = chunk_size(pages, PAGE_CHUNK)
        try:
            fill_queue(self._feed, pages, chunk)
        finally:
            self._close(self._feed)
        return chunk

    def _close(self, end: int) -> None:
        if end in self._open:
            self._open.discard(end)
            os.close(end)

    def close(self) -> None:
        """This process's ends of the queue (the pages are shared out or never will be)."""
        for end in sorted(self._open):
            self._close(end)

    def stop(self) -> None:
        """End the process, which will get no pages, and close the queue."""
        self.close()
        stop(self.process)


def start_renderer(config_path: Path, templates: CompiledTemplates | None = None
                   ) -> Renderer:
    """Start the second page-rendering process early: it imports MkDocs and the theme
    while this process writes the docs tree, then waits for the pages to render."""
    queue, feed = os.pipe()
    try:
        process = start_worker("hpkb.mkdocs_run", [
            str(queue), str(config_path),
            *([str(templates.folder), templates.seed] if templates else [])], keep=(queue,))
    except BaseException:
        os.close(queue)
        os.close(feed)
        raise
    return Renderer(process, queue, feed)


def _render_claimed(prepared: _Prepared, todo: Sequence[str], queue: int, chunk: int
                    ) -> list[tuple[str, int, str]]:
    """Render the pages of ``todo`` this process takes from ``queue``."""
    problems: list[tuple[str, int, str]] = []
    for numbers in claimed_chunks(queue, chunk, len(todo)):
        problems += _render(prepared, [todo[at] for at in numbers])
    return problems


def run_mkdocs(config_path: Path, *, unchanged: Iterable[str] = (),
               previous_site: Path | None = None, workers: int = 2,
               renderer: Renderer | None = None,
               templates: CompiledTemplates | None = None) -> list[Diagnostic]:
    """Build the site of ``config_path``. Pages named in ``unchanged`` (paths as in docs/)
    are taken from ``previous_site`` as they are. ``renderer``: a second process started
    with ``start_renderer`` (else one is started when there are enough pages).
    ``templates``: where both processes keep compiled templates.
    Every warning becomes a finding."""
    worker: Renderer | None = renderer
    if worker is not None:  # the docs tree is written: both processes prepare at once
        send_line(worker.process, PREPARE)
    failure = None
    problems: list[Sequence[Any]] = []  # (page, line, problem) of the HTML check
    chunk = PAGE_CHUNK  # how many pages each process takes from the queue at a time
    with _mkdocs_log() as collected:
        try:
            prepared = _prepare(config_path, templates)
            kept = [uri for uri in unchanged if uri in prepared.pages] if previous_site else []
            taken = set(kept)
            todo = [uri for uri in prepared.pages if uri not in taken]
            parallel = workers > 1 and len(todo) >= PARALLEL_MIN_PAGES
            if parallel and worker is None:
                worker = start_renderer(config_path, templates)
                send_line(worker.process, PREPARE)
            if worker is not None:
                # Both processes take pages from the queue as they come free: this one
                # writes the static files first, and pages differ in cost (listing and
                # theme pages cost many entry pages).
                chunk = worker.share(len(todo) if parallel else 0)
                send_work(worker.process, [str(chunk), *todo] if parallel else [])
            if previous_site is not None:
                _reuse(Path(prepared.config.site_dir), previous_site, kept, prepared.pages)
            # Static files, sitemap and 404 do not depend on rendered pages (the sitemap
            # lists every page's address; the 404 page shows the navigation, whose titles
            # were read first).
            problems += _write_shared(prepared)
            problems += _render_claimed(prepared, todo, worker.queue, chunk) if parallel \
                and worker is not None else _render(prepared, todo)
            prepared.config.plugins.on_post_build(config=prepared.config)
        except Exception as exc:  # MkDocs' own errors, and any in a template or extension
            failure = f"{type(exc).__name__}: {exc}"
            if worker is not None and worker.process.stdin is not None:
                send_work(worker.process, [])  # nothing for it to do: let it end
        finally:
            if worker is not None:
                worker.close()
        messages = collected.messages
        if worker is not None:
            try:
                answer = finish_worker(worker.process)
                messages += answer["messages"]
                problems += answer["problems"]
            except WorkerFailed as exc:
                messages.append(str(exc))
    findings = [error("mkdocs.yml", 1, 1, "HP701", f"MkDocs: {message}",
                      "a generated page or template is at fault; report it with this message")
                for message in messages]
    if failure and not findings:
        findings.append(error("mkdocs.yml", 1, 1, "HP701", f"MkDocs: {failure}",
                              "a generated page or template is at fault"))
    return findings + html_findings(problems)


def _worker_main(queue: int, config_path: Path, templates: CompiledTemplates | None
                 ) -> None:
    """The second process: render the pages it takes from ``queue`` (of those named on
    stdin); print warnings as JSON."""
    # Imported while the parent is still writing the docs tree (see start_renderer).
    import importlib

    for name in ("mkdocs.commands.build", "mkdocs.config", "mkdocs.structure.pages",
                 "material", "markdown", "pymdownx"):
        importlib.import_module(name)

    problems: list[tuple[str, int, str]] = []
    with _mkdocs_log() as collected:
        try:
            line = sys.stdin.readline().strip()
            if line == THEME:
                if templates is not None:
                    compile_theme(config_path, templates)
                line = sys.stdin.readline().strip()
            # Nothing but PREPARE (the docs tree is ready) means there is work: prepare
            # while the parent does too, then render what it takes of the pages sent (none
            # sent: the queue is never filled, and not read).
            if line == PREPARE:
                prepared = _prepare(config_path, templates)
                sent = [line for line in sys.stdin.read().splitlines() if line]
                if sent:  # the chunk size, then the pages
                    problems = _render_claimed(prepared, sent[1:], queue, int(sent[0]))
        except Exception as exc:  # reported to the parent as a finding, never a traceback
            collected.messages.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"messages": collected.messages, "problems": problems}))


if __name__ == "__main__":
    _worker_main(int(sys.argv[1]), Path(sys.argv[2]),
                 CompiledTemplates(Path(sys.argv[3]), sys.argv[4]) if len(sys.argv) > 4
                 else None)

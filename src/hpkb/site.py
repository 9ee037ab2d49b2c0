"""The site stage: write the generated docs tree and MkDocs config, run MkDocs, check the
HTML it produced.

MkDocs reads only the tree hpkb wrote (never author files), builds into the staging
folder the pipeline swaps in, and runs strict: any MkDocs warning fails the build.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from hpkb.config import Settings
from hpkb.diagnostics import Diagnostic, error
from hpkb.export import Provenance, export_files, provenance_of, write_files
from hpkb.fingerprint import code_digest, files_digest, walk_tree
from hpkb.link import link
from hpkb.mkdocs_run import PARALLEL_MIN_PAGES, THEME, run_mkdocs, start_renderer
from hpkb.pagefind_files import prune, seed
from hpkb.pages import SitePages, entry_page, prime_pages, site_pages
from hpkb.templates_env import CompiledTemplates, template_dirs
from hpkb.view import ProfileView
from hpkb.workers import send_line, send_work, stop
from hpkb.write import (
    CACHE_DIR,
    inside_build,
    link_tree,
    same_file,
    write_or_link,
    write_text,
)

__all__ = ["SiteBuild", "build_site", "mkdocs_config", "prime_site", "start_site"]

ENTRY_FOLDERS = ("debriefs", "learning", "practice", "themes", "recommendations", "pages",
                 "ratings", "regions")


def marking_of(profile_view: ProfileView) -> str:
    return profile_view.profile.marking or profile_view.profile.max_classification


def mkdocs_config(settings: Settings, profile_view: ProfileView, has_pages: list[str]
                  ) -> dict[str, Any]:
    """The MkDocs configuration hpkb builds with (the author's mkdocs.yml is never used)."""
    nav: list[Any] = [{"Home": "index.md"}, {"Themes": "themes/index.md"},
                      {"Practice finder": "finder.md"}, {"Shared practice": "practice/index.md"},
                      {"Learning": "learning/index.md"}, {"Rapid debriefs": "debriefs/index.md"},
                      {"Recommendations": "recommendations/index.md"},
                      {"By rating": "ratings/index.md"}, {"By region": "regions/index.md"},
                      {"Tags": "tags.md"},
                      {"Search": "search.md"}, {"Statistics": "statistics.md"},
                      {"Authoring guide": "guide.md"}, {"Downloads": "downloads.md"}]
    if profile_view.profile.personal:
        nav += [{"Action tracker": "tracker.md"}, {"Due for review": "review.md"}]
    nav += [{name.removesuffix(".md").replace("-", " ").capitalize(): f"pages/{name}"}
            for name in has_pages]
    marking = marking_of(profile_view)
    return {
        "site_name": f"{settings.site_name} ({profile_view.name})",
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": False,
        "strict": True,
        "theme": {"name": "material", "custom_dir": "overrides", "font": False,
                  "language": "en",
                  "palette": {"scheme": "default", "primary": "indigo", "accent": "indigo"},
                  "features": ["search.highlight"]},
        # Site search is Pagefind (a chunked index fetched on demand), not Material's
        # single search_index.json, which would be tens of MB at thousands of entries.
        "plugins": [],
        # hpkb.raw_blocks: HTML the templates write whole (tables, link lists) goes in as
        # it is; hpkb.inline_gates: the same HTML, a third less Markdown time (see each
        # module). md_in_html: a repo's templates copied by `hpkb init` before the link
        # lists were HTML wrap Markdown lists in <div markdown="1"> (with the lists set
        # aside by raw_blocks, it costs no measurable time).
        "markdown_extensions": ["tables", "admonition", "md_in_html",
                                {"toc": {"permalink": True}}, "hpkb.raw_blocks",
                                "hpkb.inline_gates"],
        "extra_css": ["assets/hpkb.css"],
        "extra_javascript": ["assets/finder.js", "assets/search.js", "assets/tracker.js"],
        "extra": {"hpkb_marking": marking, "generator": False},
        "copyright": f"{marking}: {profile_view.name} edition",
        "nav": nav,
        # Entry pages stay out of the sidebar: a nav listing every page makes Material's
        # build grow as N² (1,000 pages: 96 s instead of 20 s).
        "not_in_nav": "\n".join(f"/{folder}/*" for folder in ENTRY_FOLDERS),
        "validation": {"nav": {"omitted_files": "ignore"},
                       "links": {"not_found": "warn", "anchors": "warn",
                                 "absolute_links": "warn", "unrecognized_links": "warn"}},
    }


def _copy_overrides(root: Path, target: Path) -> None:
    # Package defaults first, then the repo's own files on top (file by file).
    for folder in reversed(template_dirs(root)):
        source = folder / "site" / "overrides"
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)


def _asset(root: Path, name: str) -> str:
    for folder in template_dirs(root):
        path = folder / "site" / "assets" / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(name)


def _home_and_pages(root: Path) -> tuple[str, dict[str, str]]:
    folder = root / "content" / "pages"
    home = ""
    pages: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            if path.is_symlink():
                continue  # validation reports it; never follow
            text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
            if path.name == "home.md":
                home = text
            else:
                pages[path.name] = text
    return home, pages


def _pack_titles(packs: Path | None, titles: Mapping[str, str]) -> list[tuple[str, str]]:
    """(file name, title) of each typeset pack, for the downloads page."""
    if packs is None or not packs.is_dir():
        return []
    return [(pdf.name, titles.get(pdf.stem, pdf.stem)) for pdf in sorted(packs.glob("*.pdf"))]


def prime_site(root: Path) -> None:
    """The site's compiled templates, made into their cache in build/.cache before its
    pages are (`pages.prime_pages`): the pipeline does it while the search index is
    written, since the pages wait for related entries, which wait for the index. A
    template it cannot compile (a content repo's override) is left to the pages' own
    generation, which reports it."""
    with contextlib.suppress(jinja2.TemplateError):
        prime_pages(template_dirs(root), _compiled_templates(root, code_digest()).cache("site"))


def _page_options(root: Path, settings: Settings, profile_view: ProfileView, code: str
                  ) -> dict[str, Any]:
    """What `site_pages` is given besides the view and its pages."""
    return {"site_name": settings.site_name, "marking": marking_of(profile_view),
            "targets": (settings.hpkb.timeliness.initial_review_days,
                        settings.hpkb.timeliness.report_days),
            "template_dirs": template_dirs(root), "population": settings.hpkb.population,
            "small_numbers": settings.hpkb.small_numbers,
            "template_cache": _compiled_templates(root, code).cache("site")}


def _generate(root: Path, settings: Settings, profile_view: ProfileView, home: str,
              extra: dict[str, str], similar: dict[str, list[str]],
              packs: list[tuple[str, str]], code: str,
              only: frozenset[str] | None = None) -> SitePages:
    return site_pages(profile_view, link(profile_view, similar), home_text=home,
                      extra_pages=extra, packs=packs, only=only,
                      **_page_options(root, settings, profile_view, code))


def _compiled_templates(root: Path, code: str) -> CompiledTemplates:
    return CompiledTemplates(inside_build(root, Path(CACHE_DIR) / "templates"), code)


SITE_INPUTS = "site-inputs.sha256"


def _site_inputs(out: Path, code: str) -> str:
    """A digest of everything every page's HTML depends on besides its own Markdown: the
    MkDocs config, the theme overrides, and the code that renders (``code``)."""
    return files_digest(code, out,
                        [out / "mkdocs.yml", *(out / "overrides").rglob("*")])


def _unchanged_pages(out: Path, previous: Path | None) -> list[str]:
    """Pages whose previous HTML is exactly what rendering them again would give: same
    Markdown, same shared inputs. Any page gone since means every page is rendered (a
    page that linked to it must be checked again)."""
    if previous is None or not (previous / "site").is_dir():
        return []
    stamp = previous / SITE_INPUTS
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != \
            (out / SITE_INPUTS).read_text(encoding="utf-8"):
        return []
    docs, before = out / "docs", previous / "docs"
    now, then = _files_below(docs), _files_below(before)
    if then - now:
        return []
    return [rel for rel in sorted(now & then) if rel.endswith(".md")
            and (same_file(docs / rel, before / rel)
                 or (docs / rel).read_bytes() == (before / rel).read_bytes())]


def _files_below(folder: Path) -> set[str]:
    """The files below ``folder``, as paths relative to it (os.scandir: a third of
    pathlib's time, on every build and preview)."""
    return {"/".join(parts) for parts, _ in walk_tree(folder, folder, files_only=True)}


@dataclass(frozen=True)
class SiteBuild:
    """A site whose pages are written, with its search index (Pagefind) perhaps still
    being built: ``finish`` waits for it."""

    findings: list[Diagnostic]
    site: Path
    indexing: subprocess.Popen[str] | None = None
    seeded: bool = False  # Pagefind started on the last build's files (pagefind_files)
    entries: bool = True

    def finish(self) -> list[Diagnostic]:
        """The site's findings, once its search index is written (or failed)."""
        if self.findings or self.indexing is None:
            return self.findings
        findings = finish_pagefind(self.indexing, self.site)
        if findings or not self.seeded:
            return findings
        try:
            prune(self.site / "pagefind")
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            # Metadata this code cannot read (another Pagefind version): index afresh.
            shutil.rmtree(self.site / "pagefind")
            return finish_pagefind(start_pagefind(self.site, self.entries), self.site)
        return []

    def cancel(self) -> None:
        """Stop indexing (the build is being abandoned)."""
        if self.indexing is not None:
            stop(self.indexing)


def build_site(root: Path, settings: Settings, profile_view: ProfileView,
               out: Path, similar: dict[str, list[str]] | None = None,
               packs: Path | None = None, pack_titles: Mapping[str, str] | None = None,
               previous: Path | None = None, provenance: Provenance | None = None,
               pages: tuple[str, dict[str, str]] | None = None) -> list[Diagnostic]:
    """Write docs/, overrides/ and mkdocs.yml under ``out``, then build ``out``/site
    (`start_site`, then wait for its search index)."""
    return start_site(root, settings, profile_view, out, similar, packs, pack_titles,
                      previous, provenance, pages).finish()


def start_site(root: Path, settings: Settings, profile_view: ProfileView,
               out: Path, similar: dict[str, list[str]] | None = None,
               packs: Path | None = None, pack_titles: Mapping[str, str] | None = None,
               previous: Path | None = None, provenance: Provenance | None = None,
               pages: tuple[str, dict[str, str]] | None = None, search_index: bool = True,
               downloads: Path | None = None, exported: Mapping[str, str] | None = None,
               only: frozenset[str] | None = None) -> SiteBuild:
    """Write docs/, overrides/ and mkdocs.yml under ``out``, then ``out``/site's pages;
    its search index may still be building on return. With ``previous`` (the last
    build's folder), unchanged pages are not rendered again. ``pages`` (home text, extra
    pages) replaces the repo's content/pages (the hub's). Without ``search_index``, the
    previous site's search index is taken as it is, and so are the files of a
    ``downloads`` folder (a preview's: the last build's export and packs). ``exported``:
    the export's files (`export_files`), when made already. ``only`` (a preview's saved
    entries): the previous docs tree as it is but for those entries' pages."""
    home, extra = pages if pages is not None else _home_and_pages(root)
    code = code_digest()  # hpkb's code and the rendering libraries' versions
    # Every page will be rendered: start the second renderer now, so its imports overlap
    # writing the docs tree.
    renderer = start_renderer(out / "mkdocs.yml", _compiled_templates(root, code)) if (
        len(profile_view.entries) >= PARALLEL_MIN_PAGES
        and (previous is None or not (previous / "site").is_dir())) else None
    partial = only is not None and previous is not None and (previous / "docs").is_dir()
    # MkDocs' config and the theme's overrides need no page: written first, so the
    # second renderer compiles the theme's templates while the docs tree is made.
    _copy_overrides(root, out / "overrides")
    config = mkdocs_config(settings, profile_view, sorted(extra))
    write_text(out / "mkdocs.yml", yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    if renderer is not None and not partial:
        (out / "docs").mkdir(parents=True, exist_ok=True)  # MkDocs' config wants it
        send_line(renderer, THEME)
    try:
        generated = _generate(root, settings, profile_view, home, extra, similar or {},
                              _pack_titles(packs, pack_titles or {}), code,
                              only if partial else None)
    except jinja2.TemplateError as exc:
        # Only a content repo's own template override can get here (hpkb's are tested).
        where = getattr(exc, "filename", None) or "templates/site"
        line = getattr(exc, "lineno", None) or 1
        if renderer is not None:
            send_work(renderer, [])
            renderer.communicate()
        return SiteBuild([error(str(where), line, 1, "HP703", f"template error: {exc.message}",
                                "fix the template override in templates/site/")], out / "site")
    docs = out / "docs"
    before = previous / "docs" if previous is not None else None
    if partial and before is not None:
        link_tree(before, docs)  # assets, data and downloads too, as they were
        for rel in generated.pages:
            (docs / rel).unlink()  # the previous build's file: never written into
    for rel, text in generated.pages.items():
        write_or_link(docs / rel, text, before / rel if before is not None else None)
    if not partial:
        for name in ("hpkb.css", "finder.js", "search.js", "tracker.js"):
            write_text(docs / "assets" / name, _asset(root, name))
        for name, text in generated.data.items():
            write_text(docs / "assets" / name, text)
        if downloads is not None and downloads.is_dir():
            link_tree(downloads, docs / "downloads")
        else:
            write_files(exported if exported is not None else export_files(
                profile_view, provenance or provenance_of(settings, None)),
                docs / "downloads")
    if packs is not None and packs.is_dir() and downloads is None and not partial:
        (docs / "downloads" / "packs").mkdir(parents=True, exist_ok=True)
        for pdf in sorted(packs.glob("*.pdf")):
            shutil.copy2(pdf, docs / "downloads" / "packs" / pdf.name)
    write_text(out / SITE_INPUTS, _site_inputs(out, code))
    unchanged = _unchanged_pages(out, previous)
    # Entry pages (all Pagefind indexes) are rendered first; Pagefind then indexes them
    # while the other pages render. The renderers check each page's HTML as they write
    # it (the pages taken from the previous build passed the same check then).
    # Without entries Pagefind indexes every page, so it waits for them all.
    entries = {entry_page(e.id, e.kind) for e in profile_view.entries}
    indexing: list[subprocess.Popen[str]] = []
    # Pages are reused only from a previous site built from the same shared inputs
    # (Pagefind's version among them): its index files can seed this one.
    seeded = previous / "site" / "pagefind" if previous is not None and unchanged else None
    indexed = search_index or previous is None

    def start_indexing() -> None:
        if seeded is not None and seeded.is_dir():
            seed(seeded, out / "site" / "pagefind")
        indexing.append(start_pagefind(out / "site", bool(entries)))

    findings = run_mkdocs(out / "mkdocs.yml", unchanged=unchanged,
                          previous_site=previous / "site" if previous else None,
                          renderer=renderer, first=entries if indexed else (),
                          after_first=start_indexing if entries and indexed else None,
                          templates=_compiled_templates(root, code))
    if findings:
        for process in indexing:
            stop(process)
        return SiteBuild(findings, out / "site")
    if not search_index and previous is not None:  # a preview's: the last build's index
        link_tree(previous / "site" / "pagefind", out / "site" / "pagefind")
        return SiteBuild([], out / "site")
    if not indexing:
        start_indexing()
    return SiteBuild([], out / "site", indexing[0], seeded is not None, bool(entries))


PAGEFIND_TIMEOUT_S = 600


# Entry pages only (ids are RD-, LN- or PR-…; the hub puts them in a folder per force):
# Pagefind must not read a listing page MkDocs may still be writing.
ENTRY_PAGES_GLOB = "{debriefs,learning,practice}/**/{RD,LN,PR}-*.html"


def _pagefind_command() -> list[str]:
    # The wheel's binary itself: `python -m pagefind` would start an interpreter first,
    # and Pagefind is the last step of the site stage.
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError:
        return [sys.executable, "-m", "pagefind"]
    return [str(get_executable())]


def start_pagefind(site: Path, entries: bool = True) -> subprocess.Popen[str]:
    """Start indexing the built entry pages with Pagefind (binary from the PyPI wheel);
    a site without entries has every page indexed (Pagefind needs one page at least)."""
    command = [*_pagefind_command(), "--site", str(site), "--silent",
               "--exclude-selectors", ".headerlink",
               *(["--glob", ENTRY_PAGES_GLOB] if entries else [])]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finish_pagefind(indexing: subprocess.Popen[str], site: Path) -> list[Diagnostic]:
    try:
        stdout, stderr = indexing.communicate(timeout=PAGEFIND_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        stop(indexing)
        return [error("site", 1, 1, "HP704", "the search index took too long to build",
                      f"Pagefind ran over {PAGEFIND_TIMEOUT_S} s")]
    if indexing.returncode != 0 or not (site / "pagefind" / "pagefind.js").is_file():
        detail = (stderr or stdout).strip().splitlines()[-1:] or ["no output"]
        return [error("site", 1, 1, "HP704", f"search indexing failed: {detail[0]}",
                      "check that the pagefind package is installed (make build does it)")]
    return []

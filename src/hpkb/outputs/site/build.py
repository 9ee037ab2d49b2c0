"""The site stage: write the generated docs tree and MkDocs config, run MkDocs, check the
HTML it produced.

MkDocs reads only the tree hpkb wrote (never author files), builds into the staging
folder the pipeline swaps in, and runs strict: any MkDocs warning fails the build.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
import yaml

from hpkb.check.findings import Diagnostic, error
from hpkb.content.settings import Settings
from hpkb.deaths.section import ALERTS_PAGE
from hpkb.outputs.export import Provenance, export_files, provenance_of, write_files
from hpkb.outputs.site.engine import run_mkdocs
from hpkb.outputs.site.html_check import check_site_files, site_file_findings
from hpkb.outputs.site.pages import SitePages, page_keys, site_nav, site_pages
from hpkb.outputs.site.search import INDEX_FOLDER, write_site_search
from hpkb.outputs.site.templates import (
    ReusedTemplates,
    linked_part,
    template_dirs,
    template_error_at,
    template_links,
)
from hpkb.reuse.fingerprint import code_digest, files_digest, walk_tree
from hpkb.reuse.parallel import elsewhere
from hpkb.reuse.store import Reuse
from hpkb.view.gate import ProfileView
from hpkb.view.links import link
from hpkb.write import (
    link_or_copy,
    link_tree,
    write_or_link,
    write_text,
)

__all__ = ["SearchIndexPlan", "build_site", "mkdocs_config"]

SearchIndexPlan = Literal["write", "previous"]

ENTRY_FOLDERS = ("debriefs", "learning", "practice", "themes", "recommendations", "pages",
                 "ratings", "regions")


def marking_of(profile_view: ProfileView) -> str:
    return profile_view.profile.marking or profile_view.profile.max_classification


def mkdocs_config(settings: Settings, profile_view: ProfileView, has_pages: list[str]
                  ) -> dict[str, Any]:
    """The MkDocs configuration hpkb builds with (the author's mkdocs.yml is never used)."""
    # Sub-pages a section's own page links to stay out of the sidebar.
    nav = site_nav(profile_view, [name for name in has_pages if name != ALERTS_PAGE])
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
        # Site search is hpkb's own (hpkb.outputs.site.search: term files fetched on demand), not
        # Material's single search_index.json, large at thousands of entries. hpkb's
        # plugin (hpkb.outputs.site.plugin) leaves the theme's unused files out of the site.
        "plugins": ["hpkb"],
        # hpkb.outputs.site.raw_blocks: HTML the templates write whole (tables, link
        # lists) goes in as it is. md_in_html: a repo's templates copied by `hpkb init`
        # before the link lists were HTML wrap Markdown lists in <div markdown="1">.
        "markdown_extensions": ["tables", "admonition", "md_in_html",
                                {"toc": {"permalink": True}}, "hpkb.outputs.site.raw_blocks"],
        "extra_css": ["assets/hpkb.css"],
        "extra_javascript": ["assets/finder.js", "assets/search.js", "assets/tracker.js"],
        "extra": {"hpkb_marking": marking, "generator": False},
        "copyright": f"{marking}: {profile_view.name} edition",
        "nav": nav,
        # Entry pages stay out of the sidebar: every page's navigation lists every page in
        # it, so a nav of all entries makes the build grow with the square of their number.
        "not_in_nav": "\n".join(f"/{folder}/*" for folder in ENTRY_FOLDERS),
        "validation": {"nav": {"omitted_files": "ignore"},
                       "links": {"not_found": "warn", "anchors": "warn",
                                 "absolute_links": "warn", "unrecognized_links": "warn"}},
    }


# What a theme override may be besides a template (.html): a file MkDocs copies into the
# site as it is. Nothing a browser would run or render as a page of its own (scripts,
# SVG, XML, other HTML), which no page check would see.
OVERRIDE_FILES = frozenset({".html", ".css", ".png", ".jpg", ".jpeg", ".gif", ".webp",
                            ".ico", ".woff", ".woff2"})


def _copy_overrides(root: Path, target: Path) -> list[Diagnostic]:
    """The theme overrides: the package's, then the repo's own on top (file by file),
    never through a symbolic link (`template_links` reports those); a finding for each of
    the repo's files that cannot be an override."""
    findings: list[Diagnostic] = []
    for folder in reversed(template_dirs(root)):
        source = folder / "site" / "overrides"
        if not source.is_dir() or linked_part(folder, ["site", "overrides"]) is not None:
            continue
        for parts, path in sorted(walk_tree(source, source, files_only=True)):
            rel = "/".join(parts)
            if os.path.islink(path):
                continue
            if folder == root / "templates" \
                    and os.path.splitext(rel)[1].lower() not in OVERRIDE_FILES:
                findings.append(error(
                    f"templates/site/overrides/{rel}", 1, 1, "HP703", "a theme override must "
                    "be a template (.html), a stylesheet, an image or a font",
                    "remove the file: MkDocs would copy it into the site unchecked"))
                continue
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / rel, follow_symlinks=False)
    return findings


def _asset(root: Path, name: str) -> str:
    for folder in template_dirs(root):
        path = folder / "site" / "assets" / name
        if path.is_file() and linked_part(folder, ["site", "assets", name]) is None:
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


def _page_options(root: Path, settings: Settings, profile_view: ProfileView,
                  reuse: Reuse | None) -> dict[str, Any]:
    """What `site_pages` is given besides the view and its pages."""
    return {"site_name": settings.site_name, "marking": marking_of(profile_view),
            "targets": (settings.hpkb.timeliness.initial_review_days,
                        settings.hpkb.timeliness.report_days),
            "template_dirs": template_dirs(root), "population": settings.hpkb.population,
            "small_numbers": settings.hpkb.small_numbers,
            "template_cache": ReusedTemplates(reuse) if reuse is not None else None}


# In a build's folder: its pages' keys (`outputs.site.pages.page_keys`).
PAGE_KEYS = "page-keys.json"


@dataclass(frozen=True)
class _Kept:
    """What of the last build's docs tree this one takes as it is: pages, and data files
    in docs/assets (the site-wide pages' own)."""

    pages: frozenset[str]
    data: frozenset[str]


def _generate(root: Path, settings: Settings, profile_view: ProfileView, home: str,
              extra: dict[str, str], similar: dict[str, list[str]],
              packs: list[tuple[str, str]], code: str, reuse: Reuse | None = None,
              only: frozenset[str] | None = None,
              recorded: Mapping[str, Any] | None = None
              ) -> tuple[SitePages, dict[str, Any], _Kept]:
    """The pages to make, this build's record of their keys, and what is kept of the
    last build's, whose record is ``recorded``: each page whose key is the one recorded
    for it (`outputs.site.pages.page_keys`)."""
    links = link(profile_view, similar)
    options = _page_options(root, settings, profile_view, reuse)
    seed = _page_seed(root, code)
    keys = page_keys(profile_view, links, seed=seed,
                     site_name=options["site_name"], marking=options["marking"],
                     targets=options["targets"], home_text=home, extra_pages=extra,
                     population=options["population"],
                     small_numbers=options["small_numbers"], packs=packs,
                     overridden=_overridden(root))
    before = recorded or {}
    entries_before = before.get("entries", {})
    kept_entries = frozenset(page for page, key in keys.entries.items()
                             if entries_before.get(page) == key)
    site_before = before.get("site_wide") or {}
    site_kept = keys.site_wide is not None and site_before.get("key") == keys.site_wide
    generated = site_pages(profile_view, links, home_text=home, extra_pages=extra,
                           packs=packs, only=only, unchanged=kept_entries,
                           site_wide=not site_kept, **options)
    site_wide = (site_before["pages"], site_before["data"]) if site_kept else \
        (sorted(set(generated.pages) - set(keys.entries)), sorted(generated.data))
    record = {"entries": keys.entries, "seed": seed,
              "site_wide": {"key": keys.site_wide, "pages": site_wide[0], "data": site_wide[1]}}
    kept = _Kept(kept_entries | frozenset(site_wide[0] if site_kept else ()),
                 frozenset(site_wide[1] if site_kept else ()))
    return generated, record, kept


def _page_seed(root: Path, code: str) -> str:
    """hpkb's code and templates (``code``), and the content repo's template overrides."""
    folder = root / "templates"
    return files_digest(code, root, [p for p in folder.rglob("*") if p.is_file()]
                        if folder.is_dir() else [])


def _overridden(root: Path) -> bool:
    """Whether the content repo overrides any of the site's page templates."""
    folder = root / "templates" / "site"
    return folder.is_dir() and any(folder.rglob("*.j2"))


def _below(name: object) -> bool:
    """A relative path that stays below the folder it is joined to."""
    return isinstance(name, str) and bool(name) and not name.startswith("/") \
        and ".." not in name.split("/")


def _recorded_keys(previous: Path | None) -> dict[str, Any]:
    """The previous build's record of its pages' keys (`_generate`), of the pages and
    data files it holds."""
    try:
        data = json.loads((previous / PAGE_KEYS).read_text(encoding="utf-8")) \
            if previous is not None else {}
        docs = previous / "docs" if previous is not None else Path()
        entries = {str(page): str(key) for page, key in data["entries"].items()
                   if (docs / page).is_file()}
        site = data["site_wide"]
        if site is None:  # a preview's record: no page is what a key says
            return {"entries": {}, "site_wide": None}
        # Names only below docs/ (and its assets/): they are linked into this build.
        whole = all(_below(page) and (docs / page).is_file() for page in site["pages"]) \
            and all(_below(name) and (docs / "assets" / name).is_file()
                    for name in site["data"])
        return {"entries": entries,
                "site_wide": {"key": str(site["key"]), "pages": [str(p) for p in site["pages"]],
                              "data": [str(d) for d in site["data"]]} if whole else None}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def build_site(root: Path, settings: Settings, profile_view: ProfileView,
               out: Path, similar: dict[str, list[str]] | None = None,
               packs: Path | None = None, pack_titles: Mapping[str, str] | None = None,
               reuse: Reuse | None = None, provenance: Provenance | None = None,
               pages: tuple[str, dict[str, str]] | None = None,
               search_index: SearchIndexPlan = "write",
               downloads: Path | None = None, exported: Mapping[str, str] | None = None,
               only: frozenset[str] | None = None,
               meanwhile: Callable[[], None] | None = None, render_here: bool = True
               ) -> list[Diagnostic]:
    """Write docs/, overrides/ and mkdocs.yml under ``out``, then ``out``/site: its pages
    and its search index (`hpkb.outputs.site.search`). With ``reuse``, unchanged pages
    of the docs tree and index files are linked from the live build (`Reuse.live`), and
    an entry page whose key (`outputs.site.pages.page_keys`) is the one the live build
    recorded is taken as it is, not made again, when that build stands as it was left
    (`Reuse.intact`).
    ``pages`` (home text, extra pages) replaces the repo's content/pages (the hub's).
    ``search_index``: "write" it here, or take the "previous" site's as it is (a
    preview's), and then the files of a ``downloads`` folder too (the last build's export
    and packs).
    ``exported``: the export's files (`export_files`), when made already. ``only`` (a
    preview's saved entries): the previous docs tree as it is but for those entries'
    pages.
    Unless ``render_here``, MkDocs renders the site in a second process
    (`hpkb.reuse.parallel.elsewhere`) while this one writes the site's search index and
    runs ``meanwhile`` (work that waits for nothing of the site's)."""
    findings = _build_pages(root, settings, profile_view, out, similar, packs, pack_titles,
                            reuse, provenance, pages, downloads, exported, only)
    if findings:  # refused: nothing else of this build is kept
        return findings
    # MkDocs renders only the pages whose Markdown changed, beside the live build's
    # output of the rest (`engine.run_mkdocs`), when nothing else a page's HTML is made
    # from changed (`_renders_changed_pages_only`).
    previous = reuse.live if reuse is not None else None
    whole = reuse is not None and _renders_changed_pages_only(out, reuse)
    # A preview renders only its saved entries' pages whatever changed, and its other
    # pages are the live build's HTML: when that was made from other settings, overrides
    # or files, they are not all what the seed says, and the next build renders them all.
    dirty = whole or (only is not None and previous is not None and _has_site(previous))
    if only is not None and not whole:
        (out / PAGE_KEYS).unlink(missing_ok=True)
    rendering = elsewhere(render_site, root, out, previous if dirty else None,
                          reuse if render_here else None, here=render_here)
    try:
        # Beside the site until MkDocs has built it (MkDocs empties its folder first).
        held = out / SEARCH_HOLD
        if search_index == "previous" and previous is not None:
            link_tree(previous / "site" / INDEX_FOLDER, held / INDEX_FOLDER)
        else:
            write_site_search(profile_view, held, reuse)
        if meanwhile is not None:
            meanwhile()
    except BaseException:
        rendering.settle()  # MkDocs is not left writing into a folder about to go
        raise
    findings = rendering.result()
    if not findings:
        (held / INDEX_FOLDER).rename(out / "site" / INDEX_FOLDER)
    shutil.rmtree(held, ignore_errors=True)
    return findings


def _has_site(live: Path) -> bool:
    return (live / "site").is_dir() and (live / "docs").is_dir()


def _renders_changed_pages_only(out: Path, reuse: Reuse) -> bool:
    """Whether MkDocs need render only the pages whose Markdown is not the live build's
    (its dirty build, `engine.run_mkdocs`). A page's HTML is made from its Markdown, the
    navigation and theme settings in mkdocs.yml (which name every page in the navigation
    with its title), the theme overrides, and the code and libraries that render
    (the page keys' seed): when all of those are the live build's and the docs tree
    holds the same files, an unchanged page's HTML is the live build's (a preview's
    live build records its seed only when that holds of it too)."""
    live = reuse.live
    if live is None or not _has_site(live):
        return False
    overrides = _files(out / "overrides")
    return reuse.intact and _same_bytes(out / "mkdocs.yml", live / "mkdocs.yml") \
        and _recorded_seed(out) == _recorded_seed(live) is not None \
        and _files(out / "docs") == _files(live / "docs") \
        and overrides == _files(live / "overrides") \
        and all(_same_bytes(out / "overrides" / rel, live / "overrides" / rel)
                for rel in overrides)


def _same_bytes(one: Path, other: Path) -> bool:
    try:
        return one.stat().st_size == other.stat().st_size and \
            one.read_bytes() == other.read_bytes()
    except OSError:
        return False


def _files(folder: Path) -> frozenset[str]:
    """The files below ``folder``, by their path in it."""
    return frozenset("/".join(parts) for parts, _ in walk_tree(folder, folder, files_only=True))


def _recorded_seed(folder: Path) -> str | None:
    """The page keys' seed a build folder's record holds (`_generate`)."""
    try:
        seed = json.loads((folder / PAGE_KEYS).read_text(encoding="utf-8"))["seed"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return seed if isinstance(seed, str) else None


# Where the site's search index is written, in the build folder, while MkDocs builds
# the site: then moved into it.
SEARCH_HOLD = "site-search"


def render_site(root: Path, out: Path, live: Path | None = None, reuse: Reuse | None = None
                ) -> list[Diagnostic]:
    """MkDocs builds the site of the project in ``out`` (its `mkdocs.yml`), every page's
    HTML is checked, then the site's scripts and styles (a module's function: it may run
    in a second process). ``live``: render only the pages changed since that build (see
    `engine.run_mkdocs`); ``reuse`` (in this process only): where the theme's compiled
    templates are kept."""
    compiled = ReusedTemplates(reuse, "theme-templates") if reuse is not None else None
    findings = run_mkdocs(out / "mkdocs.yml", live, compiled)
    if findings and live is not None:  # of the changed pages or not, a full build is sure
        findings = run_mkdocs(out / "mkdocs.yml", None, compiled)
    return findings or site_file_findings(_named_by_source(root, check_site_files(
        out / "site")))


def _build_pages(root: Path, settings: Settings, profile_view: ProfileView,
                 out: Path, similar: dict[str, list[str]] | None,
                 packs: Path | None, pack_titles: Mapping[str, str] | None,
                 reuse: Reuse | None, provenance: Provenance | None,
                 pages: tuple[str, dict[str, str]] | None, downloads: Path | None,
                 exported: Mapping[str, str] | None, only: frozenset[str] | None
                 ) -> list[Diagnostic]:
    """The docs tree and MkDocs' config (see `build_site`)."""
    # Nothing in templates/ is read through a link (a link could publish any file).
    links = template_links(root)
    if links:
        return links
    home, extra = pages if pages is not None else _home_and_pages(root)
    code = code_digest()  # hpkb's code and the rendering libraries' versions
    previous = reuse.live if reuse is not None else None
    intact = reuse is not None and reuse.intact
    partial = only is not None and previous is not None and (previous / "docs").is_dir()
    refused = _copy_overrides(root, out / "overrides")
    if refused:
        return refused
    config = mkdocs_config(settings, profile_view, sorted(extra))
    write_text(out / "mkdocs.yml", yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    try:
        generated, record, kept = _generate(
            root, settings, profile_view, home, extra, similar or {},
            _pack_titles(packs, pack_titles or {}), code, reuse, only if partial else None,
            _recorded_keys(previous) if intact and not partial else {})
    except jinja2.TemplateError as exc:
        # Only a content repo's own template override can get here (hpkb's are tested),
        # a sandbox refusal among them: named by its file and line.
        at = template_error_at(exc, template_dirs(root))
        where, line = at if at is not None else ("templates/site", 1)
        with contextlib.suppress(ValueError):
            where = Path(where).resolve().relative_to(root.resolve()).as_posix()
        return [error(where, line, 1, "HP703", f"template error: {exc.message}",
                      "fix the template override in templates/site/")]
    _write_docs(root, settings, profile_view, generated, out / "docs", previous, partial,
                packs, downloads, exported, provenance, kept)
    # A preview's other pages may not be what their keys say: it records none, only the
    # seed its pages were rendered with (`build_site` drops it when they may not all be).
    write_text(out / PAGE_KEYS, json.dumps(
        record if not partial else {"entries": {}, "seed": record["seed"], "site_wide": None},
        sort_keys=True, indent=0))
    return []


def _named_by_source(root: Path, problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each site file's problem, saying which of the repository's files it came from where
    there is one (templates/site/assets/, or the theme overrides)."""
    named = []
    for rel, problem in problems:
        sources = [f"templates/site/overrides/{rel}"]
        if rel.startswith("assets/"):
            sources.insert(0, f"templates/site/{rel}")
        found = [source for source in sources if (root / source).is_file()]
        named.append((rel, f"{problem} (from {found[0]})" if found else problem))
    return named


def _write_docs(root: Path, settings: Settings, profile_view: ProfileView,
                generated: SitePages, docs: Path, previous: Path | None, partial: bool,
                packs: Path | None, downloads: Path | None,
                exported: Mapping[str, str] | None, provenance: Provenance | None,
                kept: _Kept) -> None:
    """The docs tree: the generated pages, those ``kept`` linked from the previous
    build's, hpkb's assets and the downloads."""
    before = previous / "docs" if previous is not None else None
    if partial and before is not None:
        link_tree(before, docs)  # assets, data and downloads too, as they were
        for rel in generated.pages:
            (docs / rel).unlink()  # the previous build's file: never written into
    for rel, text in generated.pages.items():
        write_or_link(docs / rel, text, before / rel if before is not None else None)
    if before is not None:
        kept_files = [*kept.pages, *(f"assets/{name}" for name in kept.data)]
        for folder in {(docs / rel).parent for rel in kept_files}:
            folder.mkdir(parents=True, exist_ok=True)
        for rel in kept_files:
            link_or_copy(f"{before}/{rel}", f"{docs}/{rel}")
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

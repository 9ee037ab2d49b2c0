"""Incremental and parallel builds give exactly what a full, serial build gives."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AS_OF, REPO_ROOT, Result, run_cli
from tests.site_helpers import copy_example

EDITED = "practice/PR-2023-003.md"
# Records the build keeps for itself, not outputs: which files its guard passed, and
# the digest of its inputs and files (modification times differ by nature).
OWN_RECORDS = {"guard-passed.json", "build-inputs.sha256"}


def attempt(root: Path, *extra: str, profile: str = "shared") -> Result:
    return run_cli(root, "build", "--profile", profile, "--as-of", AS_OF, *extra)


def build(root: Path, *extra: str) -> str:
    result = attempt(root, *extra)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stderr


def edit(root: Path, old: str = "\n## Aim\n",
         new: str = "\n## Aim\n\nThe pilot now also covers weekend night shifts.\n") -> str:
    """Replace ``old`` with ``new`` (once) in the edited entry; its text before."""
    path = root / EDITED
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def _search_view(folder: Path) -> list[dict[str, object]]:
    """The Whoosh index as content (segment files have random names): every stored
    document, and what searches answer, scores included."""
    from whoosh import index

    from hpkb.outputs.search.index import IndexReader

    store = index.open_dir(str(folder))
    with store.searcher() as searcher:
        stored = sorted(searcher.all_stored_fields(), key=lambda f: str(f["id"]))
    store.close()
    reader = IndexReader(folder)
    answers = [reader.search(query, limit=20).as_json()
               for query in ("supervision", "weekend night shifts", "partner", "records",
                             "county lines practice that worked", "theme:county-lines")]
    reader.close()
    return [*stored, {"answers": answers}]


def assert_same_build(one: Path, other: Path) -> None:
    files = {p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file()}
    others = {p.relative_to(other).as_posix() for p in other.rglob("*") if p.is_file()}
    plain = {f for f in files | others if not f.startswith("search/")
             and f not in OWN_RECORDS}
    assert plain <= files & others, sorted(plain - (files & others))
    differ = [f for f in sorted(plain) if (one / f).read_bytes() != (other / f).read_bytes()]
    assert differ == []
    assert _search_view(one / "search") == _search_view(other / "search")
    for record in ("words.json", "indexed.json"):  # beside the index: whole files
        assert (one / "search" / record).read_bytes() == (other / "search" / record).read_bytes()


def test_an_edit_rebuilds_to_exactly_what_a_full_build_gives(tmp_path: Path) -> None:
    incremental = copy_example(tmp_path / "incremental")
    build(incremental)
    site = incremental / "build" / "shared" / "site"
    docs = incremental / "build" / "shared" / "docs"
    before = {p.relative_to(docs).as_posix(): p.stat().st_ino for p in docs.rglob("*.md")}
    index = site / "search-index"
    indexed = {p.relative_to(index).as_posix(): p.stat().st_ino for p in index.rglob("*.json")}
    edit(incremental)
    build(incremental)
    after = {p.relative_to(docs).as_posix(): p.stat().st_ino for p in docs.rglob("*.md")}
    # Only pages whose Markdown changed were made again; the rest are the same files.
    made = {page for page, inode in after.items() if before.get(page) != inode}
    assert "practice/PR-2023-003.md" in made
    assert len(made) < len(after) / 2, sorted(made)
    # The site's search index: only the edited entry's card, its length in meta.json and
    # the term files of the words it gained were written; the rest are the same files.
    now = {p.relative_to(index).as_posix(): p.stat().st_ino for p in index.rglob("*.json")}
    written = {rel for rel, inode in now.items() if indexed.get(rel) != inode}
    assert {"docs/PR-2023-003.json", "meta.json"} < written
    starts = [bytes.fromhex(rel.removeprefix("terms/").removesuffix(".json")).decode()
              for rel in written - {"docs/PR-2023-003.json", "meta.json"}]
    added = ["the", "pilot", "now", "also", "covers", "weekend", "night", "shifts"]
    assert starts and all(any(w.startswith(s) for w in added) for s in starts), starts

    full = tmp_path / "full"
    shutil.copytree(incremental, full, ignore=shutil.ignore_patterns("build"))
    build(full)
    assert "weekend night shifts" in (site / "practice" / "PR-2023-003.html").read_text()
    assert_same_build(incremental / "build" / "shared", full / "build" / "shared")


def _retitle(root: Path) -> None:
    path = root / "content/learning/LN-2024-006.md"
    text = path.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M)
    assert title is not None
    path.write_text(text.replace(title.group(0), "title: Retitled after the review board",
                                 1), encoding="utf-8")


def _rename_theme(root: Path) -> None:
    path = root / "content/taxonomy/themes.yml"
    text = path.read_text(encoding="utf-8")
    assert "  title: Coercive control\n" in text
    path.write_text(text.replace("  title: Coercive control\n",
                                 "  title: Coercive and controlling behaviour\n", 1),
                    encoding="utf-8")


def _override_entry_template(root: Path) -> None:
    from hpkb.outputs.site.templates import package_dir

    own = root / "templates" / "site" / "entry.md.j2"
    own.parent.mkdir(parents=True, exist_ok=True)
    shipped = (package_dir("templates") / "site" / "entry.md.j2").read_text(encoding="utf-8")
    own.write_text(shipped + "\nReviewed by the force's learning board.\n", encoding="utf-8")


def _entry_pages(docs: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8")
            for folder in ("debriefs", "learning", "practice")
            for p in (docs / folder).glob("*-*.md")}


def _nothing_more(root: Path) -> None:
    """Only the edited entry's text changes."""


@pytest.mark.parametrize(("change", "shows"), [
    (_nothing_more, ("practice/PR-2023-003.md", "weekend night shifts")),
    (_retitle, ("learning/LN-2024-006.md", "Retitled after the review board")),
    # This page links it, so shows its title too.
    (_retitle, ("debriefs/RD-2024-002.md", "Retitled after the review board")),
    (_rename_theme, ("practice/PR-2023-001.md", "Coercive and controlling behaviour")),
    (_override_entry_template, ("practice/PR-2023-003.md", "the force's learning board")),
])
def test_entry_pages_kept_from_the_last_build_are_the_ones_a_full_build_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any,
        shows: tuple[str, str]) -> None:
    """A page is linked from the last build when nothing it reads changed (its key,
    `pages.page_keys`): after an edit to one entry's text, only its page is made again
    (and those of entries whose related entries changed), no site-wide page. Any entry's
    title, a theme's name or a template override is read by every page (a page may link
    any entry), and every one is made again."""
    import hpkb.outputs.site.pages

    incremental = copy_example(tmp_path / "incremental")
    build(incremental, "--skip", "packs")
    made = tmp_path / "made.txt"  # appended to by both cores' processes
    entry = hpkb.outputs.site.pages._Renderer.entry

    def counted(renderer: Any, published: Any) -> str:
        with made.open("a", encoding="utf-8") as lines:
            lines.write(f"{published.id}\n")
        return str(entry(renderer, published))

    monkeypatch.setattr(hpkb.outputs.site.pages._Renderer, "entry", counted)
    listings = hpkb.outputs.site.pages._Renderer.listing_pages

    def listed(renderer: Any) -> dict[str, str]:
        with made.open("a", encoding="utf-8") as lines:
            lines.write("site-wide\n")
        return dict(listings(renderer))

    monkeypatch.setattr(hpkb.outputs.site.pages._Renderer, "listing_pages", listed)
    import mkdocs.structure.pages

    html: list[str] = []  # the pages MkDocs renders
    render = mkdocs.structure.pages.Page.render
    monkeypatch.setattr(mkdocs.structure.pages.Page, "render", lambda page, *args: html.append(
        page.file.src_uri) or render(page, *args))
    docs = incremental / "build" / "shared" / "docs"
    before = _entry_pages(docs)
    every_page = {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*.md")}
    edit(incremental)  # an entry's text: its page is made again
    change(incremental)
    html.clear()
    build(incremental, "--skip", "packs")
    rendered = set(made.read_text(encoding="utf-8").split())
    page, text = shows
    assert text in (docs / page).read_text(encoding="utf-8")
    after = _entry_pages(docs)
    if change is _nothing_more:  # its page, and those whose related entries changed
        assert "PR-2023-003" in rendered
        assert rendered == {e for e, page_text in after.items() if before.get(e) != page_text}
    else:  # and the site-wide pages, which show titles and themes
        assert rendered == {*after, "site-wide"}
    changed = sorted(rel for rel, data in every_page.items() if (docs / rel).read_bytes() != data)
    if change is _override_entry_template:  # the pages' templates: MkDocs renders every page
        assert sorted(html) == sorted(every_page)
    else:  # MkDocs renders only the pages whose Markdown changed (its dirty build)
        assert "practice/PR-2023-003.md" in changed
        assert sorted(html) == changed
    full = tmp_path / "full"
    shutil.copytree(incremental, full, ignore=shutil.ignore_patterns("build"))
    build(full, "--skip", "packs")
    assert_same_build(incremental / "build" / "shared", full / "build" / "shared")


def test_a_build_with_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    build(root, "--skip", "packs")
    live = root / "build" / "shared"
    stamps = {p: p.stat().st_mtime_ns for p in live.rglob("*")}
    assert "nothing changed" in build(root, "--skip", "packs")
    assert {p: p.stat().st_mtime_ns for p in live.rglob("*")} == stamps
    # A different request is a different build: here, another as-of date.
    result = run_cli(root, "build", "--profile", "shared", "--as-of", "2026-11-23",
                     "--skip", "packs")
    assert result.exit_code == 0 and "nothing changed" not in result.stderr


def test_a_rebuild_with_nothing_changed_replays_the_view_only_when_it_spoke(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The view is decided from the build's inputs: a no-change rebuild decides it again
    only when it had findings to show (the example's shared view holds a lesson back:
    HP311); otherwise the stamp's entry count stands for it."""
    import hpkb.pipeline

    root = copy_example(tmp_path / "repo")
    build(root, "--skip", "packs")
    result = attempt(root, "--skip", "packs")
    assert "nothing changed" in result.stderr and "HP311" in result.stdout + result.stderr
    build(root, "--profile", "public", "--skip", "packs")
    entries = re.search(r"build: (\d+) entries", build(root, "--profile", "public",
                                                     "--skip", "packs"))
    assert entries is not None and int(entries.group(1)) > 0

    def no_view(*args: object, **kwargs: object) -> None:
        raise AssertionError("the view was decided again")

    monkeypatch.setattr(hpkb.pipeline, "view", no_view)
    again = build(root, "--profile", "public", "--skip", "packs")
    assert "nothing changed" in again and f"build: {entries.group(1)} entries" in again
    with pytest.raises(AssertionError, match="decided again"):
        build(root, "--profile", "shared", "--skip", "packs")


def test_a_rebuild_with_nothing_changed_does_not_validate_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation is a function of the build's inputs too: a no-change rebuild shows the
    findings recorded for those inputs, and --strict still fails on their warnings."""
    import hpkb.pipeline

    root = copy_example(tmp_path / "repo")
    text = edit(root, "tags: [stalking,", "tags: [stalking, stalkings,")
    first = attempt(root, "--skip", "packs", profile="public")
    assert first.exit_code == 0 and "HP308" in first.stdout + first.stderr

    def no_validation(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(hpkb.pipeline, "validate_repo", no_validation)
    again = attempt(root, "--skip", "packs", profile="public")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "nothing changed" in again.stderr and "HP308" in again.stdout + again.stderr
    strict = attempt(root, "--skip", "packs", "--strict", profile="public")
    assert strict.exit_code == 1 and "HP308" in strict.stdout + strict.stderr
    (root / EDITED).write_text(text, encoding="utf-8")  # a changed input is validated again
    changed = attempt(root, "--skip", "packs", profile="public")
    assert isinstance(changed.exception, AssertionError)


def test_an_index_written_on_two_cores_gives_the_build_one_core_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = copy_example(tmp_path / "serial")
    build(serial, "--skip", "packs")
    parallel = copy_example(tmp_path / "parallel")
    # The example is small: lower the threshold so a second process does half the work.
    monkeypatch.setattr("hpkb.outputs.search.index.PARALLEL_MIN_ENTRIES", 2)
    build(parallel, "--skip", "packs")
    assert_same_build(serial / "build" / "shared", parallel / "build" / "shared")


def test_a_rebuild_reads_again_whatever_changed_in_the_live_build(tmp_path: Path) -> None:
    """A rebuild's guard reads every file, those it hard-linked from the live build too: a
    live file edited by hand (a Whoosh segment, linked into the rebuild all the same,
    since Whoosh never rewrites one) is read, and refused; a live page edited by hand is
    made again, not taken into the rebuild."""
    root = copy_example(tmp_path / "repo")
    build(root, "--skip", "packs")
    segments = {p.name for p in (root / "build/shared/search").glob("*.seg")}
    assert segments
    hidden = (root / "debriefs/RD-2023-004.md").read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", hidden, re.M)
    assert title is not None
    page = root / "build/shared/site/tags.html"
    page.write_text(page.read_text(encoding="utf-8") + title.group(1), encoding="utf-8")
    segment = root / "build/shared/search" / sorted(segments)[0]
    with segment.open("ab") as tail:
        tail.write(title.group(1).encode("utf-8"))
    edit(root, "\n## Aim\n", "\n## Aim\n\nOne more line.\n")
    refused = attempt(root, "--skip", "packs")
    assert refused.exit_code == 1
    assert f"build/shared/search/{segment.name}" in refused.stdout + refused.stderr
    assert "HP603" in refused.stdout + refused.stderr
    assert "site/tags.html" not in refused.stdout + refused.stderr


def test_the_source_guard_refuses_a_build_while_its_index_is_written_on_two_cores(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The source guard runs while the Whoosh index's second process works: a name it
    finds still refuses the build and stops that process, and nothing is left behind
    (no build, no staging folder, no index part, no process)."""
    import multiprocessing

    import hpkb.outputs.search.index

    monkeypatch.setattr(hpkb.outputs.search.index, "PARALLEL_MIN_ENTRIES", 2)
    monkeypatch.setattr(hpkb.outputs.search.index, "PART_MIN", 2)
    shared: list[int] = []
    real = hpkb.outputs.search.index.shared_out

    def spied(work: Any, items: Any, **options: Any) -> Any:
        shared.append(len(items))
        return real(work, items, **options)

    monkeypatch.setattr(hpkb.outputs.search.index, "shared_out", spied)
    root = copy_example(tmp_path / "repo")
    edit(root, "\n## Aim\n", "\n## Aim\n\nMarla Quennick attended.\n")
    refused = attempt(root, "--skip", "packs")
    assert refused.exit_code == 1
    assert "HP601" in refused.stdout + refused.stderr
    assert len(shared) == 1 and shared[0] > 1
    assert multiprocessing.active_children() == []
    assert sorted(p.name for p in (root / "build").iterdir()) == [".cache"]


def _held(live: Path, held: Path) -> dict[str, bytes]:
    """The live build's site as it is (path → bytes), and links to its files in ``held``,
    which show what is written into them later."""
    site = {}
    for page in (live / "site").rglob("*"):
        if page.is_file():
            site[page.relative_to(live).as_posix()] = page.read_bytes()
            (held / page.relative_to(live)).parent.mkdir(parents=True, exist_ok=True)
            os.link(page, held / page.relative_to(live))
    return site


def test_a_preview_then_a_build_gives_exactly_what_a_full_build_gives(tmp_path: Path) -> None:
    """`hpkb serve` previews a save (the pages, with the last build's site search, export
    and packs), then builds; both share what they made in memory. The preview shows the
    edit, its stamp makes the next build work, and that build is a full build's equal."""
    from dataclasses import replace
    from datetime import date

    from hpkb.pipeline import BuildRequest
    from hpkb.pipeline import build as run_build
    from hpkb.reuse.store import Memory

    incremental = copy_example(tmp_path / "incremental")
    request = BuildRequest(incremental, "shared", today=date.fromisoformat(AS_OF), memory=Memory())
    assert run_build(request).built
    live = incremental / "build" / "shared"
    kept = ("site/search-index", "export", "packs", "docs/downloads", "search")
    before = {p: p.stat().st_ino for part in kept for p in (live / part).rglob("*")
              if p.is_file()}
    pages = {p: p.stat().st_ino for p in (live / "docs").rglob("*.md")}
    held = tmp_path / "held"
    site_before = _held(live, held)
    edit(incremental, "title: ", "title: Revised ")
    edit(incremental)
    rendered: list[str] = []
    with pytest.MonkeyPatch.context() as spy:  # the pages MkDocs renders
        import mkdocs.structure.pages
        render = mkdocs.structure.pages.Page.render
        spy.setattr(mkdocs.structure.pages.Page, "render", lambda page, *args: rendered.append(
            page.file.src_uri) or render(page, *args))
        preview = run_build(replace(request, preview=True, saved=frozenset({EDITED})))
    assert preview.built and not preview.up_to_date
    assert preview.deferred == ("export", "packs", "search", "site-search")
    assert "weekend night shifts" in (live / "site/practice/PR-2023-003.html").read_text()
    # MkDocs rendered the saved entry's page alone (a dirty build), beside links to the
    # live build's output of the rest: never into the live build's own files.
    assert rendered == ["practice/PR-2023-003.md"]
    assert {rel: (held / rel).read_bytes() for rel in site_before} == site_before
    changed = {rel for rel, data in site_before.items()
               if (live / rel).is_file() and (live / rel).read_bytes() != data}
    assert "site/practice/PR-2023-003.html" in changed
    assert changed <= {"site/practice/PR-2023-003.html", "site/404.html", "site/sitemap.xml",
                       "site/sitemap.xml.gz"}
    # Only the saved entry's page was made again; the listing and the Whoosh index
    # catch up in the build.
    assert {p.relative_to(live).as_posix() for p, inode in pages.items()
            if p.stat().st_ino != inode} == {"docs/practice/PR-2023-003.md"}
    assert "Revised " not in (live / "site/practice/index.html").read_text()
    # The deferred parts are the last build's very files (and the guard passed them).
    assert {p: p.stat().st_ino for part in kept for p in (live / part).rglob("*")
            if p.is_file()} == before
    assert "weekend night shifts" not in (live / "export/entries.json").read_text()

    # The preview's site stands for its docs tree (it records the seed it rendered
    # with), so the build renders only the pages whose Markdown differs from the
    # preview's, and never writes into the preview's files.
    previewed = {p.relative_to(live / "docs").as_posix(): p.stat().st_ino
                 for p in (live / "docs").rglob("*.md")}
    shutil.rmtree(held)
    site_before = _held(live, held)
    rendered.clear()
    with pytest.MonkeyPatch.context() as spy:
        spy.setattr(mkdocs.structure.pages.Page, "render", lambda page, *args: rendered.append(
            page.file.src_uri) or render(page, *args))
        after = run_build(request)
    assert after.built and not after.up_to_date and after.deferred == ()
    assert "weekend night shifts" in (live / "export/entries.json").read_text()
    assert "Revised " in (live / "site/practice/index.html").read_text()
    made_again = {rel for rel, inode in previewed.items()
                  if (live / "docs" / rel).stat().st_ino != inode}
    assert "practice/index.md" in made_again
    assert sorted(rendered) == sorted(made_again) and len(rendered) < len(previewed) / 2
    assert {rel: (held / rel).read_bytes() for rel in site_before} == site_before
    assert run_build(request).up_to_date
    full = tmp_path / "full"
    shutil.copytree(incremental, full, ignore=shutil.ignore_patterns("build"))
    build(full)
    assert_same_build(live, full / "build" / "shared")
    shutil.rmtree(full)
    # A saved file other than an entry's: the preview writes every page.
    taxonomy = next((incremental / "content/taxonomy").glob("*.yml"))
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    edit(incremental, "title: Revised ", "title: Revised again ")
    saved = frozenset({EDITED, taxonomy.relative_to(incremental).as_posix()})
    assert run_build(replace(request, preview=True, saved=saved)).deferred == (
        "export", "packs", "site-search")
    assert "Revised again " in (live / "site/practice/index.html").read_text()
    assert run_build(request).built
    full = tmp_path / "full"
    shutil.copytree(incremental, full, ignore=shutil.ignore_patterns("build"))
    build(full)
    assert_same_build(live, full / "build" / "shared")


def test_an_entry_hidden_since_the_last_build_leaves_no_copy_in_the_index(
        tmp_path: Path) -> None:
    """Whoosh only marks a deleted document; the segment holding it is written again
    without it, or the output guard (rightly) refuses every later build."""
    incremental = copy_example(tmp_path / "incremental")
    build(incremental, "--skip", "packs")
    edit(incremental, "audience: shared", "audience: internal")
    build(incremental, "--skip", "packs")
    live = incremental / "build" / "shared"
    assert not (live / "site" / "practice" / "PR-2023-003.html").exists()
    assert [p.name for p in (live / "search").iterdir()
            if b"PR-2023-003" in p.read_bytes()] == []
    full = tmp_path / "full"
    shutil.copytree(incremental, full, ignore=shutil.ignore_patterns("build"))
    build(full, "--skip", "packs")
    assert_same_build(live, full / "build" / "shared")


def test_a_preview_of_an_entry_leaving_the_view_is_refused_and_the_build_takes_it_away(
        tmp_path: Path) -> None:
    """A preview of a saved entry that the save hides: the last build's site search and
    export still name it, so the guard refuses the preview (the live build stays as it
    was) and the full build (which `hpkb serve` then runs) takes the entry away."""
    from dataclasses import replace
    from datetime import date

    from hpkb.pipeline import BuildRequest
    from hpkb.pipeline import build as run_build

    root = copy_example(tmp_path / "repo")
    request = BuildRequest(root, "shared", skip=frozenset({"packs"}),
                           today=date.fromisoformat(AS_OF))
    assert run_build(request).built
    live = root / "build" / "shared"
    page = live / "site" / "practice" / "PR-2023-003.html"
    inode = page.stat().st_ino
    edit(root, "audience: shared", "audience: internal")
    preview = run_build(replace(request, preview=True, saved=frozenset({EDITED})))
    assert not preview.built
    assert {d.code for d in preview.diagnostics if d.severity.value == "error"} == {"HP603"}
    assert page.stat().st_ino == inode
    assert run_build(request).built
    assert not page.exists() and not (live / "docs" / "practice" / "PR-2023-003.md").exists()
    assert "PR-2023-003" not in (live / "site" / "practice" / "index.html").read_text()


def test_the_digests_walk_a_tree_as_pathlib_does(tmp_path: Path) -> None:
    """The inputs' digest and the build folder's state walk trees with os.scandir: the
    same entries as pathlib's rglob (symbolic links to folders not followed, hidden
    files included), in the same order as sorted paths."""
    from hpkb.reuse.fingerprint import walk_tree

    base = tmp_path / "repo"
    for name in ("a/b/c.md", "a-b/d.md", "a/.hidden", "a b/e.md", "z.md", "a/b/Ä.md"):
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text(name, encoding="utf-8")
    (base / "a" / "to-folder").symlink_to(base / "a-b")
    (base / "a" / "to-file").symlink_to(base / "z.md")
    for folder in (base, base / "a"):
        expected = sorted(folder.rglob("*"))
        assert [Path(path) for _, path in sorted(walk_tree(base, folder))] == expected
        assert [parts for parts, _ in sorted(walk_tree(base, folder))] == \
            [p.relative_to(base).parts for p in expected]
        assert [Path(path) for _, path in sorted(walk_tree(base, folder, files_only=True))] \
            == [p for p in expected if p.is_file()]


def test_a_live_index_damaged_by_hand_is_rebuilt_not_updated(tmp_path: Path) -> None:
    """A live Whoosh segment edited in place (its size and times kept, so the build's
    stamp still matches) cannot be opened: the next build writes the index afresh, as a
    clean build would, instead of failing with a traceback."""
    import os

    root = copy_example(tmp_path / "repo")
    build(root, "--skip", "packs")
    segment = sorted((root / "build/shared/search").glob("*.seg"))[0]
    before = segment.stat()
    data = bytearray(segment.read_bytes())
    data[:20] = b"\xff" * 20
    segment.write_bytes(bytes(data))
    os.utime(segment, ns=(before.st_atime_ns, before.st_mtime_ns))
    edit(root)
    build(root, "--skip", "packs")
    fresh = copy_example(tmp_path / "fresh")
    edit(fresh)
    build(fresh, "--skip", "packs")
    assert _search_view(root / "build/shared/search") == \
        _search_view(fresh / "build/shared/search")


def test_every_build_with_reuse_equals_the_reference_build(tmp_path: Path) -> None:
    """`--no-reuse` is the reference build: nothing taken from the live build or from
    what builds keep in build/.cache. After each kind of change (an edited entry, a new
    one, one taken away, one hidden from the profile), the build that reuses gives the
    very files the reference gives, packs and the internal site's death section too."""
    root = copy_example(tmp_path / "repo")

    def same(step: str, *extra: str, profile: str = "shared") -> None:
        build_output = attempt(root, *extra, profile=profile)
        assert build_output.exit_code == 0, step + build_output.stdout + build_output.stderr
        reference = attempt(root, "--no-reuse", "--out", f"build/reference-{profile}", *extra,
                            profile=profile)
        assert reference.exit_code == 0, step + reference.stdout + reference.stderr
        assert "nothing changed" not in reference.stderr
        assert_same_build(root / "build" / profile, root / "build" / f"reference-{profile}")

    same("clean")
    same("clean", profile="internal")
    edit(root)
    same("edited")
    same("edited", profile="internal")
    new = root / "practice/PR-2024-901.md"
    new.write_text((root / EDITED).read_text(encoding="utf-8").replace(
        "PR-2023-003", "PR-2024-901"), encoding="utf-8")
    same("added", "--skip", "packs")
    (root / EDITED).unlink()
    same("removed", "--skip", "packs")
    text = new.read_text(encoding="utf-8")
    assert "audience: shared" in text
    new.write_text(text.replace("audience: shared", "audience: internal", 1), encoding="utf-8")
    same("hidden", "--skip", "packs")
    same("hidden", "--skip", "packs", profile="internal")
    # Nothing changed: the build that reuses says so, the reference builds all again.
    again = attempt(root, "--skip", "packs")
    assert "nothing changed" in again.stderr
    reference = attempt(root, "--skip", "packs", "--no-reuse")
    assert reference.exit_code == 0 and "nothing changed" not in reference.stderr


def test_a_build_stopped_while_mkdocs_renders_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs renders the site in a second process while the build writes the export: an
    error there stops the build after that process has ended, so nothing is still
    writing into the staging folder when it is removed; the live build stays."""
    import multiprocessing

    import hpkb.pipeline

    root = copy_example(tmp_path / "repo")
    build(root, "--skip", "packs")
    live = sorted(p.relative_to(root).as_posix() for p in (root / "build").rglob("*")
                  if ".cache" not in p.parts)

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(hpkb.pipeline, "write_export", full_disk)
    monkeypatch.setattr(hpkb.pipeline, "RENDER_APART_MIN", 1)  # the example is small
    edit(root)
    failed = attempt(root, "--skip", "packs")
    assert failed.exit_code == 1
    assert "No space left on device" in failed.stderr and "Traceback" not in failed.stderr
    assert multiprocessing.active_children() == []
    assert sorted(p.relative_to(root).as_posix() for p in (root / "build").rglob("*")
                  if ".cache" not in p.parts) == live


def test_a_dirty_build_that_says_anything_is_done_again_in_full(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs' dirty build always warns about other pages' navigation; hpkb knows that
    one notice. Any other word from it (here: that notice, once it reads otherwise) has
    the site rendered again in full, which then speaks for itself: no finding, every
    page rendered, the same site as a clean build."""
    import mkdocs.structure.pages

    import hpkb.outputs.site.engine

    root = copy_example(tmp_path / "repo")
    build(root, "--skip", "packs")
    rendered: list[str] = []
    render = mkdocs.structure.pages.Page.render
    monkeypatch.setattr(mkdocs.structure.pages.Page, "render", lambda page, *args: rendered.append(
        page.file.src_uri) or render(page, *args))
    monkeypatch.setattr(hpkb.outputs.site.engine, "_DIRTY_NOTICE", "what MkDocs never says")
    edit(root)
    build(root, "--skip", "packs")
    docs = root / "build/shared/docs"
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    # The dirty build's few pages, then every page.
    assert 0 < len(rendered) - len(pages) < 5
    assert sorted(rendered[-len(pages):]) == pages
    site = root / "build/shared/site"
    assert "weekend night shifts" in (site / "practice/PR-2023-003.html").read_text()
    full = tmp_path / "full"
    shutil.copytree(root, full, ignore=shutil.ignore_patterns("build"))
    build(full, "--skip", "packs")
    assert_same_build(root / "build" / "shared", full / "build" / "shared")


@pytest.mark.parametrize("when", ["at once", "while MkDocs renders"])
def test_a_build_asked_to_stop_writes_nothing_and_leaves_the_live_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """`hpkb serve` asks the full build after a preview to stop when a newer save comes
    (`BuildRequest.stop`): it ends at its next stage, says it stopped, leaves no staging
    folder and no second process, and the live build is as it was; the next build
    completes it."""
    import multiprocessing
    import threading
    from datetime import date

    import hpkb.pipeline
    from hpkb.pipeline import BuildRequest
    from hpkb.pipeline import build as run_build
    from hpkb.reuse.fingerprint import BUILD_STAMP

    root = copy_example(tmp_path / "repo")
    build(root, "--skip", "packs")
    listed = sorted(p.relative_to(root).as_posix() for p in (root / "build").rglob("*")
                    if ".cache" not in p.parts)
    stamp = (root / "build/shared" / BUILD_STAMP).read_bytes()
    stop = threading.Event()
    if when == "at once":
        stop.set()
    else:
        monkeypatch.setattr(hpkb.pipeline, "RENDER_APART_MIN", 1)  # the example is small
        write_export = hpkb.pipeline.write_export

        def asked_meanwhile(*args: Any) -> None:
            stop.set()  # the save comes while the export is written and MkDocs renders
            write_export(*args)

        monkeypatch.setattr(hpkb.pipeline, "write_export", asked_meanwhile)
    edit(root)
    request = BuildRequest(root, "shared", skip=frozenset({"packs"}),
                           today=date.fromisoformat(AS_OF), stop=stop)
    report = run_build(request)
    assert report.stopped and not report.built
    assert multiprocessing.active_children() == []
    assert sorted(p.relative_to(root).as_posix() for p in (root / "build").rglob("*")
                  if ".cache" not in p.parts) == listed
    assert (root / "build/shared" / BUILD_STAMP).read_bytes() == stamp
    assert "weekend night shifts" not in (root / "build/shared/site/practice/PR-2023-003.html"
                                          ).read_text()
    done = run_build(BuildRequest(root, "shared", skip=frozenset({"packs"}),
                                  today=date.fromisoformat(AS_OF)))
    assert done.built and not done.stopped
    assert "weekend night shifts" in (root / "build/shared/site/practice/PR-2023-003.html"
                                      ).read_text()


def test_a_preview_writes_into_no_file_of_the_live_build(tmp_path: Path) -> None:
    """The internal profile's preview links the live build's docs tree and site files,
    then writes the death-investigation section's charts (after MkDocs): as new files,
    never into the live build's, which keep their bytes and times."""
    from dataclasses import replace

    from hpkb.pipeline import BuildRequest
    from hpkb.pipeline import build as run_build
    from hpkb.reuse.store import Memory

    root = copy_example(tmp_path / "repo")
    shutil.copytree(REPO_ROOT / "deaths", root / "deaths")  # the example's death records
    # The date the example's settings give (`as_of`), on which its records are valid.
    request = BuildRequest(root, "internal", skip=frozenset({"packs"}), memory=Memory())
    assert run_build(request).built
    live = root / "build" / "internal"
    assert list((live / "site/assets/charts").glob("deaths-*.svg"))
    held = tmp_path / "held"
    files = {}
    for part in ("docs", "site"):
        for path in (live / part).rglob("*"):
            if path.is_file():
                rel = path.relative_to(live)
                (held / rel).parent.mkdir(parents=True, exist_ok=True)
                os.link(path, held / rel)
                files[rel] = (path.read_bytes(), path.stat().st_mtime_ns)
    edit(root)
    preview = run_build(replace(request, preview=True, saved=frozenset({EDITED})))
    assert preview.built and preview.deferred
    assert {rel: ((held / rel).read_bytes(), (held / rel).stat().st_mtime_ns)
            for rel in files} == files

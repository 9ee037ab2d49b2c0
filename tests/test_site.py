"""The site stage without a browser: golden generated Markdown, escaping, overrides,
template errors, nothing hidden in the shared build.

Refresh the golden pages after an intended change with:
    HPKB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_site.py
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from hpkb.check.validate import validate_repo
from hpkb.reuse.fingerprint import code_digest
from hpkb.reuse.store import read_shelf
from tests.conftest import AS_OF, run_cli
from tests.site_helpers import build_profiles, copy_example

GOLDEN = Path(__file__).parent / "golden"
PRACTICE = "practice/PR-2024-001.md"


@pytest.mark.parametrize("profile", ["shared", "internal"])
def test_generated_markdown_matches_golden(starter: Path, profile: str) -> None:
    build_profiles(starter, profile)
    docs = starter / "build" / profile / "docs"
    produced = {p.relative_to(docs).as_posix(): p.read_text("utf-8")
                for p in sorted(docs.rglob("*.md"))}
    golden = GOLDEN / f"site-starter-{profile}"
    if os.environ.get("HPKB_UPDATE_GOLDEN"):
        shutil.rmtree(golden, ignore_errors=True)
        for rel, text in produced.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_text(text, encoding="utf-8")
    expected = {p.relative_to(golden).as_posix(): p.read_text("utf-8")
                for p in sorted(golden.rglob("*.md"))}
    assert sorted(produced) == sorted(expected)
    for rel, text in produced.items():
        assert text == expected[rel], rel


def test_table_values_show_as_written(starter: Path) -> None:
    """Key details are HTML a template makes whole (hpkb.outputs.site.raw_blocks): each value must be
    HTML-escaped there, not Markdown-escaped (a backslash would show on the page)."""
    odd = "Unit (A) *B* _c_ [d] #1 | e \\ f & <g>"
    path = starter / PRACTICE
    text = path.read_text("utf-8")
    for line in ("owner: Public Protection Unit", "  name: Public Protection Unit mailbox"):
        assert line in text
        key, _ = line.split(": ", 1)
        text = text.replace(line, f"{key}: '{odd}'")
    text = text.replace("topics: [violence against women and girls, victim support]",
                        f"topics: ['{odd}']")
    path.write_text(text, encoding="utf-8")
    build_profiles(starter, "shared")
    html = (starter / "build/shared/site/practice/PR-2024-001.html").read_text("utf-8")
    shown = "Unit (A) *B* _c_ [d] #1 | e \\ f &amp; &lt;g&gt;"
    for label in ("Owner", "Topics"):
        assert f"<tr><td>{label}</td><td>{shown}</td></tr>" in html, label
    assert f"<td>{shown}, ppu@example.police.uk</td>" in html
    assert "\\(" not in html and "\\*" not in html


def test_older_copied_templates_with_markdown_in_html_still_render(starter: Path) -> None:
    """An older `hpkb init` copied the templates into a repo; copies from before the link
    lists were HTML hold Markdown lists in <div markdown="1">, which must still render."""
    override = starter / "templates" / "site" / "_entry_links.md.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('<div class="old-list" markdown="1">\n\n{% for item in items %}\n'
                        "- {{ entry_link(item.id) }}\n{% endfor %}\n\n</div>\n",
                        encoding="utf-8")
    build_profiles(starter, "shared")
    html = (starter / "build/shared/site/themes/domestic-abuse.html").read_text("utf-8")
    listed = html.split('<div class="old-list">', 1)[1].split("</div>", 1)[0]
    assert '<li><a href="../practice/PR-2024-001.html">' in listed and "- [" not in listed


def test_front_matter_values_are_escaped(starter: Path) -> None:
    path = starter / PRACTICE
    text = path.read_text("utf-8")
    text = text.replace('title: "Example practice: joint visits with a domestic abuse advocate '
                        'after a first call"',
                        "title: '<script>alert(1)</script> [x](javascript:alert(2)) *bold*'")
    text = text.replace("  name: Public Protection Unit mailbox",
                        "  name: '<img src=x onerror=alert(3)>'")
    path.write_text(text, encoding="utf-8")
    build_profiles(starter, "shared")
    html = (starter / "build/shared/site/practice/PR-2024-001.html").read_text("utf-8")
    assert "<script>alert(1)" not in html and "onerror=alert(3)" not in html.replace(
        "&lt;img src=x onerror=alert(3)&gt;", "")
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(2)) *bold*" in html


def test_shared_site_holds_nothing_hidden(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    build_profiles(root, "shared")
    corpus = validate_repo(root).corpus
    shared = {p.stem for p in (root / "build/shared/site").rglob("*-*-*.html")}
    canaries: set[str] = set()
    for entry in corpus.entries:
        for subject in getattr(entry.meta, "subjects", []):
            canaries.update({subject.name, subject.name.split()[-1]})
        if entry.id not in shared:
            canaries.update({entry.id, entry.meta.title})
    assert len(canaries) > 40
    for file in (root / "build/shared").rglob("*"):
        if file.is_file():
            data = file.read_bytes().decode("utf-8", "replace")
            found = [c for c in canaries if c in data]
            assert found == [], (file, found[:5])


def test_repo_templates_override_the_defaults(starter: Path) -> None:
    override = starter / "templates/site/page.md.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("# Our own page layout\n\n{{ text }}\n", encoding="utf-8")
    build_profiles(starter, "shared")
    page = (starter / "build/shared/docs/pages/contribute.md").read_text("utf-8")
    assert page.startswith("# Our own page layout")


@pytest.mark.parametrize("cores", [1, 2])
def test_a_broken_template_override_is_a_finding(starter: Path, cores: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    if cores == 2:
        # The search index on two processes (the source guard runs meanwhile): a broken
        # template must still be the pages' finding.
        monkeypatch.setattr("hpkb.outputs.search.index.PARALLEL_MIN_ENTRIES", 1)
    assert run_cli(starter, "build", "--as-of", AS_OF).exit_code == 0
    before = (starter / "build/shared/site/index.html").read_bytes()
    override = starter / "templates/site/home.md.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("# Home\n\n{% for x in %}\n", encoding="utf-8")
    if cores == 2:  # an entry to index again, so that the index's second process runs
        entry = sorted((starter / "practice").glob("*.md"))[0]
        entry.write_text(entry.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    result = run_cli(starter, "build", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.exception is None
    assert "HP703 error template error" in result.stdout
    assert (starter / "build/shared/site/index.html").read_bytes() == before


def test_entries_stay_out_of_the_nav(starter: Path) -> None:
    build_profiles(starter, "shared")
    config = (starter / "build/shared/mkdocs.yml").read_text("utf-8")
    assert "PR-2024-001" not in config
    assert "/practice/*" in config
    assert "font: false" in config


def test_free_pages_are_validated(starter: Path) -> None:
    page = starter / "content/pages/contribute.md"
    page.write_text(page.read_text("utf-8") + "\n<iframe src='https://example.org'></iframe>\n",
                    encoding="utf-8")
    result = run_cli(starter, "validate", "--format", "json")
    assert result.exit_code == 1
    assert {(f["file"], f["code"]) for f in result.json()} == {
        ("content/pages/contribute.md", "HP401"), ("content/pages/contribute.md", "HP408")}


@pytest.mark.parametrize(("html", "problem"), [
    ('<article><p>fine <a href="../x.html" class="y">link</a></p></article>', None),
    ("<article><script>alert(1)</script></article>", "element <script>"),
    ('<article><p onclick="x()">t</p></article>', "attribute onclick on <p>"),
    ('<article><a href="java\nscript:x()">t</a></article>', "URL 'java\\nscript:x()' in href"),
    ('<article><img src="https://example.org/t.png" alt=""></article>',
     "URL 'https://example.org/t.png' in src"),
    ("<article><!-- note --></article>", "HTML comment"),
    ("<header><nav><a href=\"index.html\">Home</a></nav></header><article><p>t</p></article>",
     None),
    ('<article><table><tr><th style="text-align: left;">a</th>'
     '<td style="text-align: center;">1</td></tr></table></article>', None),
    ('<article><table><tr><td style="color: red">1</td></tr></table></article>',
     "attribute style on <td>"),
    ("<header><script>theme()</script></header><article><p>t</p></article>",
     "an inline script not on hpkb's list (sha256 "
     "45faf71a01d91625e6f9398dafe962fb4b19e09f451a5968f23b177091795d9f) outside the content "
     "area"),
])
def test_the_html_check_allows_only_listed_content(html: str, problem: str | None) -> None:
    from hpkb.outputs.site.html_check import check_html

    assert [p for _, p in check_html(html)] == ([problem] if problem else [])


HINT = "(this should have been refused in validation; report it)"


def test_html_a_theme_override_lets_through_is_refused_on_every_page(starter: Path) -> None:
    """Every page MkDocs writes is checked: every page is named, and the previous build
    stays."""
    build_profiles(starter, "shared")
    before = (starter / "build/shared/site/index.html").read_bytes()
    docs = starter / "build/shared/docs"
    pages = {"site/" + p.relative_to(docs).with_suffix(".html").as_posix()
             for p in docs.rglob("*.md")}
    override = starter / "templates/site/overrides/main.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('{% extends "base.html" %}\n{% block content %}{{ super() }}'
                        '<iframe src="https://example.org/"></iframe>{% endblock %}\n',
                        encoding="utf-8")
    result = run_cli(starter, "build", "--profile", "shared", "--as-of", AS_OF)
    assert result.exit_code == 1 and result.exception is None
    findings = [line.split(" ", 1) for line in result.stdout.splitlines() if " HP7" in line]
    assert {message for _, message in findings} == {
        "HP702 error built page contains element <iframe> " + HINT,
        "HP702 error built page contains URL 'https://example.org/' in src " + HINT}
    assert pages <= {where.split(":", 1)[0] for where, _ in findings}
    assert (starter / "build/shared/site/index.html").read_bytes() == before


def test_a_profile_without_entries_still_gets_a_site_search(starter: Path) -> None:
    """The site's search index holds the view's entries only; with none (the starter
    has nothing public) it is an empty index the search page can read, not a failure."""
    import json

    result = run_cli(starter, "build", "--profile", "public", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "build: 0 entries" in result.stderr
    index = starter / "build/public/site/search-index"
    assert json.loads((index / "meta.json").read_text("utf-8"))["entries"] == []
    assert not (index / "docs").exists() and not (index / "terms").exists()
    build_profiles(starter, "shared")
    cards = sorted(p.name for p in (starter / "build/shared/site/search-index/docs").iterdir())
    assert cards == ["LN-2024-001.json", "PR-2024-001.json"]  # the shared entries only


def test_compiled_templates_are_kept_and_an_edited_template_is_compiled_again(
        starter: Path) -> None:
    """The site's page templates are kept compiled on the build's "templates" shelf; Jinja
    checks each template's source, so an edited template or theme override shows in the
    next build."""
    theme = starter / "templates/site/overrides/main.html"
    page = starter / "templates/site/page.md.j2"
    theme.parent.mkdir(parents=True, exist_ok=True)

    def build_with(marker: str) -> None:
        theme.write_text('{% extends "base.html" %}\n{% block content %}{{ super() }}'
                         f"<p>theme {marker}</p>{{% endblock %}}\n", encoding="utf-8")
        page.write_text(f"# Page {marker}\n\n{{{{ text }}}}\n", encoding="utf-8")
        assert run_cli(starter, "build", "--profile", "shared", "--skip", "packs",
                       "--as-of", AS_OF).exit_code == 0

    def compiled() -> dict[str, str]:
        shelves = list((starter / "build/.cache").glob("kept-*/templates.records"))
        assert len(shelves) == 1
        return read_shelf(shelves[0], code_digest())

    build_with("one")
    before = compiled()
    assert len(before) > 10  # the site's templates
    build_with("two")
    site = starter / "build/shared/site"
    for html in (site / "index.html", site / "pages/contribute.html"):
        text = html.read_text("utf-8")
        assert "<p>theme two</p>" in text and "theme one" not in text
    contribute = (site / "pages/contribute.html").read_text("utf-8")
    assert "Page two" in contribute and "Page one" not in contribute
    after = compiled()
    # The same records, and only the edited page template compiled again (the theme
    # override is MkDocs' to compile).
    assert after.keys() == before.keys()
    assert {name for name in before if after[name] != before[name]} == {
        hashlib.sha1(b"page.md.j2").hexdigest()}


def test_theme_override_files_are_copied_and_hidden_folders_are_not(starter: Path) -> None:
    """A repo's theme override besides a template (a stylesheet) is in the site with the
    theme's own files; nothing from a hidden folder of the overrides is."""
    override = starter / "templates/site/overrides/assets/extra.css"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("p { margin: 0; }\n", encoding="utf-8")
    hidden = starter / "templates/site/overrides/.drafts/old.css"
    hidden.parent.mkdir(parents=True, exist_ok=True)
    hidden.write_text("p { margin: 1em; }\n", encoding="utf-8")
    build_profiles(starter, "shared")
    site = starter / "build/shared/site"
    listed = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert "assets/extra.css" in listed
    assert any(uri.startswith("assets/javascripts/") for uri in listed)  # Material's
    assert not any(".drafts" in uri for uri in listed)


@pytest.mark.parametrize("profile", ["shared", "internal"])
def test_site_wide_pages_read_no_entry_text(tmp_path: Path, profile: str) -> None:
    """The site-wide pages (listings, themes, finder, statistics, the internal tracker)
    are taken from the last build whatever entries' text changed (`pages.page_keys`):
    hpkb's templates must not show any entry's text on them."""
    import dataclasses

    from hpkb.content.settings import load_settings
    from hpkb.outputs.site.build import _generate
    from hpkb.pipeline import profile_view

    example = copy_example(tmp_path / "repo")
    settings, _ = load_settings(example)
    view = profile_view(validate_repo(example), profile)
    changed = dataclasses.replace(view, entries=tuple(
        dataclasses.replace(e, body=f"{e.body}\n\nZebra crossings near {e.id}.\n")
        for e in view.entries))
    made = [_generate(example, settings, seen, "Home.", {"about.md": "About."}, {}, [], "code")
            for seen in (view, changed)]
    (pages, record, _), (pages_changed, record_changed, _) = made
    assert record["site_wide"]["key"] == record_changed["site_wide"]["key"]
    site_wide = set(record["site_wide"]["pages"])
    assert {"index.md", "themes/index.md", "finder.md", "statistics.md"} <= site_wide
    assert ("tracker.md" in site_wide) == (profile == "internal")
    assert {p: pages.pages[p] for p in site_wide} == \
        {p: pages_changed.pages[p] for p in site_wide}
    assert pages.data == pages_changed.data and pages.data
    # Entry pages do read their text: each key changed.
    assert all(record_changed["entries"][p] != key for p, key in record["entries"].items())


def test_a_page_record_naming_anything_outside_the_docs_tree_is_not_taken(
        tmp_path: Path) -> None:
    """The last build's record of its pages' keys names pages to link into this build:
    a name leaving the docs tree makes the site-wide part of it unusable."""
    import json

    from hpkb.outputs.site.build import PAGE_KEYS, _recorded_keys

    previous = tmp_path / "shared"
    (previous / "docs" / "assets").mkdir(parents=True)
    (previous / "docs" / "index.md").write_text("Home.\n", encoding="utf-8")
    (previous / "docs" / "assets" / "finder.json").write_text("{}", encoding="utf-8")
    (previous / "docs" / "assets" / "charts").mkdir()
    (previous / "docs" / "assets" / "charts" / "overdue.svg").write_text("<svg/>",
                                                                          encoding="utf-8")
    (tmp_path / "outside.md").write_text("Not ours.\n", encoding="utf-8")
    for pages, data, usable in ((["index.md"], ["finder.json"], True),
                                # Charts are data files in a folder of their own.
                                (["index.md"], ["finder.json", "charts/overdue.svg"], True),
                                (["index.md"], ["charts/missing.svg"], False),
                                (["index.md", "../outside.md"], ["finder.json"], False),
                                (["index.md"], ["../../outside.md"], False),
                                (["/etc/hostname"], [], False)):
        (previous / PAGE_KEYS).write_text(json.dumps(
            {"entries": {}, "site_wide": {"key": "k", "pages": pages, "data": data}}),
            encoding="utf-8")
        recorded = _recorded_keys(previous)
        assert (recorded["site_wide"] is not None) == usable, (pages, data)


def test_the_authoring_guide_shows_one_table_row_per_field(starter: Path) -> None:
    from hpkb.outputs.site.guide import guide_sections

    result = run_cli(starter, "build", "--skip", "packs", "--skip", "search", "--skip", "export")
    assert result.exit_code == 0, result.stdout + result.stderr
    page = (starter / "build/shared/site/guide.html").read_text("utf-8")
    tables = re.findall(r"<table>.*?</table>", page, re.S)
    assert [len(re.findall(r"<tr>", table)) - 1 for table in tables] == [
        len(section.fields) for section in guide_sections()]
    assert "| `" not in page


def test_an_entry_with_an_aligned_table_validates_and_builds(starter: Path) -> None:
    """Python-Markdown writes a table's column alignment as a style on each cell: what
    validation passes, the built-page check (HP702) passes too."""
    path = starter / PRACTICE
    path.write_text(path.read_text("utf-8").replace(
        "## Overall impact\n", "## Overall impact\n\n| Visits | Engaged |\n|:--|--:|\n"
        "| 12 | 9 |\n", 1), "utf-8")
    result = run_cli(starter, "build", "--skip", "packs", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout + result.stderr
    html = (starter / "build/shared/site/practice/PR-2024-001.html").read_text("utf-8")
    assert '<td style="text-align: right;">9</td>' in html


def _nav_titles(root: Path, profile: str) -> list[str]:
    import yaml

    config = yaml.safe_load((root / f"build/{profile}/mkdocs.yml").read_text("utf-8"))
    return [next(iter(item)) for item in config["nav"]]


def test_the_navigation_shows_only_what_the_site_has(starter: Path) -> None:
    """A force with three entries gets a short sidebar; a section without entries, and
    pages other pages lead to (by rating, by region, tags), are not in it."""
    for path in (starter / "practice").glob("*.md"):
        path.unlink()
    build_profiles(starter, "internal", "shared")
    internal = _nav_titles(starter, "internal")
    assert internal[:3] == ["Home", "Rapid debriefs", "Learning"]
    assert "Practice finder" not in internal and "Shared practice" not in internal
    assert {"Action tracker", "Authoring guide", "Downloads", "Search"} <= set(internal)
    assert not {"By rating", "By region", "Tags"} & set(internal)
    assert len(internal) <= 12
    shared = _nav_titles(starter, "shared")
    assert "Action tracker" not in shared and "Authoring guide" not in shared
    # Every page is still reachable: the built site links to the pages left out.
    site = starter / "build/shared/site"
    assert 'href="../tags.html"' in (site / "themes/index.html").read_text("utf-8")
    assert 'href="guide.html"' in (site / "downloads.html").read_text("utf-8")


def test_listings_are_newest_first_and_ratings_best_first(tmp_path: Path) -> None:
    from hpkb.outputs.site.pages import best_evidence_first, newest_first

    root = copy_example(tmp_path / "repo")
    build_profiles(root, "shared")
    docs = root / "build/shared/docs"
    listing = (docs / "practice/index.md").read_text("utf-8")
    ids = re.findall(r'data-id="([^"]+)"', listing)
    updated = {}
    for path in (root / "practice").glob("*.md"):
        head = path.read_text("utf-8").split("---")[1]
        found = re.search(r"^id: (\S+)$", head, re.M)
        day = re.search(r"^updated: (\S+)$", head, re.M)
        assert found and day
        updated[found.group(1)] = day.group(1)
    days = [updated[i] for i in ids]
    assert len(ids) == 12 and days == sorted(days, reverse=True)
    ratings = (docs / "ratings/index.md").read_text("utf-8")
    order = [ratings.index(word) for word in ("Worked", "Promising", "Untested", "Did not work")]
    assert order == sorted(order)
    assert newest_first([]) == [] and best_evidence_first([]) == []

"""End to end, in real headless Chromium: the example site loads, links resolve, the
finder filters, search finds entries, nothing leaves 127.0.0.1, axe finds no violations."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import axe_playwright_python  # type: ignore[import-untyped]
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.site_helpers import CHROMIUM, CHROMIUM_ARGS, build_profiles, copy_example, serve

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("example"))
    build_profiles(root, "shared", "internal")
    return root


@pytest.fixture(scope="module")
def shared_url(example_build: Path) -> Iterator[str]:
    with serve(example_build / "build/shared/site") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian chromium is required: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or (tag in ("link", "script", "img")
                                                              and name in ("href", "src"))):
                self.links.append(value)


def _crawl(base: str) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = [urljoin(base, "index.html")]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200, url
            body = response.read().decode("utf-8", "replace")
        seen[url] = body
        if not url.endswith(".html"):
            continue
        parser = _Links()
        parser.feed(body)
        for link in parser.links:
            target = urljoin(url, link).split("#")[0]
            if urlsplit(target).netloc == urlsplit(base).netloc:
                if target not in seen:
                    queue.append(target)
            elif urlsplit(target).scheme in ("http", "https"):
                raise AssertionError(f"{url} links to another host: {target}")
    return seen


def test_every_page_loads_and_every_link_resolves(shared_url: str,
                                                   example_build: Path) -> None:
    pages = _crawl(shared_url)
    html_pages = [u for u in pages if u.endswith(".html")]
    site = example_build / "build/shared/site"
    built = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}
    assert {urlsplit(u).path.lstrip("/") for u in html_pages} == built
    for url in html_pages:
        body = pages[url]
        assert body.count("OFFICIAL") >= 2, url  # the marking, top and bottom
        assert 'class="hpkb-marking"' in body and "hpkb-marking--bottom" in body, url
    for entry in ("practice/PR-2024-010.html", "learning/LN-2024-006.html",
                  "debriefs/RD-2024-002.html", "themes/knife-crime.html",
                  "recommendations/hmicfrs-2023-r3.html", "finder.html", "guide.html"):
        assert urljoin(shared_url, entry) in pages


def _no_outside_requests(page: Page, base: str) -> list[str]:
    """Every request the page's browser context makes (the page's, its workers' and any
    page it opens) to anything but the local server of ``base``, and every WebSocket: the
    list grows as the page runs. Such a request is stopped, not sent (the test machine
    has no network to wait on)."""
    local = urlsplit(base).netloc
    outside: list[str] = []

    def elsewhere(url: str) -> bool:
        return urlsplit(url).netloc != local and not url.startswith(("data:", "blob:"))

    def stop(route: Any) -> None:
        outside.append(route.request.url)
        route.abort()

    page.context.route(elsewhere, stop)
    page.context.on("request", lambda request: outside.append(request.url)
                    if elsewhere(request.url) and request.url not in outside else None)
    page.on("websocket", lambda socket: outside.append(socket.url))
    return outside


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE_SOURCE)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


def _assert_accessible_and_local(page: Page, base: str, path: str) -> None:
    """axe finds no violations on the page, and loading it asks nothing of another host."""
    outside = _no_outside_requests(page, base)
    page.goto(urljoin(base, path))
    page.wait_for_load_state("networkidle")
    assert _axe(page) == []
    assert outside == []


@pytest.mark.parametrize("path", [
    "index.html", "practice/PR-2023-001.html", "learning/LN-2024-003.html",
    "debriefs/RD-2024-011.html", "themes/coercive-control.html", "finder.html",
    "recommendations/hmicfrs-2023-r3.html", "guide.html", "statistics.html",
])
def test_axe_finds_no_violations(page: Page, shared_url: str, path: str) -> None:
    _assert_accessible_and_local(page, shared_url, path)


# One page of every kind the shared site has, and what shows it has done its work.
PAGE_KINDS = {
    "index.html": None, "practice/PR-2024-010.html": None, "learning/LN-2024-006.html": None,
    "debriefs/RD-2024-002.html": None, "themes/index.html": None,
    "themes/knife-crime.html": None, "practice/index.html": None,
    "learning/index.html": None, "debriefs/index.html": None,
    "recommendations/index.html": None, "recommendations/hmicfrs-2023-r3.html": None,
    "ratings/index.html": None, "ratings/worked.html": None, "regions/index.html": None,
    "regions/midlands.html": None, "tags.html": None, "pages/contribute.html": None,
    "finder.html": "#hpkb-finder fieldset", "guide.html": None, "statistics.html": None,
    "search.html?q=defibrillator": "#hpkb-search-results li h2 a", "downloads.html": None,
    "404.html": None,
}


def test_no_page_of_any_kind_asks_another_host_for_anything(
        page: Page, shared_url: str, example_build: Path) -> None:
    """Each kind of page, loaded in full (its scripts run, its search fetched), asks
    nothing of any server but the site's own."""
    site = example_build / "build/shared/site"
    assert all((site / path.split("?")[0]).is_file() for path in PAGE_KINDS)
    outside = _no_outside_requests(page, shared_url)
    for path, ready in PAGE_KINDS.items():
        page.goto(urljoin(shared_url, path))
        if ready is not None:
            page.wait_for_selector(ready, timeout=10_000)
        page.wait_for_load_state("networkidle")
        assert outside == [], path


def test_the_request_watch_sees_another_host(page: Page, shared_url: str) -> None:
    """The watch the tests above rely on reports a request to another host, or to
    another port of this one, however it is made, and sends none of them."""
    outside = _no_outside_requests(page, shared_url)
    page.goto(urljoin(shared_url, "index.html"))
    port = urlsplit(shared_url).port
    page.evaluate(f"""() => {{
        new Image().src = "https://example.org/p.png";
        fetch("http://127.0.0.1:{port + 1 if port else 1}/x").catch(() => null);
        const link = document.createElement("link");
        link.rel = "stylesheet"; link.href = "//example.net/a.css";
        document.head.append(link);
    }}""")
    page.wait_for_load_state("networkidle")
    assert {urlsplit(url).netloc for url in outside} == {
        "example.org", f"127.0.0.1:{port + 1 if port else 1}", "example.net"}


RESULT_TITLES = "#hpkb-search-results li h2 a"


def _search(page: Page, base: str, query: str) -> list[str]:
    """Search from the home page's form; return the result titles."""
    page.goto(urljoin(base, "index.html"))
    page.get_by_label("Search entries").fill(query)
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector(RESULT_TITLES, timeout=10_000)
    # Results show one by one as their cards arrive; the list is busy until all have.
    page.wait_for_selector("#hpkb-search-results:not([aria-busy])", state="attached")
    return page.locator(RESULT_TITLES).all_inner_texts()


def test_search_finds_entries_by_body_words(page: Page, shared_url: str) -> None:
    outside = _no_outside_requests(page, shared_url)
    transferred: list[int] = []
    page.on("response", lambda r: transferred.append(len(r.body()))
            if "/search-index/" in r.url and r.ok else None)
    titles = _search(page, shared_url, "defibrillator")
    assert any("Night safe haven" in t for t in titles), titles
    assert any("night-time economy" in t for t in titles), titles
    assert titles[0].startswith("Night")  # the word is in its title
    # Each result shows where the word is, marked, and links to its entry's page.
    assert "defibrillator" in page.locator("#hpkb-search-results li mark").first.inner_text()
    link = page.locator(RESULT_TITLES).first.get_attribute("href") or ""
    assert link.endswith("practice/PR-2024-010.html"), link
    assert "“defibrillator”" in page.locator("#hpkb-search-status").inner_text()
    assert _axe(page) == []  # the search results, open
    assert outside == []
    assert 0 < sum(transferred) < 200_000


def test_search_only_indexes_entries(page: Page, shared_url: str) -> None:
    titles = _search(page, shared_url, "recommendations")
    assert titles and not any(t in ("Tags", "Themes", "Recommendations") for t in titles)


def test_search_matches_other_forms_of_a_word_and_what_is_being_typed(
        page: Page, shared_url: str) -> None:
    """"stabbed" finds entries that say "stabbing" (same stem); a word being typed
    matches the words it starts; an entry's id finds that entry first."""
    stabbing = _search(page, shared_url, "stabbing")
    assert stabbing and set(_search(page, shared_url, "stabbed")) >= set(stabbing)
    assert set(_search(page, shared_url, "defibrill")) == set(
        _search(page, shared_url, "defibrillator"))
    assert _search(page, shared_url, "RD-2024-002")[0].startswith("Single punch")


def test_search_filters_by_kind_and_shows_more(page: Page, shared_url: str) -> None:
    titles = _search(page, shared_url, "the")
    status = page.locator("#hpkb-search-status")
    total = int(status.inner_text().split()[0])
    assert total > 10 and len(titles) == 10  # ten at a time
    more = page.get_by_role("button", name="More results")
    more.click()
    page.wait_for_function(f"document.querySelectorAll('{RESULT_TITLES}').length > 10")
    page.wait_for_selector("#hpkb-search-results:not([aria-busy])", state="attached")
    # The reader carries on from the first new result.
    assert page.evaluate("document.activeElement.closest('li') === "
                         "document.querySelectorAll('#hpkb-search-results li')[10]")
    learning = page.locator(".hpkb-search-kinds label", has_text="Learning")
    found = re.search(r"\((\d+)\)", learning.inner_text())
    assert found is not None
    count = int(found.group(1))
    box = learning.locator("input")
    box.focus()
    page.keyboard.press("Space")  # by keyboard: the box must keep the focus
    page.wait_for_function(
        f"document.getElementById('hpkb-search-status').textContent.startsWith('{count} ')")
    assert box.is_checked()
    assert page.evaluate("document.activeElement.id") == box.get_attribute("id")
    kinds = page.locator("#hpkb-search-results .hpkb-search-kind").all_inner_texts()
    assert kinds and {k.strip().lower() for k in kinds} == {"learning"}
    assert len(kinds) == min(count, 10)
    assert _axe(page) == []  # the kind filter, open


def test_search_says_when_nothing_matches(page: Page, shared_url: str) -> None:
    page.goto(urljoin(shared_url, "search.html?q=zebracrossingxyz"))
    status = page.locator("#hpkb-search-status")
    page.wait_for_function("document.getElementById('hpkb-search-status').textContent !== ''")
    assert status.inner_text().startswith("No entry matches")
    assert page.locator("#hpkb-search-results li").count() == 0
    assert page.get_by_label("Search entries").input_value() == "zebracrossingxyz"


def test_search_page_fetches_little_before_typing(page: Page, shared_url: str) -> None:
    """Before anything is typed the page fetches the index's table of contents and no
    more, and leaves the reader's focus where it was; a query fetches only the term
    files for its words and the cards it shows."""
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.split("/search-index/")[-1])
            if "/search-index/" in r.url else None)
    page.goto(urljoin(shared_url, "search.html"))
    page.wait_for_load_state("networkidle")
    assert fetched == ["meta.json"]
    assert page.evaluate("document.activeElement === document.body")
    page.get_by_label("Search entries").fill("defibrillator")
    page.wait_for_selector(RESULT_TITLES, timeout=10_000)
    # Every card shown: the list is busy until the last has arrived (the page's
    # "networkidle" was reached before typing, so waiting for it again returns at once).
    page.wait_for_selector("#hpkb-search-results:not([aria-busy])", state="attached",
                           timeout=10_000)
    terms = [f for f in fetched if f.startswith("terms/")]
    assert terms and all(bytes.fromhex(f[6:-5]).decode() in "defibrillator" for f in terms)
    assert len([f for f in fetched if f.startswith("docs/")]) == \
        page.locator(RESULT_TITLES).count()


def test_search_says_when_its_index_cannot_be_read_and_tries_again(
        page: Page, shared_url: str) -> None:
    """A term file that fails to arrive is reported, and fetched again by the next
    search rather than remembered as failed."""
    failed: list[str] = []

    def fail_once(route: Any) -> None:
        if not failed:
            failed.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r".*/search-index/terms/.*"), fail_once)
    page.goto(urljoin(shared_url, "search.html?q=defibrillator"))
    page.wait_for_function("document.getElementById('hpkb-search-status').textContent !== ''")
    assert page.locator("#hpkb-search-status").inner_text().startswith("Search is not available")
    assert failed
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector(RESULT_TITLES, timeout=10_000)
    assert "“defibrillator”" in page.locator("#hpkb-search-status").inner_text()


def test_search_splits_words_as_the_index_does(page: Page, shared_url: str) -> None:
    """The page's script and hpkb.outputs.site.search make the same words of any text."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from hpkb.outputs.site.search import tokens

    page.goto(urljoin(shared_url, "search.html"))
    page.wait_for_function("typeof window.hpkbSearchTokens === 'function'")
    fixed = ["Café crème, naïve coöperation", "RD-2024-002: a 15-year-old's ﬁrst call",
             "Straße ÆON İstanbul ǅemal", "١٢٣ ٤ — ²³ ½", "x_y o'neill co-op", "ὈΔΥΣΣΕΎΣ"]
    for text in fixed:
        assert page.evaluate("t => window.hpkbSearchTokens(t)", text) == tokens(text), text

    @settings(max_examples=150, deadline=None)
    # Assigned characters only: the browser may know a newer Unicode than Python.
    @given(st.text(st.characters(exclude_categories=("Cn", "Co", "Cs")), max_size=40))
    def same(text: str) -> None:
        assert page.evaluate("t => window.hpkbSearchTokens(t)", text) == tokens(text)

    same()


def test_finder_filters_instantly(page: Page, shared_url: str) -> None:
    page.goto(urljoin(shared_url, "finder.html"))
    page.wait_for_selector("#hpkb-finder fieldset")
    items = page.locator("#hpkb-finder-list li")
    total = items.count()
    assert total == 12
    page.get_by_label(re.compile(r"Did not work \(1\)")).check()
    visible = [t for t in page.locator("#hpkb-finder-list li:visible").all_inner_texts()]
    assert len(visible) == 1 and visible[0].startswith("Knife surrender bins")
    assert page.locator("#hpkb-finder-count").inner_text() == "1 of 12 practice entries"
    page.get_by_label(re.compile(r"Worked \(")).check()  # OR within a facet
    assert page.locator("#hpkb-finder-list li:visible").count() == 5
    page.get_by_label(re.compile(r"Prevention \(")).first.check()  # AND across facets
    assert 1 <= page.locator("#hpkb-finder-list li:visible").count() < 5
    # A facet with one value (the example's one region) filters nothing: not offered.
    assert page.get_by_label(re.compile(r"Midlands \(")).count() == 0
    # "Does it work?" values in order of evidence, best first.
    ratings = page.locator("fieldset", has_text="Does it work?").locator("label")
    assert [t.rsplit(" (", 1)[0].strip() for t in ratings.all_inner_texts()] == [
        "Worked", "Promising", "Untested (new or innovative)", "Did not work"]


def _finder_titles(page: Page) -> list[str]:
    return page.locator("#hpkb-finder-list li:visible .hpkb-card-title").all_inner_texts()


def test_finder_cards_sort_and_filter_by_keyword(page: Page, shared_url: str,
                                                 example_build: Path) -> None:
    page.goto(urljoin(shared_url, "finder.html"))
    page.wait_for_selector("#hpkb-finder-words")
    data = json.loads((example_build / "build/shared/site/assets/finder.json").read_text())
    first = page.locator("#hpkb-finder-list li").first
    # A card shows its summary, rating, focus and organisation.
    facts = first.locator("dl").inner_text()
    assert "Does it work?" in facts and "Focus" in facts and "Organisation" in facts
    assert first.locator(".hpkb-card-summary").inner_text().strip()
    rank = {"worked": 0, "promising": 1, "untested": 2, "did-not-work": 3}
    by_title = {item["title"]: item for item in data["items"]}
    shown = _finder_titles(page)
    ranks = [rank[by_title[t]["facets"]["rating"][0]] for t in shown]
    assert ranks == sorted(ranks) and ranks[0] == 0 and ranks[-1] == 3  # best evidence first
    page.select_option("#hpkb-finder-sort", "newest")
    dates = [by_title[t]["updated"] for t in _finder_titles(page)]
    assert dates == sorted(dates, reverse=True)
    page.select_option("#hpkb-finder-sort", "title")
    titles = _finder_titles(page)
    assert titles == sorted(titles, key=str.lower)
    # The keyword box filters as one types: every word must match, in any case or accent.
    page.locator("#hpkb-finder-words").press_sequentially("SURRENDER")
    assert _finder_titles(page) == ["Knife surrender bins in town centres"]
    assert page.locator("#hpkb-finder-count").inner_text() == "1 of 12 practice entries"
    page.locator("#hpkb-finder-words").fill("bins nothing-matches-this")
    assert _finder_titles(page) == []
    page.locator("#hpkb-finder-words").fill("")
    assert len(_finder_titles(page)) == 12


def test_the_rendered_guide_shows_one_table_row_per_field(page: Page, shared_url: str) -> None:
    """The authoring guide as a reader sees it: a table for each kind of entry, one row
    for each of its fields, and no Markdown table syntax left as text."""
    from hpkb.outputs.site.guide import guide_sections

    page.goto(urljoin(shared_url, "guide.html"))
    tables = page.locator("article table")
    rows = [tables.nth(i).locator("tbody tr:visible").count() for i in range(tables.count())]
    assert rows == [len(section.fields) for section in guide_sections()]
    assert "| `" not in page.locator("article").inner_text()


def test_finder_works_without_javascript(browser: Browser, shared_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(urljoin(shared_url, "finder.html"))
    assert plain.locator("#hpkb-finder-list li a").count() == 12
    context.close()


def test_entry_prints_as_a_clean_document(page: Page, shared_url: str) -> None:
    page.goto(urljoin(shared_url, "practice/PR-2024-010.html"))
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    markings = page.locator(".hpkb-print-marking")
    assert markings.count() == 2 and markings.first.is_visible()
    assert page.locator("article table").first.is_visible()  # key details as a table


@pytest.fixture(scope="module")
def internal_url(example_build: Path) -> Iterator[str]:
    with serve(example_build / "build/internal/site") as url:
        yield url


@pytest.mark.parametrize("path", ["statistics.html", "tracker.html", "review.html",
                                  "responses.html", "debriefs/RD-2024-005.html",
                                  "debriefs/RD-2024-007.html", "learning/LN-2026-001.html",
                                  "practice/index.html"])
def test_internal_pages_have_no_axe_violations(page: Page, internal_url: str,
                                               path: str) -> None:
    _assert_accessible_and_local(page, internal_url, path)


def _heading_order(page: Page) -> list[str]:
    return [t.replace("¶", "").strip() for t in page.locator("article h2").all_inner_texts()]


def test_debrief_page_puts_actions_first_and_whole_for_internal_readers(
        page: Page, internal_url: str, shared_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(urljoin(internal_url, "debriefs/RD-2024-007.html"))
    headings = _heading_order(page)
    assert headings.index("Actions") < headings.index("Key details")
    assert "5 actions: 4 completed, 1 open or in progress (1 overdue)" in page.locator(
        "article").inner_text()
    # The table spans the content column and nothing in it is cut off or scrolls.
    box = page.locator(".hpkb-actions table")
    column = page.locator("article").bounding_box()
    table = box.bounding_box()
    assert column is not None and table is not None
    assert table["width"] >= 0.95 * (column["width"] - 40)
    assert box.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
    assert box.evaluate("t => [...t.querySelectorAll('td')].every("
                        "c => c.scrollWidth <= c.clientWidth + 1)")
    # Process dates in date order, each with its day counted from the incident.
    rows = page.locator("#process-and-timeliness ~ div table tbody tr, "
                        "#process-and-timeliness ~ table tbody tr").all_inner_texts()
    steps = [row.split("\t") for row in rows]
    assert [s[0] for s in steps][:2] == ["Incident", "Identified"]
    days = [int(s[2]) for s in steps if s[2].strip().isdigit()]
    assert days == sorted(days) and days[0] == 0
    assert "when the clock starts" in page.locator("article").inner_text()
    # On a phone each action is a block of labelled lines: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.locator(".hpkb-actions").evaluate("d => d.scrollWidth <= d.clientWidth + 1")
    assert page.locator(".hpkb-actions").evaluate("d => d.getBoundingClientRect().right <= 390")
    assert box.evaluate("t => [...t.querySelectorAll('td')].every("
                        "c => c.scrollWidth <= c.clientWidth + 1)")
    assert page.locator(".hpkb-actions td[data-label=Owner]").first.evaluate(
        "c => getComputedStyle(c, '::before').content") == '"Owner: "'
    # Other forces read the entry's learning first: its actions come after the text.
    page.goto(urljoin(shared_url, "debriefs/RD-2024-011.html"))
    shared = _heading_order(page)
    assert shared.index("Actions") > shared.index("Key details")


def test_internal_passages_are_boxed_on_the_internal_site_only(
        page: Page, internal_url: str, example_build: Path) -> None:
    page.goto(urljoin(internal_url, "learning/LN-2026-001.html"))
    box = page.locator(".admonition.internal")
    assert box.count() == 1
    assert box.locator(".admonition-title").inner_text().strip() == "Internal only"
    assert "warning marker" in box.inner_text()
    # The shared site has no internal passage to box: they are cut out there.
    for built in Path(example_build, "build/shared/site").rglob("*.html"):
        text = built.read_text("utf-8")
        assert "Internal only" not in text and "warning marker" not in text, built


def test_action_tracker_filters(page: Page, internal_url: str) -> None:
    page.goto(urljoin(internal_url, "tracker.html"))
    page.wait_for_selector("#hpkb-tracker-status")
    rows = page.locator("#hpkb-tracker tbody tr")
    total = rows.count()
    assert total == 77  # debriefs', learning entries' and recommendation responses'
    # The status filter counts as the report does (overdue is a filter of its own).
    assert "In progress (14)" in page.locator("#hpkb-tracker-status").inner_text()
    page.select_option("#hpkb-tracker-due", "Overdue")
    assert page.locator("#hpkb-tracker tbody tr:visible").count() == 22  # as of 22 November
    assert page.locator("#hpkb-tracker-count").inner_text() == f"22 of {total} actions"
    page.select_option("#hpkb-tracker-owner", "Public Protection Unit")
    visible = page.locator("#hpkb-tracker tbody tr:visible")
    assert visible.count() >= 1
    assert all("Public Protection Unit" in t for t in visible.all_inner_texts())


def test_statistics_charts_are_local_images_with_text(page: Page, internal_url: str) -> None:
    page.goto(urljoin(internal_url, "statistics.html"))
    images = page.locator("article img")
    assert images.count() == 6  # with missed opportunities by agency (internal)
    for index in range(images.count()):
        image = images.nth(index)
        assert (image.get_attribute("src", timeout=5000) or "").startswith("assets/charts/")
        assert len(image.get_attribute("alt") or "") > 20
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")



def test_chart_text_reaches_the_board_pack(example_build: Path) -> None:
    import subprocess

    pdf = example_build / "build/internal/packs/board-quarterly.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    # The chart's own title and a bar's label, as text: Typst sets the SVG's words in its
    # bundled font (the pack prints the image's alternative text nowhere).
    chart = text[text.index("Outstanding actions by owner"):]
    assert "Neighbourhood Policing" in chart[:chart.index("Earliest due")]

@pytest.fixture(scope="module")
def hub_url(example_build: Path) -> Iterator[str]:
    """The example hub: this force's shared export and the two example forces'."""
    import shutil

    from tests.conftest import REPO_ROOT, run_cli

    exports = [str(example_build / "build/shared/export")]
    for force in ("marrowdale-police", "kestrelford-constabulary"):
        repo = example_build / "forces" / force
        shutil.copytree(REPO_ROOT / "examples" / "forces" / force, repo,
                        ignore=shutil.ignore_patterns("build"))
        assert run_cli(repo, "export", "--profile", "shared").exit_code == 0
        exports.append(str(repo / "build/shared/export"))
    result = run_cli(example_build, "hub", "build", *exports)
    assert result.exit_code == 0, result.stdout + result.stderr
    with serve(example_build / "build/hub/site") as url:
        yield url


def test_hub_pages_load_and_links_resolve(hub_url: str, example_build: Path) -> None:
    pages = _crawl(hub_url)
    site = example_build / "build/hub/site"
    built = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}
    assert {urlsplit(u).path.lstrip("/") for u in pages if u.endswith(".html")} == built
    page = pages[urljoin(hub_url, "practice/kestrelford-constabulary/PR-2024-003.html")]
    assert "Shared by" in page and "Kestrelford Constabulary" in page


@pytest.mark.parametrize("path", [
    "index.html", "practice/marrowdale-police/PR-2024-001.html", "finder.html",
    "pages/national.html", "pages/duplicates.html", "themes/mental-health.html",
    "ratings/index.html", "regions/midlands.html",
])
def test_hub_pages_have_no_axe_violations(page: Page, hub_url: str, path: str) -> None:
    _assert_accessible_and_local(page, hub_url, path)


def test_hub_finder_filters_by_force(page: Page, hub_url: str) -> None:
    page.goto(urljoin(hub_url, "finder.html"))
    page.wait_for_selector("#hpkb-finder fieldset")
    total = page.locator("#hpkb-finder-list li").count()
    shared_by = page.locator("fieldset", has=page.locator("legend", has_text="Shared by"))
    assert shared_by.locator("input").count() == 3  # one box per force
    shared_by.get_by_label(re.compile(r"Marrowdale Police \(2\)")).check()
    visible = page.locator("#hpkb-finder-list li:visible")
    assert visible.count() == 2 < total
    hrefs = [visible.nth(i).locator("a").first.get_attribute("href") or ""
             for i in range(visible.count())]
    assert all("marrowdale-police/" in h for h in hrefs)


def test_hub_search_finds_each_forces_entries(page: Page, hub_url: str) -> None:
    """The hub's search holds every force's shared entries, each linking to its page in
    the force's folder."""
    titles = _search(page, hub_url, "older carers discharge")
    assert titles[0] == "Joint welfare visits to older carers after a mental health discharge"
    link = page.locator(RESULT_TITLES).first.get_attribute("href") or ""
    assert link.endswith("practice/kestrelford-constabulary/PR-2024-003.html"), link
    kind = page.locator("#hpkb-search-results .hpkb-search-kind").first.inner_text()
    assert kind.lower() == "shared practice · shared by kestrelford constabulary"
    # The force's name finds its entries too.
    assert len(_search(page, hub_url, "marrowdale")) >= 2
    _search(page, hub_url, "older carers discharge")
    page.locator(RESULT_TITLES).first.click()
    page.wait_for_load_state()
    assert "Kestrelford Constabulary" in page.content()
    assert _search(page, hub_url, "welfare hub")[0] == (
        "Town centre welfare hub on Friday and Saturday nights")

"""The built pages' HTML check: at least as strict as its first form (Python's HTML
parser reading the article, kept here to compare with) on any markup, broken or not,
and the same on the pages hpkb builds; and on the whole page, at least as strict as the
parser reading all of it, with the theme's scripts listed and nothing loaded from another
host."""

from __future__ import annotations

import hashlib
from collections import Counter
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hpkb.outputs.site.html_check import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    OUTSIDE,
    SAFE_SCHEMES,
    THEME_ATTRIBUTES,
    THEME_FILES,
    THEME_SCRIPTS,
    THEME_TAGS,
    URL_ATTRIBUTES,
    check_html,
    check_site_files,
    inline_script_digest,
)
from hpkb.outputs.site.templates import package_dir
from tests.site_helpers import build_profiles, copy_example


class _ParserChecker(HTMLParser):
    """The check's first form: what Python's HTML parser reports inside <article>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.problems: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        line = self.getpos()[0]
        if tag not in ALLOWED_TAGS:
            self.problems.append((line, f"element <{tag}>"))
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES and not name.startswith(("aria-", "data-")):
                self.problems.append((line, f"attribute {name} on <{tag}>"))
            elif name in URL_ATTRIBUTES and value is not None:
                scheme = urlsplit("".join(value.split()).lower()).scheme
                if scheme not in SAFE_SCHEMES or (name == "src" and scheme):
                    self.problems.append((line, f"URL {value[:40]!r} in {name}"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_comment(self, data: str) -> None:
        if self.depth:
            self.problems.append((self.getpos()[0], "HTML comment"))


def _parser_problems(text: str) -> list[tuple[int, str]]:
    checker = _ParserChecker()
    checker.feed(text)
    checker.close()
    return checker.problems


_NAMES = ["p", "a", "img", "script", "SCRIPT", "iframe", "div", "svg", "article", "style",
          "x-y", "A", "td"]
_ATTRIBUTES = ["href", "src", "onclick", "ONCLICK", "class", "data-x", "aria-label", "style",
               "title", "HREF", "on"]
_VALUES = ["x", "javascript:alert(1)", "JaVaScRiPt:1", "java&#115;cript:1", "&#106;avascript:1",
           " java\nscript:1", "http://a", "#x", "data:x", "a>b", "a<b>c", "<script>", "'", '"',
           ""]


@st.composite
def _tag(draw: st.DrawFn) -> str:
    attributes = ""
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(_ATTRIBUTES))
        value = draw(st.sampled_from(_VALUES))
        quote = draw(st.sampled_from(['"', "'", ""]))
        spacing = draw(st.sampled_from([" ", "\n", "/", " / ", "  "]))
        attributes += spacing + name + draw(st.sampled_from(["", f"={quote}{value}{quote}",
                                                             f" = {quote}{value}{quote}"]))
    return f"<{draw(st.sampled_from(_NAMES))}{attributes}{draw(st.sampled_from(['', '/', ' ']))}>"


_PIECES = st.one_of(
    _tag(),
    st.sampled_from(["text", " ", "\n", "&amp;", "&lt;script&gt;", ">", '"', "'", "=", "/",
                     "<", "a<b", "</p>", "</article>", "</ script>", "<!-- note -->",
                     "<!--", "-->", "<!x>", "<?x?>", "<![CDATA[<script>]]>", "<a", ' b="',
                     "<article>", "</script>", "<p class=\"x\">", "<a href=\"#x\">", "</",
                     "</>", "<a/", "<a href=javascript:1>", "<a b=\"c\"d>", "<a\x00b>",
                     "<style><img src=x onerror=1></style>", "<textarea><script>",
                     "<a href=\"&#x6A;avascript:1\">", "<p\n\nonclick=1>", "<a ==x>"]))


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
@example('<p title="x><script>alert(1)</script>">')
@example('<a b"c><script>alert(1)</script>">')
@example("<!-- <script>x</script> --><img src=x onerror=y>")
@example('<a href="java&#115;cript:alert(1)">x</a>')
@example("</\n")
@example("</ <script>>")
def test_the_check_is_at_least_as_strict_as_the_parser(inside: str) -> None:
    page = f"<html>\n<body><article class=\"md-content\">\n{inside}\n</article></body>"
    fast, parsed = Counter(check_html(page)), Counter(_parser_problems(page))
    assert not parsed - fast, (page, parsed - fast)


def test_broken_markup_hides_nothing() -> None:
    # The parser reads this as one tag whose attribute value holds a script: the check
    # sees the script as well.
    page = '<article>\n<p title="x><script>alert(1)</script>">\n</article>'
    assert (2, "element <script>") in check_html(page)
    assert (2, "element <iframe>") in check_html(
        "<article>\n<!-- <iframe src=x> -->\n</article>")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("check") / "repo")
    build_profiles(root, "shared", "internal")
    return root / "build"


def test_built_pages_read_the_same_both_ways(built: Path) -> None:
    pages = sorted(built.glob("*/site/**/*.html"))
    assert len(pages) > 60
    for page in pages:
        text = page.read_text("utf-8")
        assert check_html(text) == _parser_problems(text) == [], page
    # And a page with problems reports the same, line by line.
    bad = pages[0].read_text("utf-8").replace(
        "</article>", '<p onclick="x">\n<a href="javascript:y">z</a>\n<!-- c -->\n</article>', 1)
    assert check_html(bad) == _parser_problems(bad) != []


class _WholePageChecker(HTMLParser):
    """What the check must find at least, on the whole page: the parser reading all of
    it, the content's lists inside <article> and the theme's outside, and no address of
    another host in what a page fetches itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.problems: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        tags, names = (ALLOWED_TAGS, ALLOWED_ATTRIBUTES) if self.depth else \
            (THEME_TAGS, THEME_ATTRIBUTES)
        where = "" if self.depth else OUTSIDE
        line = self.getpos()[0]
        if tag not in tags:
            self.problems.append((line, f"element <{tag}>{where}"))
        for name, value in attrs:
            if name not in names and not name.startswith(("aria-", "data-")):
                self.problems.append((line, f"attribute {name} on <{tag}>{where}"))
            elif name in URL_ATTRIBUTES and value is not None:
                address = "".join(value.split()).replace("\\", "/")
                scheme = urlsplit(address.lower()).scheme
                fetched = name != "href" or tag == "link"
                if scheme not in SAFE_SCHEMES or (fetched and (
                        scheme or address.startswith("//"))):
                    self.problems.append((line, f"URL {value[:40]!r} in {name}{where}"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_comment(self, data: str) -> None:
        if self.depth:
            self.problems.append((self.getpos()[0], "HTML comment"))


def _whole_page_problems(text: str) -> list[tuple[int, str]]:
    checker = _WholePageChecker()
    checker.feed(text)
    checker.close()
    return checker.problems


_THEME_PIECES = st.one_of(
    _tag(),
    st.sampled_from(["\n", "\n\n", "  ", "text", "<link rel=stylesheet href=//x.org/a.css>",
                     "<img srcset='//x.org/a.png 2x'>", "<meta http-equiv=refresh content=0>",
                     '<script src="assets/finder.js"></script>', "<script>x()</script>",
                     "<nav class=\"md-nav\">", "</nav>", "<svg viewBox=\"0 0 1 1\">",
                     "<path d=\"M0\"/>", "</svg>", "<!-- c -->", "<!-->", "<header>",
                     "<a href=\"https://other.org/\">", "</a>", "<style>", "</style>",
                     "<form action=\"//x.org/\">", "<p\nclass=x>", "<p title=\"a\nb\">"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_THEME_PIECES, max_size=20).map("".join),
       st.lists(_PIECES, max_size=10).map("".join))
@example('<link rel="icon" href="//x.org/f.png">', "")
@example('<p style="background:url(//x.org/t.png)">', "")
def test_the_whole_page_is_checked_at_least_as_the_parser_reads_it(
        around: str, inside: str) -> None:
    page = f"<!DOCTYPE html>\n<html>\n<head>{around}</head>\n<body>{around}\n" \
           f"<article class=\"md-content\">\n{inside}\n</article>\n{around}</body>\n</html>\n"
    fast, parsed = Counter(check_html(page)), Counter(_whole_page_problems(page))
    assert not parsed - fast, (page, parsed - fast)
    assert check_html(page) == check_html(page)  # the second time from what was kept


def _page(head: str = "", body: str = "", content: str = "<p>t</p>") -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{head}\n"
            f"</head>\n<body>\n<header class=\"md-header\">{body}</header>\n"
            f"<article class=\"md-content__inner\">\n{content}\n</article>\n</body>\n</html>\n")


def _outside(problem: str) -> str:
    return problem + OUTSIDE


@pytest.mark.parametrize(("page", "problem"), [
    # A theme override's script on every page, however it is written.
    (_page(body="<script>alert(1)</script>"), "an inline script not on hpkb's list"),
    (_page(head='<script src="https://x.org/a.js"></script>'),
     _outside("URL 'https://x.org/a.js' in src")),
    (_page(head='<script src="//x.org/a.js"></script>'), _outside("URL '//x.org/a.js' in src")),
    (_page(head='<script src="assets/a.txt"></script>'),
     _outside("script 'assets/a.txt', not one of the site's .js files")),
    (_page(body='<p onclick="x()">t</p>'), _outside("attribute onclick on <p>")),
    (_page(body='<a href="javascript:x()">t</a>'), _outside("URL 'javascript:x()' in href")),
    (_page(body='<a href="java&#x0A;script:x()">t</a>'),
     _outside("URL 'java\\nscript:x()' in href")),
    # Anything that loads from another host, wherever it is.
    (_page(head='<link rel="stylesheet" href="https://x.org/a.css">'),
     _outside("URL 'https://x.org/a.css' in href")),
    (_page(head='<link rel="icon" href="//x.org/f.png">'), _outside("URL '//x.org/f.png' in href")),
    (_page(head='<link rel="preload" href="/\\x.org/f.png">'),
     _outside("URL '/\\\\x.org/f.png' in href")),
    (_page(head='<meta http-equiv="refresh" content="0; url=https://x.org/">'),
     _outside("attribute http-equiv on <meta>")),
    (_page(body='<img src="//x.org/p.png" alt="">'), _outside("URL '//x.org/p.png' in src")),
    (_page(content='<img src="//x.org/p.png" alt="x">'), "URL '//x.org/p.png' in src"),
    (_page(content='<img src=" \x01//x.org/p.png" alt="x">'), "URL ' \\x01//x.org/p.png' in src"),
    (_page(content='<img src="https://x.org/p.png" alt="x">'), "URL 'https://x.org/p.png' in src"),
    (_page(content='<img src="p.png" srcset="//x.org/p.png 2x" alt="x">'),
     "attribute srcset on <img>"),
    (_page(content='<p style="background:url(//x.org/t.png)">t</p>'), "attribute style on <p>"),
    (_page(body='<span style="background:url(//x.org/t.png)">t</span>'),
     _outside("attribute style on <span>")),
    (_page(body='<video src="v.mp4"></video>'), _outside("element <video>")),
    (_page(content='<audio><source src="//x.org/a.ogg"></audio>'), "element <audio>"),
    (_page(content='<video><track src="t.vtt"></video>'), "element <track>"),
    (_page(body='<iframe src="https://x.org/"></iframe>'), _outside("element <iframe>")),
    (_page(body='<object data="//x.org/o"></object>'), _outside("element <object>")),
    (_page(body='<embed src="//x.org/e">'), _outside("element <embed>")),
    (_page(head='<base href="//x.org/">'), _outside("element <base>")),
    (_page(head="<style>@import url(//x.org/a.css)</style>"), _outside("element <style>")),
    (_page(body='<svg><image href="//x.org/i.png"/></svg>'), _outside("element <image>")),
    (_page(content='<form action="https://x.org/">'), "URL 'https://x.org/' in action"),
    # Markup a browser may read where the parser reads none is read as well.
    (_page(body="<!--> <img src=x onerror=alert(1)> -->"),
     _outside("attribute onerror on <img>")),
    (_page(body="<svg><style><img src=x onerror=alert(1)></style></svg>"),
     _outside("attribute onerror on <img>")),
])
def test_the_whole_page_is_checked(page: str, problem: str) -> None:
    found = [found for _, found in check_html(page)]
    assert any(each.startswith(problem) for each in found), found


@pytest.mark.parametrize("page", [
    _page(body='<a href="https://other.org/page">a link to another site</a>'),
    _page(content='<a href="https://other.org/page">a link</a> <a href="//other.org/">b</a>'),
    _page(head='<link rel="stylesheet" href="../assets/hpkb.css">'
               '<script src="../assets/finder.js"></script>'),
    _page(body='<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
               '<path d="M3 6h18v2H3z"/></svg>'),
    _page(content='<img src="assets/charts/a.svg" alt="A chart">'),
])
def test_what_the_theme_and_content_use_passes(page: str) -> None:
    assert check_html(page) == []


def _scope(base: str) -> str:
    return f'__md_scope=new URL("{base}",location)'


def test_listed_inline_scripts_pass_at_any_depth_and_no_other() -> None:
    """Material's inline scripts differ only in the way up to the site's root: one digest
    each. Any other text, or a script a browser would end elsewhere, is refused."""
    digests = {inline_script_digest(f'{{"base": "{base}", "search": "{up}assets/x.js"}}')
               for base, up in ((".", ""), ("..", "../"), ("../..", "../../"), ("/", "/"))}
    assert len(digests) == 1
    assert inline_script_digest(_scope("..")) == inline_script_digest(_scope("/"))
    assert inline_script_digest(_scope("{base}")) != inline_script_digest(_scope(".."))
    listed = next(iter(THEME_SCRIPTS))
    assert inline_script_digest("x") != listed


def test_a_script_a_browser_ends_elsewhere_is_refused(built: Path) -> None:
    """Python's parser ends a script at "</ script>", a browser does not: a listed
    script's text with more after it would run the more."""
    page = (built / "shared/site/index.html").read_text("utf-8")
    start = page.index("<script>__md_scope")
    end = page.index("</script>", start)
    bent = page[:end] + "</ script>;alert(1)//" + page[end:]
    assert any("a script end tag a browser would not end the script at" in problem
               for _, problem in check_html(bent))
    longer = page[:end] + ";alert(1)" + page[end:]
    assert any("an inline script not on hpkb's list" in problem
               for _, problem in check_html(longer))


def test_the_theme_files_are_listed() -> None:
    """Every script of the theme is listed by its digest: Material's as pinned (a new
    version is reviewed, then listed in hpkb.outputs.site.html_check), and hpkb's own as packaged."""
    material = resources.files("material") / "templates" / "assets"
    files = [*(material / "javascripts").iterdir(),
             *(material / "javascripts" / "workers").iterdir(),
             *(material / "stylesheets").iterdir()]
    theirs = [f for f in files if f.name.startswith(("bundle.", "search.", "main."))
              and f.name.endswith((".min.js", ".min.css"))]
    ours = [package_dir("templates") / "site" / "assets" / name
            for name in ("finder.js", "search.js", "tracker.js")]
    assert len(theirs) == 3
    for file in [*theirs, *ours]:
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        assert digest in THEME_FILES, f"{file.name} changed: review it, then list {digest}"


def test_site_files_run_and_load_only_what_is_listed(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    finder = package_dir("templates") / "site" / "assets" / "finder.js"
    (tmp_path / "assets" / "finder.js").write_bytes(finder.read_bytes())
    (tmp_path / "assets" / "hpkb.css").write_text("a { color: red }\n", "utf-8")
    assert check_site_files(tmp_path) == []
    (tmp_path / "assets" / "finder.js").write_bytes(finder.read_bytes() + b"\nalert(1)\n")
    (tmp_path / "x.mjs").write_text("alert(1)\n", "utf-8")
    for css in ("@import url(//x.org/a.css);", "a{background:url(https://x.org/t.png)}",
                'a{background:image-set("//x.org/t.png" 1x)}', "@import 'x.css';",
                "a{background:\\75rl(//x.org/t.png)}"):
        (tmp_path / "assets" / "hpkb.css").write_text(css, "utf-8")
        found = dict(check_site_files(tmp_path))
        assert found["assets/hpkb.css"].startswith("a stylesheet that loads"), css
        assert found["assets/finder.js"].startswith("a script not on hpkb's list")
        assert found["x.mjs"].startswith("a script not on hpkb's list")


def test_what_was_read_before_is_reused_only_where_it_reads_the_same() -> None:
    """A line read before (kept, by the depth it was read at) gives what reading it
    afresh gives, wherever it comes again: inside or outside the content, or inside
    something that runs on past it."""
    line = '<p class="x" onclick="y">t</p>\n'
    pages = [_page(body=line * 3, content=line * 3),
             _page(body="<!--\n" + line + "-->\n", content=line),
             _page(body='<p title="\n' + line + '">\n', content="<script>\n" + line
                   + "</script>\n")]
    for page in pages * 3:
        assert Counter(check_html(page)) >= Counter(_whole_page_problems(page)), page
    first = [check_html(page) for page in pages]
    assert [check_html(page) for page in pages] == first


def test_much_markup_hidden_in_a_comment_is_refused_without_reading_it_all() -> None:
    """Each "<" hidden in other markup is read once, and at most so many: a theme's long
    commented-out block costs little to check, and is refused as a whole."""
    import time

    for hidden in ("<!--" + " <!--" * 2000 + " -->",
                   "<!--\n" + "<p title=\"<b title='<i>'>\">\n" * 2000 + "-->\n"):
        started = time.process_time()
        found = [problem for _, problem in check_html(_page(body=hidden))]
        assert time.process_time() - started < 3
        assert found.count(_outside("more markup hidden inside other markup than hpkb "
                                    "reads")) == 1

"""The built pages' HTML check: at least as strict as its first form (Python's HTML
parser reading the article, kept here to compare with) on any markup, broken or not,
and the same on the pages hpkb builds."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hpkb.html_check import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    SAFE_SCHEMES,
    URL_ATTRIBUTES,
    check_html,
)
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

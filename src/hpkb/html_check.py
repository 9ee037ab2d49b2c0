"""A trip-wire on the built site: the content area of every page may hold only allowed
tags, attributes and URL schemes. Validation should already have refused anything else;
this catches a template or renderer that lets something through."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hpkb.diagnostics import Diagnostic, error

__all__ = ["ALLOWED_TAGS", "check_built_pages", "check_html", "html_findings"]

ALLOWED_TAGS = frozenset({
    "a", "abbr", "article", "b", "blockquote", "br", "caption", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    # hpkb's own search form and its no-script note (entry text may not use these:
    # validation refuses form, input, button and noscript in bodies).
    "form", "label", "input", "button", "noscript", "select", "option",
})
ALLOWED_ATTRIBUTES = frozenset({"href", "src", "alt", "title", "id", "class", "colspan",
                                "rowspan", "role", "open", "lang", "dir", "action", "method",
                                "for", "name", "type", "value"})
URL_ATTRIBUTES = frozenset({"href", "src", "action"})
SAFE_SCHEMES = frozenset({"", "http", "https", "mailto"})


class _ContentChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 inside <article>
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
                cleaned = "".join(value.split()).lower()
                scheme = urlsplit(cleaned).scheme
                if scheme not in SAFE_SCHEMES or (name == "src" and scheme):
                    self.problems.append((line, f"URL {value[:40]!r} in {name}"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_comment(self, data: str) -> None:
        if self.depth:
            self.problems.append((self.getpos()[0], "HTML comment"))


def check_html(text: str) -> list[tuple[int, str]]:
    """(line, problem) for everything not allowed inside the page's <article>."""
    # Only the content area is checked; skipping the theme's own markup around it (most
    # of every page) keeps the check cheap. Lines are counted from the page's start.
    start = text.find("<article")
    end = text.rfind("</article>")
    if start < 0:
        return []
    offset = text.count("\n", 0, start)
    checker = _ContentChecker()
    checker.feed(text[start:end + len("</article>")] if end > start else text[start:])
    checker.close()
    return [(line + offset, problem) for line, problem in checker.problems]


def check_built_pages(site: Path, pages: Iterable[str]) -> list[tuple[str, int, str]]:
    """(page, line, problem) for the named built pages (paths relative to ``site``; a
    page MkDocs chose not to write has nothing to check)."""
    return [(page, line, problem) for page in pages if (site / page).is_file()
            for line, problem in check_html((site / page).read_text(encoding="utf-8"))]


def html_findings(problems: Iterable[Sequence[Any]]) -> list[Diagnostic]:
    """Findings for (page, line, problem) of ``check_built_pages``."""
    return [error(f"site/{page}", line, 1, "HP702", f"built page contains {problem}",
                  "this should have been refused in validation; report it")
            for page, line, problem in problems]

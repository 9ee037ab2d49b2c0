"""A trip-wire on the built site: the content area of every page may hold only allowed
tags, attributes and URL schemes. Validation should already have refused anything else;
this catches a template or renderer that lets something through."""

from __future__ import annotations

from collections.abc import Set
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from hpkb.diagnostics import Diagnostic, error

__all__ = ["ALLOWED_TAGS", "check_html", "check_site_html"]

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


def check_site_html(site: Path, skip: Set[str] = frozenset()) -> list[Diagnostic]:
    """Check every built page but those in ``skip`` (paths relative to ``site``)."""
    findings: list[Diagnostic] = []
    for page in sorted(site.rglob("*.html")):
        if page.relative_to(site).as_posix() in skip:
            continue
        rel = page.relative_to(site.parent).as_posix()
        for line, problem in check_html(page.read_text(encoding="utf-8")):
            findings.append(error(rel, line, 1, "HP702", f"built page contains {problem}",
                                  "this should have been refused in validation; report it"))
    return findings

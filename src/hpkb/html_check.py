"""A trip-wire on the built site: the content area of every page may hold only allowed
tags, attributes and URL schemes. Validation should already have refused anything else;
this catches a template or renderer that lets something through."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from html import unescape
from html.parser import (  # type: ignore[attr-defined]
    attrfind_tolerant,
    locatestarttagend_tolerant,
    tagfind_tolerant,
)
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


# Python's own HTML parser's expressions for a start tag's extent, name and attributes
# (html.parser, whose tolerant reading of broken markup they define).
_TAG_END = locatestarttagend_tolerant
_TAG_NAME = tagfind_tolerant
_ATTRIBUTE = attrfind_tolerant
# Every place markup can begin: a start tag, a comment or declaration, a processing
# instruction, an end tag's "</" without a name (which the parser reads as a comment).
# Group 1 is a plain start tag whole (simple attribute names, values in double quotes
# holding no < or >), whose reading is certain and whose problems are remembered by its
# text. From any other "<", matching stops after two characters, so the rest is searched
# too: nothing inside another tag's attribute values, a comment or a script can hide
# from the check.
_MARKUP = re.compile(r'<(?:([a-zA-Z][a-zA-Z0-9]*(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*'
                     r'(?:="[^"<>]*")?)*\s*/?)>|[a-zA-Z!?]|/(?![a-zA-Z]))')


def check_html(text: str) -> list[tuple[int, str]]:
    """(line, problem) for everything not allowed inside the page's <article>.

    At least as strict as checking what Python's HTML parser reports inside the article
    (the check's first form, kept in the tests to compare with): every start tag it
    would report is found here with the same attributes, and markup it would pass over
    as text or skip (a comment's or a script's inside, a broken tag) is checked too.
    Several times faster: it is run on every built page."""
    # Only the content area is checked; skipping the theme's own markup around it (most
    # of every page) keeps the check cheap. Lines are counted from the page's start.
    start = text.find("<article")
    end = text.rfind("</article>")
    if start < 0:
        return []
    area = text[start:end + len("</article>")] if end > start else text[start:]
    line, counted = text.count("\n", 0, start) + 1, 0
    problems: list[tuple[int, str]] = []
    for found in _MARKUP.finditer(area):
        plain = found.group(1)
        if plain is not None:
            found_problems = _plain_tag_problems(plain)
        elif area[found.start() + 1] in "!?/":
            # A comment, or what the parser takes for one (<!x>, <![CDATA[…]]>, </ x>),
            # or a processing instruction: none belongs in a page's content.
            found_problems = ("HTML comment",)
        else:
            found_problems = tuple(_start_tag_problems(area, found.start()))
        if found_problems:
            at = found.start()
            line += area.count("\n", counted, at)
            counted = at
            problems += [(line, problem) for problem in found_problems]
    return problems


@functools.lru_cache(maxsize=4096)
def _plain_tag_problems(inside: str) -> tuple[str, ...]:
    """`_start_tag_problems` of the plain tag ``<inside>`` (pages repeat their tags)."""
    return tuple(_start_tag_problems(f"<{inside}>", 0))


def _start_tag_problems(area: str, at: int) -> list[str]:
    """Problems with the start tag at ``at``: its name, and its attributes as Python's
    HTML parser reads them (names lower-cased, values unquoted and unescaped)."""
    extent = _TAG_END.match(area, at)
    name = _TAG_NAME.match(area, at + 1)
    if extent is None or name is None:  # cannot happen after "<" and a letter
        return ["unreadable tag"]
    tag = name.group(1).lower()
    problems = [] if tag in ALLOWED_TAGS else [f"element <{tag}>"]
    position, stop = name.end(), extent.end()
    while position < stop:
        attribute = _ATTRIBUTE.match(area, position)
        if attribute is None:
            break
        attribute_name, rest, value = attribute.group(1, 2, 3)
        attribute_name = attribute_name.lower()
        if not rest:
            value = None
        elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
            value = value[1:-1]
        if value:
            value = unescape(value)
        if attribute_name not in ALLOWED_ATTRIBUTES and not attribute_name.startswith(
                ("aria-", "data-")):
            problems.append(f"attribute {attribute_name} on <{tag}>")
        elif attribute_name in URL_ATTRIBUTES and value is not None:
            cleaned = "".join(value.split()).lower()
            scheme = urlsplit(cleaned).scheme
            if scheme not in SAFE_SCHEMES or (attribute_name == "src" and scheme):
                problems.append(f"URL {value[:40]!r} in {attribute_name}")
        position = attribute.end()
    return problems


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

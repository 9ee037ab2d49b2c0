"""Reading an entry's Markdown body: sections, internal passages, references, and the
rules that keep unsafe or unbounded text out of every renderer.

A body is checked in each form it is published in (with its internal passages, and
without), as the site's Python-Markdown and the packs' Pandoc read it: what is code to
both is not read; raw HTML is read as a browser reads it (hpkb.check.html_tokens) and
held to what the built pages' check allows (hpkb.outputs.site.html_check); addresses as
a browser reads them; and the work Python-Markdown would do is bounded
(hpkb.check.render_cost).

Everything here is pure: text in, values or findings out.
"""

from __future__ import annotations

import functools
import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from hpkb.check.findings import Diagnostic, error
from hpkb.check.html_tokens import Markup, Tag, markup
from hpkb.check.render_cost import LIMIT_NS, MAX_INLINE_NESTING, MAX_NESTING, estimate, nesting
from hpkb.outputs.site.html_check import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    SAFE_SCHEMES,
    URL_ATTRIBUTES,
)

__all__ = [
    "BLOCK_LEVEL",
    "ENTRY_TAGS",
    "REFERENCE",
    "Reference",
    "body_findings",
    "find_references",
    "internal_passages",
    "published_lines",
    "section_titles",
    "split_internal",
]

REFERENCE = re.compile(r"\[\[([^\[\]|\n]*)(?:\|([^\[\]\n]*))?\]\]")
# An entry id, optionally global (`essex-police:PR-2023-001`, as a hub knows entries); in
# a force's repo a global id names no entry of its own, so it is reported as unknown.
_ENTRY_ID = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*:)?(RD|LN|PR)-[0-9]{4}-[0-9]{3}\Z")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_H2 = re.compile(r"^## +(.+?)(?: +#+)?\s*$")
_INTERNAL_OPEN = "::: internal"
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# A `:::` fence after a block quote's `>` or a list item's marker.
_CONTAINED_FENCE = re.compile(r"[ \t]*+(?:(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]))[ \t]*+)++(:::.*)")

_ATTR_LIST_EVENT = re.compile(r"\{[^}\n]*\bon[a-z]+\s*=", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"\b(?:javascript|vbscript|livescript)\s*:", re.IGNORECASE)
_DATA_URL = re.compile(
    r"(?:\]\(\s*<?|=\s*[\"']?|<|^\s*\[[^\]]*\]:\s*<?)\s*data\s*:", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_RAW_FORMAT = re.compile(r"\{=[a-z0-9_+-]+\}", re.IGNORECASE)
_TEX_COMMAND = re.compile(r"\\(input|include|write18|immediate|openin|openout|read|"
                          r"catcode|usepackage|def)\b")

# Raw HTML entries may use: what the built pages' check allows in a page's content,
# but for the elements only hpkb's own templates write there (its search form, its
# no-script note, the page's <article> itself).
ENTRY_TAGS = ALLOWED_TAGS - {"form", "label", "input", "button", "noscript", "select",
                             "option", "article"}
# Named as such in findings: elements that run code, load content or take input.
_DANGEROUS = frozenset({
    "script", "iframe", "style", "object", "embed", "frame", "frameset", "applet", "base",
    "form", "input", "button", "meta", "link", "svg", "math", "template", "noscript",
    "textarea", "select", "option", "video", "audio", "source", "track", "picture", "portal",
    "image", "isindex", "keygen", "marquee", "xmp", "plaintext", "noembed", "noframes"})
# Python-Markdown's block-level elements (markdown.util.BLOCK_LEVEL_ELEMENTS, pinned in
# requirements.lock; tests/test_raw_html.py holds them equal): a line that starts with one
# (or with a comment, declaration or processing instruction) may start a raw HTML block,
# published whole, to the element's end, blank lines and code spans and all.
BLOCK_LEVEL = frozenset({
    "address", "article", "aside", "blockquote", "body", "canvas", "center", "colgroup", "dd",
    "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "group", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "iframe",
    "legend", "li", "main", "map", "math", "menu", "nav", "noscript", "object", "ol",
    "option", "output", "p", "pre", "progress", "script", "section", "style", "summary",
    "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul", "video"})
_RAW_BLOCK_START = re.compile(r" {0,3}<(?:[!?]|/?([A-Za-z][A-Za-z0-9]*))")
# A Markdown autolink, <https://…> or <name@host>, as only an address can be: no white
# space, quotes, `=`, backticks or backslashes (Python-Markdown takes more for one, but
# reads code spans and escapes first, and publishes some such as raw HTML).
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]*://[^<>\s\"'=`\\]*"
                       r"|[^<>\s!\"'=`\\/@]+@[^@<>\s\"'=`\\/]+)>")
_AUTOLINK_ADDRESS = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>")
_END_TAG = re.compile(r"</([A-Za-z][^\t\n\f\r />]*)")
_TICKS = re.compile(r"`+")
# What a browser drops from an address before reading it: ASCII controls and space.
_DROPPED = {code: None for code in range(0x21)}
# A link's or image's address: after the `](` that ends its text.
_DESTINATION = re.compile(r"\]\(")
# The start of an address that may hold a scheme or another host (white space dropped).
_SCHEME_OR_HOST = re.compile(r"<?(?:[A-Za-z][A-Za-z0-9+.\-\\]*:|[/\\])")
# A reference definition, also inside a block quote or a list item: its label and address.
_REFERENCE_DEFINITION = re.compile(
    r"^(?:[ \t]*+(?:>|[-*+]|\d{1,9}[.)])[ \t]*+)*+\[([^\[\]]*)\]:[ \t]*\n?[ \t]*(\S+)",
    re.MULTILINE)
# After an image's `]`: the label of the reference it takes its address from.
_IMAGE_REFERENCE = re.compile(r"[ \t]?\n?[ \t]*\[([^\[\]]*)\]")
# A character Python-Markdown escaped, as it leaves it until the page is written.
_ESCAPED = re.compile("\x02([0-9]+)\x03")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!])")
_BRACKETS = re.compile(r"\\[\s\S]|\n[ \t]*\n|!?\[|\]|`")
# A line that may nest lists, quotes or indentation past `MAX_NESTING`: twelve or more
# characters of markers and indentation before its text (searched for after a line feed
# written first, which the search finds fast).
_MAYBE_DEEP = re.compile(r"\n[ \t>*+\-\d.)!]{12}")

MAX_LINE_CHARS = 4000
MAX_BRACKET_RUN = 32


@dataclass(frozen=True)
class Reference:
    """An inline `[[ID]]` or `[[ID|text]]` reference, with its place in the file."""

    target: str
    text: str | None
    line: int
    column: int


def _prose_lines(body: str, body_line: int) -> Iterator[tuple[int, str, bool]]:
    """(file line, text, inside fenced code) for every body line."""
    fence: str | None = None
    for offset, text in enumerate(body.split("\n")):
        line = body_line + offset
        match = _FENCE.match(text)
        if fence is None and match:
            fence = match.group(1)[0] * len(match.group(1))
            yield line, text, False  # the opening line's info string still matters
            continue
        if fence is not None:
            if match and match.group(1).startswith(fence) and not match.group(2).strip():
                fence = None
            yield line, text, True
            continue
        yield line, text, False


def section_titles(body: str) -> list[str]:
    """The H2 headings outside code blocks, in order."""
    titles: list[str] = []
    for _, text, in_code in _prose_lines(body, 1):
        match = None if in_code else _H2.match(text)
        if match:
            titles.append(match.group(1).strip())
    return titles


def find_references(body: str, body_line: int) -> list[Reference]:
    """Every `[[…]]` reference outside code, with file positions."""
    if "[[" not in body:
        return []
    if "`" not in body and "~~~" not in body:
        # No code, fenced or in a span: found in the whole text at once (a reference
        # never spans lines), not line by line (validation looks at every entry's text).
        return [_reference(match, body_line + body.count("\n", 0, match.start()),
                           match.start() - body.rfind("\n", 0, match.start()))
                for match in REFERENCE.finditer(body)]
    return _references_by_line(body, body_line)


def _reference(match: re.Match[str], line: int, column: int) -> Reference:
    label = match.group(2)
    return Reference(match.group(1).strip(), label.strip() if label else None, line, column)


def _references_by_line(body: str, body_line: int) -> list[Reference]:
    refs: list[Reference] = []
    for line, text, in_code in _prose_lines(body, body_line):
        if in_code:
            continue
        prose = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
        refs += [_reference(match, line, match.start() + 1)
                 for match in REFERENCE.finditer(prose)]
    return refs


def published_lines(body: str, body_line: int, keep_internal: bool
                    ) -> Iterator[tuple[int, str]]:
    """(file line, text) of the body lines a profile publishes: `::: internal` passages
    kept (fences removed) or cut out. Assumes the fences balance (validation refuses a
    body where they do not)."""
    inside = False
    for line, text, in_code in _prose_lines(body, body_line):
        marker = text.strip()
        if not in_code and marker == _INTERNAL_OPEN:
            inside = True
            continue
        if not in_code and inside and marker == ":::":
            inside = False
            continue
        if inside and not keep_internal:
            continue
        yield line, text


def internal_passages(body: str) -> tuple[tuple[int, int], ...]:
    """Where the `::: internal` passages are in the body as a personal profile publishes
    it (`split_internal(body, True)`): (first line, line after the last), counted from 0.
    Assumes the fences balance, as `published_lines` does."""
    passages: list[tuple[int, int]] = []
    shown = 0
    start: int | None = None
    for _, text, in_code in _prose_lines(body, 1):
        marker = text.strip()
        if not in_code and start is None and marker == _INTERNAL_OPEN:
            start = shown
            continue
        if not in_code and start is not None and marker == ":::":
            passages.append((start, shown))
            start = None
            continue
        shown += 1
    return tuple(passages)


def split_internal(body: str, keep_internal: bool) -> str:
    """The body with `::: internal` passages kept (fences removed) or cut out."""
    return "\n".join(text for _, text in published_lines(body, 1, keep_internal))


def _fence_findings(file: str, body: str, body_line: int) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    open_line: int | None = None
    for line, text, in_code in _prose_lines(body, body_line):
        marker = text.strip()
        if in_code:
            continue
        if not marker.startswith(":::"):
            contained = _CONTAINED_FENCE.match(text)
            if contained:
                findings.append(error(
                    file, line, contained.start(1) + 1, "HP209",
                    f"`{contained.group(1).strip()}` inside a block quote or list item is not "
                    "a passage fence: the passage would be published",
                    "start the `::: internal` and `:::` lines at the beginning of a line, "
                    "outside quotes and lists (a passage may hold a quote or a list)"))
            continue
        if marker == _INTERNAL_OPEN:
            if open_line is not None:
                findings.append(error(file, line, 1, "HP209",
                                      f"`::: internal` opened at line {open_line} is not closed "
                                      "before this one opens",
                                      "add a line `:::` to close the first passage"))
            open_line = line
        elif marker == ":::":
            if open_line is None:
                findings.append(error(file, line, 1, "HP209",
                                      "closing `:::` without an opening `::: internal`",
                                      "remove it, or add `::: internal` where the passage starts"))
            open_line = None
        else:
            findings.append(error(file, line, 1, "HP209", f"unknown fence `{marker}`",
                                  "only `::: internal` … `:::` passages are supported"))
    if open_line is not None:
        findings.append(error(file, open_line, 1, "HP209", "`::: internal` passage is not closed",
                              "add a line `:::` where the internal passage ends"))
    return findings


# --- what each renderer sees of a body ----------------------------------------------------


@dataclass(slots=True)
class _Variant:
    """One published form of a body (internal passages kept, or cut out): its lines, the
    file line of each, which lines are code to every renderer (set aside, unread), and
    which code spans hide text from every renderer."""

    numbers: Sequence[int]
    lines: list[str]
    text: str
    code: list[bool]
    # The (start, end) columns of the code spans of each line that has some (by index);
    # None: code spans may not be trusted to hide anything in this form (`_certain_spans`).
    spans: dict[int, list[tuple[int, int]]] | None


def _variants(body: str, body_line: int) -> list[_Variant]:
    """The forms a body is published in: one, or with and without its internal passages
    (cutting a passage joins the lines around it, which may read differently)."""
    if _INTERNAL_OPEN not in body:
        lines = body.split("\n")
        forms: list[tuple[Sequence[int], list[str], str]] = [
            (range(body_line, body_line + len(lines)), lines, body)]
    else:
        forms = []
        for keep in (True, False):
            pairs = list(published_lines(body, body_line, keep))
            lines = [text for _, text in pairs]
            forms.append(([number for number, _ in pairs], lines, "\n".join(lines)))
        if forms[0][0] == forms[1][0]:
            forms.pop()
    variants = []
    for numbers, lines, text in forms:
        fenced = ("`" in text and "```" in text) or ("~" in text and "~~~" in text)
        code, site = _code_lines(lines) if fenced else ([False] * len(lines), [])
        spans = _certain_spans(lines, site or code) if "`" in text else {}
        variants.append(_Variant(numbers, lines, text, code, spans))
    return variants


def _code_lines(lines: list[str]) -> tuple[list[bool], list[bool]]:
    """Lines inside a fenced code block both as Python-Markdown finds them (the site:
    a fence at the line's start, closed by the same fence) and as `_prose_lines` does
    (the packs' Pandoc: closed by a fence at least as long): only these are never read
    as Markdown or HTML by either. And the lines of the site's blocks, fences and all."""
    code = [False] * len(lines)
    site = [False] * len(lines)
    if not any(text.startswith(("```", "~~~")) for text in lines):
        return code, site
    text = "\n".join(lines)
    pandoc = [in_code for _, _, in_code in _prose_lines(text, 0)]
    for first, last in _site_fences(lines):
        for index in range(first, last + 1):
            code[index] = pandoc[index]
            site[index] = True
    return code, site


def _site_fences(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, last) line of each fenced code block Python-Markdown's fenced_code sets
    aside, found with its own expression, as its preprocessor does."""
    from markdown.extensions.attr_list import get_attrs_and_remainder
    from markdown.extensions.fenced_code import FencedBlockPreprocessor

    # Python-Markdown's whitespace normalising first: tabs expanded, blank lines emptied.
    text = "\n".join("" if not line.strip(" \t") else line.expandtabs(4) for line in lines)
    text += "\n\n"
    starts = [0]
    starts += [found.end() for found in re.finditer("\n", text)]
    index = 0
    while True:
        found = FencedBlockPreprocessor.FENCED_BLOCK_RE.search(text, index)
        if found is None:
            return
        if found.group("attrs") and get_attrs_and_remainder(found.group("attrs"))[1]:
            index = found.end("attrs")  # braces that do not close: not a fence
            continue
        yield bisect_right(starts, found.start()) - 1, bisect_right(starts, found.end() - 1) - 1
        index = found.end()


def _certain_spans(lines: list[str], fenced: list[bool]
                   ) -> dict[int, list[tuple[int, int]]] | None:
    """The code spans of each line (by index) when every renderer surely makes them
    there: every run of backticks is one backtick, each line pairs its own, no backtick is
    escaped, and no line with code holds a reference (its link text may bring backticks);
    ``fenced`` marks the lines of the site's fenced code blocks, fences and all.
    Else None: text between backticks is checked like any other. None either from the
    first line that may start a raw HTML block on (published whole, code spans and all)."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for index, text in enumerate(lines):
        if fenced[index]:  # the site's fenced code (where code spans are not made)
            continue
        if "<" in text and _raw_block_start(text):
            break  # from a raw HTML block on, code spans may be published as they are
        if "`" not in text:
            continue
        ticks = [found.start() for found in _TICKS.finditer(text)]
        if ("\\`" in text or "``" in text or "[[" in text or len(ticks) % 2
                or _FENCE.match(text)):
            return None
        spans[index] = [(ticks[at], ticks[at + 1] + 1) for at in range(0, len(ticks), 2)]
    return spans


def _raw_block_start(text: str) -> bool:
    """Whether a line may start a raw HTML block (or continue one after its end tag)."""
    found = _RAW_BLOCK_START.match(text)
    return found is not None and (found.group(1) is None or found.group(1).lower() in
                                  BLOCK_LEVEL)


def _masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with its code spans blanked (columns kept)."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


# --- the checks -----------------------------------------------------------------------------


def _limit_findings(file: str, line: int, text: str) -> list[Diagnostic]:
    if len(text) > MAX_LINE_CHARS:
        return [error(file, line, MAX_LINE_CHARS, "HP407",
                      f"line is {len(text):,} characters; the limit is {MAX_LINE_CHARS:,}",
                      "break the paragraph into shorter lines")]
    if "[" * MAX_BRACKET_RUN in text:
        return [error(file, line, text.index("[" * MAX_BRACKET_RUN) + 1, "HP407",
                      f"run of {MAX_BRACKET_RUN} or more `[` characters",
                      "remove the repeated brackets")]
    return []


def _unsafe_findings(file: str, line: int, text: str, masked: str) -> list[Diagnostic]:
    """Unsafe text in one line: ``masked`` is the line with what every renderer reads as
    code blanked (for the site's checks); the packs' checks blank code spans as Pandoc
    finds them."""
    pandoc = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    # Entities decoded and whitespace/control characters dropped, as a browser reads a URL.
    decoded = _INVISIBLE.sub("", html.unescape(masked))
    checks: list[tuple[re.Pattern[str], str, str, str, str]] = [
        (_ATTR_LIST_EVENT, pandoc, "HP404", "attribute list with an event handler",
         "remove the `{ on…= }` attribute list"),
        (_SCRIPT_URL, decoded, "HP403", "script URL (javascript:, vbscript:)",
         "link to an http(s) address or another entry instead"),
        (_DATA_URL, decoded, "HP403", "data: URL",
         "link to an http(s) address; embedded data URLs are not allowed"),
        (_RAW_FORMAT, pandoc, "HP406", "raw output-format block ({=latex}, {=typst}, {=html})",
         "remove it; entries are plain Markdown"),
        (_TEX_COMMAND, pandoc, "HP406", "LaTeX command that reads or writes files",
         "remove it; entries are plain Markdown"),
    ]
    findings: list[Diagnostic] = []
    for pattern, subject, code, message, hint in checks:
        match = pattern.search(subject)
        if match:
            findings.append(error(file, line, match.start() + 1, code, message, hint))
    for prose in dict.fromkeys((masked, pandoc)):
        for image in _IMAGE.finditer(prose):
            target = image.group(1)
            if target.startswith(("/", "\\", "~")) or ".." in target or ":" in target:
                findings.append(_image_finding(file, line, image.start() + 1, target))
    return findings


def _image_finding(file: str, line: int, column: int, target: str) -> Diagnostic:
    return error(file, line, column, "HP408",
                 f"image path `{target[:60]}` points outside the repository",
                 "use a path inside the repository, or leave the image out")


def _url_problem(value: str, fetched: bool) -> str | None:
    """Why an address may not be published (None: it may): read as a browser and the
    built pages' check read it (controls and white space dropped, `\\` as `/`), it has a
    scheme other than http, https and mailto; or, fetched by the page (an image), any
    scheme or another host at all."""
    address = "".join(value.translate(_DROPPED).split()).replace("\\", "/")
    try:
        scheme = urlsplit(address.lower()).scheme
    except ValueError:
        return "an address no browser can read"
    if scheme not in SAFE_SCHEMES:
        return f"a `{scheme}:` address"
    if fetched and (scheme or address.startswith("//")):
        return _ELSEWHERE
    return None


_ELSEWHERE = "an address on another site"


def _html_findings(file: str, variant: _Variant, text: str, raw_from: int
                   ) -> list[Diagnostic]:
    """Raw HTML read as a browser reads it (hpkb.check.html_tokens): only the elements,
    attributes and addresses the built pages' check allows entries."""
    starts = [0]
    starts += [found.end() for found in re.finditer("\n", text)]

    def where(position: int) -> tuple[int, int]:
        index = bisect_right(starts, position) - 1
        return variant.numbers[index], position - starts[index] + 1

    findings: list[Diagnostic] = []

    def report(position: int, code: str, message: str, hint: str) -> None:
        findings.append(error(file, *where(position), code, message, hint))

    found, complete = markup(text, LIMIT_NS // 200)
    closes = [close.start() for close in re.finditer(">", text)]
    inside_end = last = -1
    for token in found:
        if last < token.start < inside_end:  # (a second reading of one tag starts with it)
            report(token.start, "HP401", "HTML markup inside another tag",
                   "write `&lt;` for a `<` inside an attribute's value")
        if isinstance(token, Markup):
            report(token.start, "HP405",
                   "HTML comment: comments are published in the page source"
                   if text.startswith("<!--", token.start) else
                   "HTML comment, declaration or processing instruction (`<!`, `<?`, `</ `)",
                   "delete it, or put the note in a `::: internal` passage")
            continue
        if _AUTOLINK.match(text, token.start):
            if token.start < raw_from:
                continue  # a Markdown autolink, <https://…> or <name@host>: its address is checked
            report(token.start, "HP401", "autolink after the start of a raw HTML block: it "
                   "may be published as it is, an element a browser cannot read",
                   "write it as a Markdown link, [text](address), or move it above the HTML")
            continue
        inside_end, last = max(inside_end, token.end), token.start
        _tag_findings(token, report)
        # What Python-Markdown reads before inline HTML (code spans, escapes, links; a
        # line's block markers) changes a tag that holds it; a browser then reads another.
        if "\n" in text[token.start:token.end]:
            report(token.start, "HP401", f"HTML tag <{token.name[:40]} spread over more "
                   "than one line", "write the tag on one line")
        elif any(mark in variant.text[token.start:token.end] for mark in "`\\[]"):
            report(token.start, "HP401", f"backtick, backslash or square bracket inside the "
                   f"HTML tag <{token.name[:40]}>", "write the tag without them, or write "
                   "the text in Markdown")
    if not complete:
        report(found[-1].start, "HP407", "too much HTML to check: tags inside one another's "
               "attributes over and over", "write `&lt;` for a `<` shown as text")
    for closing in _END_TAG.finditer(text):
        name = closing.group(1).lower()
        if name not in ENTRY_TAGS:
            report(closing.start(), "HP401", f"raw HTML end tag </{name}>",
                   "remove the HTML; write the text in Markdown")
        if bisect_left(closes, closing.end()) == len(closes):
            report(closing.start(), "HP401", f"HTML end tag </{name} is never closed with `>`",
                   "end the tag with `>`, or write `&lt;` for a `<` shown as text")
    return findings


def _tag_findings(tag: Tag, report: Callable[[int, str, str, str], None]) -> None:
    """One finding per kind of problem with a start tag (a tag may have very many)."""
    if tag.name not in ENTRY_TAGS:
        report(tag.start, "HP401", f"raw HTML element <{tag.name[:40]}>" + (
            " that can run code or load content" if tag.name in _DANGEROUS else
            " that entries may not use"), "remove the HTML; write the text in Markdown")
    if not tag.text.endswith(">", tag.start, tag.end):
        report(tag.start, "HP401", f"HTML tag <{tag.name[:40]} is never closed with `>`: it "
               "would swallow the page after it",
               "end the tag with `>`, or write `&lt;` for a `<` shown as text")
    for attribute in tag.attributes():
        name = attribute.name
        problem = _attribute_problem(tag.name, name, attribute.value)
        if problem is not None:
            # One finding a tag: a tag may hold very many attributes, all of them refused.
            code, message, hint = problem
            report(tag.start, code, message, hint)
            return


def _attribute_problem(tag: str, name: str, value: str | None) -> tuple[str, str, str] | None:
    """(code, message, hint) for an attribute entries may not have, else None."""
    if name.startswith("on"):
        return ("HP402", f"HTML event-handler attribute `{name[:40]}` on <{tag[:40]}>",
                "remove the attribute; entries cannot carry scripts")
    if name not in ALLOWED_ATTRIBUTES and not name.startswith(("aria-", "data-")):
        return ("HP402", f"HTML attribute `{name[:40]}` on <{tag[:40]}> that entries may not "
                "use", "remove the attribute")
    if name not in URL_ATTRIBUTES or value is None:
        return None
    problem = _url_problem(value, fetched=name != "href")
    shown = value[:60]
    if name == "src" and (problem == _ELSEWHERE or (problem is None and (
            shown.startswith(("/", "\\", "~")) or ".." in value))):
        return ("HP408", f"image path `{shown}` points outside the repository",
                "use a path inside the repository, or leave the image out")
    if problem is not None:
        return ("HP403", f"{problem[0].upper()}{problem[1:]} in {name}: `{shown}`",
                "link to an http(s) address or another entry instead")
    return None


def _link_findings(file: str, variant: _Variant, text: str) -> list[Diagnostic]:
    """Markdown link, image, reference and autolink addresses, read as the site reads
    them: only http, https and mailto addresses; images from the repository only."""
    starts = [0]
    starts += [found.end() for found in re.finditer("\n", text)]
    findings: list[Diagnostic] = []

    def report(position: int, code: str, message: str, hint: str) -> None:
        index = bisect_right(starts, position) - 1
        findings.append(error(file, variant.numbers[index], position - starts[index] + 1,
                              code, message, hint))

    images = _image_brackets(text, certain=variant.spans is not None)
    for found in _DESTINATION.finditer(text):
        close = found.start()
        if close not in images and not _SCHEME_OR_HOST.match("".join(
                html.unescape(text[close + 2:close + 200]).translate(_DROPPED).split())):
            continue  # a link to a path: nothing a browser reads as a scheme or a host
        address = _address_at(text, close + 1)
        if address is None:
            continue
        problem = _url_problem(address, fetched=close in images)
        if close in images and (problem is not None or address.startswith(("/", "\\", "~"))
                                or ".." in address):
            report(close, "HP408", f"image path `{address[:60]}` points outside the "
                   "repository", "use a path inside the repository, or leave the image out")
        elif problem is not None:
            report(close + 2, "HP403", f"link to {problem}: `{address[:60]}`",
                   "link to an http(s) address or another entry instead")
    remote: set[str] = set()
    for found in _REFERENCE_DEFINITION.finditer(text):
        address = html.unescape(found.group(2)).lstrip("<").rstrip(">")
        if _url_problem(address, fetched=True) is not None:
            remote.add(" ".join(found.group(1).lower().split()))
        problem = _url_problem(address, fetched=False)
        if problem is not None:
            report(found.start(2), "HP403", f"reference to {problem}: `{address[:60]}`",
                   "link to an http(s) address or another entry instead")
    if remote:
        for close in images:
            after = _IMAGE_REFERENCE.match(text, close + 1)
            label = after.group(1) if after and after.group(1) else _label_before(text, close)
            if label is None or " ".join(label.lower().split()) in remote:
                report(close, "HP408", "image from a reference to an address outside the "
                       "repository", "use a path inside the repository, or leave the image out")
    for found in _AUTOLINK_ADDRESS.finditer(text):
        problem = _url_problem(found.group(1), fetched=False)
        if problem is not None:
            report(found.start(), "HP403", f"link to {problem}: `{found.group(1)[:60]}`",
                   "link to an http(s) address or another entry instead")
    return findings


def _address_at(text: str, start: int) -> str | None:
    """The address of the link or image whose `(` is at ``start``, as Python-Markdown reads
    it (its own `getLink`, to the paragraph's end at most, escaped characters set aside as
    it sets them aside), entities read; None when Python-Markdown makes no link there."""
    last = text.find("\n\n", start)
    rest = text[start:len(text) if last < 0 else last]
    # Most links end soon: the first thousand characters are read first.
    for window in (rest[:1000], rest):
        data = _ESCAPE.sub(lambda found: f"\x02{ord(found.group(1))}\x03", window)
        href, _, end, handled = _link_reader().getLink(data, 0)
        if end < len(data) - 1 or window is rest:
            break
    if not handled:
        return None
    return html.unescape(_ESCAPED.sub(lambda found: chr(int(found.group(1))), href))


@functools.cache
def _link_reader() -> Any:
    """Python-Markdown's link pattern (its `getLink` reads a link's address and title),
    in an instance without the inline pass: nothing is stashed, so an address is read
    as it stands (escaped characters are set aside here first, `_address_at`)."""
    import markdown
    from markdown.inlinepatterns import LINK_RE, LinkInlineProcessor

    md = markdown.Markdown()
    md.treeprocessors.deregister("inline")
    return LinkInlineProcessor(LINK_RE, md)


def _image_brackets(text: str, certain: bool) -> set[int]:
    """Positions of the `]` that may close an image's `![` (a paragraph at a time, as
    Python-Markdown matches brackets: escaped ones aside, nesting counted). Where code
    spans are not ``certain`` and a paragraph has a backtick (a bracket in code is not
    one), every `]` after an `![` in the paragraph."""
    closes: set[int] = set()
    stack: list[bool] = []
    unsure = seen_image = False
    for found in _BRACKETS.finditer(text):
        token = found.group()
        if token.startswith("\\"):
            continue
        if token.startswith("\n"):  # a blank line: a new paragraph
            stack = []
            unsure = seen_image = False
        elif token == "`":
            unsure = not certain
        elif token.endswith("["):
            stack.append(token == "![")
            seen_image = seen_image or token == "!["
        elif (stack and stack.pop()) or (unsure and seen_image):
            closes.add(found.start())
    return closes


def _label_before(text: str, close: int) -> str | None:
    """An image's alt text, the label of a short reference `![label]` (None: unknown)."""
    opening = text.rfind("![", 0, close)
    label = text[opening + 2:close] if opening >= 0 else None
    return None if label is None or "[" in label or "]" in label else label


def _variant_findings(file: str, variant: _Variant) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    lines, code, body = variant.lines, variant.code, variant.text
    bound = _bound_findings(file, variant)
    findings += bound
    masked_lines = lines
    if variant.spans or any(code):
        masked_lines = [" " * len(text) if code[index] else
                        _masked(text, variant.spans.get(index, ())) if variant.spans else text
                        for index, text in enumerate(lines)]
    if _needs_line_checks(body):
        for index, text in enumerate(lines):
            line = variant.numbers[index]
            limits = _limit_findings(file, line, text)
            if limits:
                findings.extend(limits)
                continue
            match = _FENCE.match(text)
            if match and _RAW_FORMAT.search(match.group(2)):
                findings.append(error(file, line, 1, "HP406",
                                      "raw output-format code block ({=latex}, {=typst}, {=html})",
                                      "remove the `{=…}` marker; entries are plain Markdown"))
                continue
            if not code[index]:
                findings.extend(_unsafe_findings(file, line, text, masked_lines[index]))
    if any(finding.message.startswith(_TOO_COSTLY) for finding in bound):
        return findings  # its HTML and links are read once it is fixed (reading them may be slow)
    masked = "\n".join(masked_lines) if masked_lines is not lines else body
    if "<" in masked:
        # Where raw HTML blocks may begin: after it, an autolink may be published as it is.
        raw_from = next((sum(len(line) + 1 for line in lines[:index])
                         for index, text in enumerate(lines)
                         if not code[index] and "<" in text and _raw_block_start(text)),
                        len(masked) + 1)
        findings += _html_findings(file, variant, masked, raw_from)
    if "<" in masked or ("]" in masked and ("](" in masked or "]:" in masked)):
        findings += _link_findings(file, variant, masked)
    return findings


def _bound_findings(file: str, variant: _Variant) -> list[Diagnostic]:
    """HP407 when Python-Markdown would take too long over the body or nest too deep."""
    findings: list[Diagnostic] = []
    lines, code, body = variant.lines, variant.code, variant.text
    counts = {c: body.count(c) if c in body else 0 for c in "[<`|"}
    if _rough_cost(body, len(lines), counts) > LIMIT_NS:
        cost = estimate(lines, code)
        if cost.total > LIMIT_NS:
            findings.append(error(file, variant.numbers[cost.line], 1, "HP407",
                                  f"{_TOO_COSTLY}: {cost.what}", cost.hint))
    if _MAYBE_DEEP.search(body) or _MAYBE_DEEP.match("\n" + body[:12]) or (
            sum(body.count(c) for c in "*_" if c in body) + counts["["] > MAX_INLINE_NESTING):
        for deep in nesting(lines, code):
            line = variant.numbers[deep.line]
            if deep.inline:
                findings.append(error(
                    file, line, 1, "HP407",
                    f"emphasis and links nested up to {deep.depth} deep in this paragraph; "
                    f"the limit is {MAX_INLINE_NESTING}",
                    "close each `*`, `_` and `[` you open, or write `\\*`, `\\_` or `\\[` "
                    "for one shown as text"))
            else:
                findings.append(error(
                    file, line, 1, "HP407",
                    f"lists, block quotes and indentation nested {deep.depth} deep; the limit "
                    f"is {MAX_NESTING}", f"nest lists and quotes at most {MAX_NESTING} deep"))
    return findings


_TOO_COSTLY = "Markdown too costly to render"


def _rough_cost(body: str, lines: int, counts: dict[str, int]) -> float:
    """A quick upper bound on `check.render_cost.estimate`, from the body's size, its number of
    lines and ``counts`` of `[`, `<`, backticks and `|`: each `[`, `<` and backtick read to
    the body's end (grown by every placeholder a match may leave: at most 13 characters
    for each character, and by the link each `[[ID]]` becomes: at most 300), each line a
    heading, a splitting line and a fence, each line and cell an element, and every
    character a trigger of inline patterns. When that passes the limit, the same with the
    triggers counted."""
    references = body.count("[[") if counts["["] else 0
    size = len(body) + 1 + 300 * references
    rest = ((lines + 14) * (800 * lines + 60 * size) + 20 * size * lines
            + 102 * lines * lines + 60_000 * (lines + counts["|"]) + 500 * size
            + 200 * size * counts["`"])
    opening = counts["["] + counts["<"]
    rough = 1430 * 14 * size * opening + 3 * size * size + rest
    if rough <= LIMIT_NS:
        return float(rough)
    triggers = sum(body.count(c) for c in "`\\[<&*_") + body.count("  \n") + 240 * references
    return float(1430 * (size + 13 * triggers) * opening + 3 * triggers * size + rest)


# Quick whole-body screens: most bodies are plain prose, and one search over the text
# lets them skip the line-by-line checks below (which find the exact place).
_SCHEME = re.compile(r"(?:script|data)\s*:")


def _needs_line_checks(body: str) -> bool:
    if any(mark in body for mark in "<{\\&>") or ("!" in body and "![" in body):
        return True  # possible HTML, attribute lists, TeX, entities or deep quotes
    if ":" in body and _SCHEME.search("".join(body.lower().split())):
        return True  # whitespace removed: browsers ignore tabs and newlines inside a scheme
    if "[" in body and "[" * MAX_BRACKET_RUN in body:
        return True
    return max(map(len, body.split("\n")), default=0) > MAX_LINE_CHARS


def body_findings(file: str, body: str, body_line: int) -> list[Diagnostic]:
    """Unsafe HTML and addresses, raw format blocks, unbalanced or misplaced fences, and
    text too costly or too deeply nested to render."""
    findings = _fence_findings(file, body, body_line) if ":::" in body else []
    if "[[" in body:
        findings += _malformed_references(file, body, body_line)
    for variant in _variants(body, body_line):
        findings += _variant_findings(file, variant)
    unique: dict[tuple[int, int, str, str], Diagnostic] = {}
    for finding in findings:
        unique.setdefault((finding.line, finding.column, finding.code, finding.message),
                          finding)
    return list(unique.values())


def _malformed_references(file: str, body: str, body_line: int) -> list[Diagnostic]:
    return [error(file, ref.line, ref.column, "HP304",
                  f"reference [[{ref.target}]] is not an entry id",
                  "write [[RD-2024-007]] or [[RD-2024-007|link text]]")
            for ref in find_references(body, body_line) if not _ENTRY_ID.match(ref.target)]


def is_entry_id(text: str) -> bool:
    return bool(_ENTRY_ID.match(text))

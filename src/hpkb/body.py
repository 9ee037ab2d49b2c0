"""Reading an entry's Markdown body: sections, internal passages, references, and the
rules that keep unsafe or unbounded text out of every renderer.

Everything here is pure: text in, values or findings out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from hpkb.diagnostics import Diagnostic, error

__all__ = [
    "REFERENCE",
    "Reference",
    "body_findings",
    "find_references",
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

_DANGEROUS_TAG = re.compile(
    r"<\s*/?\s*(script|iframe|style|object|embed|frame|frameset|applet|base|form|input|"
    r"button|meta|link|svg|math|template|noscript)\b", re.IGNORECASE)
_EVENT_ATTR = re.compile(r"<[a-z!/][^>]*?\son[a-z]+\s*=", re.IGNORECASE)
_ATTR_LIST_EVENT = re.compile(r"\{[^}\n]*\bon[a-z]+\s*=", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"\b(?:javascript|vbscript|livescript)\s*:", re.IGNORECASE)
_DATA_URL = re.compile(
    r"(?:\]\(\s*<?|=\s*[\"']?|<|^\s*\[[^\]]*\]:\s*<?)\s*data\s*:", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_RAW_FORMAT = re.compile(r"\{=[a-z0-9_+-]+\}", re.IGNORECASE)
_TEX_COMMAND = re.compile(r"\\(input|include|write18|immediate|openin|openout|read|"
                          r"catcode|usepackage|def)\b")

MAX_LINE_CHARS = 4000
MAX_BRACKET_RUN = 32
MAX_QUOTE_DEPTH = 12


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


def split_internal(body: str, keep_internal: bool) -> str:
    """The body with `::: internal` passages kept (fences removed) or cut out."""
    return "\n".join(text for _, text in published_lines(body, 1, keep_internal))


def _fence_findings(file: str, body: str, body_line: int) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    open_line: int | None = None
    for line, text, in_code in _prose_lines(body, body_line):
        marker = text.strip()
        if in_code or not marker.startswith(":::"):
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


def _unsafe_findings(file: str, line: int, text: str) -> list[Diagnostic]:
    prose = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    # Entities decoded and whitespace/control characters dropped, as a browser reads a URL.
    decoded = _INVISIBLE.sub("", html.unescape(prose))
    checks: list[tuple[re.Pattern[str], str, str, str, str]] = [
        (_DANGEROUS_TAG, prose, "HP401", "raw HTML element that can run code or load content",
         "remove the HTML; write the text in Markdown"),
        (_EVENT_ATTR, prose, "HP402", "HTML event-handler attribute (on…=)",
         "remove the attribute; entries cannot carry scripts"),
        (_ATTR_LIST_EVENT, prose, "HP404", "attribute list with an event handler",
         "remove the `{ on…= }` attribute list"),
        (_SCRIPT_URL, decoded, "HP403", "script URL (javascript:, vbscript:)",
         "link to an http(s) address or another entry instead"),
        (_DATA_URL, decoded, "HP403", "data: URL",
         "link to an http(s) address; embedded data URLs are not allowed"),
        (_RAW_FORMAT, prose, "HP406", "raw output-format block ({=latex}, {=typst}, {=html})",
         "remove it; entries are plain Markdown"),
        (_TEX_COMMAND, prose, "HP406", "LaTeX command that reads or writes files",
         "remove it; entries are plain Markdown"),
    ]
    findings: list[Diagnostic] = []
    for pattern, subject, code, message, hint in checks:
        match = pattern.search(subject)
        if match:
            findings.append(error(file, line, match.start() + 1, code, message, hint))
    for image in _IMAGE.finditer(prose):
        target = image.group(1)
        if target.startswith(("/", "\\", "~")) or ".." in target or ":" in target:
            findings.append(error(file, line, image.start() + 1, "HP408",
                                  f"image path `{target}` points outside the repository",
                                  "use a path inside the repository, or leave the image out"))
    if "<!--" in prose:
        findings.append(error(file, line, prose.index("<!--") + 1, "HP405",
                              "HTML comment: comments are published in the page source",
                              "delete it, or put the note in a `::: internal` passage"))
    return findings


def _limit_findings(file: str, line: int, text: str) -> list[Diagnostic]:
    if len(text) > MAX_LINE_CHARS:
        return [error(file, line, MAX_LINE_CHARS, "HP407",
                      f"line is {len(text):,} characters; the limit is {MAX_LINE_CHARS:,}",
                      "break the paragraph into shorter lines")]
    if "[" * MAX_BRACKET_RUN in text:
        return [error(file, line, text.index("[" * MAX_BRACKET_RUN) + 1, "HP407",
                      f"run of {MAX_BRACKET_RUN} or more `[` characters",
                      "remove the repeated brackets")]
    stripped = text.replace(" ", "")
    depth = len(stripped) - len(stripped.lstrip(">"))
    if depth > MAX_QUOTE_DEPTH:
        return [error(file, line, 1, "HP407", f"quotes nested {depth} deep",
                      f"nest block quotes at most {MAX_QUOTE_DEPTH} deep")]
    return []


# Quick whole-body screens: most bodies are plain prose, and one search over the text
# lets them skip the line-by-line checks below (which find the exact place).
_SCHEME = re.compile(r"(?:script|data)\s*:")


def _needs_line_checks(body: str) -> bool:
    if any(mark in body for mark in ("<", "{", "\\", "&", ">", "![")):
        return True  # possible HTML, attribute lists, TeX, entities or deep quotes
    if ":" in body and _SCHEME.search("".join(body.lower().split())):
        return True  # whitespace removed: browsers ignore tabs and newlines inside a scheme
    if "[" * MAX_BRACKET_RUN in body:
        return True
    return max(map(len, body.split("\n")), default=0) > MAX_LINE_CHARS


def body_findings(file: str, body: str, body_line: int) -> list[Diagnostic]:
    """Unsafe HTML, raw format blocks, unbalanced fences and unbounded text."""
    findings = _fence_findings(file, body, body_line) if ":::" in body else []
    if "[[" in body:
        findings += _malformed_references(file, body, body_line)
    if not _needs_line_checks(body):
        return findings
    for line, text, in_code in _prose_lines(body, body_line):
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
        if not in_code:
            findings.extend(_unsafe_findings(file, line, text))
    return findings


def _malformed_references(file: str, body: str, body_line: int) -> list[Diagnostic]:
    return [error(file, ref.line, ref.column, "HP304",
                  f"reference [[{ref.target}]] is not an entry id",
                  "write [[RD-2024-007]] or [[RD-2024-007|link text]]")
            for ref in find_references(body, body_line) if not _ENTRY_ID.match(ref.target)]


def is_entry_id(text: str) -> bool:
    return bool(_ENTRY_ID.match(text))

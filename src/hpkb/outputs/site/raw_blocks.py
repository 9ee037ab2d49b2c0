"""A Python-Markdown extension for the generated site: HTML that hpkb's templates made
whole is put into the page as it is, not parsed again.

A template puts such HTML between two lines of their own, ``<!-- hpkb:html -->`` and
``<!-- /hpkb:html -->``. Python-Markdown would read raw HTML with its HTML parser (pure
Python, tag by tag), and Markdown lists in HTML need md_in_html, whose parser reads every
page: the link lists of entry pages would take a large share of the site's Markdown
time that way.
Here the lines between the markers are kept aside whole, as Python-Markdown keeps a raw
HTML block it has parsed, and come back unchanged in the page; the marker lines
themselves are dropped. Anything between them is what a raw HTML block would be: the
built page's check (hpkb.outputs.site.html_check) reads it like the rest of the page.

Only whole lines match, after fenced code is set aside, so a marker shown in a code
block is shown, not acted on. An opening marker without its closing one is left alone.
"""

from __future__ import annotations

from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

__all__ = ["CLOSE", "OPEN", "RawBlocksExtension", "makeExtension"]

OPEN = "<!-- hpkb:html -->"
CLOSE = "<!-- /hpkb:html -->"


class _RawBlocks(Preprocessor):  # type: ignore[misc]
    def run(self, lines: list[str]) -> list[str]:
        if OPEN not in lines:
            return lines
        kept: list[str] = []
        at = 0
        while at < len(lines):
            end = _closing(lines, at) if lines[at] == OPEN else None
            if end is None:
                kept.append(lines[at])
                at += 1
                continue
            # A placeholder on a line of its own, as Python-Markdown's HTML block
            # preprocessor leaves one: the page gets the HTML back in its place.
            kept += ["", self.md.htmlStash.store("\n".join(lines[at + 1:end])), ""]
            at = end + 1
        return kept


def _closing(lines: list[str], start: int) -> int | None:
    try:
        return lines.index(CLOSE, start + 1)
    except ValueError:
        return None


class RawBlocksExtension(Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: Markdown) -> None:  # Python-Markdown's name
        # After fenced code (25) is set aside, before raw HTML (20) is parsed.
        md.preprocessors.register(_RawBlocks(md), "hpkb_raw_blocks", 22)


def makeExtension(**kwargs: Any) -> RawBlocksExtension:  # as Markdown finds it
    return RawBlocksExtension(**kwargs)

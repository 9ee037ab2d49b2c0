"""A Python-Markdown extension for the generated site: the same inline processing, with
each inline pattern tried only on text that holds what the pattern cannot match without.

Python-Markdown tries all fourteen of its inline patterns (each a regular-expression scan
and several Python calls) on every piece of text: every table cell, list item and
paragraph of every page. Most of that text has no backtick, bracket, angle bracket,
ampersand, asterisk or underscore, so most patterns cannot match it. Skipping a pattern
whose expression needs a character the text lacks gives exactly what trying it gives (a
pattern that finds nothing changes nothing), so every page's HTML is byte for byte what
plain Python-Markdown makes. Patterns this module does not know (another extension's)
are always tried.

MkDocs loads it by name from the generated mkdocs.yml (`hpkb.inline_gates`).
"""

from __future__ import annotations

import re
from typing import Any, cast

from markdown import Markdown, inlinepatterns, util
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor

__all__ = ["GatedInlineExtension", "gate_of", "makeExtension"]

# Each known expression of Python-Markdown and the text one of which it cannot match
# without (read from its source, pinned in requirements.lock).
_NEEDS: dict[str, tuple[str, ...]] = {
    inlinepatterns.BACKTICK_RE: ("`",),
    inlinepatterns.ESCAPE_RE: ("\\",),
    inlinepatterns.LINK_RE: ("[",),  # also REFERENCE_RE and the short references
    inlinepatterns.IMAGE_LINK_RE: ("![",),  # also IMAGE_REFERENCE_RE
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.HTML_RE: ("<",),
    inlinepatterns.ENTITY_RE: ("&",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),
}
# An emphasis processor's expression: its delimiters, each one character, as alternatives.
_DELIMITERS = re.compile(r"(?:\\?[^\\|])(?:\|\\?[^\\|])*")


def gate_of(pattern: Any) -> frozenset[str] | None:
    """What a text must hold (any one of) for ``pattern`` to match it; None when not
    known (the pattern is always tried)."""
    expression = getattr(pattern, "pattern", None)
    if not isinstance(pattern, inlinepatterns.InlineProcessor) or not isinstance(expression,
                                                                                 str):
        return None
    if expression in _NEEDS:
        return frozenset(_NEEDS[expression])
    if type(pattern).__name__ == "DelimiterProcessor" and _DELIMITERS.fullmatch(expression):
        return frozenset(part[-1] for part in expression.split("|"))
    return None


class _GatedInlineProcessor(InlineProcessor):  # type: ignore[misc]
    """Python-Markdown's InlineProcessor with its per-text loop over the patterns
    (`__handleInline`, name-mangled) skipping the patterns that cannot match."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # The patterns in order, read once a page (extensions may add patterns after this
        # one is made; the registry sorts itself on every lookup by number).
        self._plan = [(pattern, gate_of(pattern)) for pattern in self.inlinePatterns]
        self._needles = sorted({needle for _, gate in self._plan for needle in gate or ()})
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        # Python-Markdown's loop (markdown.treeprocessors.InlineProcessor.__handleInline),
        # plus the gate; a skipped pattern leaves what a pattern that found nothing
        # leaves: the text as it was, the next pattern starting at its beginning.
        if isinstance(data, util.AtomicString):
            return cast(str, data)
        plan = self._plan
        apply = self._InlineProcessor__applyPattern
        # What the text holds when it comes in: a match only puts placeholders in (none
        # of these characters) and takes some out, so a pattern let through may find
        # nothing, but none kept out could have found something.
        holds = {needle for needle in self._needles if needle in data}
        start = 0
        while patternIndex < len(plan):
            pattern, gate = plan[patternIndex]
            if gate is not None and gate.isdisjoint(holds):
                patternIndex += 1
                start = 0
                continue
            data, matched, start = cast(tuple[str, bool, int],
                                        apply(pattern, data, patternIndex, start))
            if not matched:
                patternIndex += 1
        return data


class GatedInlineExtension(Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: Markdown) -> None:  # Python-Markdown's name
        md.treeprocessors.register(_GatedInlineProcessor(md), "inline", 20)


def makeExtension(**kwargs: Any) -> GatedInlineExtension:  # as Markdown finds it
    return GatedInlineExtension(**kwargs)

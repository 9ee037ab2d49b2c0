"""Find any of many literal strings (names, ids, titles) in one pass over a text.

The guard scans every output file for hundreds of hidden titles and ids and dozens of
names. An alternation of literals makes the regex engine try each one at every position,
and a case-insensitive one defeats its fast scanning, so a build's output took seconds
per pattern. A trie-shaped pattern over lower-cased text is one quick pass.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Literals"]

_WORD_CHAR = re.compile(r"[\w-]")


def _trie_regex(strings: Iterable[str]) -> str:
    trie: dict[str, Any] = {}
    for text in strings:
        node = trie
        for char in text:
            node = node.setdefault(char, {})
        node[""] = {}

    def chain(char: str, node: dict[str, Any]) -> str:
        # A run of single-child nodes is one literal: nesting grows only at branch points.
        run = [char]
        while len(node) == 1 and "" not in node:
            (char, node), = node.items()
            run.append(char)
        # Any run of white space matches a space (names wrap across lines).
        return re.escape("".join(run)).replace(r"\ ", r"\s+") + emit(node)

    def emit(node: dict[str, Any]) -> str:
        branches = [chain(char, child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # greedy: the longest match wins

    return emit(trie)


def _lowered(text: str) -> str:
    # U+0130 (İ) is the one character whose lower case is two characters; lowering it to
    # a plain i keeps every offset in the lowered text the same as in the original.
    return text.replace("\u0130", "i").lower()


def _compiled(strings: Iterable[str], tail: str) -> re.Pattern[str]:
    return _compiled_once(tuple(sorted(set(strings))), tail)


@functools.lru_cache(maxsize=32)
def _compiled_once(strings: tuple[str, ...], tail: str) -> re.Pattern[str]:
    # The guards look for the same hidden titles, ids and names build after build (in
    # `hpkb serve`, every preview): the pattern is built once.
    return re.compile(f"(?:{_trie_regex(strings)}){tail}")


# At most this many last words are looked for before the pattern (`_needles`): each
# costs about a thirtieth of the pattern's scan of a text without them.
_MAX_NEEDLES = 16


def _needles(strings: list[str]) -> tuple[str, ...] | None:
    """The strings' last words, when there are few: the guard's subject names end in a
    handful of surnames. Looking for each with `in` is much quicker than the pattern, and
    most files (pages, index segments) hold none, so the pattern never runs on them.
    None: no such words (a string of spaces), or too many to be quicker."""
    split = [text.split() for text in strings]
    if not all(split):
        return None
    last = sorted({words[-1] for words in split})
    return tuple(last) if len(last) <= _MAX_NEEDLES else None


def _collapsed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class Literals:
    """A compiled set of literal strings; ``finditer`` yields (offset, matched text).

    With ``heads``, ``pattern`` finds only the strings' first characters, and a string
    is matched whole where one of those is found (its pattern compiled then, once):
    a pattern of the first characters of hundreds of titles compiles far quicker than one
    of the whole titles, and a hidden title's opening words are rare in the output."""

    pattern: re.Pattern[str]
    words: bool
    fold: bool
    heads: dict[str, list[str]] | None = None  # collapsed first characters → strings
    tail: str = ""
    _whole: dict[str, re.Pattern[str]] = field(default_factory=dict)
    # Each string's last word (`_needles`): a text holding none of them holds no string.
    needles: tuple[str, ...] | None = None

    @classmethod
    def of(cls, strings: Iterable[str], *, words: bool = False, fold: bool = False,
           possessive: bool = False, head: int | None = None) -> Literals | None:
        """None when there is nothing to find. ``words``: whole words only (hyphens count
        as word characters); ``fold``: any case; ``possessive``: an apostrophe-s may
        follow; ``head``: find the strings by their first ``head`` characters first."""
        chosen = sorted({s.lower() if fold else s for s in strings if s})
        if not chosen:
            return None
        tail = (r"(?:['\u2019]s)?" if possessive else "") + (r"(?![\w-])" if words else "")
        if head is None:
            return cls(_compiled(chosen, tail), words, fold, needles=_needles(chosen))
        heads: dict[str, list[str]] = {}
        for text in chosen:
            heads.setdefault(_collapsed(text[:head]), []).append(text)
        return cls(_compiled({text[:head] for text in chosen}, ""), words, fold, heads, tail)

    def _match(self, haystack: str, start: int, found: str) -> int | None:
        """Where the whole string starting at ``start`` ends (its head was ``found``)."""
        if self.heads is None:
            return start + len(found)
        key = _collapsed(found)
        if key not in self._whole:
            # A shorter string may start here too, its head being the start of this one.
            self._whole[key] = _compiled([text for known, texts in self.heads.items()
                                          if key.startswith(known) for text in texts],
                                         self.tail)
        whole = self._whole[key].match(haystack, start)
        return whole.end() if whole is not None else None

    def finditer(self, text: str) -> Iterator[tuple[int, str]]:
        haystack = _lowered(text) if self.fold else text
        if self.needles is not None and not any(n in haystack for n in self.needles):
            return
        position = 0
        while (match := self.pattern.search(haystack, position)) is not None:
            start = match.start()
            end = self._match(haystack, start, match.group(0))
            # Checked here, not as a look-behind, which would stop the engine skipping
            # quickly to places where a first character matches.
            if end is None or (self.words and start > 0 and _WORD_CHAR.match(text, start - 1)):
                position = start + 1
                continue
            yield start, text[start:end]
            position = max(end, start + 1)

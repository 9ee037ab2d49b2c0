"""Raw HTML in entry text, read the way a browser reads it: every start tag with its
attributes, and every comment, declaration or processing instruction.

A tag is read from each `<` by the HTML standard's tokenizer rules (13.2.5: tag name,
attribute name and value states): attributes may be separated by `/` as well as by
white space, values may be unquoted, and character references in values are decoded.
Each tag is read a second time with every character Python counts as white space (no-break
space, vertical tab, …) as a separator too, as Python's HTML parser reads it (the built
pages' check, hpkb.outputs.site.html_check, uses that parser): what either reading finds
is reported.

Every `<` starts a reading, also one inside another tag's attribute value or inside a
comment, as the built pages' check reads them: nothing can hide inside a quoted value.
Text is never unescaped as a whole, so `&lt;` is text, not a tag.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape

__all__ = ["Attribute", "Markup", "Tag", "markup"]


@dataclass(frozen=True)
class Attribute:
    """An attribute as read: its name lower-cased, its value decoded (None: no value)."""

    name: str
    value: str | None


@dataclass(frozen=True)
class Tag:
    """A start tag at ``start``, read up to ``end`` (its `>`, or the text's end)."""

    name: str
    start: int
    end: int
    text: str = field(repr=False, compare=False)
    # Where its attributes are in ``text``, and which reading found them.
    attributes_at: tuple[int, int] = field(repr=False)
    reading: int = field(repr=False)

    def attributes(self) -> Iterator[Attribute]:
        """Its attributes in order (read when asked for: a tag may have very many)."""
        expression = _READERS[self.reading][1]
        for found in expression.finditer(self.text, *self.attributes_at):
            value = next((v for v in found.group(2, 3, 4) if v is not None), None)
            yield Attribute(found.group(1).lower(), None if value is None else unescape(value))


@dataclass(frozen=True)
class Markup:
    """A comment, declaration or processing instruction (`<!…`, `<?…`, `</` not followed
    by a letter) at ``start``: published in the page's source whatever it holds."""

    start: int
    end: int


def _reader(space: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Expressions for a whole start tag and for one of its attributes, with ``space`` (a
    character class's body) as the white space between attributes. Possessive: each
    tag is read once, left to right, never again from an earlier place."""
    tag = re.compile(rf"<([A-Za-z][^{space}/>]*+)((?:{_attribute(space, '(?:')})*+)"
                     rf"[{space}/]*+(?:>|\Z)")
    return tag, re.compile(_attribute(space, "("))


def _attribute(space: str, group: str) -> str:
    """One attribute; ``group`` opens the name's and the value's groups (capturing or
    not). Before the name: white space and slashes (a `/` not before `>` is passed
    over). The name: any first character but white space, `/` and `>` (`=` too, as an
    error). The value, after `=`: quoted (to the closing quote or the text's end) or
    unquoted."""
    value = (rf"[{space}]*+=[{space}]*+(?:\"{group}[^\"]*+)(?:\"|\Z)"
             rf"|'{group}[^']*+)(?:'|\Z)|{group}[^{space}>]*+))")
    return rf"[{space}/]*+{group}[^{space}/>][^{space}/>=]*+)(?:{value})?+"


# The standard's white space (carriage returns are line feeds by then), and Python's.
_READERS = (_reader(r"\t\n\f\r "), _reader(r"\s"))
_OPEN = re.compile(r"<(?:[A-Za-z]|[!?]|/(?![A-Za-z]))")
_OTHER_SPACE = re.compile(r"[^\S\t\n\f\r ]")


def markup(text: str, limit: int) -> tuple[list[Tag | Markup], bool]:
    """Every start tag (once for each different reading) and every comment-like markup in
    ``text``, in order of position; False when reading stopped early, having read more
    than ``limit`` characters in all (tags overlap when one is inside another's value)."""
    found: list[Tag | Markup] = []
    closes: list[int] | None = None
    # Where the white space the two readings differ on is (most texts have none).
    other = [space.start() for space in _OTHER_SPACE.finditer(text)]
    read = 0
    for opening in _OPEN.finditer(text):
        start = opening.start()
        if text[start + 1] in "!?/":
            if closes is None:  # where each `>` is, found once (not searched for each)
                closes = [close.start() for close in re.finditer(">", text)]
            after = bisect_left(closes, start)
            found.append(Markup(start, closes[after] + 1 if after < len(closes) else len(text)))
            continue
        for reading, (tag_re, _) in enumerate(_READERS):
            whole = tag_re.match(text, start)
            assert whole is not None  # `<` and a letter always begin a tag
            found.append(Tag(whole.group(1).lower(), start, whole.end(), text, whole.span(2),
                             reading))
            read += whole.end() - start
            if bisect_left(other, whole.end()) == bisect_left(other, start):
                break  # no white space the readings differ on: the second is the same
        if read > limit:
            return found, False
    return found, True

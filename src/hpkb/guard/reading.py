"""The reader's view of published text: the one form both publication guards match in.

A guard must find a name however it was disguised, by accident or on purpose: a curly
apostrophe from a word processor, an entity (`Cas&#116;row`), markup inside the word
(`Cas<span>trow</span>`, `C*astrow*`), an invisible character, or a look-alike letter
from another script (a Cyrillic a for the Latin one). `fold` and `visible` turn any text
into what a reader would take it to say, and the guards fold the names they look for the
same way. Newlines are kept by both, so a match's line is the line it was written on.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable

__all__ = ["fold", "plain", "readings", "visible"]

# Apostrophes and quotation marks a name's apostrophe may be written with.
_APOSTROPHES = "'\u2018\u2019\u201b\u02bc\u02b9\u02bb\u2032\u0060\u00b4\uff07"
# Hyphens and dashes.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Where Unicode's format characters (zero-width space and joiners, soft hyphen, BOM,
# bidirectional controls, tags) live, and the invisible characters of other categories:
# variation selectors, the combining grapheme joiner, Hangul and Khmer fillers.
_FORMAT_BLOCKS = ((0, 0x3000), (0xFE00, 0x10000), (0x11000, 0x14000), (0x1BC00, 0x1BD00),
                  (0x1D100, 0x1D200), (0xE0000, 0xE0100))
_INVISIBLE = frozenset(
    [code for start, end in _FORMAT_BLOCKS for code in range(start, end)
     if unicodedata.category(chr(code)) == "Cf"]
    + [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810),
       *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])


@functools.cache
def _table() -> dict[int, str | None]:
    """The mapping `fold` applies after NFKC and case folding: invisible characters
    dropped; apostrophes and dashes folded to `'` and `-`; letters that look like a Latin
    letter or digit mapped to it (Unicode's confusables data, as the
    confusable-homoglyphs package carries it). ASCII characters keep themselves."""
    from confusable_homoglyphs import confusables

    table: dict[int, str | None] = {}
    for character, homoglyphs in confusables.confusables_data.items():
        if len(character) != 1 or character.isascii() \
                or unicodedata.normalize("NFKC", character).casefold() != character:
            continue  # such letters are gone after NFKC and case folding
        for homoglyph in homoglyphs:
            latin = homoglyph["c"]
            if len(latin) == 1 and latin.isascii() and latin.isalnum():
                table[ord(character)] = latin.casefold()
                break
    table.update(dict.fromkeys(_INVISIBLE))
    table.update({ord(mark): "'" for mark in _APOSTROPHES})
    table.update({ord(mark): "-" for mark in _DASHES})
    return table


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _runs(text: str, change: Callable[[str], str]) -> str:
    """``text`` with each run of characters outside ASCII, and the character before it
    (a combining mark composes with its letter), replaced by ``change`` of it."""
    parts: list[str] = []
    last = 0
    for run in _NON_ASCII.finditer(text):
        begin = max(run.start() - 1, last)
        parts += [text[last:begin], change(text[begin:run.end()])]
        last = run.end()
    parts.append(text[last:])
    return "".join(parts)


def _fold_run(run: str) -> str:
    return unicodedata.normalize("NFKC", run).casefold().translate(_table())


def fold(text: str) -> str:
    """Text as the guards compare it: Unicode NFKC (fullwidth and other compatibility
    forms to their plain letters), case folded, invisible characters removed,
    apostrophes and dashes folded, look-alike letters mapped to the Latin skeleton."""
    # In ASCII, lower case is case folding; only runs of other characters (few, even in
    # Welsh or accented text) need the whole mapping.
    folded = text.lower().replace("`", "'")
    return folded if folded.isascii() else _runs(folded, _fold_run)


def _plain_run(run: str) -> str:
    text = unicodedata.normalize("NFKC", run)
    return "".join(character for character in text if ord(character) not in _INVISIBLE)


def plain(text: str) -> str:
    """Text in NFKC with invisible characters removed, case kept: what the personal-data
    rules read (a postcode's letters are capitals)."""
    return text if text.isascii() else _runs(text, _plain_run)


_TAG = re.compile(r"<[/!?]?[A-Za-z][^<>\n]*>")
_MULTILINE_TAG = re.compile(r"<[/!?]?[A-Za-z][^<>]*>|<!--.*?-->", re.S)
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_LINK_TARGET = re.compile(r"\]\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)|\]\[[^\]\n]*\]")
_MARKDOWN_MARKS = re.compile(r"[*_`~\\\[\]!]+")


def _keep_newlines(match: re.Match[str]) -> str:
    return "\n" * match.group(0).count("\n")


def _without_tags(text: str) -> str:
    text = _TAG.sub("", text)
    return _MULTILINE_TAG.sub(_keep_newlines, text) if "<" in text else text


def visible(text: str) -> str:
    """The words a reader sees in Markdown or HTML: tags and comments removed (their
    newlines kept), character references and JSON `\\u` escapes decoded, link targets
    and Markdown's emphasis, code and link marks removed, so a word split by markup reads
    whole again."""
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(lambda escape: chr(int(escape.group(1), 16)), text)
    text = _without_tags(text)
    if "&" in text:
        text = _without_tags(html.unescape(text))  # markup written as entities too
    return _MARKDOWN_MARKS.sub("", _LINK_TARGET.sub("", text))


def readings(text: str) -> tuple[str, str]:
    """Both forms a guard scans: the text as written (folded), and what a reader sees of
    it (folded). An attribute value shows in the first; a name split by markup or
    written with entities in the second."""
    return fold(text), fold(visible(text))

"""A bound on the work Python-Markdown does for an entry's body, worked out from the text
alone, so that validation refuses what would stall or crash the site's build.

Python-Markdown (with the site's extensions) spends more than linear time on a few
constructs, and recurses once or more per level of nesting:

- each `[` or `![` is read forward to its matching `]` (and a link's `(` to its `)`) by
  three inline patterns each, to the end of the paragraph when it does not close;
- each run of backticks is read forward to the next run of the same length;
- each `<` is read to the end of its tag by the HTML parsers (raw HTML, inline HTML, the
  built page's check);
- each inline match rebuilds the paragraph's text;
- a heading, rule, setext underline, reference definition or admonition inside a
  paragraph splits it, and what follows is tested again by every block processor;
- headings with one id are numbered one by one; blocks are taken off the front of a list;
- every list item, heading, paragraph and table cell is one pass of the inline patterns.

Each is counted here as an estimate of nanoseconds on the machine the weights were
measured on (an upper bound: every construct is charged the longest reading it can
get), and an entry whose estimate passes `LIMIT_NS` is refused (HP407), with the line of
the construct that costs most. Nesting is bounded apart (`MAX_NESTING`,
`MAX_INLINE_NESTING`), far below the depth that exhausts Python's stack.

An `[[ID]]` reference is counted as the longest link the site may write for it.
Everything inline is worked out per paragraph (lines between blank lines) or a part of
it that Python-Markdown surely reads apart (a heading, a list item): it never reads an
inline construct past a blank line, so a paragraph bounds every inline reading. Text
inside fenced code blocks (as Python-Markdown finds them) is set aside before any of it
is read, and is skipped here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hpkb.check.html_tokens import Markup, markup

__all__ = ["LIMIT_NS", "MAX_INLINE_NESTING", "MAX_NESTING", "Cost", "Nesting",
           "estimate", "nesting"]

# The estimate an entry may reach: about a second of Python-Markdown's time here.
LIMIT_NS = 1_000_000_000
# Lists, block quotes and indented blocks inside one another (Python-Markdown: three to
# five stack frames a level), and emphasis and links inside one another (one or two).
MAX_NESTING = 12
MAX_INLINE_NESTING = 32

# Nanoseconds per character read, measured with the site's extensions and rounded up
# (tests/test_hostile_markdown.py holds rendering under the bound's time).
_W_TEXT = 900  # a `[`'s reading to its `]`: three patterns in Python, and the link text again
_W_LINK = 300  # a link's `(` to its `)`
_W_REF = 30  # a reference's `[id]` (a regular expression)
_W_TICK = 200  # a backtick run to the next of its length (Python)
_W_TAG = 200  # a tag's reading (the HTML readers, regular expressions)
_W_REBUILD = 3  # each inline match copies the paragraph's text
_W_SPLIT_LINE = 800  # each time a paragraph is tested again: per line (the table test)
_W_SPLIT_CHAR = 60  # … and per character (several searches)
_W_FENCE = 20  # a fence's opening line read to the end of the text
_W_HEADING = 100  # a heading's id checked against each earlier one with the same id
_W_BLOCK = 2  # a block taken off the front of the list of blocks
_W_UNIT = 60_000  # one pass of the inline patterns, with its element's block parsing
_W_CHAR = 500  # every character, read by block and inline processing and serialised
# An inline match leaves a placeholder where it took text: an escape (`\\*`, two
# characters) four or five, a code span (two backticks at least) or a link (a `[` and
# three more) fourteen or fifteen. Text a later pattern reads may have grown by that much
# for each backslash, backtick and `[` in it.
_GROWTH = {"\\": 3, "`": 6, "[": 11}

_BLANK = re.compile(r"[ \t]*\Z")
_FENCE_LINE = re.compile(r"(?:`{3,}|~{3,})")
# Lines that make Python-Markdown split a paragraph and test the rest again: an ATX
# heading, a rule or setext underline, a reference definition (or what may begin one),
# an admonition.
_SPLITTER = re.compile(r"#|!!!| {0,3}(?:(?:[-*_] *){3,}|=+ *|-+ *)\Z"
                       r"| {0,3}\[(?:[^\]\n]*\]:|[^\]\n]*\Z)")
_HEADING = re.compile(r"#|(?:=+|-+) *\Z")
_RULE = re.compile(r" {0,3}(?:[-*_] *){3,}\Z")
# A list item's first line, as Python-Markdown's list processors find one in a list.
_ITEM = re.compile(r" {0,3}(?:[*+-]|\d+\.)[ \t]+")
_INLINE = re.compile(r"\\[\s\S]|!?\[|[\]()\"'<]")
_TICKS = re.compile(r"`+")
_DELIMITERS = re.compile(r"\\[\s\S]|\*+|_+|!?\[|\]")
_END_TAG = re.compile(r"</[A-Za-z]")
_CONTAINER = re.compile(r"[ \t]*(?:> ?|(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|\Z)|!!!)")
_TRIGGERS = "`\\[<&*_"
# An `[[ID]]` reference (hpkb.content.body.REFERENCE), and the longest title an entry may have.
_REFERENCE = re.compile(r"\[\[([^\[\]|\n]*)(?:\|([^\[\]\n]*))?\]\]")
_MAX_TITLE = 120
_ESCAPED_TRIGGER = re.compile(r"\\[`\\\[<&*_]")


@dataclass(frozen=True)
class Cost:
    """The estimate (ns) and the construct that costs most: its line (index into the
    lines given), what it is and how to fix it."""

    total: float
    line: int
    what: str
    hint: str


@dataclass(frozen=True)
class Nesting:
    """A line nested deeper than allowed: its index, the depth and the kind."""

    line: int
    depth: int
    inline: bool


@dataclass
class _Kind:
    """One kind of costly construct: its total, how many, and its costliest one."""

    total: float = 0.0
    count: int = 0
    top: float = -1.0
    line: int = 0
    what: str = ""


class _Tally:
    """The estimate, kept by kind of construct, so a finding names the kind that costs
    most and the line of its costliest instance."""

    def __init__(self) -> None:
        self.kinds: dict[str, _Kind] = {}

    def add(self, kind: str, cost: float, line: int, what: str) -> None:
        entry = self.kinds.setdefault(kind, _Kind())
        entry.total += cost
        entry.count += 1
        if cost > entry.top:
            entry.top, entry.line, entry.what = cost, line, what

    def cost(self) -> Cost:
        total = sum(kind.total for kind in self.kinds.values())
        name, kind = max(self.kinds.items(), key=lambda item: item[1].total,
                         default=("size", _Kind()))
        more = f" (and {kind.count - 1:,} more like it)" if kind.count > 1 else ""
        return Cost(total, kind.line, kind.what + more, _HINTS[name])


_HINTS = {
    "bracket": "close each `[` with `]` (and a link's `(` with `)`), or write `\\[` for a "
               "bracket shown as text; put blank lines between paragraphs",
    "tick": "close each code span with as many backticks as opened it, or write \\` for a "
            "backtick shown as text",
    "tag": "end each HTML tag with `>`, or write `&lt;` for a `<` shown as text",
    "paragraph": "break the paragraph into shorter ones with blank lines",
    "split": "put a blank line before and after each heading, rule and reference definition",
    "fence": "close each fenced code block with a line of the same backticks or tildes",
    "heading": "use fewer headings, or split the entry",
    "size": "split the entry into several, or shorten it",
}


def estimate(lines: Sequence[str], fenced: Sequence[bool]) -> Cost:
    """The estimated rendering time of ``lines`` (one published form of a body), and its
    costliest kind of construct; ``fenced`` marks the lines of fenced code blocks."""
    tally = _Tally()
    lines = [_REFERENCE.sub(_link_for, text) if "[[" in text else text for text in lines]
    offsets: list[int] = []
    at = 0
    for text in lines:
        offsets.append(at)
        at += len(text) + 1
    size = at
    blocks = _blocks(lines, fenced)
    headings = units = 0
    for block in blocks:
        prose = [i for i in block if not fenced[i]]
        if not prose:
            continue
        paragraph = "\n".join(lines[i] for i in prose)
        for unit in _units(lines, prose):
            _inline_cost("\n".join(lines[i] for i in unit),
                         _line_finder(unit, _line_starts([lines[i] for i in unit])), tally)
        splits = depth = 0
        for i in prose:
            text = lines[i]
            if _SPLITTER.match(text):
                splits += 1
            if _HEADING.match(text):
                headings += 1
            depth = max(depth, min(_depth(text), MAX_NESTING + 1))
            units += 1 + text.count("|")
        # Each split tests the rest again, as does each level of nesting.
        tally.add("split", (splits + 1 + depth) * (
            _W_SPLIT_LINE * len(prose) + _W_SPLIT_CHAR * len(paragraph)), prose[0],
            f"a paragraph with {splits:,} headings, rules or reference definitions and "
            "no blank lines between them")
    for i, text in enumerate(lines):
        if _FENCE_LINE.match(text):
            tally.add("fence", _W_FENCE * (size - offsets[i]), i,
                      "a fenced code block's opening line, its block searched for to the end")
    _tag_cost(lines, fenced, offsets, tally)
    first = blocks[0][0] if blocks else 0
    tally.add("heading", _W_HEADING * headings * headings, first, f"{headings:,} headings")
    tally.add("size", _W_BLOCK * len(blocks) ** 2 + _W_UNIT * units + _W_CHAR * size, first,
              f"{units:,} list items, headings, paragraphs and table cells in "
              f"{len(blocks):,} blocks")
    return tally.cost()


def _link_for(reference: re.Match[str]) -> str:
    """What the site writes for an `[[ID]]` or `[[ID|text]]` reference at most: a link
    whose text is the other entry's title (or the text given), every character of it
    escaped (hpkb.outputs.site.markdown_text), to the other entry's page."""
    label = reference.group(2)
    shown = _MAX_TITLE if label is None else len(label)
    return "[" + "\\*" * shown + "](../practice/PR-2024-001.md)"


def _blocks(lines: Sequence[str], fenced: Sequence[bool]) -> list[list[int]]:
    """Line indices of each block (lines between blank lines)."""
    blocks: list[list[int]] = []
    current: list[int] = []
    for i, text in enumerate(lines):
        if not fenced[i] and _BLANK.match(text):
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(i)
    if current:
        blocks.append(current)
    return blocks


def _units(lines: Sequence[str], prose: Sequence[int]) -> list[list[int]]:
    """The lines of a block, in the pieces Python-Markdown reads inline apart, or larger:
    an ATX heading alone (it splits any block), what is between rules and headings, and
    the items of a list that starts the piece (each item read apart)."""
    pieces: list[list[int]] = [[]]
    for i in prose:
        if lines[i].startswith("#"):
            pieces += [[i], []]
        elif _RULE.match(lines[i]):
            pieces.append([])
        else:
            pieces[-1].append(i)
    units: list[list[int]] = []
    for piece in pieces:
        if piece and _ITEM.match(lines[piece[0]]):
            for i in piece:
                if _ITEM.match(lines[i]):
                    units.append([i])
                else:
                    units[-1].append(i)
        elif piece:
            units.append(piece)
    return units


def _line_finder(prose: Sequence[int], starts: Sequence[int]) -> Callable[[int], int]:
    """The line index of a position in a paragraph made of the lines ``prose``."""
    return lambda position: prose[bisect_right(starts, position) - 1]


def _line_starts(texts: Sequence[str]) -> list[int]:
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    return starts


def _code_spans(paragraph: str) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """Code spans Python-Markdown certainly makes (every run of backticks is one long, and
    each line pairs its own), or else the stretch from the first backtick to the last,
    where what is code is not known."""
    if "`" not in paragraph:
        return [], None
    ticks = [m for m in _TICKS.finditer(paragraph)]
    simple = "\\`" not in paragraph and all(m.end() - m.start() == 1 for m in ticks)
    spans: list[tuple[int, int]] = []
    if simple:
        line_of = [paragraph.count("\n", 0, m.start()) for m in ticks]
        for first in range(0, len(ticks), 2):
            if first + 1 >= len(ticks) or line_of[first] != line_of[first + 1]:
                simple = False
                break
            spans.append((ticks[first].start(), ticks[first + 1].end()))
    if simple:
        return spans, None
    return [], (ticks[0].start(), ticks[-1].end())


class _Growth:
    """How much a stretch of text may grow by the placeholders of earlier matches."""

    def __init__(self, text: str) -> None:
        self.at = {mark: [found.start() for found in re.finditer(re.escape(mark), text)]
                   if mark in text else [] for mark in _GROWTH}

    def within(self, start: int, end: int) -> int:
        return sum(weight * (bisect_right(self.at[mark], end) - bisect_right(self.at[mark],
                                                                              start))
                   for mark, weight in _GROWTH.items())


def _inline_cost(paragraph: str, line_of: Callable[[int], int], tally: _Tally) -> None:
    """Links' and images' brackets, backticks, and each match's copy of the text."""
    if "[" in paragraph or "`" in paragraph:
        _bracket_cost(paragraph, line_of, tally)
    size = len(paragraph)
    # Each character that may start a match (an escape and what it escapes: one match).
    triggers = sum(paragraph.count(c) for c in _TRIGGERS if c in paragraph) + paragraph.count(
        "  \n") - len(_ESCAPED_TRIGGER.findall(paragraph))
    tally.add("paragraph", _W_REBUILD * triggers * size, line_of(0),
              f"a paragraph of {size:,} characters with {triggers:,} markup characters")


def _bracket_cost(paragraph: str, line_of: Callable[[int], int], tally: _Tally) -> None:
    """Each `[` read to its `]` (and a link's `(` to its `)`), each backtick run to the
    next of its length."""
    size = len(paragraph)
    spans, unsure = _code_spans(paragraph)
    span_starts = [s for s, _ in spans]

    def hidden(position: int) -> bool:
        at = bisect_right(span_starts, position) - 1
        return at >= 0 and position < spans[at][1]

    def closes(position: int) -> bool:
        # A closing bracket or parenthesis Python-Markdown certainly sees.
        return not hidden(position) and not (unsure and unsure[0] <= position < unsure[1])

    openers: list[int] = []
    matched: dict[int, int] = {}
    parens: list[int] = []
    paren_match: dict[int, int] = {}
    quotes: list[int] = []
    closers: list[int] = []
    starts: list[int] = []
    for found in _INLINE.finditer(paragraph):
        position = found.start()
        token = found.group()
        if token[0] == "\\" or hidden(position):
            continue
        if token[-1] == "[":
            bracket = found.end() - 1
            starts.append(bracket)
            openers.append(bracket)
        elif token == "]":
            if closes(position):
                closers.append(position)
                if openers:
                    matched[openers.pop()] = position
        elif token == "(":
            parens.append(position)
        elif token == ")":
            if closes(position) and parens:
                paren_match[parens.pop()] = position
        else:
            quotes.append(position)
    growth = _Growth(paragraph) if starts else None

    def reading(start: int, end: int) -> int:
        # Characters from start to end, as a later pattern may find them.
        return end - start + (growth.within(start, end) if growth else 0)

    for start in starts:
        close = matched.get(start)
        link = reference = 0
        what = "`[` without a matching `]`, read to the end of its paragraph"
        if close is not None:
            what = f"`[` whose matching `]` is {close - start:,} characters on"
            after = paragraph[close + 1:close + 3]
            if after[:1] == "(":
                end = paren_match.get(close + 1)
                quoted = end is not None and bisect_right(quotes, close) < bisect_right(
                    quotes, end)
                if end is None or quoted:
                    end = size
                    what = "a link whose `(` has no matching `)`, read to the end of its paragraph"
                link = reading(close, end)
            elif after[:1] == "[" or (after[:1].isspace() and after[1:] == "["):
                bracket = close + 1 + after.index("[")
                next_close = bisect_right(closers, bracket)
                reference = (closers[next_close] if next_close < len(closers) else size
                             ) - bracket
        text = reading(start, size if close is None else close)
        tally.add("bracket", _W_TEXT * text + _W_LINK * link + _W_REF * reference,
                  line_of(start), what)
    next_of: dict[int, int] = {}
    for found in reversed(list(_TICKS.finditer(paragraph))):
        lengths = [found.end() - found.start()]
        if found.start() and paragraph[found.start() - 1] == "\\":
            lengths.append(lengths[0] - 1)  # its first backtick escaped: the rest opens
        for length in lengths:
            if length:
                close = next_of.get(length)
                tally.add("tick", _W_TICK * ((size if close is None else close) - found.start()),
                          line_of(found.start()),
                          "a backtick that opens a code span nothing closes" if close is None
                          else f"a code span closed {close - found.start():,} characters on")
        next_of[lengths[0]] = found.start()


def _tag_cost(lines: Sequence[str], fenced: Sequence[bool], offsets: Sequence[int],
              tally: _Tally) -> None:
    """Each `<` read to the end of its tag, comment or end tag, as the HTML readers do."""
    if not any("<" in text for text in lines):
        return
    # Fenced code is set aside before any HTML is read (blanked: offsets stay).
    text = "\n".join(" " * len(line) if fenced[i] else line for i, line in enumerate(lines))
    size = len(text)
    ends: dict[int, int] = {}
    found, complete = markup(text, LIMIT_NS // _W_TAG)
    for tag in found:
        # A closed comment is followed by a search of the rest of the text.
        end = size if isinstance(tag, Markup) and text.startswith("<!--", tag.start) \
            else tag.end
        ends[tag.start] = max(ends.get(tag.start, 0), end)
    if not complete:  # reading stopped past the limit: what was read is enough
        ends[found[-1].start] = size
    closes = [close.start() for close in re.finditer(">", text)]
    for closing in _END_TAG.finditer(text):
        after = bisect_right(closes, closing.start())
        ends[closing.start()] = closes[after] + 1 if after < len(closes) else size
    growth = _Growth(text)
    for start, end in ends.items():
        grown = growth.within(start, end)
        tally.add("tag", _W_TAG * (end - start + grown), bisect_right(offsets, start) - 1,
                  f"an HTML tag read over {end - start:,} characters, with no `>` to end "
                  "it sooner")


def _depth(text: str) -> int:
    """How deep a line may nest lists, quotes and admonitions: its markers (a list marker
    with the spaces after it, a quote's `>` with one), and every four columns of
    indentation besides (0 for a line with no marker: it can only continue what lines
    with markers opened)."""
    if _RULE.match(text):
        return 0
    markers = columns = at = 0
    while True:
        found = _CONTAINER.match(text, at)
        if found is None:
            break
        columns += _indent(found.group())
        markers += 1
        at = found.end()
    return markers + (columns + _indent(text[at:])) // 4 if markers else 0


def _indent(text: str) -> int:
    """Columns of white space ``text`` starts with (tabs to the next multiple of four)."""
    return len(text[:len(text) - len(text.lstrip(" \t"))].expandtabs(4))


def nesting(lines: Sequence[str], fenced: Sequence[bool]) -> list[Nesting]:
    """Lines nested deeper than the limits: lists, quotes and indentation, and emphasis
    and links (at most one of each in a paragraph)."""
    found: list[Nesting] = []
    for block in _blocks(lines, fenced):
        for i in block:  # the first line too deep in each block: the rest follow from it
            depth = 0 if fenced[i] else _depth(lines[i])
            if depth > MAX_NESTING:
                found.append(Nesting(i, depth, inline=False))
                break
    for block in _blocks(lines, fenced):
        for unit in _units(lines, [i for i in block if not fenced[i]]):
            paragraph = "\n".join(lines[i] for i in unit)
            if sum(paragraph.count(c) for c in "*_[") <= MAX_INLINE_NESTING:
                continue
            depth, position = _inline_depth(paragraph)
            if depth > MAX_INLINE_NESTING:
                starts = _line_starts([lines[i] for i in unit])
                found.append(Nesting(unit[bisect_right(starts, position) - 1], depth,
                                     inline=True))
                break  # one a block
    return found


def _inline_depth(paragraph: str) -> tuple[int, int]:
    """An upper bound on how deep emphasis and links nest in ``paragraph``, and where it
    is reached: openers count until a run that can only close takes them off."""
    spans, unsure = _code_spans(paragraph)
    span_starts = [s for s, _ in spans]
    open_count = {"*": 0, "_": 0, "[": 0}
    deepest, where = 0, 0
    for found in _DELIMITERS.finditer(paragraph):
        token = found.group()
        start, end = found.span()
        at = bisect_right(span_starts, start) - 1
        if token[0] == "\\" or (at >= 0 and start < spans[at][1]):
            continue
        if token[-1] == "[":
            open_count["["] += 1
        elif token == "]":
            if not (unsure and unsure[0] <= start < unsure[1]):
                open_count["["] = max(0, open_count["["] - 1)
        else:
            before = paragraph[start - 1] if start else " "
            after = paragraph[end] if end < len(paragraph) else " "
            can_open = not after.isspace()
            can_close = not before.isspace()
            if token[0] == "_":
                can_open = can_open and not (before.isalnum() or before == "_")
                can_close = can_close and not (after.isalnum() or after == "_")
            if can_open:
                open_count[token[0]] += len(token)
            elif can_close:
                open_count[token[0]] = max(0, open_count[token[0]] - len(token))
        depth = sum(open_count.values())
        if depth > deepest:
            deepest, where = depth, start
    return deepest, where

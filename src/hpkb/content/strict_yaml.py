"""A strict YAML reader for front matter, taxonomy and settings.

It reads libyaml's event stream and builds plain values itself, so that:
- every key and list item keeps its line and column (``Positions``);
- anchors, aliases and tags are refused (front matter needs none, and aliases are how
  "billion laughs" bombs work);
- duplicate keys are refused instead of silently keeping the last;
- a comment needs a space before its ``#``, as in YAML 1.2: ``"Joint visits"# note`` is
  refused, where libyaml would keep the text and drop the note without a word;
- scalars follow YAML 1.2's core schema: ``yes``/``no``/``on``/``off``, ``1:20`` and
  ``0123`` stay text; ``true``/``false`` are booleans; ``2024-05-01`` is a date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from hpkb.check.findings import Diagnostic, error

__all__ = ["MAX_DEPTH", "ParsedYaml", "Path", "Positions", "PositionsView", "parse_yaml"]

Path = tuple[str | int, ...]
Positions = dict[Path, tuple[int, int]]
PositionsView = Mapping[Path, tuple[int, int]]  # positions however kept (hpkb.reuse.kept)

MAX_DEPTH = 24

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_QUOTED_STYLES = frozenset({'"', "'", "|", ">"})


@dataclass(frozen=True)
class ParsedYaml:
    """A parsed document: its value and the file position of every key and item."""

    value: Any
    positions: Positions


class _Refused(Exception):
    """Internal: a construct we refuse, raised and caught inside this module only."""

    def __init__(self, mark: Any, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.code = code
        self.message = message
        self.hint = hint


def _complex_key(mark: Any) -> _Refused:
    return _Refused(mark, "HP012", "a key must be plain text",
                    "write `name: value`; complex keys are not allowed")


def _duplicate_key(mark: Any, key: str) -> _Refused:
    return _Refused(mark, "HP009", f"duplicate key `{key}`",
                    "each key may appear once; remove or merge the repeated one")


def _too_deep(mark: Any) -> _Refused:
    return _Refused(mark, "HP011", f"nesting deeper than {MAX_DEPTH} levels",
                    "flatten the structure; entries need only a few levels")


def _several_documents(mark: Any) -> _Refused:
    return _Refused(mark, "HP013", "more than one YAML document",
                    "keep one front-matter block between the two --- lines")


def resolve_plain(text: str) -> Any:
    """The value of an unquoted scalar under hpkb's YAML 1.2-style rules."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text  # an impossible date stays text; the schema says what is wrong
    return text


class _Frame:
    __slots__ = ("container", "key", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path) -> None:
        self.container = container
        self.path = path
        self.key: str | None = None  # in a mapping: the key waiting for its value


def _check_event(event: Any) -> None:
    if isinstance(event, yaml.AliasEvent):
        raise _Refused(
            event.start_mark, "HP007", f"YAML alias *{event.anchor} is not allowed",
            "write the value out in full; front matter takes no anchors or aliases",
        )
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        raise _Refused(
            event.start_mark, "HP007", f"YAML anchor &{anchor} is not allowed",
            "remove the anchor; front matter takes no anchors or aliases",
        )
    tag = getattr(event, "tag", None)
    if tag is not None:
        raise _Refused(
            event.start_mark, "HP008", f"YAML tag {tag} is not allowed",
            "remove the tag; write plain values (quote text if needed)",
        )


def _build(events: Any, line_offset: int) -> ParsedYaml:
    positions: Positions = {}
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    seen_root = False

    def place(value: Any, event: Any, is_container: bool) -> Path:
        nonlocal root, seen_root
        mark = event.start_mark
        where = (mark.line + 1 + line_offset, mark.column + 1)
        if not stack:
            if seen_root:
                raise _several_documents(mark)
            seen_root = True
            root = value
            positions[()] = where
            return ()
        frame = stack[-1]
        if isinstance(frame.container, dict):
            if frame.key is None:
                if is_container or not isinstance(event, yaml.ScalarEvent):
                    raise _complex_key(mark)
                key = str(event.value)
                if key in frame.container:
                    raise _duplicate_key(mark, key)
                frame.key = key
                positions[(*frame.path, key)] = where
                return ()
            path = (*frame.path, frame.key)
            frame.container[frame.key] = value
            frame.key = None
            return path
        path = (*frame.path, len(frame.container))
        frame.container.append(value)
        positions[path] = where
        return path

    for event in events:
        if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent):
            continue
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _several_documents(event.start_mark)
            continue
        if isinstance(event, yaml.DocumentEndEvent):
            continue
        _check_event(event)
        if isinstance(event, yaml.ScalarEvent):
            value = event.value if event.style in _QUOTED_STYLES else resolve_plain(event.value)
            place(value, event, is_container=False)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _too_deep(event.start_mark)
            container: dict[str, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            path = place(container, event, is_container=True)
            stack.append(_Frame(container, path))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            stack.pop()
    return ParsedYaml(root, positions)


# A `#` straight after something other than a space, a tab or a line break. Only text
# holding one can have a comment that YAML 1.2 refuses, so only that text is scanned.
_GLUED_HASH = re.compile(r"[^ \t\r\n\x85\u2028\u2029]#")
_BEFORE_COMMENT = frozenset(" \t\r\n\x85\u2028\u2029\ufeff")
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")
_NOTE_SHOWN = 40


def _note(text: str, start: int) -> str:
    """The comment text that starts at ``start``, up to the end of its line, shortened."""
    end = start
    while end < len(text) and text[end] not in "\r\n\x85\u2028\u2029":
        end += 1
    note = text[start:end].rstrip()
    return note if len(note) <= _NOTE_SHOWN else note[:_NOTE_SHOWN - 1] + "\u2026"


def _glued_comment(mark: Any, text: str, at: int, after: str) -> _Refused:
    """The finding for a ``#`` at ``at`` with no space before it; ``after`` is what it
    follows: ``"quote"`` (a quoted value) or the character itself."""
    note = _note(text, at)
    if after == "quote":
        return _Refused(mark, "HP006",
                        f"YAML syntax error: {note!r} follows the closing quote with no space, "
                        "so it is neither part of the text nor a comment",
                        "put a space before # to make it a comment, or move the text inside "
                        "the quotes")
    if after in "|>":
        return _Refused(mark, "HP006",
                        f"YAML syntax error: {note!r} follows the block indicator `{after}` with "
                        "no space, so it is not a comment",
                        "put a space before # to make it a comment; the text itself starts on "
                        "the next line")
    hint = "put a space before # to make it a comment"
    if after in "[{,:":
        hint += ", or quote a value that starts with # (\"#...\")"
    return _Refused(mark, "HP006",
                    f"YAML syntax error: {note!r} follows `{after}` with no space, so it is "
                    "not a comment", hint)


def _check_comments(text: str) -> None:
    """Refuse a comment with no space before its ``#``, as YAML 1.2 does.

    libyaml reads ``"Joint visits"# note``, ``[a]# note`` and ``|# note`` as a value and
    then a comment, so the note would vanish without a word; an author who left no space
    may well have meant it as content. A ``#`` inside a value (``"Op #3"``, ``a#b``) is
    text and stays so. A token never starts with ``#``, so a ``#`` straight after a token
    always opens a comment.
    """
    if not _GLUED_HASH.search(text):
        return
    # libyaml gives a leading byte-order mark no position; without it, marks index the text.
    text = text.removeprefix("\ufeff")
    try:
        for token in yaml.scan(text, Loader=_Loader):
            start, end = token.start_mark, token.end_mark
            if end.index == start.index:
                continue  # an implied token (a key, a block's start or end) holds no text
            if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
                header = _BLOCK_HEADER.match(text, start.index)
                at = header.end() if header else start.index + 1
                if text.startswith("#", at):
                    mark = yaml.Mark(start.name, at, start.line,
                                     start.column + at - start.index, None, 0)
                    raise _glued_comment(mark, text, at, text[start.index])
            at = end.index
            if text.startswith("#", at) and text[at - 1] not in _BEFORE_COMMENT:
                quoted = isinstance(token, yaml.ScalarToken) and token.style in ("'", '"')
                raise _glued_comment(end, text, at, "quote" if quoted else text[at - 1])
    except yaml.YAMLError:
        return  # an error met first is the parser's to report, with its own position


_FAST_MAX_BRACKETS = 64
_FAST_MAX_INDENT = 48
_DEEP_INDENT = "\n" + " " * (_FAST_MAX_INDENT + 1)


def _fast_path_safe(text: str) -> bool:
    """True when libyaml's own composer may build the tree: no anchor, alias or tag
    characters at all, and nesting too shallow to matter. Everything else takes the
    event-by-event path, which refuses those constructs precisely."""
    if not _LIBYAML or "&" in text or "*" in text or "!" in text:
        return False
    if text.count("[") + text.count("{") > _FAST_MAX_BRACKETS:
        return False
    return _DEEP_INDENT not in text


_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))
_ParserBase: Any = getattr(yaml.cyaml, "CParser") if _LIBYAML else object  # noqa: B009


class _FastComposer(_ParserBase, yaml.resolver.BaseResolver):  # type: ignore[misc]
    """libyaml's composer with tag resolution switched off: hpkb resolves plain scalars
    itself, and tags are refused before this path is taken."""

    def __init__(self, stream: str) -> None:
        _ParserBase.__init__(self, stream)
        yaml.resolver.BaseResolver.__init__(self)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return ""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def _scalar(node: Any) -> Any:
    value = node.value
    if node.style:
        return value  # quoted or block text
    if not value:
        return None
    first = value[0]
    if first.isalpha() and first not in "tfnTFN":
        return value  # plain text that cannot be a number, date, boolean or null
    return resolve_plain(value)


def _from_nodes(root: Any, line_offset: int) -> ParsedYaml:
    positions: Positions = {}
    scalar_type = yaml.ScalarNode
    sequence_type = yaml.SequenceNode

    def walk(node: Any, path: Path) -> Any:
        # The caller records this node's position (a key's or an item's mark).
        kind = type(node)
        if kind is scalar_type:
            return _scalar(node)
        if len(path) >= MAX_DEPTH:
            raise _too_deep(node.start_mark)
        if kind is sequence_type:
            items = []
            for index, item in enumerate(node.value):
                mark = item.start_mark
                item_path = (*path, index)
                positions[item_path] = (mark.line + 1 + line_offset, mark.column + 1)
                items.append(walk(item, item_path))
            return items
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not scalar_type:
                raise _complex_key(key_node.start_mark)
            key = str(key_node.value)
            if key in mapping:
                raise _duplicate_key(key_node.start_mark, key)
            mark = key_node.start_mark
            key_path = (*path, key)
            positions[key_path] = (mark.line + 1 + line_offset, mark.column + 1)
            mapping[key] = walk(value_node, key_path)
        return mapping

    if root is None:
        return ParsedYaml(None, {})
    mark = root.start_mark
    positions[()] = (mark.line + 1 + line_offset, mark.column + 1)
    return ParsedYaml(walk(root, ()), positions)


def parse_yaml(text: str, file: str, line_offset: int = 0) -> ParsedYaml | Diagnostic:
    """Parse one YAML document strictly, or say (as a finding) why it cannot be read.

    ``line_offset`` is the number of file lines before ``text`` starts, so positions
    and findings point at lines of the file, not of the fragment.
    """
    try:
        _check_comments(text)
        if _fast_path_safe(text):
            return _from_nodes(yaml.compose(text, Loader=_FastComposer), line_offset)
        return _build(yaml.parse(text, Loader=_Loader), line_offset)
    except _Refused as refused:
        mark = refused.mark
        return error(file, mark.line + 1 + line_offset, mark.column + 1,
                     refused.code, refused.message, refused.hint)
    except yaml.MarkedYAMLError as exc:
        # An unclosed quote or bracket fails at the end of the text; its start is the place
        # an author needs to see.
        at_end = "end of stream" in (exc.problem or "")
        mark = (exc.context_mark if at_end and exc.context_mark else None) or exc.problem_mark \
            or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        column = mark.column + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        return error(file, line, column, "HP006", f"YAML syntax error: {problem}{context}",
                     "check indentation and quoting here; text containing ': ' or "
                     "starting with a special character needs quotes")
    except yaml.YAMLError as exc:  # ReaderError (control characters) has no mark
        position = getattr(exc, "position", None)
        line = 1 + line_offset
        if isinstance(position, int):
            line += text.count("\n", 0, position)
        return error(file, line, 1, "HP006", f"YAML cannot be read: {exc}",
                     "remove control characters and non-printable bytes")
    except RecursionError:
        return error(file, 1 + line_offset, 1, "HP011", "nesting too deep",
                     "flatten the structure; entries need only a few levels")

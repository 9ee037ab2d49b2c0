"""A trip-wire on the built site: every element of every page may hold only allowed
tags, attributes and addresses, may run only the theme's own scripts, and may load
nothing from another host. Validation should already have refused anything else in the
content area; around it, this catches a theme override or template that adds it."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hpkb.check.findings import Diagnostic, error
from hpkb.outputs.site.templates import package_dir

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "SAFE_SCHEMES", "THEME_ATTRIBUTES",
           "THEME_FILES", "THEME_SCRIPTS", "THEME_TAGS", "URL_ATTRIBUTES",
           "check_built_pages", "check_html", "check_site_files", "html_findings",
           "inline_script_digest", "site_file_findings"]

# The content area (the page's <article>): what entries and hpkb's page templates write.
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
# The rest of the page: the theme's head, header, navigation and footer (Material's, as
# hpkb configures it, and hpkb's overrides). No element here loads or runs anything but
# through the checks below (scripts, addresses).
THEME_TAGS = ALLOWED_TAGS | frozenset({
    "html", "head", "body", "title", "meta", "link", "script", "header", "footer", "nav",
    "main", "aside", "section", "svg", "path"})
THEME_ATTRIBUTES = ALLOWED_ATTRIBUTES | frozenset({
    "charset", "content", "rel", "autocomplete", "xmlns", "viewbox", "d", "tabindex",
    "hidden", "placeholder", "spellcheck", "autocapitalize", "autocorrect", "required",
    "checked", "width", "height"})

# Everything that may run in a built page, in one place: the sha256 of each script file's
# bytes and of each inline script's text (with the way up to the site's root written as
# {base} and {up}: see `inline_script_digest`). A script not listed, inline or in a file,
# is refused (HP702), so a template or theme override cannot add one, nor replace one of
# hpkb's. Material's are listed as pinned: a new version is listed here after review
# (tests/test_html_check.py says which digest changed); hpkb's own are its packaged files
# as they are, whatever a repository's templates/site/assets/ holds.
_OWN_SCRIPTS = ("finder.js", "search.js", "tracker.js")
THEME_SCRIPTS: dict[str, str] = {
    # mkdocs-material 9.8.1 (pinned in requirements.lock)
    "b9a1ef14b5e91ad61fa8d7dd42e1f55e6af0ebd224bc8970dff0e7d7311b172f":
        "material: assets/javascripts/bundle.a5f9d56c.min.js",
    "da1b3df5e5f00cc73083c9e21ff0ec28bde85cd247057bdd05b7a167e5903bd4":
        "material: assets/javascripts/workers/search.a7633da7.min.js",
    "080b62e36cc8982d03995e12c9378b3d56dc8dd65efedd31beaa1670f54361aa":
        "material: base.html, __md_scope and the page's stored settings",
    "ffcc0f7735fdab434d257c80e65cec2e88d716991e69757185b7e450e41a5b2f":
        "material: base.html, opens the tab a link's #target names",
    "a01856816d6aa0f3df6211f15dea4aaaee4282990d3b2aa169d27a44689358df":
        "material: base.html, the __config settings (JSON, not run)",
    # hpkb's own (src/hpkb/templates/site/assets)
    **{hashlib.sha256((package_dir("templates") / "site" / "assets" / name).read_bytes())
       .hexdigest(): f"hpkb: assets/{name}" for name in _OWN_SCRIPTS},
}
# Stylesheets that load something (data: images, in Material's), listed the same way; any
# other stylesheet (hpkb.css, or a repository's own) may load nothing: see
# `check_site_files`.
THEME_FILES: dict[str, str] = {
    **THEME_SCRIPTS,
    "57a0d79d880c51fe0fa86e34640429eefc664e85f1906c885beed544fd00a9ed":
        "material: assets/stylesheets/main.57a0d79d.min.css",
}

# Where a theme problem is: outside the content area, which validation does not see.
OUTSIDE = " outside the content area"
CONTENT_HINT = "this should have been refused in validation; report it"
THEME_HINT = ("a template or theme override in templates/site/ put it there: remove it "
              "(report it if the repository overrides nothing there)")

# Every place markup can begin (a start or end tag, a comment, a declaration, a processing
# instruction). Each must be where the parser read a token; any other (inside an
# attribute's value, a comment, a script or a broken tag) is read as markup as well, so
# nothing can hide from the check in what a browser might read differently.
_MARKUP_START = re.compile(r"<[a-zA-Z!?/]")
# Elements whose text a browser (or a newer parser) may read as raw text: a piece of a
# page that leaves one open is never ended there (see `_Reader.read`).
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                       "noframes", "noscript", "plaintext"})
# A quoted value a start tag may have ("=" and a quote).
_QUOTE_OPENS = re.compile(r"=\s*(['\"])")
# A browser ends a script at "</script" and then a space, "/" or ">", and nowhere else.
_SCRIPT_END = re.compile(r"</script[\t\n\f\r />]", re.IGNORECASE)
# The way up to the site's root in Material's inline scripts: "." / ".." / "../.." and
# "/" (the 404 page), alone or before assets/.
_BASE = re.compile(r'"(?:\.|/|\.\.(?:/\.\.)*)"')
_UP = re.compile(r'"(?:/|(?:\.\./)+)?assets/')
# A browser drops these from an address before reading it (ASCII controls and space).
_DROPPED = {code: None for code in range(0x21)}


def inline_script_digest(text: str) -> str:
    """The sha256 of an inline script's text, its way up to the site's root (which
    differs from folder to folder) written {base} and {up}; a text that holds either
    already never matches a listed digest."""
    if "{base}" in text or "{up}" in text:
        return hashlib.sha256(b"\0" + text.encode("utf-8")).hexdigest()
    text = _UP.sub('"{up}assets/', _BASE.sub('"{base}"', text))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _address(value: str) -> str:
    """An address as a browser reads it: controls and white space dropped, "\\" as "/"."""
    return "".join(value.translate(_DROPPED).split()).replace("\\", "/")


def _url_problem(tag: str, name: str, value: str) -> bool:
    """Whether an address is refused: a scheme other than the safe ones anywhere; and any
    scheme or other host in what the page fetches (or sends a form to) itself."""
    address = _address(value)
    try:
        scheme = urlsplit(address.lower()).scheme
    except ValueError:  # an address no browser can read either (a broken [host])
        return True
    if scheme not in SAFE_SCHEMES:
        return True
    fetched = name in ("src", "action") or (tag == "link" and name == "href")
    return fetched and (bool(scheme) or address.startswith("//"))


_TABLE_ALIGNMENT = re.compile(r"t[hd] style=text-align: (?:left|right|center);?")


def _element_problems(tag: str, attrs: Sequence[tuple[str, str | None]], content: bool
                      ) -> list[str]:
    """Problems with one element as the parser read it (names lower-cased, values
    unescaped): its name, its attributes, their addresses."""
    tags, attributes = (ALLOWED_TAGS, ALLOWED_ATTRIBUTES) if content else \
        (THEME_TAGS, THEME_ATTRIBUTES)
    problems = [] if tag in tags else [f"element <{tag}>"]
    for name, value in attrs:
        if _TABLE_ALIGNMENT.fullmatch(f"{tag} {name}={value}"):
            continue  # a Markdown table's column alignment, as Python-Markdown writes it
        if name not in attributes and not name.startswith(("aria-", "data-")):
            problems.append(f"attribute {name} on <{tag}>")
        elif value is not None and name in URL_ATTRIBUTES and _url_problem(tag, name, value):
            problems.append(f"URL {value[:40]!r} in {name}")
    return problems


@dataclass
class _Script:
    """A script element outside the content area, being read."""

    line: int
    sources: list[str]
    start: int = -1  # where its text starts in the piece read
    text: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    """A piece of a page as Python's HTML parser reads it: the problems of its elements,
    where each token starts, and how deep in <article> elements it ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.begin("", 0)

    def begin(self, text: str, depth: int) -> None:
        """Start reading ``text`` (fed next), in ``depth`` article elements."""
        self.reset()
        self.text = text
        self.depth = depth
        self.problems: list[tuple[int, str]] = []
        self.starts: dict[int, int] = {}  # where each token starts: the depth there
        self.trusted: list[tuple[int, int]] = []  # listed inline scripts' text
        self.script: _Script | None = None
        self.raw: str | None = None  # a raw-text element left open
        self._lines = [0]
        if text.count("\n", 0, len(text) - 1):
            self._lines += [found.end() for found in re.finditer("\n", text)]

    def read(self, final: bool) -> bool:
        """Read the piece given to `begin`; whether it ended where the parser reads markup
        afresh (all of it read, no raw text open), so what follows is read the same alone.
        ``final``: nothing follows it (it is read to its end, as the page's last piece)."""
        self.feed(self.text)
        rows = self.text.count("\n")
        ended = self.getpos() == (rows + 1, len(self.text) - (self.text.rfind("\n") + 1)) \
            and self.raw is None and self.script is None and _quotes_closed(self.text)
        if final and not ended:
            self.close()
        if self.script is not None:  # never ended: what it holds so far is its text
            self._end_script(None)
        return ended

    def _at(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def _report(self, problem: str) -> None:
        self.problems.append((self.getpos()[0], problem if self.depth else problem + OUTSIDE))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        self.starts[self._at()] = self.depth
        for problem in _element_problems(tag, attrs, self.depth > 0):
            self._report(problem)
        if tag in _RAW_TEXT and self.raw is None:
            self.raw = tag
        if tag == "script" and not self.depth:
            self.script = _Script(self.getpos()[0], [v or "" for n, v in attrs if n == "src"])

    def handle_endtag(self, tag: str) -> None:
        at = self._at()
        self.starts.setdefault(at, self.depth)
        if tag == self.raw:
            self.raw = None
        if tag == "script" and self.script is not None:
            self._end_script(at)
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            if self.script.start < 0:
                self.script.start = self._at()
            self.script.text.append(data)

    def _end_script(self, end: int | None) -> None:
        """A script outside the content area: one of the site's own .js files, or an
        inline script whose digest is listed; and ended where a browser ends it too."""
        script, self.script = self.script, None
        assert script is not None
        text = "".join(script.text)
        problems: list[str] = []
        if end is not None and not _SCRIPT_END.match(self.text, end):
            problems.append("a script end tag a browser would not end the script at")
        if script.sources:
            for source in script.sources:
                address = _address(source)
                if not _url_problem("script", "src", source) and (
                        not urlsplit(address).path.endswith(".js") or "?" in address
                        or "#" in address):
                    problems.append(f"script {source[:40]!r}, not one of the site's .js files")
            if text.strip():
                problems.append("a script with both a file and text")
        else:
            digest = inline_script_digest(text)
            if digest in THEME_SCRIPTS and not problems:
                if script.start >= 0:
                    self.trusted.append((script.start, script.start + len(text)))
            else:
                problems.append(f"an inline script not on hpkb's list (sha256 {digest})")
        self.problems += [(script.line, problem + OUTSIDE) for problem in problems]

    def handle_comment(self, data: str) -> None:
        self.starts[self._at()] = self.depth
        if self.depth:
            self._report("HTML comment")

    def handle_decl(self, decl: str) -> None:
        self.starts[self._at()] = self.depth
        if self.depth or decl.lower() != "doctype html":
            self._report("HTML comment")

    def handle_pi(self, data: str) -> None:
        self.starts[self._at()] = self.depth
        self._report("HTML comment")

    def unknown_decl(self, data: str) -> None:
        self.starts[self._at()] = self.depth
        self._report("HTML comment")

    def hidden(self) -> list[tuple[int, int, int]]:
        """(start, end, depth) of markup the parser did not read as a token of its own:
        from each such "<" to where the next token starts."""
        starts = sorted(self.starts)
        found = []
        for match in _MARKUP_START.finditer(self.text):
            at = match.start()
            if at in self.starts or any(a <= at < b for a, b in self.trusted):
                continue
            after = [s for s in starts if s > at]
            before = [s for s in starts if s < at]
            found.append((at, after[0] if after else len(self.text),
                          self.starts[before[-1]] if before else self.depth))
        return found


def _quotes_closed(text: str) -> bool:
    """Whether every quoted value a start tag in ``text`` might have is closed within it:
    where one is not, the parser's reading of the tag (as far as its ">") may change once
    the closing quote comes, so the piece cannot be read apart from what follows."""
    return all(text.find(found.group(1), found.end()) >= 0
               for found in _QUOTE_OPENS.finditer(text))


def _piece_problems(text: str, depth: int, final: bool, reader: _Reader
                    ) -> tuple[list[tuple[int, str]], int, bool] | None:
    """(line in the piece, problem) of a piece read from ``depth`` article elements, the
    depth it ends in, and whether it ended where markup is read afresh; None when it did
    not, and is not the page's last piece."""
    reader.begin(text, depth)
    ended = reader.read(final)
    if not ended and not final:
        return None
    problems = reader.problems
    if text.count("<") > len(reader.starts):  # else every "<" starts a token read
        problems += _hidden_in(reader)
        problems.sort(key=lambda found: found[0])
    return problems, reader.depth, ended


# Tokens read in markup hidden in one piece, at most (each "<" is read once): past it,
# the piece is refused, so that no piece costs more than reading it this many times.
_HIDDEN_MOST = 100


def _hidden_in(reader: _Reader, at: int = 0, read: set[int] | None = None,
               most: int = 0) -> list[tuple[int, str]]:
    """The problems of the markup a reader's piece hides (`_Reader.hidden`), each read on
    its own (and what that hides in turn): the check of what a browser might read there.
    ``at``: where the reader's text starts in the outermost piece; ``read``: the places
    there read already, as a token or as hidden markup, which are not read again, and at
    most ``most`` of them."""
    problems: list[tuple[int, str]] = []
    if read is None:
        read = {at + start for start in reader.starts}
        most = len(read) + _HIDDEN_MOST
    for start, end, depth in reader.hidden():
        if at + start in read:
            continue
        line = reader.text.count("\n", 0, start)
        if len(read) >= most:
            if -1 not in read:  # said once, where it was reached
                read.add(-1)
                what = "more markup hidden inside other markup than hpkb reads"
                problems.append((line + 1, what if depth else what + OUTSIDE))
            break
        inner = _Reader()
        inner.begin(reader.text[start:end], depth)
        inner.read(True)
        read.add(at + start)
        read.update(at + start + offset for offset in inner.starts)
        problems += [(line + row, problem) for row, problem in inner.problems]
        if 0 not in inner.starts:  # the parser passes it over as text: read as a comment
            what = "HTML comment" if inner.text[1] in "!?/" else \
                f"unreadable tag {inner.text[:20]!r}"
            problems.append((line + 1, what if depth else what + OUTSIDE))
        problems += [(line + row, problem)
                     for row, problem in _hidden_in(inner, at + start, read, most)]
    return problems


# What was read before, by the article depth it was read from: blocks of lines (a page
# split at its blank lines), lines, and within a line read afresh its tags (and what else
# holds a "<"); each with its problems (by line within it), the depth after it, and how
# many line feeds it holds. Theme markup repeats from page to page (head, navigation,
# footer, scripts), and so do most of the content's lines and tags. A piece is kept only
# when it was read whole from where the parser reads markup afresh and ended there too,
# so reading it again would give the same.
_Read = tuple[tuple[tuple[int, str], ...], int, int]
_BLOCKS: dict[int, dict[str, _Read]] = {}
_LINES: dict[int, dict[str, _Read]] = {}
_TAGS: dict[int, dict[str, _Read]] = {}
_KEPT_MOST = 8_000_000  # characters kept in all (then all forgotten at once)
_kept = [0]
# What was read once (the hash of the piece and its depth): a block or line is kept the
# second time it is read, so that those of one page alone (most of its content) take no
# room.
_ONCE: set[int] = set()
_ONCE_MOST = 100_000
# A line's pieces: a tag (or what looks like one), text, or a "<" that starts neither.
_PIECE = re.compile(r"<[^<>]*>|[^<]+|<")


def _keep(kept: dict[int, dict[str, _Read]], depth: int, key: str, value: _Read,
          once: bool = True) -> None:
    """Keep what a piece read gives (the second time it is read, with ``once``)."""
    if once:
        mark = hash(key) + depth
        if mark not in _ONCE:
            if len(_ONCE) >= _ONCE_MOST:
                _ONCE.clear()
            _ONCE.add(mark)
            return
    if _kept[0] + len(key) > _KEPT_MOST:
        for each in (_BLOCKS, _LINES, _TAGS):
            each.clear()
        _kept[0] = 0
    _kept[0] += len(key)
    kept.setdefault(depth, {})[key] = value


def _line_problems(line: str, depth: int, reader: _Reader) -> _Read | None:
    """One line read from ``depth`` article elements, a piece at a time (see `_Read`);
    None when something in it runs on past its end."""
    pieces = _PIECE.findall(line)
    problems: list[tuple[int, str]] = []
    tags = _TAGS.setdefault(depth, {})
    at = 0
    while at < len(pieces):
        piece = pieces[at]
        if "<" not in piece:  # text, where markup is read afresh: nothing to read
            at += 1
            continue
        found = tags.get(piece)
        count = 1
        if found is None:
            while True:  # a piece that ends inside something is read with what follows
                read = _piece_problems("".join(pieces[at:at + count]), depth, False, reader)
                if read is not None:
                    break
                if at + count >= len(pieces):
                    return None
                count = min(2 * count, len(pieces) - at)
            found = (tuple(read[0]), read[1], 0)
            if count == 1:  # tags are short, and most come again: kept at once
                _keep(_TAGS, depth, piece, found, once=False)
        problems += found[0]
        if found[1] != depth:
            depth = found[1]
            tags = _TAGS.setdefault(depth, {})
        at += count
    return tuple(problems), depth, line.count("\n")


def _lines_problems(lines: list[str], depth: int, final: bool, reader: _Reader
                    ) -> tuple[list[tuple[int, str]], int] | None:
    """(line, problem) of ``lines`` (counted from 1 at the first) read from ``depth``
    article elements, and the depth after them; None when something runs on past the
    last line and they are not the page's last (``final``)."""
    problems: list[tuple[int, str]] = []
    at, row = 0, 1
    seen = _LINES.setdefault(depth, {})
    while at < len(lines):
        line = lines[at]
        found = seen.get(line)
        count = 1
        if found is None:
            found = _line_problems(line, depth, reader)
            if found is not None:
                _keep(_LINES, depth, line, found)
            else:  # something runs on past the line: read it with the lines that follow
                while True:
                    last = at + count >= len(lines)
                    piece = "".join(lines[at:at + count])
                    chunk = _piece_problems(piece, depth, last and final, reader)
                    if chunk is not None:
                        break
                    if last:
                        return None
                    count *= 2
                found = (tuple(chunk[0]), chunk[1], piece.count("\n"))
        if found[0]:
            problems += [(row + line - 1, problem) for line, problem in found[0]]
        row += found[2]
        at += count
        if found[1] != depth:
            depth = found[1]
            seen = _LINES.setdefault(depth, {})
    return problems, depth


def check_html(text: str) -> list[tuple[int, str]]:
    """(line, problem) for everything not allowed in a built page: in its content area
    (each <article>), anything but the content's own tags, attributes and addresses; in
    the rest, anything but the theme's, or a script not on the list (`THEME_SCRIPTS`);
    anywhere, an address a page fetches from another host.

    At least as strict as checking what Python's HTML parser reports inside the article
    (the check's first form, kept in the tests to compare with), and markup the parser
    passes over as text or skips (a comment's or a script's inside, a broken tag) is
    checked too. The page is read in pieces where it can be (each ending where the parser
    reads markup afresh: a block of lines, a line, a tag), and a piece read before is not
    read again."""
    problems: list[tuple[int, str]] = []
    reader = _Reader()
    depth, row = 0, 1
    parts = text.split("\n\n")
    for index, part in enumerate(parts):
        final = index + 1 == len(parts)
        block = part if final else part + "\n\n"
        found = _BLOCKS.setdefault(depth, {}).get(block)
        if found is None:
            read = _lines_problems(block.splitlines(keepends=True), depth, final, reader)
            if read is None:  # something runs on past the block: the rest, by lines
                rest = "\n\n".join(parts[index:]).splitlines(keepends=True)
                read = _lines_problems(rest, depth, True, reader)
                assert read is not None  # the page's last line is read to its end
                problems += [(row + line - 1, problem) for line, problem in read[0]]
                break
            found = (tuple(read[0]), read[1], block.count("\n"))
            if not final:
                _keep(_BLOCKS, depth, block, found)
        if found[0]:
            problems += [(row + line - 1, problem) for line, problem in found[0]]
        row += found[2]
        depth = found[1]
    return problems


def check_built_pages(site: Path, pages: Iterable[str]) -> list[tuple[str, int, str]]:
    """(page, line, problem) for the named built pages (paths relative to ``site``; a
    page MkDocs chose not to write has nothing to check)."""
    return [(page, line, problem) for page in pages if (site / page).is_file()
            for line, problem in check_html((site / page).read_text(encoding="utf-8"))]


# What a stylesheet not listed may not hold: any way CSS has of loading an address
# (url(), src(), image(), image-set(), cross-fade(), @import) or of writing one another
# way (an escape).
_CSS_LOADS = re.compile(r"(?:url|src|image|image-set|cross-fade)\s*\(|@import|\\", re.I)


def check_site_files(site: Path) -> list[tuple[str, str]]:
    """(file, problem) for the built site's scripts and stylesheets: every script file
    must be one listed (`THEME_SCRIPTS`), and a stylesheet not listed may load nothing
    (no request from a page to another host, through its styles either)."""
    problems: list[tuple[str, str]] = []
    for folder, folders, names in os.walk(site):
        folders.sort()
        for name in sorted(names):
            kind = name.rpartition(".")[2].lower()
            if kind not in ("js", "mjs", "css"):
                continue
            path = os.path.join(folder, name)
            rel = Path(path).relative_to(site).as_posix()
            with open(path, "rb") as file:
                data = file.read()
            digest = hashlib.sha256(data).hexdigest()
            if kind != "css" and digest not in THEME_SCRIPTS:
                problems.append((rel, f"a script not on hpkb's list (sha256 {digest})"))
            elif kind == "css" and digest not in THEME_FILES \
                    and _CSS_LOADS.search(data.decode("utf-8", "replace")):
                problems.append((rel, "a stylesheet that loads an address (url(), @import "
                                      "and the like) or holds an escape"))
    return problems


def html_findings(problems: Iterable[Sequence[Any]]) -> list[Diagnostic]:
    """Findings for (page, line, problem) of ``check_built_pages``."""
    return [error(f"site/{page}", line, 1, "HP702", f"built page contains {problem}",
                  THEME_HINT if problem.endswith(OUTSIDE) else CONTENT_HINT)
            for page, line, problem in problems]


def site_file_findings(problems: Iterable[tuple[str, str]]) -> list[Diagnostic]:
    """Findings for (file, problem) of ``check_site_files``."""
    return [error(f"site/{rel}", 1, 1, "HP702", f"built site contains {problem}",
                  "scripts cannot be overridden, and a stylesheet may load nothing: "
                  "remove the file from templates/site/ (report it if there is none)")
            for rel, problem in problems]

"""The publication guard: deny by default.

Before anything is written, the text a non-internal profile would publish is scanned for
the names in any debrief's `subjects` and for personal data found by owned rules. After
writing, before the build is swapped in, every output file is scanned for those names
and for every hidden entry's id and title. Any hit fails the build with file, line,
rule and fix; an explicit allow-list in mkdocs.yml silences a reviewed false positive.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import gzip
import hashlib
import itertools
import json
import os
import re
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hpkb.check.findings import Diagnostic, error
from hpkb.content.body import REFERENCE, published_lines
from hpkb.content.model import Corpus, Entry
from hpkb.content.schema import DebriefMeta
from hpkb.guard.literals import Literals
from hpkb.guard.personal_data import Hit, find_personal_data, with_article
from hpkb.guard.reading import fold, plain, readings, visible
from hpkb.outputs.site.search import INDEX_FOLDER
from hpkb.reuse.fingerprint import code_digest, walk_tree
from hpkb.reuse.parallel import shared_out
from hpkb.view.gate import ProfileView, rewrite_references

__all__ = [
    "DECLARED_CONTACT",
    "GUARD_RECORD",
    "SOURCE_RECORD",
    "GivenNames",
    "OutputGuard",
    "Placed",
    "SourceCheck",
    "TextScan",
    "check_sources",
    "given_names",
    "guard_outputs",
    "guard_sources",
    "guarded_names",
    "pdf_readings",
    "subject_names",
]

# Files that hold single words out of context: the Whoosh index, and the site search
# index's term files (`hpkb.outputs.site.search`).
WORD_INDEXES = ("search/", f"site/{INDEX_FOLDER}/terms/")
_NAME_HINT = ("remove the name: people are named only in a debrief's `subjects`, which "
              "never leaves the internal profile")


# Marks inside a name that writers and PDF readers spell in several ways: hyphens,
# straight and curly apostrophes (`Tallis-Crane`, `O'Neill`, `O\u2019Neill`).
_NAME_JOINERS = re.compile(r"[-'\u2018\u2019\u02bc\u2010\u2011]")
_JOINER_SPELLINGS = ("", " ", "-", "'", "\u2019")


def _spellings(name: str) -> set[str]:
    """A name as written and with its hyphens and apostrophes written every other way:
    `O'Neill`, `ONeill`, `O Neill`; `Tallis-Crane`, `TallisCrane` (how some
    PDF readers give a name broken at its hyphen), `Tallis Crane`."""
    if not _NAME_JOINERS.search(name):
        return {name}
    return {name} | {_NAME_JOINERS.sub(mark, name) for mark in _JOINER_SPELLINGS}


def guarded_names(people: Iterable[str]) -> list[str]:
    """What a guard looks for of people's names: each full name and surname, in every
    spelling of their hyphens and apostrophes, longest first (so full names win)."""
    names: set[str] = set()
    for person in people:
        full = " ".join(person.split())
        if not full:
            continue
        names |= _spellings(full)
        parts = full.split(" ")
        if len(parts) > 1 and len(parts[-1]) > 2:
            names |= _spellings(parts[-1])
    return sorted(names, key=lambda n: (-len(n), n))


def subject_names(corpus: Corpus) -> list[str]:
    """Every debrief subject's name as a guard looks for it (`guarded_names`)."""
    return guarded_names(subject.name for entry in corpus.entries
                         if isinstance(entry.meta, DebriefMeta)
                         for subject in entry.meta.subjects)


def _name_pattern(names: list[str]) -> Literals | None:
    """The names as they are matched in a reading (`hpkb.guard.reading`): folded, whole words
    only; a possessive may follow."""
    return Literals.of({fold(name) for name in names}, words=True, possessive=True)


def _allowed(text: str, hit: Hit, allow: Iterable[str]) -> bool:
    """Whether the hit lies inside a reviewed phrase of the allow-list (compared folded,
    as the names are)."""
    folded = fold(text)
    for phrase in (fold(phrase) for phrase in allow):
        start = folded.find(phrase)
        while start >= 0:
            if start <= hit.start and hit.start + len(hit.text) <= start + len(phrase):
                return True
            start = folded.find(phrase, start + 1)
    return False


def _column(text: str, reading: Callable[[str], str], index: int) -> int:
    """The column (0-based) in ``text`` of what stands at ``index`` in ``reading(text)``:
    the shortest start of the text whose reading reaches past it."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high) // 2
        if len(reading(text[:middle + 1])) > index:
            high = middle
        else:
            low = middle + 1
    return min(low, max(len(text) - 1, 0))


def _placed(text: str, reading: Callable[[str], str], hit: Hit) -> Placed:
    """A hit found in ``reading(text)``, placed in ``text``."""
    at = _column(text, reading, hit.start)
    end = _column(text, reading, hit.start + max(len(hit.text), 1) - 1) + 1
    return Placed(at, text[at:end] if end > at else hit.text, hit)


def _in_field(line: int, column: int, at: int) -> tuple[int, int]:
    """Line and column of an offset in a front-matter value starting at line:column."""
    return line, column + at


def _in_body(starts: list[int], numbers: list[int], at: int) -> tuple[int, int]:
    """Line and column of an offset in body lines joined by newlines (each line's start
    offset and its number in the file)."""
    index = max(bisect.bisect_right(starts, at) - 1, 0)
    return numbers[index], at - starts[index] + 1


@dataclass(frozen=True)
class Placed:
    """A guard's hit placed in the author's text: its offset there, and what was
    written there."""

    at: int
    written: str
    hit: Hit


class TextScan:
    """What a guard looks for in one published text, in both readings of it
    (`hpkb.guard.reading`): subjects' names (`guarded_names`), hidden entries' ids and titles
    (a hit's text is then the hidden entry's id), and personal data by the owned rules;
    a hit inside a reviewed phrase of the allow-list is let through."""

    def __init__(self, names: list[str], hidden_ids: Iterable[str] = (),
                 hidden_titles: dict[str, str] | None = None,
                 allow: Iterable[str] = ()) -> None:
        self._names = _name_pattern(names)
        self._ids = _ids_pattern(sorted(hidden_ids))
        self._titles = dict(hidden_titles or {})  # folded title → entry id
        self._title_pattern = Literals.of(self._titles, head=24)
        self._allow = list(allow)

    def hits(self, text: str, *, skip: Collection[str] = (),
             given: GivenNames | None = None) -> list[Placed]:
        """Every hit in ``text``, in the order they stand, once each. Rules named in
        ``skip`` pass (a practice's published contact: `DECLARED_CONTACT`); ``given``
        adds the first names of the subjects of the debriefs the text's entry draws on."""
        hits: list[Placed] = []
        marked_up = visible(text) != text
        for reading in (fold, _reader_view) if marked_up else (fold,):
            folded = reading(text)
            found = [Hit("subject name", start, match) for start, match
                     in (self._names.finditer(folded) if self._names else ())]
            found += [Hit("hidden entry", start, match) for start, match
                      in (self._ids.finditer(folded) if self._ids else ())]
            found += [Hit("hidden entry", start, self._titles[match]) for start, match
                      in (self._title_pattern.finditer(folded) if self._title_pattern
                          else ())]
            hits += [_placed(text, reading, hit) for hit in found
                     if not _allowed(folded, hit, self._allow)]
        for reading in (plain, _plain_view) if marked_up else (plain,):
            shown = reading(text)
            found = find_personal_data(shown) + (given.find(shown) if given else [])
            hits += [_placed(text, reading, hit) for hit in found
                     if hit.rule not in skip and not _allowed(shown, hit, self._allow)]
        once: dict[tuple[str, int], Placed] = {}
        for placed in sorted(hits, key=lambda placed: placed.at):
            once.setdefault((placed.hit.rule, placed.at), placed)
        return list(once.values())


# What a practice's published contact may hold: a field path, and the rules that do not
# apply to it (the contact's address and name are meant to be published).
DECLARED_CONTACT: dict[tuple[str | int, ...], frozenset[str]] = {
    ("contact", "email"): frozenset({"email address"}),
    ("contact", "name"): frozenset({"rank or title with a name"}),
}


class GivenNames:
    """The first names of the subjects of some debriefs, found as written (capitalised,
    whole words) in the text of an entry that draws on those debriefs: alone, a first
    name says little, but beside the debrief it points at one person. A name standing
    next to a number (`May 2024`, `12 April`) is a date."""

    def __init__(self, names: dict[str, str]) -> None:
        self.debrief = dict(names)  # first name → the debrief whose subject it is
        alternatives = "|".join(re.escape(name) for name in sorted(names, key=len,
                                                                     reverse=True))
        self._pattern = re.compile(rf"(?<![\w'\u2019-])(?:{alternatives})(?![\w'\u2019-])")

    def find(self, text: str) -> list[Hit]:
        return [Hit("given name", match.start(), match.group(0))
                for match in self._pattern.finditer(text)
                if not _NUMBER_BESIDE.search(text[max(match.start() - 4, 0):match.start()])
                and not _NUMBER_AFTER.match(text, match.end())]


_NUMBER_BESIDE = re.compile(r"\d(?:st|nd|rd|th)?\s+$")
_NUMBER_AFTER = re.compile(r",?\s+\d")


def given_names(entry: Entry, corpus: Corpus) -> GivenNames | None:
    """The first names to look for in ``entry``: those of the subjects of the debriefs
    it draws on (itself if a debrief, its sources, related entries and inline
    references), each a name of at least three letters that is not the whole name."""
    meta = entry.meta
    linked = {entry.id} if isinstance(meta, DebriefMeta) else set()
    linked |= set(getattr(meta, "sources", ())) | set(meta.related)
    linked |= {match.group(1).strip() for match in REFERENCE.finditer(entry.source.body)}
    names: dict[str, str] = {}
    for debrief_id in sorted(linked):
        debrief = corpus.by_id.get(debrief_id)
        if debrief is None or not isinstance(debrief.meta, DebriefMeta):
            continue
        for subject in debrief.meta.subjects:
            parts = subject.name.split()
            if len(parts) > 1 and len(parts[0]) > 2 and parts[0][0].isupper():
                names.setdefault(parts[0], debrief_id)
    return GivenNames(names) if names else None


def _reader_view(text: str) -> str:
    return fold(visible(text))


def _plain_view(text: str) -> str:
    return plain(visible(text))


def _published_strings(value: Any, path: tuple[str | int, ...] = ()
                       ) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _published_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _published_strings(item, (*path, index))


SOURCE_RECORD = "guard-sources.json"


@dataclass(frozen=True)
class SourceCheck:
    """The source guard's findings, and the entries it passed (path → digest of what
    was scanned) under the rules digest, for the next build to skip."""

    findings: list[Diagnostic]
    rules: str
    passed: dict[str, str]

    def record(self) -> dict[str, Any]:
        return {"rules": self.rules, "passed": self.passed}


def guard_sources(profile_view: ProfileView, corpus: Corpus,
                  allow: Iterable[str]) -> list[Diagnostic]:
    """Scan everything a non-personal profile would publish; each hit is an error."""
    return check_sources(profile_view, corpus, allow).findings


def _entry_digest(published: Any, entry: Any) -> str:
    # The file's digest stands for its body, positions and the body's first line (rather
    # than JSON of them, made for every entry in every build); the published fields' repr
    # is in the order the file gave them: another order only scans again.
    source = entry.source
    scanned = (published.meta, source.digest) if source.digest else \
        (published.meta, source.body, source.body_line, source.positions)
    return hashlib.sha256(repr(scanned).encode()).hexdigest()


def check_sources(profile_view: ProfileView, corpus: Corpus, allow: Iterable[str],
                  previous: Path | None = None) -> SourceCheck:
    """The source guard; an entry whose scanned text is unchanged since the build in
    ``previous`` under the same rules is not scanned again."""
    allow = list(allow)
    visible_ids = {e.id for e in profile_view.entries}
    hidden_ids = sorted(e.id for e in corpus.entries if e.id not in visible_ids)
    all_names = subject_names(corpus)
    hidden_titles = {fold(e.meta.title): e.id for e in corpus.entries
                     if e.id not in visible_ids}
    rules = _digest([code_digest(), profile_view.name, all_names, hidden_ids,
                     sorted(hidden_titles), allow])
    if profile_view.profile.personal:
        return SourceCheck([], rules, {})
    before = _passed_before(previous, SOURCE_RECORD, rules)
    scanner = TextScan(all_names, hidden_ids, hidden_titles, allow)
    findings: list[Diagnostic] = []
    passed: dict[str, str] = {}

    def scan(file: str, where: Callable[[int], tuple[int, int]], text: str, *,
             skip: Collection[str] = (), given: GivenNames | None = None) -> None:
        for placed in scanner.hits(text, skip=skip, given=given):
            hit, written = placed.hit, placed.written
            line, column = where(placed.at)
            if hit.rule == "hidden entry":
                findings.append(error(file, line, column, "HP604",
                                      f"the {profile_view.name} profile cannot see "
                                      f"{hit.text}, but this text names it",
                                      f"link it as [[{hit.text}]] (shown as plain text where "
                                      "hidden) or remove the id"))
            elif hit.rule == "subject name":
                findings.append(error(file, line, column, "HP601",
                                      f"the {profile_view.name} profile would publish "
                                      f"the name `{written}` of a debrief subject",
                                      _NAME_HINT))
            elif hit.rule == "given name" and given is not None:
                findings.append(error(file, line, column, "HP601",
                                      f"the {profile_view.name} profile would publish "
                                      f"`{written}`, the first name of a subject of "
                                      f"{given.debrief[hit.text]}, which this entry draws on",
                                      "refer to the person by their role (the victim, her "
                                      "son); if the word is not that person here, add the "
                                      "exact phrase to `extra: hpkb: allow:` after review"))
            else:
                findings.append(error(file, line, column, "HP602",
                                      f"the {profile_view.name} profile would publish what "
                                      f"looks like {with_article(hit.rule)}: `{written}`",
                                      "remove or generalise it; if it is not personal data, "
                                      "add the exact phrase to `extra: hpkb: allow:` in "
                                      "mkdocs.yml after review"))

    for published in profile_view.entries:
        entry = corpus.by_id[published.id]
        digest = _entry_digest(published, entry)
        if before.get(entry.source.path) == digest:
            passed[entry.source.path] = digest
            continue
        already = len(findings)
        given = given_names(entry, corpus)
        for path, text in _published_strings(dict(published.meta)):
            line, column = entry.source.where(path)
            scan(entry.source.path, functools.partial(_in_field, line, column), text,
                 skip=DECLARED_CONTACT.get(path, frozenset()), given=given)
        # The body as published, in one go: internal passages left out, references to
        # hidden entries already plain text.
        lines = [(line, rewrite_references(text, visible_ids)) for line, text in
                 published_lines(entry.source.body, entry.source.body_line,
                                 keep_internal=False)]
        starts = list(itertools.accumulate((len(text) + 1 for _, text in lines[:-1]),
                                           initial=0))
        scan(entry.source.path, functools.partial(_in_body, starts, [n for n, _ in lines]),
             "\n".join(text for _, text in lines), given=given)
        if len(findings) == already:
            passed[entry.source.path] = digest
    return SourceCheck(findings, rules, passed)


# How PDF readers give a word broken at a line end: PDFium puts a marker (\x02, or
# U+FFFE) where the hyphen was and drops the line break; pypdf keeps the hyphen and the
# break; poppler drops both. A soft hyphen (U+00AD) may stand in too.
_PDF_LINE_BREAK = re.compile(r"[\x02\ufffe\u00ad][ \t]*(?:\r\n|\r|\n)?|-[ \t]*(?:\r\n|\r|\n)")


def pdf_readings(text: str) -> str:
    """A PDF's text as a reader could take it: words broken at a line end joined once
    with the hyphen kept and once without, so `Tallis-Crane` split after `Tallis-` and
    `Castrow` hyphenated as `Cas-trow` are both found whole."""
    kept = _PDF_LINE_BREAK.sub("-", text)
    dropped = _PDF_LINE_BREAK.sub("", text)
    return f"{kept}\n{dropped}\n"


def _pdf_text(path: Path) -> bytes | None:
    """A PDF's text (every page, both readings of words broken at line ends) and its
    metadata, read with PDFium (the pypdfium2 wheel); None if it cannot be read."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError:
        return None
    try:
        pages = []
        for page in document:
            text_page = page.get_textpage()
            pages.append(text_page.get_text_bounded())
            text_page.close()
            page.close()
        metadata = "\n".join(f"{key}: {value}"
                             for key, value in document.get_metadata_dict().items())
    except pypdfium2.PdfiumError:
        return None
    finally:
        document.close()
    return (pdf_readings("\n".join(pages)) + metadata + "\n").encode("utf-8")


def _readable(path: Path, data: bytes) -> bytes | None:
    """The bytes to scan: a PDF's text, a gzip file's contents, other files as they are."""
    if path.suffix.lower() == ".pdf":
        return _pdf_text(path)
    if data[:2] == b"\x1f\x8b":  # gzip: sitemap.xml.gz, a repo's own downloads
        with contextlib.suppress(OSError, EOFError):
            return gzip.decompress(data)
    return data


# Files are scanned in overlapping pieces: a large one (a search index segment runs to
# tens of MB) is never held decoded at once, and the guard records which pieces it
# passed, so after an edit only the pieces around it are scanned again (the export's
# entries.json grows with every entry). A piece ends at the first
# line after _PIECE bytes whose opening bytes hash to a multiple of _CUT: where pieces
# end depends on the text there, not on its offset, so an insertion moves one piece's
# end, not every one after it. No such line within _MAX_PIECE bytes: it ends there.
_PIECE = 256 * 1024
_CUT = 64
_MAX_PIECE = 4 * 2**20
_OVERLAP = 4096  # longer than any name, id or title (titles are at most 120 characters)


def _piece_end(raw: bytes, start: int) -> int:
    limit = min(start + _MAX_PIECE, len(raw))
    at = raw.find(b"\n", start + _PIECE, limit)
    while at != -1 and at + 1 < limit:
        if zlib.crc32(raw[at + 1:at + 33]) % _CUT == 0:
            return at + 1
        at = raw.find(b"\n", at + 1, limit)
    return limit


def _pieces(raw: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number the piece starts on, less one; the piece, with the next _OVERLAP
    bytes)."""
    lines_before, start = 0, 0
    while True:
        end = _piece_end(raw, start)
        yield lines_before, raw[start:end + _OVERLAP]
        if end >= len(raw):
            break
        lines_before += raw.count(b"\n", start, end)
        start = end


# An entry id's shape (schema: RD-2024-007), ending a word: hyphens count as word
# characters, as they do for `Literals` (RD-2024-007-x is another word). That a word
# starts there too is checked after: a look-behind first would stop the regex engine
# skipping quickly to the places an id can start.
_ID_WORD = re.compile(r"(rd|ln|pr)[\s_-]*([0-9]{4})[\s_-]*([0-9]{3})(?![\w-])")
_ID_SHAPE = re.compile(r"(?:RD|LN|PR)-[0-9]{4}-[0-9]{3}")
_WORD_BEFORE = re.compile(r"[\w-]")


class _IdWords:
    """Where any of a set of entry ids stands as a whole word in a folded reading, in
    any case and with any separator (`rd-2024-001`, `RD 2024 001`, `RD2024_001`):
    every id-shaped word, kept when it is one of them; found as the id it names."""

    def __init__(self, ids: Iterable[str]) -> None:
        self._ids = frozenset(ids)

    def finditer(self, text: str) -> Iterator[tuple[int, str]]:
        for match in _ID_WORD.finditer(text):
            start = match.start()
            entry_id = f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}"
            if entry_id in self._ids and not (start and _WORD_BEFORE.match(text, start - 1)):
                yield start, entry_id


def _ids_pattern(ids: list[str]) -> _IdWords | Literals | None:
    """The hidden ids' finder: by their shape when every one has it (always, for the
    entries of a valid corpus), else a pattern of the folded ids."""
    if not ids:
        return None
    if all(_ID_SHAPE.fullmatch(entry_id) for entry_id in ids):
        return _IdWords(ids)
    return Literals.of({fold(entry_id) for entry_id in ids}, words=True)


def _output_canaries(profile_view: ProfileView, corpus: Corpus
                     ) -> list[tuple[str, Literals | _IdWords, dict[str, str]]]:
    """(what, strings to find, matched text → entry id) for hidden entries' ids and titles."""
    visible_ids = {e.id for e in profile_view.entries}
    hidden = [e for e in corpus.entries if e.id not in visible_ids]
    canaries: list[tuple[str, Literals | _IdWords, dict[str, str]]] = []
    ids = _ids_pattern([e.id for e in hidden])
    if ids is not None:
        canaries.append(("the id of hidden entry", ids, {e.id: e.id for e in hidden}))
    titles = Literals.of((fold(e.meta.title) for e in hidden), head=24)
    if titles is not None:
        canaries.append(("the title of hidden entry", titles,
                         {fold(e.meta.title): e.id for e in hidden}))
    return canaries


GUARD_RECORD = "guard-passed.json"


def _digest(terms: Any) -> str:
    """What a guard looks for, as a digest: a record of what it passed must not hold the
    names and titles themselves."""
    return hashlib.sha256(json.dumps(terms, sort_keys=True).encode()).hexdigest()


def _record_before(previous: Path | None, name: str, rules: str) -> dict[str, Any]:
    """The previous build's guard record ``name``, when it was made under the same rules."""
    record = previous / name if previous is not None else None
    if record is None or not record.is_file():
        return {}
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("rules") == rules else {}


def _passed_before(previous: Path | None, name: str, rules: str) -> dict[str, str]:
    """What the previous build's guard passed (path → digest of what it scanned), from
    its record ``name``, when it passed it under the same rules."""
    passed = _record_before(previous, name, rules).get("passed")
    return passed if isinstance(passed, dict) else {}


# Below this many bytes to check, a second process (`hpkb.reuse.parallel`) takes about as
# long to start as the check takes here.
SHARED_MIN_BYTES = 16 * 2**20
# Files this large and of the same size are checked together, on one core: most likely
# copies (the export's entries.json is in the site's and the docs tree's downloads too),
# whose bytes pass once and are then known.
_SAME_SIZE_GROUP = 64 * 1024


def _costliest_first(todo: list[tuple[str, str]]) -> tuple[list[list[int]], int]:
    """The positions of ``todo``'s files in groups to check on one core (likely copies
    together, `_SAME_SIZE_GROUP`), the largest first: the two cores take groups as they
    come free (`hpkb.reuse.parallel.shared_out`), and a large file left for last would be
    scanned on one core while the other waits. And the files' size in all."""
    by_size: dict[int, list[int]] = {}
    singles: list[tuple[int, list[int]]] = []
    for at, (path, _) in enumerate(todo):
        try:
            size = os.stat(path).st_size
        except OSError:
            size = 0  # gone: _check_file says so
        if size >= _SAME_SIZE_GROUP:
            by_size.setdefault(size, []).append(at)
        else:
            singles.append((size, [at]))
    groups = [(size * len(group), group) for size, group in by_size.items()] + singles
    return ([group for _, group in sorted(groups, key=lambda g: (-g[0], g[1][0]))],
            sum(size for size, _ in groups))


@dataclass(frozen=True)
class _FileCheck:
    """What checking one file found: its findings; the digest of its bytes when they
    passed (None when not); the keys of its pieces that passed."""

    rel: str
    in_index: bool
    findings: list[Diagnostic]
    passed: str | None
    clean_pieces: tuple[str, ...]


class OutputGuard:
    """Scans a finished (not yet live) build's files for names and hidden entries, in as
    many goes as the build likes (a part can be checked while another is still being
    written), then records what it passed.

    Every file is read. A file byte-identical to one at the same place in ``previous``
    that passed under the same rules (names, hidden entries, allow-list, code) is not
    scanned again: what the guard kept is keyed by the bytes' digest and the rules'.
    ``records``: more strings no file may hold, whole (the death records' names,
    addresses and refs: `hpkb.deaths.outputs.record_terms`).
    """

    def __init__(self, folder: Path, profile_view: ProfileView, corpus: Corpus,
                 allow: Iterable[str], previous: Path | None = None, *,
                 records: Collection[str] = ()) -> None:
        self.folder = folder
        self.findings: list[Diagnostic] = []
        self._where = f"build/{profile_view.name}"
        self._passed: dict[str, str] = {}
        self._scanned: set[str] = set()
        self._clean: set[tuple[str, bool]] = set()  # (digest, in the search index)
        # Pieces passed (their bytes' digest, marked by whether in the search index):
        # in this build, and recorded by the last one under the same rules.
        self._clean_pieces: set[str] = set()
        self._pieces_before: set[str] = set()
        self._off = bool(profile_view.profile.personal)
        if self._off:
            return
        self._canaries = _output_canaries(profile_view, corpus)
        # The death records (hpkb.deaths): a canary of their own, matched whole.
        recorded = Literals.of({fold(term) for term in records}, words=True, possessive=True)
        if recorded is not None:
            self._canaries.append(("a name, address or ref from the death records",
                                   recorded, {}))
        all_names = subject_names(corpus)
        self._allow = list(allow)
        self._rules = _digest([code_digest(), all_names, sorted(records), self._allow,
                               [(what, sorted(owners.items()))
                                for what, _, owners in self._canaries]])
        self._names = _name_pattern(all_names)
        if self._names is not None:
            self._canaries.insert(0, ("the name of a debrief subject", self._names, {}))
        # A search index holds single words, out of context: a name the allow-list lets
        # through in some reviewed phrase cannot be judged there (the text files around
        # it are still checked in context, and the sources were checked line by line).
        allowed_words = {w.casefold() for phrase in self._allow
                         for w in re.findall(r"[\w'-]+", phrase)}
        self._index_names = _name_pattern([n for n in all_names
                                           if n.casefold() not in allowed_words])
        record = _record_before(previous, GUARD_RECORD, self._rules)
        passed, pieces = record.get("passed"), record.get("pieces")
        self._before = passed if isinstance(passed, dict) else {}
        self._pieces_before = set(pieces) if isinstance(pieces, list) else set()

    def scan(self, *leave_out: tuple[str, ...], two_cores: bool = False) -> None:
        """Scan every file of ``folder`` (any already scanned are passed over) but those
        in the folders whose paths below ``folder`` are ``leave_out``, in the order of their
        paths, listed with os.scandir rather than pathlib: a build holds a few files for
        each entry, most of them the last build's, and a preview lists them all. With
        ``two_cores``, a second process shares the files (`hpkb.reuse.parallel`, the
        largest first): for the last files, scanned when nothing else is left to run beside
        them."""
        if self._off:
            return
        todo: list[tuple[str, str]] = []
        for parts, path in sorted(walk_tree(self.folder, self.folder, files_only=True)):
            rel = "/".join(parts)
            if any(parts[:len(out)] == out for out in leave_out) or rel in self._scanned:
                continue
            self._scanned.add(rel)
            todo.append((path, rel))
        checks: Iterable[_FileCheck]
        if two_cores:
            # The files to scan are those not passed before as they are now; when they
            # are many, a second process takes a share.
            by_index = {at: known for at, item in enumerate(todo)
                        if (known := self._passed_as_they_are(item)) is not None}
            rest = [at for at in range(len(todo)) if at not in by_index]
            groups, size = _costliest_first([todo[at] for at in rest])
            work = [[todo[rest[at]] for at in group] for group in groups]
            done = shared_out(functools.partial(_check_group, self), work, least=2) \
                if size >= SHARED_MIN_BYTES else [_check_group(self, files) for files in work]
            by_index.update((rest[at], check) for group, group_checks
                            in zip(groups, done, strict=True)
                            for at, check in zip(group, group_checks, strict=True))
            checks = [by_index[at] for at in range(len(todo))]
        else:
            checks = map(self._read_and_check, todo)
        # Applied in the files' order, so the findings read the same however made.
        for check in checks:
            self.findings += check.findings
            self._clean_pieces.update(check.clean_pieces)
            if check.passed is not None:
                self._passed[check.rel] = check.passed
                self._clean.add((check.passed, check.in_index))

    def _passed_as_they_are(self, item: tuple[str, str]) -> _FileCheck | None:
        """The check of a file whose bytes passed at the same place in the last build
        under the same rules (read and compared, not scanned); None otherwise."""
        path, rel = item
        if rel not in self._before:
            return None
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            return None  # _read_and_check says so
        if self._before[rel] != digest:
            return None
        in_index = rel.startswith(WORD_INDEXES)
        self._clean.add((digest, in_index))  # a copy elsewhere passes too
        return _FileCheck(rel, in_index, [], digest, ())

    def _read_and_check(self, item: tuple[str, str]) -> _FileCheck:
        path, rel = Path(item[0]), item[1]
        in_index = rel.startswith(WORD_INDEXES)
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        # The same bytes passed before here, or elsewhere in this build under the same
        # rules (the entries' JSON is in the export, the docs tree and the site).
        if self._before.get(rel) == digest or (digest, in_index) in self._clean:
            return _FileCheck(rel, in_index, [], digest, ())
        where = f"{self._where}/{rel}"
        raw = _readable(path, data)
        if raw is None:  # deny by default: what cannot be read cannot be published
            return _FileCheck(rel, in_index, [error(
                where, 1, 1, "HP605", "cannot read this PDF to check it, so it is not published",
                "the file is damaged or not a PDF: run the build again; if it fails again, "
                "report it with the pack's definition")], None, ())
        findings: list[Diagnostic] = []
        clean_pieces: list[str] = []
        reported: set[tuple[str, str]] = set()
        for lines_before, piece in _pieces(raw):
            # Bytes passed before under the same rules (this build's or the last's),
            # and in the same place as to the search index, pass again.
            key = f"{'i' if in_index else 't'}{hashlib.sha256(piece).hexdigest()}"
            if key in self._clean_pieces or key in self._pieces_before:
                clean_pieces.append(key)
                continue
            clean = True
            for text, what, pattern, owners in self._matches(piece, in_index):
                for start, found in pattern.finditer(text):
                    owner = owners.get(found, "")
                    if (what, owner) in reported:
                        clean = False
                        continue
                    if _allowed(text, Hit(what, start, found), self._allow):
                        continue
                    clean = False
                    reported.add((what, owner))
                    line = lines_before + text.count("\n", 0, start) + 1
                    findings.append(error(
                        where, line, 1, "HP603",
                        f"output contains {what}" + (f" {owner}" if owner else ""),
                        "the build was not published; report this: the view should have "
                        "removed it"))
            if clean:
                clean_pieces.append(key)
                self._clean_pieces.add(key)
        if findings:
            return _FileCheck(rel, in_index, findings, None, tuple(clean_pieces))
        self._clean.add((digest, in_index))
        return _FileCheck(rel, in_index, [], digest, tuple(clean_pieces))

    def _matches(self, piece: bytes, in_index: bool
                 ) -> Iterator[tuple[str, str, Literals | _IdWords, dict[str, str]]]:
        """(reading, what, pattern, owners) for every canary over every reading of a
        piece: the text as written, folded; and, but in a search index's words, what a
        reader sees of it (`hpkb.guard.reading`). Both keep the piece's line breaks."""
        text = piece.decode("utf-8", "replace")
        # A search index's words and binary files (index segments, images, fonts) hold
        # no markup to read through: their letters are compared in lower case, as the
        # names are (the texts they were made from passed the source guard).
        binary = in_index or "\x00" in text
        for reading in (text.lower(),) if binary else readings(text):
            for what, pattern, owners in self._canaries:
                if in_index and pattern is self._names:
                    if self._index_names is None:
                        continue
                    pattern = self._index_names
                yield reading, what, pattern, owners

    def finish(self) -> list[Diagnostic]:
        """Scan whatever files are left, and when all passed, record what passed (in the
        folder, for the next build); the findings otherwise."""
        self.scan(two_cores=True)
        if not self.findings and not self._off:
            (self.folder / GUARD_RECORD).write_text(
                json.dumps({"rules": self._rules, "passed": self._passed,
                            "pieces": sorted(self._clean_pieces)}, indent=0,
                           sort_keys=True) + "\n", encoding="utf-8")
        return self.findings


def _check_group(guard: OutputGuard, files: list[tuple[str, str]]) -> list[_FileCheck]:
    """A group of files checked (`OutputGuard.scan`; a module's function, so that it can
    be handed to a second process)."""
    return [guard._read_and_check(item) for item in files]


def guard_outputs(folder: Path, profile_view: ProfileView, corpus: Corpus,
                  allow: Iterable[str], previous: Path | None = None,
                  records: Collection[str] = ()) -> list[Diagnostic]:
    """Scan every file of a finished (not yet live) build for names and hidden entries
    (`OutputGuard`, in one go; ``records``: the death records' strings)."""
    return OutputGuard(folder, profile_view, corpus, allow, previous,
                       records=records).finish()

"""Fielded, faceted search over one profile's view (Whoosh, behind this module only).

The index lives in build/<profile>/search/ and holds only what the profile's view holds.
A rebuild starts from the previous index and re-indexes only entries whose content hash
changed; the pipeline swaps the whole build in, so an interrupted update never goes live.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import json
import os
import pickle
import re
import shutil
import struct
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from math import log
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from hpkb.content.body import REFERENCE
from hpkb.reuse.parallel import shared_out
from hpkb.reuse.store import JSON, Codec, Reuse, compact_json, key_of
from hpkb.write import link_or_copy, write_text

T = TypeVar("T")

if TYPE_CHECKING:  # the index's second process imports this module: only what it runs
    from hpkb.content.taxonomy import Taxonomy
    from hpkb.view.gate import ProfileView, PublishedEntry

__all__ = ["INDEX_DIR", "IndexReader", "SearchError",
           "SearchResults", "index_view", "more_like_this", "search_index"]

INDEX_DIR = "search"
MAX_QUERY_CHARS = 200
MAX_LIMIT = 100
FIELD_ALIASES = {"theme": "themes", "type": "kind", "tag": "tags", "org": "organisation",
                 "recommendation": "recommendations"}
_MARKDOWN = re.compile(r"[#*_`>|\[\]()!]+")
_SPELL_WORD = re.compile(r"[^\W\d_]{3,}")
WORDS_FILE = "words.json"
# The fields queries score; each keeps term vectors (see hpkb.outputs.search.index_stats).
SCORED_FIELDS = ("title", "summary", "body", "keywords")


class SearchError(Exception):
    """The index cannot answer (missing, unreadable) or the query is unusable."""


def _text_field(analyzer: Any, boost: float = 1.0, stored: bool = True) -> Any:
    """A scored field: positions for phrases, and term vectors (see SCORED_FIELDS)."""
    from whoosh import fields

    # Term vectors as Whoosh keeps its postings (positions), for related entries.
    return fields.TEXT(stored=stored, analyzer=analyzer, field_boost=boost, vector=True)


def _schema() -> Any:
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    stem = StemmingAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        kind=fields.ID(stored=True, sortable=True),
        title=_text_field(stem, 3.0),
        summary=_text_field(stem, 2.0),
        body=_text_field(stem),
        # Theme titles, tags, topics and ratings as words, so plain-language queries
        # ("county lines practice that worked") find them.
        keywords=_text_field(stem, 1.5, stored=False),
        themes=fields.KEYWORD(stored=True, commas=True, sortable=True),
        tags=fields.KEYWORD(stored=True, commas=True),
        organisation=fields.ID(stored=True, sortable=True),
        region=fields.ID(stored=True),
        rating=fields.ID(stored=True),
        focus=fields.ID(stored=True),
        recommendations=fields.KEYWORD(commas=True),
        date=fields.DATETIME(stored=True, sortable=True),
    )


def plain_text(markdown: str) -> str:
    """Body text for indexing: references as their text, Markdown punctuation dropped."""
    text = REFERENCE.sub(lambda m: m.group(2) or m.group(1), markdown)
    return _MARKDOWN.sub(" ", text)


def _keywords(entry: PublishedEntry, taxonomy: Taxonomy) -> str:
    meta = entry.meta
    words = [taxonomy.themes[t].title for t in taxonomy.expand_themes(meta["themes"])]
    words += [t.replace("-", " ") for t in meta.get("tags", [])]
    words += [str(t) for t in meta.get("topics", [])]
    for name in ("effectiveness", "focus", "stage"):
        if meta.get(name):
            words.append(str(meta[name]).replace("-", " "))
    return " ".join(words)


def _document(entry: PublishedEntry, taxonomy: Taxonomy) -> dict[str, Any]:
    meta = entry.meta
    document: dict[str, Any] = {
        "keywords": _keywords(entry, taxonomy),
        "id": entry.id, "kind": entry.kind, "title": entry.title,
        "summary": str(meta["summary"]), "body": plain_text(entry.body),
        "themes": ",".join(taxonomy.expand_themes(meta["themes"])),
        "tags": ",".join(meta.get("tags", [])), "organisation": str(meta["organisation"]),
        "region": entry.region or "", "rating": str(meta.get("effectiveness", "")),
        "focus": str(meta.get("focus", "")),
        "recommendations": ",".join(meta.get("recommendations", [])),
        "date": datetime.fromisoformat(str(meta["created"])),
    }
    # Its repr, the fields always in this order (JSON with sorted keys cost four times as
    # much, over every entry of every build).
    document["content_hash"] = hashlib.sha256(repr(document).encode()).hexdigest()
    return document


def _hash_and_words(text: str) -> tuple[str, str]:
    content_hash, words = JSON.decode(text)
    return str(content_hash), str(words)


# On the "search-documents" shelf, by the entry's published digest and the taxonomy: its
# document's content hash and its spelling words (one string, space between: a tenth of
# the time of reading them as a list).
_HASH_AND_WORDS: Codec[tuple[str, str]] = Codec(lambda pair: compact_json(list(pair)),
                                                _hash_and_words)


def _entry_documents(profile_view: ProfileView, reuse: Reuse | None
                     ) -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, str]]:
    """The documents made, and every entry's content hash and spelling words: from
    ``reuse`` for an entry published as it was then (a one-entry edit makes one
    document, not 1,000), else from its document, made."""
    documents: dict[str, dict[str, Any]] = {}
    hashes: dict[str, str] = {}
    spelling: dict[str, str] = {}
    split: dict[str, tuple[str, ...]] = {}  # a token's words, found once for all entries
    taxonomy = key_of(profile_view.taxonomy)

    def made(entry: PublishedEntry) -> tuple[str, str]:
        document = documents[entry.id] = _document(entry, profile_view.taxonomy)
        return document.pop("content_hash"), _spelling_words(document, split)

    for entry in profile_view.entries:
        hashes[entry.id], spelling[entry.id] = made(entry) if reuse is None else reuse.get(
            "search-documents", f"{entry.digest} {taxonomy}", functools.partial(made, entry),
            _HASH_AND_WORDS)
    return documents, hashes, spelling


def _spelling_words(document: dict[str, Any], split: dict[str, tuple[str, ...]]) -> str:
    """The words of a document's title, summary and text "did you mean" may suggest. A
    word never spans whitespace: each distinct token is searched once (``split`` keeps
    what each gave), rather than searching the whole text."""
    words: set[str] = set()
    for token in set(f"{document['title']} {document['summary']} {document['body']}".split()):
        found = split.get(token)
        if found is None:
            found = split[token] = tuple(_SPELL_WORD.findall(token.lower()))
        words.update(found)
    return " ".join(sorted(words))


@dataclass(frozen=True)
class IndexReport:
    """What an index update did."""

    added: int
    updated: int
    removed: int
    unchanged: int


# The record beside the index of what it holds: each entry's content hash, and the
# layout's version (a different layout is rebuilt from scratch, not updated). 5: the
# schema saved in the index names Whoosh's own classes only.
INDEXED_FILE = "indexed.json"
INDEX_LAYOUT = 5
# Deleted documents stay in the index until segments merge; queries skip them and scores
# leave them out (hpkb.outputs.search.index_stats), so merging all is needed only when they pile up.
MERGE_DELETED_SHARE = 0.1
# Below this many entries to index, a second process costs more than it saves.
PARALLEL_MIN_ENTRIES = 200


def _indexed(folder: Path) -> dict[str, str] | None:
    """The content hash of each entry in the index in ``folder``, or None when there is
    no usable index there."""

    try:
        record = json.loads((folder / INDEXED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("layout") != INDEX_LAYOUT \
            or not _readable_index(folder):
        return None
    hashes = record.get("hashes")
    return hashes if isinstance(hashes, dict) else None


def _readable_index(folder: Path) -> bool:
    """Whoosh opens the index in ``folder`` and a reader over every segment of it: an
    index damaged since it was written (a segment file edited by hand) is rebuilt from
    scratch rather than updated."""
    from whoosh import index

    try:
        if not index.exists_in(str(folder)):
            return False
        store = index.open_dir(str(folder))
        try:
            with store.reader() as reader:
                reader.doc_count_all()
        finally:
            store.close()
    except (OSError, ValueError, EOFError, KeyError, IndexError, ImportError,
            AttributeError, struct.error, zlib.error, pickle.UnpicklingError):
        return False
    return True


def _share_segments(source: str, target: str) -> None:
    """Whoosh never rewrites a segment file, so the previous build's can be shared;
    everything else (the table of contents, records) is copied, as it is rewritten."""
    if source.endswith(".seg"):
        link_or_copy(Path(source), Path(target))
    else:
        shutil.copy2(source, target)


def index_view(profile_view: ProfileView, out: Path, previous: Path | None,
               workers: int = 2, meanwhile: Callable[[], None] | None = None,
               reuse: Reuse | None = None) -> IndexReport:
    """Write the profile's index into ``out``, starting from ``previous`` when usable;
    when many entries need indexing, a second process shares the work
    (`_index_on_two_cores`). ``meanwhile`` runs once that process has started, before
    this one takes its share (work that would otherwise leave the second core idle); if
    it raises, indexing stops. ``reuse``: where each entry's document's hash and
    words are kept from one build for the next."""
    from whoosh import index

    documents, hashes, spelling = _entry_documents(profile_view, reuse)
    known = _indexed(previous) if previous is not None else None
    if known is not None and previous is not None:
        shutil.copytree(previous, out, dirs_exist_ok=True, copy_function=_share_segments)
        store = index.open_dir(str(out))
    else:
        known = {}
        out.mkdir(parents=True, exist_ok=True)
        store = index.create_in(str(out), _schema())
    removed = known.keys() - hashes.keys()
    changed = [entry_id for entry_id in hashes if known.get(entry_id) != hashes[entry_id]]
    for entry in profile_view.entries:  # an entry's document to index, made if not yet
        if entry.id not in documents and known.get(entry.id) != hashes[entry.id]:
            documents[entry.id] = _document(entry, profile_view.taxonomy)
            documents[entry.id].pop("content_hash")
    updated = {entry_id for entry_id in changed if entry_id in known}
    joined: list[Any] = []
    if workers > 1 and len(changed) >= PARALLEL_MIN_ENTRIES:
        joined = _index_on_two_cores([documents[i] for i in changed], out, meanwhile)
    elif meanwhile is not None:
        meanwhile()
    writer = store.writer()
    for entry_id in removed | updated:
        writer.delete_by_term("id", entry_id)
    if not joined:
        for entry_id in changed:
            writer.add_document(**documents[entry_id])
    # "Did you mean" suggests words as written in the entries: a plain word list beside
    # the index (Whoosh's per-field spelling copies add much to indexing time).
    words = sorted(set().union(*(found.split() for found in spelling.values())))
    write_text(out / WORDS_FILE, json.dumps(words, ensure_ascii=False))
    gone = len(removed) + len(updated)
    with store.reader() as reader:
        gone += reader.doc_count_all() - reader.doc_count()
        total = reader.doc_count_all() + len(changed)
        segments = len(reader.leaf_readers())
    # Entries only added (nothing deleted) grow the index by a part every PART_MIN of
    # them (`_merging`): past MAX_SEGMENTS, all merge into one.
    optimize = gone > MERGE_DELETED_SHARE * total or segments > MAX_SEGMENTS
    writer.commit(mergetype=_merging(joined, optimize, expunge=bool(removed)))
    store.close()
    write_text(out / INDEXED_FILE, json.dumps(
        {"layout": INDEX_LAYOUT, "hashes": dict(sorted(hashes.items()))}))
    return IndexReport(len(changed) - len(updated), len(updated), len(removed),
                       len(documents) - len(changed))


def _index_on_two_cores(documents: list[dict[str, Any]], out: Path,
                        meanwhile: Callable[[], None] | None) -> list[Any]:
    """Index ``documents`` in new segments, a part at a time, shared with a second
    process (`hpkb.reuse.parallel.shared_out`), and move them into ``out``'s folder:
    their segments, for the index's writer to join. ``meanwhile`` runs here while the
    second process starts and takes the first parts."""
    size = max(PART_MIN, -(-len(documents) // PARTS))
    parts = [(at // size, documents[at:at + size]) for at in range(0, len(documents), size)]
    written = shared_out(functools.partial(_index_part, out), parts, least=2,
                         meanwhile=meanwhile)
    joined = [segment for folder in written for segment in _moved_segments(folder, out)]
    for folder in written:
        shutil.rmtree(folder)
    return joined


# `_index_on_two_cores` writes at most this many parts, each of at least PART_MIN
# documents: each part is a segment, one more for a query to search, and the parts are
# what the two processes share out.
PARTS = 8
PART_MIN = 64
# An index of more segments than a clean build's parts and the edits' small ones is
# merged into one: every query searches each segment.
MAX_SEGMENTS = 2 * PARTS + 5
PART_DIR = "part-"  # a part's own index, in the index folder being written


def _index_part(out: Path, part: tuple[int, list[dict[str, Any]]]) -> Path:
    """A complete index of a part's documents, in a folder of ``out`` named by its number
    (`_index_on_two_cores`)."""
    from whoosh import index
    from whoosh.writing import NO_MERGE

    number, documents = part
    folder = out / f"{PART_DIR}{number}"
    shutil.rmtree(folder, ignore_errors=True)  # what a second process that failed left
    folder.mkdir()
    store = index.create_in(str(folder), _schema())
    writer = store.writer()
    for document in documents:
        writer.add_document(**document)
    writer.commit(mergetype=NO_MERGE)
    store.close()
    return folder


def _segments(store: Any) -> list[Any]:
    """The segments of the index ``store``, in order, as its readers have them (Whoosh's
    public reader API: one leaf reader for each segment)."""
    with store.reader() as reader:
        return [segment for leaf, _ in reader.leaf_readers()
                if (segment := leaf.segment()) is not None]


def _moved_segments(part: Path, out: Path) -> list[Any]:
    """The segments of the index in ``part``, their files moved into ``out``'s folder
    (segment files are named by the index and a random segment id, so they keep their
    names)."""
    from whoosh import index

    store = index.open_dir(str(part))
    segments = _segments(store)
    for segment in segments:
        for name in segment.list_files(store.storage):
            os.replace(part / name, out / name)
    store.close()
    return segments


def _merging(joined: list[Any], optimize: bool, expunge: bool) -> Any:
    """A Whoosh merge policy: the index's own segments kept (small ones merged, or all
    when ``optimize``), plus ``joined`` (the parts both processes wrote). With
    ``expunge``, every segment holding a deleted document is written again without it:
    Whoosh only marks a document deleted, and an entry that left the view (hidden, held
    back) must leave no copy in the index's files (the output guard would find it).

    Only segments of fewer than PART_MIN documents (those of edits) are merged, by
    Whoosh's MERGE_SMALL, until they make a part of their own: given a clean build's
    parts, all of a size, MERGE_SMALL alone would merge nearly the whole index into one
    segment every few edits, a build's worth of indexing for one edited entry."""
    from whoosh.writing import MERGE_SMALL, OPTIMIZE

    def policy(writer: Any, own: list[Any]) -> list[Any]:
        if optimize:
            return list(OPTIMIZE(writer, own + joined))
        if expunge:
            OPTIMIZE(writer, [s for s in own if s.has_deletions()])
            own = [s for s in own if not s.has_deletions()]
        parts = [s for s in own if s.doc_count_all() >= PART_MIN]
        small = [s for s in own if s.doc_count_all() < PART_MIN]
        return parts + list(MERGE_SMALL(writer, small)) + joined

    return policy


@dataclass(frozen=True)
class SearchResults:
    """Results in the stable `search --json` shape."""

    total: int
    results: list[dict[str, Any]]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None

    def as_json(self) -> dict[str, Any]:
        data = {"total": self.total, "results": self.results, "facets": self.facets}
        if self.suggestion:
            data["did_you_mean"] = self.suggestion
        return data


_FIELDED = re.compile(r'(?<!\S)([a-z_]+):("[^"]*"|\S+)')
FILTER_FIELDS = {"kind", "themes", "tags", "organisation", "region", "rating", "focus",
                 "recommendations", "id"}


# Plain-language words that say what kind of entry, or which rating, is wanted: they
# raise matching entries instead of being searched for as text.
HINTS = {"practice": ("kind", "practice"), "practices": ("kind", "practice"),
         "learning": ("kind", "learning"), "lessons": ("kind", "learning"),
         "debrief": ("kind", "debrief"), "debriefs": ("kind", "debrief"),
         "worked": ("rating", "worked"), "works": ("rating", "worked"),
         "promising": ("rating", "promising")}


def take_hints(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split hint words off the free text (unless nothing else would be left)."""
    words = text.split()
    rest = [w for w in words if w.lower() not in HINTS]
    if not rest:
        return text, []
    return " ".join(rest), [HINTS[w.lower()] for w in words if w.lower() in HINTS]


def split_query(query: str) -> tuple[str, list[tuple[str, str]]]:
    """Free text, and the `field:value` filters in it (aliases resolved)."""
    filters: list[tuple[str, str]] = []

    def take(match: re.Match[str]) -> str:
        name = FIELD_ALIASES.get(match.group(1), match.group(1))
        if name not in FILTER_FIELDS:
            return match.group(0)  # not a filter field: leave it as words
        filters.append((name, match.group(2).strip('"')))
        return " "

    text = _FIELDED.sub(take, query)
    return " ".join(text.split()), filters


class IndexReader:
    """One profile's index kept open between queries (opening it costs more than most
    queries); reopened when the index on disk changes, e.g. after a rebuild."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._store: Any = None
        self._searcher: Any = None
        self._stamp: tuple[str, int] | None = None
        self._facets: FacetColumns = ([], [], [])
        self._words: list[str] = []
        self._scores: Any = None

    def _open(self) -> tuple[Any, Any]:
        from whoosh import index

        from hpkb.outputs.search.term_scores import TermScores

        tocs = sorted(self.folder.glob("*.toc"))
        try:
            if not tocs or not index.exists_in(str(self.folder)):
                raise SearchError(f"no search index in {self.folder}")
            stamp = (tocs[-1].name, tocs[-1].stat().st_mtime_ns)
            if stamp != self._stamp:
                self.close()
                self._store = index.open_dir(str(self.folder))
        except (ImportError, AttributeError) as exc:  # its schema names other classes
            raise SearchError(f"the search index in {self.folder} was written by another "
                              "version of hpkb: build the profile again") from exc
        if stamp != self._stamp:
            self._searcher = _searcher(self._store)
            self._scores = TermScores(self._searcher.reader(), self._searcher.weighting.stats)
            self._stamp = stamp
            reader = self._searcher.reader()
            # Facet values of every document, read once per opened index: counting them
            # over the matches is then a walk over plain lists.
            self._facets = ([str(v) for v in reader.column_reader("kind")],
                            [tuple(str(v).split(",")) if v else ()
                             for v in reader.column_reader("themes")],
                            [str(v) for v in reader.column_reader("organisation")])
            words = self.folder / WORDS_FILE
            self._words = json.loads(words.read_text(encoding="utf-8")) \
                if words.is_file() else []
        return self._store, self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._store is not None:
            self._store.close()
        self._store = self._searcher = self._stamp = self._scores = None

    def search(self, query: str, *, kind: str | None = None, theme: str | None = None,
               organisation: str | None = None, since: date | None = None,
               until: date | None = None, limit: int = 10) -> SearchResults:
        """Run a query with filters; facet counts cover every match, not just the page."""
        if len(query) > MAX_QUERY_CHARS:
            raise SearchError(f"the query is longer than {MAX_QUERY_CHARS} characters")
        with self._lock:
            store, searcher = self._open()
            return _run(store, searcher, self._scores, self._facets, self._words, query,
                        kind, theme, organisation, since, until,
                        max(1, min(limit, MAX_LIMIT)))


def search_index(folder: Path, query: str, *, kind: str | None = None,
                 theme: str | None = None, organisation: str | None = None,
                 since: date | None = None, until: date | None = None,
                 limit: int = 10) -> SearchResults:
    """One query against an index folder (opens and closes it)."""
    reader = IndexReader(folder)
    try:
        return reader.search(query, kind=kind, theme=theme, organisation=organisation,
                             since=since, until=until, limit=limit)
    finally:
        reader.close()


FacetColumns = tuple[list[str], list[tuple[str, ...]], list[str]]
RERANK = 30  # how many of the best matches the side-by-side bonus may re-order


def _matching(searcher: Any, query: Any) -> set[int]:
    """The documents a query matches, unscored. Terms, ORs and ANDs (what free text and
    filters parse to) are read straight from the posting lists as sets, much faster
    than walking Whoosh's matchers document by document; anything else asks Whoosh."""
    from whoosh.query import And, Every, Or, Term

    reader = searcher.reader()
    if isinstance(query, Term):
        if (query.fieldname, query.text) not in reader:
            return set()
        found = set(reader.postings(query.fieldname, query.text).all_ids())
        if reader.has_deletions():
            found = {d for d in found if not reader.is_deleted(d)}
        return found
    if isinstance(query, Every):
        return set(reader.all_doc_ids())
    if isinstance(query, Or):
        return set().union(*(_matching(searcher, q) for q in query.subqueries))
    if isinstance(query, And) and query.subqueries:
        parts = sorted((_matching(searcher, q) for q in query.subqueries), key=len)
        return parts[0].intersection(*parts[1:])
    return set(searcher.docs_for_query(query))


def _stem_start(word_stem: str) -> str:
    """The characters every word with this stem starts with ("polici" ← "policy")."""
    return re.escape(word_stem[:max(1, len(word_stem) - 1)])


def _side_by_side(pairs: list[tuple[str, str]]) -> list[re.Pattern[str]]:
    """For each pair of query words, a pattern for the two standing side by side in any
    form with the same stem starts."""
    from whoosh.lang.porter import stem

    return [re.compile(rf"\b{_stem_start(stem(a.lower()))}\w*[^\w\n]+"
                       rf"{_stem_start(stem(b.lower()))}", re.IGNORECASE)
            for a, b in pairs]


def _together(hit: dict[str, Any], pairs: list[re.Pattern[str]]) -> float:
    """1 plus the share of the query's word pairs found side by side in the entry's
    title, summary or body."""
    if not pairs:
        return 1.0
    text = f"{hit['title']}\n{hit['summary']}\n{hit['body']}"
    return 1.0 + sum(1 for pair in pairs if pair.search(text)) / len(pairs)


_SNIPPET_CHARS = 160


def _marker(stems: set[str]) -> re.Pattern[str] | None:
    """Candidates for the query's words in a text: words starting as a stem does (each
    is confirmed by stemming it)."""
    if not stems:
        return None
    starts = sorted({_stem_start(s) for s in stems}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(starts) + r")\w*", re.IGNORECASE)


def _snippet(text: str, stems: set[str], candidate: re.Pattern[str] | None) -> str | None:
    """The first place in ``text`` where a query word occurs (any word with the same
    stem), about 160 characters around it, with the words marked. Much faster than
    re-analysing the whole text, which is what made Whoosh's highlighter slow."""
    from html import escape

    from whoosh.lang.porter import stem

    if candidate is None:
        return None
    marks = [m for m in candidate.finditer(text) if stem(m.group(0).lower()) in stems]
    if not marks:
        return None
    start = max(0, marks[0].start() - _SNIPPET_CHARS // 3)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + _SNIPPET_CHARS)
    end = text.find(" ", end) if text.find(" ", end) != -1 else len(text)
    out, at = [], start
    for mark in marks:
        if mark.start() < start or mark.end() > end:
            continue
        out += [escape(text[at:mark.start()]),
                f'<b class="match">{escape(mark.group(0))}</b>']
        at = mark.end()
    out.append(escape(text[at:end]))
    snippet = " ".join("".join(out).split())
    return ("…" if start else "") + snippet + ("…" if end < len(text) else "")


def _best(searcher: Any, scored: Any, count: int, **options: Any) -> list[Any]:
    """The best ``count`` hits, and any more scoring as the last of them: Whoosh breaks
    ties by document number, which differs between an updated and a fresh index, so
    which of the tied hits it returns must not decide what is shown."""
    limit = count + 4
    while True:
        # Not list(): that asks the results for their length, which counts every match.
        hits = [hit for hit in searcher.search(scored, limit=limit, **options)]
        if len(hits) < limit or hits[-1].score < hits[count - 1].score:
            return [hit for hit in hits if hit.score >= hits[count - 1].score] \
                if len(hits) >= count else hits
        limit *= 2


# A free-text query as the term-at-a-time scorer takes it: its terms (field, text,
# boost), or None for "every entry"; the coordination scale; the query's boost.
FreeText = tuple[list[tuple[str, str, float]] | None, float | None, float]


def _free_text_shape(parsed: Any) -> FreeText | None:
    """What the parser makes of plain words (an OR of terms, one term, or nothing:
    every entry) as plain data; None for anything else (phrases, wildcards, AND, NOT),
    which Whoosh scores itself."""
    from whoosh.query import Every, Or, Term

    if type(parsed) is Every:
        return None, None, 1.0
    if type(parsed) is Term:
        return [(parsed.fieldname, parsed.text, parsed.boost)], None, 1.0
    if type(parsed) is Or and all(type(q) is Term for q in parsed.subqueries):
        return ([(q.fieldname, q.text, q.boost) for q in parsed.subqueries], parsed.scale,
                parsed.boost)
    return None


def _best_by_terms(searcher: Any, term_scores: Any, shape: FreeText,
                   hints: list[tuple[str, str]], filters: list[Any], count: int
                   ) -> tuple[list[tuple[float, dict[str, Any]]], list[int]]:
    """The best ``count`` matches (and any scoring as the last of them) with their
    stored fields, and every match, for a free-text query with hints and filters."""
    import numpy as np
    from whoosh.query import Term

    from hpkb.outputs.search.term_scores import best

    terms, scale, boost = shape
    if terms is None:
        matched = term_scores.live.copy()
        scores = matched.astype(np.float64)
    else:
        scores, matched = term_scores.free_text(terms, scale, boost)
    for condition in filters:  # filters decide what matches, not how it ranks
        matched &= term_scores.mask(_matching(searcher, condition))
    if hints:  # as Whoosh scores AND(words, OR(every entry, each hint with boost 3))
        scores = scores + 1.0 + 3.0 * sum(
            term_scores.mask(_matching(searcher, Term(f, v))).astype(np.float64)
            for f, v in hints)
    found = [(float(scores[d]), searcher.stored_fields(int(d)))
             for d in best(scores, matched, count)]
    return found, [int(d) for d in np.flatnonzero(matched)]


def _run(store: Any, searcher: Any, term_scores: Any, facet_columns: FacetColumns,
         vocabulary: list[str], query: str,
         kind: str | None, theme: str | None, organisation: str | None,
         since: date | None, until: date | None, limit: int) -> SearchResults:
    from whoosh.qparser import MultifieldParser, OrGroup
    from whoosh.query import And, DateRange, Every, Or, Term

    from hpkb.outputs.search.index_stats import stable_query

    parser = MultifieldParser(["title", "summary", "body", "keywords"], store.schema,
                              group=OrGroup.factory(0.9))
    # Fielded parts filter (all must hold); free words rank (more matches rank higher).
    text, fielded = split_query(query.strip())
    text, hints = take_hints(text)
    parsed = plain = parser.parse(text) if text else Every()
    words = [w for w in re.findall(r"\w+", text) if w.lower() not in ("and", "or", "not")]
    pairs = _side_by_side(list(itertools.pairwise(words))) if '"' not in text else []
    if hints:
        parsed = And([parsed, Or([Every(), *(Term(f, v, boost=3.0) for f, v in hints)])])
    filters = [Term(name, value) for name, value in fielded]
    if kind:
        filters.append(Term("kind", kind))
    if theme:
        filters.append(Term("themes", theme))
    if organisation:
        filters.append(Term("organisation", organisation))
    if since or until:
        start = datetime.combine(since, datetime.min.time()) if since else None
        end = datetime.combine(until, datetime.max.time()) if until else None
        filters.append(DateRange("date", start, end))
    final = And([parsed, *filters]) if filters else parsed
    # The best matches, scored (Whoosh skips blocks that cannot reach the top); then
    # every match, unscored, for the total and the facet counts (hints only rank, so
    # matching leaves them out).
    count = max(limit, RERANK) if pairs else limit
    shape = _free_text_shape(plain)
    if shape is not None and term_scores is not None:
        found, matched = _best_by_terms(searcher, term_scores, shape, hints, filters, count)
    else:
        found = [(hit.score, hit.fields()) for hit in
                 _best(searcher, stable_query(final, searcher.weighting.stats), count)]
        matched = sorted(_matching(searcher, And([plain, *filters]) if filters else plain))
    kinds, themes, organisations = facet_columns
    counted = {"type": Counter(kinds[d] for d in matched),
               "themes": Counter(t for d in matched for t in themes[d]),
               "organisation": Counter(organisations[d] for d in matched)}
    stems = {t.decode() if isinstance(t, bytes) else str(t)
             for field, t in final.iter_all_terms() if field in ("body", "summary", "title")}
    # Words that stand together in the query rank higher where they stand together in an
    # entry ("county lines" beats "county" … "lines"): the best matches are re-ranked by
    # how many of the query's word pairs they hold side by side. (A phrase query for the
    # same took most of the time of a query on common words.) Ties go by id, so the
    # order never depends on how the index happens to be laid out.
    ranked = sorted(((-_together(hit, pairs) * score, hit["id"], hit)
                     for score, hit in found), key=lambda item: (item[0], item[1]))
    candidate = _marker(stems)
    results = []
    for negative, _, hit in ranked[:limit]:
        snippet = _snippet(hit["body"], stems, candidate) or \
            _snippet(hit["summary"], stems, candidate) or hit["summary"]
        results.append({"id": hit["id"], "type": hit["kind"], "title": hit["title"],
                        "score": round(-negative, 4), "snippet": snippet})
    counts = {name: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
              for name, values in counted.items()}
    suggestion = _did_you_mean(vocabulary, text) if not matched and text else None
    return SearchResults(len(matched), results, counts, suggestion)


def _did_you_mean(words: list[str], text: str) -> str | None:
    """The query with each word no entry contains replaced by the nearest word that one
    does (at most two edits, same first letter), or None when nothing changes."""
    from whoosh.support.levenshtein import damerau_levenshtein

    known = set(words)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        if len(word) < 3 or lowered in known:
            return word
        near = [(damerau_levenshtein(lowered, w, 3), w) for w in words
                if w[:1] == lowered[:1] and abs(len(w) - len(lowered)) <= 2]
        best = min(((d, w) for d, w in near if d <= 2), default=None)
        return best[1] if best else word

    corrected = re.sub(r"[^\W\d_]+", fix, text)
    return corrected if corrected != text else None


def _searcher(store: Any) -> Any:
    """A searcher whose scores (BM25F) use the statistics of the live documents only."""
    from whoosh.searching import Searcher

    from hpkb.outputs.search.index_stats import LiveStats, exact_bm25f

    reader = store.reader()
    return Searcher(reader, weighting=exact_bm25f(LiveStats(reader, SCORED_FIELDS)),
                    fromindex=store)


# For each term of the live documents' body vectors: the documents holding it (document
# number, occurrences), and its occurrences in all of them.
Likeness = tuple[dict[str, tuple[tuple[int, float], ...]], dict[str, float]]


# A body term vector: its terms and their weights (occurrences), in the index's order.
# Two lists, as kept (`_SEGMENT`): made into pairs only where pairs are
# read (an edit's build reads every entry's vector, and needs few as pairs).
Vector = tuple[list[str], list[float]]


def _vector(pairs: Iterable[tuple[str, float]]) -> Vector:
    terms: list[str] = []
    weights: list[float] = []
    for text, weight in pairs:
        terms.append(text)
        weights.append(weight)
    return terms, weights


def _holders(vectors: dict[int, Vector], only: set[str] | None = None
             ) -> dict[str, tuple[tuple[int, float], ...]]:
    """Each term's documents (number, weight); with ``only``, those terms' alone."""
    holders: dict[str, list[tuple[int, float]]] = defaultdict(list)
    if only is None:
        for docnum, (terms, weights) in vectors.items():
            for text, weight in zip(terms, weights, strict=True):
                holders[text].append((docnum, weight))
    else:
        for docnum, (terms, weights) in vectors.items():
            for text, weight in zip(terms, weights, strict=True):
                if text in only:
                    holders[text].append((docnum, weight))
    return {text: tuple(held) for text, held in holders.items()}


def _frequency(vectors: dict[int, Vector]) -> dict[str, float]:
    frequency: dict[str, float] = defaultdict(float)
    for terms, weights in vectors.values():
        for text, weight in zip(terms, weights, strict=True):
            frequency[text] += weight
    return dict(frequency)


def _pairs(vector: Vector | None) -> Iterable[tuple[str, float]]:
    return zip(*vector, strict=True) if vector is not None else ()


def _telling(ids: dict[int, str], vectors: dict[int, Vector],
             frequency: dict[str, float], entry_ids: list[str]) -> set[str]:
    """The terms `_related` may score the given entries on (a one-entry edit's few need
    the holders of a few hundred terms, not of every term)."""
    from hpkb.outputs.search.index_stats import telling_terms

    wanted = set(entry_ids)
    return {text for docnum, entry_id in ids.items() if entry_id in wanted
            for text, _ in telling_terms(_pairs(vectors.get(docnum)), frequency.__getitem__,
                                         len(ids), 24)}


def _related(ids: dict[int, str], vectors: dict[int, Vector],
             likeness: Likeness, entry_ids: Iterable[str], top: int
             ) -> dict[str, list[str]]:
    """Each entry's most similar entries, from the live documents' ids and body term
    vectors (term, occurrences): Whoosh's more-like-this under TF-IDF over the live
    documents, its terms' counts read once from the vectors (not term by term from the
    index, which was most of the time)."""
    from hpkb.outputs.search.index_stats import telling_terms

    holders, frequency = likeness
    doc_count = len(ids)
    docnum_of = {entry_id: docnum for docnum, entry_id in ids.items()}
    # Terms in more than 2% of the entries (at least 10) are left out, as Lucene's
    # maxDocFreqPct does: they say little about likeness, and a query on them scores
    # nearly every entry, so related entries grew with the square of the entries.
    common = max(10, doc_count // 50)

    def related(entry_id: str) -> list[str] | None:
        if (own := docnum_of.get(entry_id)) is None:
            return None
        terms = [(text, boost) for text, boost
                 in telling_terms(_pairs(vectors.get(own)), frequency.__getitem__, doc_count, 24)
                 if len(holders[text]) <= common][:12]
        scores: dict[int, float] = {}
        for text, boost in terms:  # an OR of the terms, boosted, in this order
            idf = log(doc_count / (len(holders[text]) + 1)) + 1
            for other, weight in holders[text]:
                scores[other] = scores.get(other, 0.0) + weight * idf * boost
        scores.pop(own, None)
        best = heapq.nsmallest(top, ((-score, ids[d]) for d, score in scores.items()))
        return [other for _, other in best]

    return {entry_id: found for entry_id in entry_ids
            if (found := related(entry_id)) is not None}


Document = tuple[str, Vector | None]  # entry id, body term vector


def _read_documents(leaf: Any) -> dict[int, Document]:
    documents: dict[int, Document] = {}
    for docnum in leaf.all_doc_ids():
        vector = (_vector(leaf.vector_as("weight", docnum, "body"))
                  if leaf.has_vector(docnum, "body") else None)
        documents[docnum] = (str(leaf.stored_fields(docnum)["id"]), vector)
    return documents


def _segment_rows(documents: dict[int, Document]) -> str:
    return compact_json([[docnum, entry_id, *(vector if vector is not None else (None, None))]
                        for docnum, (entry_id, vector) in documents.items()])


def _segment_of(text: str) -> dict[int, Document]:
    documents: dict[int, Document] = {}
    for docnum, entry_id, terms, weights in JSON.decode(text):
        if terms is not None and len(terms) != len(weights):
            raise ValueError("not a vector")
        documents[int(docnum)] = (str(entry_id), None if terms is None else (terms, weights))
    return documents


# On the "segments" shelf, by the segment's name: its documents' entry ids and vectors.
_SEGMENT: Codec[dict[int, Document]] = Codec(_segment_rows, _segment_of)


def _segment_documents(leaf: Any, name: str, live: list[int], reuse: Reuse | None
                       ) -> dict[int, Document]:
    """One segment's live documents (numbered ``live``). Whoosh never rewrites a segment
    (it only marks documents deleted) and names each one afresh, so what was read of a
    segment once holds for good: from ``reuse``, else read from the index."""
    if reuse is None or not name:
        return _read_documents(leaf)
    documents = reuse.get("segments", name, lambda: _read_documents(leaf), _SEGMENT)
    if not documents.keys() >= set(live):  # not what this segment holds: read it again
        documents = _read_documents(leaf)
        reuse.put("segments", name, documents, _SEGMENT)
    return documents


# A one-entry edit changes a few documents. More than this share of them fresh (segments
# merged, many entries edited): every document is read, and what changed worked out
# from all of them (`_unaffected`).
FRESH_SHARE = 0.05


@dataclass(frozen=True)
class _RelatedRecord:
    """Related entries as the last build made them, and what they were made from: its
    live documents (`_document_key` → entry id), each term's occurrences over all of
    them, and each document's body vector as text (`_vector_text`): a build that
    changes a few documents reads those few, not every segment (`_related_again`)."""

    top: int
    documents: dict[str, str]
    frequency: dict[str, float]
    lists: dict[str, list[str]]
    vectors: dict[str, str]


def _document_key(segment: str, docnum: int) -> str:
    # Whoosh never rewrites a segment, and names each one afresh: a key is one version
    # of one entry's document for good.
    return f"{segment}:{docnum}"


def _related_of(text: str) -> _RelatedRecord:
    data = JSON.decode(text)
    if not isinstance(data["vectors"], dict):
        raise TypeError("not vectors")
    # Each vector's text is checked where it is read (`_related_again`).
    return _RelatedRecord(int(data["top"]),
                          {str(k): str(e) for k, e in data["documents"].items()},
                          {str(t): float(f) for t, f in data["frequency"].items()},
                          {str(e): [str(r) for r in found] for e, found in data["lists"].items()},
                          data["vectors"])


def _related_text(kept: _RelatedRecord) -> str:
    # Its fields as they are: `dataclasses.asdict` would copy every list and text first.
    return compact_json({"top": kept.top, "documents": kept.documents,
                        "frequency": kept.frequency, "lists": kept.lists,
                        "vectors": kept.vectors})


# On the "related" shelf, as "last": the last build's `_RelatedRecord`.
_RELATED: Codec[_RelatedRecord] = Codec(_related_text, _related_of)


# Terms never hold a space or a tab (the analyzer splits words), and the weights are
# whole numbers (occurrences): a vector is "term term …<tab>count count …".
def _vector_text(vector: Vector) -> str:
    return f"{' '.join(vector[0])}\t{' '.join([str(int(w)) for w in vector[1]])}"


def _vector_of(text: object) -> Vector:
    if not isinstance(text, str):
        raise TypeError("not a vector")
    terms, weights = text.split("\t")
    found = (terms.split(" ") if terms else [], [float(w) for w in weights.split(" ")]
             if weights else [])
    if len(found[0]) != len(found[1]):
        raise ValueError("not a vector")
    return found


def _writable(vectors: Iterable[Vector]) -> bool:
    """Whether `_vector_text` gives these vectors exactly (sums of whole numbers, too,
    are exact in any order: `_related_again` updates the occurrences by them)."""
    return all(" " not in text and "\t" not in text for terms, _ in vectors for text in terms) \
        and all(weight.is_integer() for _, weights in vectors for weight in weights)


def _unaffected(before: _RelatedRecord | None, top: int, keys: dict[int, str],
                ids: dict[int, str], vectors: dict[int, Vector], frequency: dict[str, float],
                read: dict[str, Vector | None]) -> set[int]:
    """The live documents whose related entries are the ones recorded: every input of
    `_related`'s scoring for them is as it was. That is so when there are as many
    documents as before, the document is the very one recorded, and it holds no term
    that changed: one whose weight in an entry's document differs from the last
    build's document of that entry (``read``: every document read of the segments,
    deleted ones too), or whose occurrences over all documents differ (an entry gone).
    A term of neither kind has the same entries holding it with the same weights."""
    if before is None or before.top != top or len(before.documents) != len(keys):
        return set()
    fresh = {docnum for docnum, key in keys.items() if key not in before.documents}
    changed = _changed_terms(before, frequency, {ids[d]: vectors.get(d) for d in fresh},
                             read.get)
    return {docnum for docnum in keys if docnum not in fresh
            and changed.isdisjoint(vectors[docnum][0] if docnum in vectors else ())}


def _changed_terms(before: _RelatedRecord, frequency: dict[str, float],
                   fresh: dict[str, Vector | None],
                   then: Callable[[str], Vector | None]) -> set[str]:
    """The terms whose occurrences over all documents changed, or whose weight in a
    fresh document (by entry id) differs from the last build's document of that entry
    (``then``, by its key; None for one with no body vector or not at hand: then
    every term of the fresh document counts as changed)."""
    changed = frequency.keys() ^ before.frequency.keys()
    changed.update(text for text, count in frequency.items()
                   if before.frequency.get(text) != count)
    key_before = {entry_id: key for key, entry_id in before.documents.items()}
    for entry_id, vector in fresh.items():
        now = dict(_pairs(vector))
        was_key = key_before.get(entry_id)
        old = dict(_pairs(then(was_key) if was_key is not None else None))
        changed.update(text for text in now.keys() | old.keys()
                       if now.get(text) != old.get(text))
    return changed


def _related_again(before: _RelatedRecord, top: int, keys: dict[int, str],
                   fresh: dict[int, Document], wanted: list[str]
                   ) -> tuple[dict[str, list[str]], _RelatedRecord] | None:
    """Related entries as `more_like_this` makes them from every document, from the
    record of the last build's (``before``) and the ``fresh`` documents alone (live,
    by number, the rest being the recorded ones under ``keys``): the terms' occurrences
    are the recorded ones less the documents gone, plus the fresh ones; only entries a
    changed term can touch are scored again (as `_unaffected` decides), with the
    holders of their own terms. With the record to keep. None when the record cannot
    say (a text unreadable, a weight not a whole number)."""
    ids = {docnum: fresh[docnum][0] if docnum in fresh else before.documents[key]
           for docnum, key in keys.items()}
    live = set(keys.values())
    gone = {key for key in before.documents if key not in live}
    arriving = {docnum: vector for docnum, (_, vector) in fresh.items()}
    try:
        then = {key: _vector_of(before.vectors[key]) if key in before.vectors else None
                for key in gone}
        if not _writable([v for v in [*then.values(), *arriving.values()] if v is not None]):
            return None
        frequency = dict(before.frequency)
        for vector, sign in [*((v, -1.0) for v in then.values()),
                             *((v, 1.0) for v in arriving.values())]:
            for text, weight in _pairs(vector):
                count = frequency.get(text, 0.0) + sign * weight
                if count:
                    frequency[text] = count
                else:
                    frequency.pop(text, None)
        changed = _changed_terms(before, frequency,
                                 {ids[d]: v for d, v in arriving.items()}, then.get)
        split: dict[int, list[str]] = {}  # each live document's terms, split once

        def terms_of(docnum: int) -> list[str]:
            if docnum not in split:
                text = before.vectors.get(keys[docnum]) if docnum not in arriving else None
                if text is not None and not isinstance(text, str):
                    raise TypeError("not a vector")
                split[docnum] = (arriving[docnum] or ([], []))[0] if docnum in arriving \
                    else text.partition("\t")[0].split(" ") if text and text[0] != "\t" else []
            return split[docnum]

        # Fresh documents, as in `_unaffected`, are never kept.
        kept = {ids[d]: before.lists[ids[d]] for d in keys
                if d not in arriving and ids[d] in before.lists
                and changed.isdisjoint(terms_of(d))}
        todo = [e for e in wanted if e not in kept]
        docnum_of = {entry_id: docnum for docnum, entry_id in ids.items()}
        read: dict[int, Vector | None] = {}

        def vector_of(docnum: int) -> Vector | None:
            if docnum not in read:
                read[docnum] = arriving[docnum] if docnum in arriving else \
                    _vector_of(before.vectors[keys[docnum]]) \
                    if keys[docnum] in before.vectors else None
            return read[docnum]

        vectors = {d: v for d in (docnum_of[e] for e in todo if e in docnum_of)
                   if (v := vector_of(d)) is not None}
        telling = _telling(ids, vectors, frequency, todo)
        holders: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for docnum in keys:  # the holders of the terms the entries are scored on
            terms = terms_of(docnum)
            if held := telling.intersection(terms):
                # Only the weights wanted read: a few of a document's hundreds.
                weights = (arriving[docnum] or ([], []))[1] if docnum in arriving else \
                    before.vectors[keys[docnum]].partition("\t")[2].split(" ")
                for text in held:
                    holders[text].append((docnum, float(weights[terms.index(text)])))
        made = _related(ids, vectors, ({t: tuple(h) for t, h in holders.items()}, frequency),
                        todo, top)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    kept_vectors = {key: text for key, text in before.vectors.items() if key not in gone}
    kept_vectors.update((keys[d], _vector_text(v)) for d, v in arriving.items() if v is not None)
    found = {e: kept[e] if e in kept else made[e] for e in wanted if e in kept or e in made}
    return found, _RelatedRecord(top, {keys[d]: ids[d] for d in sorted(keys)}, frequency,
                                 kept | made, kept_vectors)


def more_like_this(folder: Path, entry_ids: Iterable[str], top: int = 4,
                   reuse: Reuse | None = None) -> dict[str, list[str]]:
    """For each entry, the most similar entries in the same (profile's) index. One
    process: a second one would have to read every term vector again. A segment's
    documents are read once
    (`_segment_documents`, kept in ``reuse``). An entry whose scoring inputs are all as
    they were for the related entries the last build kept there gets those again
    (`_unaffected`): after a one-entry edit, most entries; and when few documents are
    fresh, only those are read (`_related_again`)."""
    from whoosh import index

    before = reuse.find("related", "last", _RELATED) if reuse is not None else None
    wanted = list(entry_ids)
    store = index.open_dir(str(folder))
    keys: dict[int, str] = {}  # each live document's `_document_key`
    leaves: list[tuple[Any, str, int, list[int]]] = []
    layout: list[tuple[str, int, tuple[int, ...]]] = []  # what the documents are
    with store.reader() as reader:
        for leaf, offset in reader.leaf_readers():
            segment = leaf.segment()  # None in an empty index
            name = segment.segment_id() if segment is not None else ""
            live = list(leaf.all_doc_ids())
            leaves.append((leaf, name, offset, live))
            layout.append((name, offset, tuple(live)))
            keys.update((offset + docnum, _document_key(name, docnum)) for docnum in live)
        fresh_keys = {d for d, key in keys.items()
                      if before is None or key not in before.documents}
        again = None
        if before is not None and before.top == top and before.vectors \
                and len(before.documents) == len(keys) \
                and len(fresh_keys) <= FRESH_SHARE * len(keys):
            fresh: dict[int, Document] = {}
            for leaf, name, offset, live in leaves:
                if any(offset + docnum in fresh_keys for docnum in live):
                    documents = _segment_documents(leaf, name, live, reuse)
                    fresh.update((offset + d, documents[d]) for d in live
                                 if offset + d in fresh_keys)
            again = _related_again(before, top, keys, fresh, wanted)
        if again is None:
            ids, vectors, read = _read_live(leaves, reuse)
    store.close()
    if reuse is not None:  # the index's segments not read this time are kept for the next
        for _, name, _, _ in leaves:
            if name:
                reuse.hold("segments", name)
    if again is not None:
        found, kept_record = again
        if reuse is not None:
            reuse.put("related", "last", kept_record, _RELATED)
        return found

    def once(what: str, make: Callable[[], T]) -> T:
        # Once for a layout of segments and their live documents in `hpkb serve` (a
        # preview relates one entry: this was most of its time); kept in memory only.
        if reuse is None or reuse.memory is None:
            return make()
        return reuse.get(what, key_of(layout), make)

    frequency = once("frequency", lambda: _frequency(vectors))
    recorded = before.lists if before is not None else {}
    unaffected = _unaffected(before, top, keys, ids, vectors, frequency, read)
    kept = {ids[d]: recorded[ids[d]] for d in unaffected if ids[d] in recorded}
    todo = [e for e in wanted if e not in kept]
    holders = {} if not todo else once("holders", lambda: _holders(vectors)) \
        if len(todo) >= ALL_HOLDERS_MIN or (reuse is not None and reuse.memory is not None) \
        else _holders(vectors, _telling(ids, vectors, frequency, todo))
    made = _related(ids, vectors, (holders, frequency), todo, top)
    if reuse is not None:  # kept lists a build did not ask for (a preview's) are kept on
        reuse.put("related", "last", _RelatedRecord(
            top, {keys[d]: ids[d] for d in sorted(keys)}, frequency, kept | made,
            {keys[d]: _vector_text(v) for d, v in vectors.items()}
            if _writable(vectors.values()) else {}), _RELATED)
    return {e: kept[e] if e in kept else made[e] for e in wanted if e in kept or e in made}


# With this many entries to relate (or in `hpkb serve`, which keeps them), every term's
# holders are listed once; for fewer, only those of the telling terms of the entries.
ALL_HOLDERS_MIN = 200


def _read_live(leaves: list[tuple[Any, str, int, list[int]]], reuse: Reuse | None
               ) -> tuple[dict[int, str], dict[int, Vector], dict[str, Vector | None]]:
    """Every live document's entry id and body vector (by number), and every document
    read of the segments, deleted ones too, by `_document_key`."""
    ids: dict[int, str] = {}
    vectors: dict[int, Vector] = {}
    read: dict[str, Vector | None] = {}
    for leaf, name, offset, live in leaves:
        documents = _segment_documents(leaf, name, live, reuse)
        read.update((_document_key(name, docnum), vector)
                    for docnum, (_, vector) in documents.items())
        for docnum in live:
            entry_id, vector = documents[docnum]
            ids[offset + docnum] = entry_id
            if vector is not None:
                vectors[offset + docnum] = vector
    return ids, vectors, read

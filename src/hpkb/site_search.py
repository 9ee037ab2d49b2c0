"""The site's search index: made by hpkb from the profile's view, read by the site's own
script (assets/search.js) in the reader's browser.

It replaces Pagefind, which indexed every entry page again on each build (2 s of a
one-entry edit at 1,000 entries) from HTML hpkb had just rendered from this same view.
Here each file is a pure function of the entries it covers, so a build writes only the
files whose bytes changed and links the rest from the last build (`write_or_link`).

Layout, under ``site/search-index/``:

- ``meta.json``: the kinds, the mean document length, and one row per entry
  ``[id, kind, length]``; the row's number is the entry's number in every posting list.
- ``terms/<hex>.json``: the terms starting with the characters whose UTF-8 is ``<hex>``
  (two, or more where that would make a big file; ``meta.json`` lists the starts):
  ``{term: [stem, entry, weight, entry, weight, …]}``; ``stem`` is "" when the term is
  its own stem; ``weight`` is twice the term's count, plus one when it is in the title.
  A reader fetches only the files for the words they type.
- ``docs/<id>.json``: what a result shows (page, title, kind, summary, text).

Words are split and folded as `tokens` does; the script does the same (a browser test
holds the two to one answer).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from whoosh.lang.porter import stem as porter_stem

from hpkb.model import EntryKind
from hpkb.pages import KIND_SINGULAR, entry_page
from hpkb.search import plain_text
from hpkb.view import ProfileView, PublishedEntry
from hpkb.write import json_text, write_or_link

__all__ = ["INDEX_FOLDER", "SiteSearchFiles", "site_search_files", "tokens",
           "write_site_search"]

INDEX_FOLDER = "search-index"
KINDS: tuple[EntryKind, ...] = ("debrief", "learning", "practice")
# A letter or digit of any script; the script's pattern is /[\p{L}\p{N}]+/gu.
_WORD = re.compile(r"[^\W_]+")
SHARD_BYTES = 24_000  # about what one shard file may hold before it is split
MAX_START = 6
TEXT_LIMIT = 20_000  # characters of body a result's excerpt may come from


def _fold(text: str) -> str:
    """Lower case, compatibility forms and accents dropped: "Café" and "cafe" match."""
    folded = unicodedata.normalize("NFKD", text.lower())
    if folded.isascii():
        return folded
    # Nonspacing marks, as the script's /\p{Mn}/gu (their combining class is no test:
    # some have class 0).
    return "".join(c for c in folded if unicodedata.category(c) != "Mn")


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the index holds them (and the script makes of a query)."""
    return _WORD.findall(_fold(text))


@lru_cache(maxsize=200_000)
def _stem(term: str) -> str:
    stemmed: str = porter_stem(term)
    return "" if stemmed == term else stemmed


def _split(shards: Mapping[str, dict[str, list[str | int]]]
           ) -> Iterable[tuple[str, dict[str, list[str | int]]]]:
    """Shards by the terms' first characters: two, or more where a shard would be big (a
    common start such as "co" would otherwise cost every reader 100 KB). A term shorter
    than its shard's start has a shard of its own, named by the whole term."""
    for start, terms in shards.items():
        size = sum(len(t) + 6 * len(v) for t, v in terms.items())
        if size <= SHARD_BYTES or len(start) >= MAX_START:
            yield start, terms
            continue
        longer: dict[str, dict[str, list[str | int]]] = {}
        for term, value in terms.items():
            longer.setdefault(term[:len(start) + 1], {})[term] = value
        for key, group in longer.items():
            if key == start:  # the term that is the start itself: nothing more to split
                yield key, group
            else:
                yield from _split({key: group})


@dataclass(frozen=True)
class _Counted:
    """One entry's words: how often each occurs, which are in the title, how many."""

    counts: Counter[str]
    title: frozenset[str]
    length: int


def _counted(entry: PublishedEntry, keywords: str) -> _Counted:
    title = tokens(f"{entry.id} {entry.title}")  # an entry's own id ranks it first
    words = tokens(" ".join((str(entry.meta["summary"]), keywords, plain_text(entry.body))))
    counts = Counter(words)
    counts.update(title)
    return _Counted(counts, frozenset(title), len(words) + len(title))


def _keywords(entry: PublishedEntry, view: ProfileView) -> str:
    meta = entry.meta
    themes = [view.taxonomy.themes[t].title for t in view.taxonomy.expand_themes(meta["themes"])
              if t in view.taxonomy.themes]
    return " ".join([*themes, *(str(t).replace("-", " ") for t in meta.get("tags", [])),
                     str(meta.get("organisation", "")), entry.region or ""])


def _fragment(entry: PublishedEntry) -> str:
    page = entry_page(entry.id, entry.kind).removesuffix(".md") + ".html"
    return json_text({"url": page, "title": entry.title, "kind": KIND_SINGULAR[entry.kind],
                      "summary": str(entry.meta["summary"]),
                      "text": plain_text(entry.body)[:TEXT_LIMIT]})


@dataclass(frozen=True)
class SiteSearchFiles:
    """The index's files: path below `INDEX_FOLDER` → text."""

    files: Mapping[str, str]


def site_search_files(view: ProfileView) -> SiteSearchFiles:
    """Every file of the site's search index for ``view`` (entries in id order)."""
    entries = sorted(view.entries, key=lambda e: e.id)
    counted = [_counted(e, _keywords(e, view)) for e in entries]
    postings: dict[str, list[int]] = {}
    for number, words in enumerate(counted):
        for term, count in words.counts.items():
            postings.setdefault(term, []).extend(
                (number, 2 * count + (term in words.title)))
    shards: dict[str, dict[str, list[str | int]]] = {}
    for term in sorted(postings):
        shards.setdefault(term[:2], {})[term] = [_stem(term), *postings[term]]
    shards = dict(_split(shards))
    lengths = [c.length for c in counted]
    meta = {"version": 1, "kinds": [KIND_SINGULAR[k] for k in KINDS],
            "average": round(sum(lengths) / len(lengths), 2) if lengths else 0,
            "shards": sorted(shards),  # the starts; a file's name is its start in hex
            "entries": [[e.id, KINDS.index(e.kind), c.length]
                        for e, c in zip(entries, counted, strict=True)]}
    files = {"meta.json": _compact(meta)}
    files.update((f"terms/{start.encode().hex()}.json", _compact(terms))
                 for start, terms in shards.items())
    files.update((f"docs/{e.id.replace(':', '/')}.json", _fragment(e)) for e in entries)
    return SiteSearchFiles(files)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _compact(items: Mapping[str, object]) -> str:
    # One item a line: small to fetch, and a diff of two builds still reads.
    lines = (f"{_json(key)}:{_json(value)}" for key, value in items.items())
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write_site_search(view: ProfileView, site: Path, previous: Path | None) -> None:
    """Write ``view``'s index into ``site``/search-index; a file the last build's
    (``previous``: its build folder) holds with the same bytes is linked, not written."""
    folder = site / INDEX_FOLDER
    before = previous / "site" / INDEX_FOLDER if previous is not None else None
    write_index_files(site_search_files(view), folder,
                      before if before is not None and before.is_dir() else None)


def write_index_files(files: SiteSearchFiles, folder: Path, previous: Path | None) -> None:
    """Write ``files`` into ``folder``; each file ``previous`` holds with the same bytes is
    hard-linked from it instead."""
    for parent in sorted({(folder / rel).parent for rel in files.files}):
        parent.mkdir(parents=True, exist_ok=True)
    for rel, text in files.files.items():
        write_or_link(folder / rel, text, previous / rel if previous is not None else None,
                      made=True)

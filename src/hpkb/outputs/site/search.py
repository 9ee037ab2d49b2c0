"""The site's search index: made by hpkb from the profile's view, read by the site's own
script (assets/search.js) in the reader's browser.

It replaces Pagefind, which indexed every entry page again on each build (most of a
one-entry edit's time) from HTML hpkb had just rendered from this same view.
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
- ``docs/<id>.json``: what a result shows (page, title, kind, summary, text; on a
  national hub, the force that shared it).

Words are split and folded as `tokens` does; the script does the same (a browser test
holds the two to one answer).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from whoosh.lang.porter import stem as porter_stem

from hpkb.content.model import EntryKind
from hpkb.outputs.search.index import plain_text
from hpkb.outputs.site.pages import KIND_SINGULAR, entry_page
from hpkb.reuse.store import JSON, Codec, Reuse, compact_json, key_of
from hpkb.view.gate import ProfileView, PublishedEntry
from hpkb.write import write_or_link

__all__ = ["INDEX_FOLDER", "SiteSearchFiles", "site_search_files", "tokens",
           "write_index_files", "write_site_search"]

INDEX_FOLDER = "search-index"
KINDS: tuple[EntryKind, ...] = ("debrief", "learning", "practice")
# A letter or digit of any script; the script's pattern is /[\p{L}\p{N}]+/gu.
_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")  # the same, for lower-case ASCII: a third faster
SHARD_BYTES = 16_000  # about the most one term file holds, unless its start cannot split
MAX_START = 6  # characters: a start this long is not split further
TEXT_LIMIT = 20_000  # characters of body a result's excerpt may come from


def _fold(text: str) -> str:
    """Lower case, compatibility forms and accents dropped: "Café" and "cafe" match."""
    folded = unicodedata.normalize("NFKD", text.lower())
    # Nonspacing marks, as the script's /\p{Mn}/gu (their combining class is no test:
    # some have class 0).
    return "".join(c for c in folded if unicodedata.category(c) != "Mn")


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the index holds them (and the script makes of a query)."""
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    return _WORD.findall(_fold(text))


@lru_cache(maxsize=200_000)
def _stem(term: str) -> str:
    stemmed: str = porter_stem(term)
    return "" if stemmed == term else stemmed


def _split(shards: Mapping[str, dict[str, str]]) -> Iterable[tuple[str, dict[str, str]]]:
    """Shards by the terms' first characters: two, or more where a shard would be big (a
    common start such as "co" would otherwise make every reader fetch a large file). A
    term shorter than its shard's start has a shard of its own, named by the whole term."""
    for start, terms in shards.items():
        size = sum(len(t) + len(v) for t, v in terms.items())
        if size <= SHARD_BYTES or len(start) >= MAX_START:
            yield start, terms
            continue
        longer: dict[str, dict[str, str]] = {}
        for term, value in terms.items():
            longer.setdefault(term[:len(start) + 1], {})[term] = value
        for key, group in longer.items():
            if key == start:  # the term that is the start itself: nothing more to split
                yield key, group
            else:
                yield from _split({key: group})


@dataclass(frozen=True)
class _Indexed:
    """One entry as the index holds it: how often each word occurs (words of its title
    and id flagged), how many words it has, and its result card."""

    counts: dict[str, int]
    title: frozenset[str]
    length: int
    card: str


def _indexed(entry: PublishedEntry, view: ProfileView) -> _Indexed:
    title = tokens(f"{entry.id} {entry.title}")  # an entry's own id ranks it first
    summary, body = str(entry.meta["summary"]), plain_text(entry.body)
    words = tokens(" ".join((summary, _keywords(entry, view), body)))
    counts = Counter(words)
    counts.update(title)
    page = entry_page(entry.id, entry.kind).removesuffix(".md") + ".html"
    card = {"url": page, "title": entry.title, "kind": KIND_SINGULAR[entry.kind],
            "summary": summary, "text": body[:TEXT_LIMIT]}
    if entry.source:  # a national hub's entry: the force that shared it
        card["by"] = _organisation(entry.source, view)
    return _Indexed(counts, frozenset(title), len(words) + len(title), _json(card) + "\n")


def _indexed_once(entries: list[PublishedEntry], view: ProfileView, reuse: Reuse | None
                  ) -> list[_Indexed]:
    """Each entry as `_indexed` makes it: from ``reuse`` when it is published as it was
    for a build before (its `PublishedEntry.digest`, under the same taxonomy: a
    one-entry edit indexes one entry, not all of them), else made."""
    if reuse is None:
        return [_indexed(entry, view) for entry in entries]
    taxonomy = key_of(view.taxonomy)
    return [reuse.get("site-search", f"{entry.digest} {taxonomy}",
                      partial(_indexed, entry, view), _INDEXED) for entry in entries]


def _record_of(indexed: _Indexed) -> str:
    return compact_json([" ".join(f"{t} {c}" for t, c in indexed.counts.items()),
                        " ".join(sorted(indexed.title)), indexed.length, indexed.card])


def _indexed_of(text: str) -> _Indexed:
    """An entry as kept: ["term count …", "title words", length, card]."""
    counts_text, title, length, card = JSON.decode(text)
    pairs = str(counts_text).split()
    return _Indexed({pairs[at]: int(pairs[at + 1]) for at in range(0, len(pairs), 2)},
                    frozenset(str(title).split()), int(length), str(card))


# On the "site-search" shelf, by the entry's published digest and the taxonomy.
_INDEXED: Codec[_Indexed] = Codec(_record_of, _indexed_of)


def _organisation(org_id: str, view: ProfileView) -> str:
    found = view.taxonomy.organisations.get(org_id)
    return found.name if found else org_id


def _keywords(entry: PublishedEntry, view: ProfileView) -> str:
    """What an entry's page shows beside its text, as words: its themes, tags,
    organisation, region and (on a hub) the force that shared it."""
    meta = entry.meta
    taxonomy = view.taxonomy
    themes = [taxonomy.themes[t].title for t in taxonomy.expand_themes(meta["themes"])
              if t in taxonomy.themes]
    return " ".join([*themes, *(str(t).replace("-", " ") for t in meta.get("tags", [])),
                     _organisation(str(meta.get("organisation", "")), view),
                     entry.region or "",
                     _organisation(entry.source, view) if entry.source else ""])


@dataclass(frozen=True)
class SiteSearchFiles:
    """The index's files: path below `INDEX_FOLDER` → text."""

    files: Mapping[str, str]


def site_search_files(view: ProfileView, reuse: Reuse | None = None) -> SiteSearchFiles:
    """Every file of the site's search index for ``view`` (entries in id order). With
    ``reuse``, an entry published as it was is taken as a build before indexed it
    (`_indexed_once`)."""
    entries = sorted(view.entries, key=lambda e: e.id)
    indexed = _indexed_once(entries, view, reuse)
    postings: dict[str, list[int]] = defaultdict(list)
    for number, words in enumerate(indexed):
        weights = {term: 2 * count for term, count in words.counts.items()}
        for term in words.title:
            weights[term] += 1
        for term, weight in weights.items():
            postings[term] += (number, weight)
    shards: dict[str, dict[str, str]] = {}
    for term in sorted(postings):
        # [stem, entry, weight, …], written out by hand: quicker than json for lists of
        # numbers.
        shards.setdefault(term[:2], {})[term] = (
            f'[{_json(_stem(term))},{",".join(map(str, postings[term]))}]')
    shards = dict(_split(shards))
    lengths = [i.length for i in indexed]
    meta = {"version": 1, "kinds": [KIND_SINGULAR[k] for k in KINDS],
            "average": round(sum(lengths) / len(lengths), 2) if lengths else 0,
            "shards": sorted(shards),  # the starts; a file's name is its start in hex
            "entries": [[e.id, KINDS.index(e.kind), i.length]
                        for e, i in zip(entries, indexed, strict=True)]}
    files = {"meta.json": _lines({key: _json(value) for key, value in meta.items()})}
    files.update((f"terms/{start.encode().hex()}.json", _lines(terms))
                 for start, terms in shards.items())
    files.update((f"docs/{e.id.replace(':', '/')}.json", i.card)
                 for e, i in zip(entries, indexed, strict=True))
    return SiteSearchFiles(files)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _lines(items: Mapping[str, str]) -> str:
    # One item (its value already JSON) a line: small to fetch, and a diff reads.
    return "{\n" + ",\n".join(f"{_json(key)}:{value}" for key, value in items.items()) + "\n}\n"


def write_site_search(view: ProfileView, site: Path, reuse: Reuse | None = None) -> None:
    """Write ``view``'s index into ``site``/search-index; a file the live build
    (``reuse.live``) holds with the same bytes is linked, not written. ``reuse``: see
    `site_search_files`."""
    folder = site / INDEX_FOLDER
    previous = reuse.live if reuse is not None else None
    before = previous / "site" / INDEX_FOLDER if previous is not None else None
    write_index_files(site_search_files(view, reuse), folder,
                      before if before is not None and before.is_dir() else None)


def write_index_files(files: SiteSearchFiles, folder: Path, previous: Path | None) -> None:
    """Write ``files`` into ``folder``; each file ``previous`` holds with the same bytes is
    hard-linked from it instead."""
    for parent in sorted({(folder / rel).parent for rel in files.files}):
        parent.mkdir(parents=True, exist_ok=True)
    for rel, text in files.files.items():
        write_or_link(folder / rel, text, previous / rel if previous is not None else None,
                      made=True)

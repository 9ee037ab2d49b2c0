"""Free-text queries scored a term at a time over whole posting lists, with numpy.

Whoosh scores a query document by document through a tree of matchers, in Python, so a
query that matches most entries costs a Python call per document and term. The free text of
a query (its words, each searched in several fields) is what every search has, so it is
scored here instead: each term's BM25F scores over its posting list as arrays, added in
the query's order, then Whoosh's coordination bonus (more of the words, higher). Scores
are Whoosh's BM25F over the live documents (`hpkb.outputs.search.index_stats`), so an updated index
ranks exactly as a fresh one. Queries of any other shape are left to Whoosh.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from hpkb.outputs.search.index_stats import LiveStats

__all__ = ["TermScores", "best"]

Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
K1, B = 1.2, 0.75  # Whoosh's BM25F defaults, which searches use everywhere else


class TermScores:
    """Posting lists and field lengths of one open index, as arrays indexed by document
    number (deleted documents included, masked out)."""

    def __init__(self, reader: Any, stats: LiveStats) -> None:
        self._reader = reader
        self._stats = stats
        self.size: int = reader.doc_count_all()
        self.live: Flags = np.zeros(self.size, dtype=bool)
        self.live[list(reader.all_doc_ids())] = True
        self._lengths: dict[str, Floats] = {}
        self._postings: dict[tuple[str, str], tuple[npt.NDArray[np.int64], Floats]] = {}

    def _length(self, field: str) -> Floats:
        if field not in self._lengths:
            self._lengths[field] = np.array(self._stats.field_lengths(field),
                                            dtype=np.float64)
        return self._lengths[field]

    def postings(self, field: str, text: str) -> tuple[npt.NDArray[np.int64], Floats]:
        """Document numbers and weights of a term's live postings."""
        key = (field, text)
        if key not in self._postings:
            ids: list[int] = []
            weights: list[float] = []
            for leaf, offset in self._reader.leaf_readers():
                if (field, text) not in leaf:
                    continue
                matcher = leaf.postings(field, text)
                matcher = getattr(matcher, "child", matcher)  # deletions: masked below
                _read_all(matcher, offset, ids, weights)
            found = np.array(ids, dtype=np.int64)
            keep = self.live[found] if len(found) else np.zeros(0, dtype=bool)
            self._postings[key] = (found[keep], np.array(weights, dtype=np.float64)[keep])
        return self._postings[key]

    def free_text(self, terms: list[tuple[str, str, float]], scale: float | None,
                  boost: float = 1.0) -> tuple[Floats, Flags]:
        """Scores and matches of an OR of terms (field, text, boost) with Whoosh's
        coordination bonus when ``scale`` is set."""
        scores = np.zeros(self.size, dtype=np.float64)
        matching = np.zeros(self.size, dtype=np.int64)
        present = 0
        for field, text, term_boost in terms:
            ids, weights = self.postings(field, text)
            if not len(ids):
                continue
            present += 1
            average = self._stats.average_length(field) or 1
            lengths = self._length(field)[ids]
            idf = self._stats.idf(field, text)
            term = idf * ((weights * (K1 + 1)) /
                          (weights + K1 * ((1 - B) + B * lengths / average)))
            scores[ids] += term * term_boost
            matching[ids] += 1
        matched = matching > 0
        scores *= boost
        if scale and len(terms) > 1 and present:
            scores = (scores + (matching - 1) / (present - scale) ** 2) * \
                ((present - 1) / present)
        return np.where(matched, scores, 0.0), matched

    def mask(self, docnums: set[int]) -> Flags:
        flags = np.zeros(self.size, dtype=bool)
        flags[list(docnums)] = True
        return flags


def _read_all(matcher: Any, offset: int, ids: list[int], weights: list[float]) -> None:
    """Every posting of a leaf matcher, through Whoosh's public matcher API."""
    while matcher.is_active():
        ids.append(matcher.id() + offset)
        weights.append(matcher.weight())
        matcher.next()


def best(scores: Floats, matched: Flags, count: int) -> npt.NDArray[np.int64]:
    """The matched documents with the ``count`` highest scores, and any more scoring as
    the last of them (which of tied documents to show is decided by id, later)."""
    docnums = np.flatnonzero(matched)
    if len(docnums) <= count:
        return docnums
    values = scores[docnums]
    least = np.partition(values, len(values) - count)[len(values) - count]
    chosen: npt.NDArray[np.int64] = docnums[values >= least]
    return chosen

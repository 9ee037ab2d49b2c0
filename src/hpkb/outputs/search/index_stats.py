"""Corpus statistics of the live documents of a Whoosh index, and scoring that uses them.

An incremental update deletes a changed entry's old document and adds the new one in a
small segment. Whoosh keeps a deleted document in its term and length statistics until
segments merge, so an updated index would score differently from a fresh one; merging
everything after each change would make a one-entry update rewrite the whole index. Instead,
scores read the statistics of the live documents only: the numbers a freshly built index
of the same entries holds, so rankings and related entries equal a full build's.

Two more things in Whoosh's scores depend on how the index is split into segments, and
`stable_query` takes them out: OR and AND add their parts' scores in an order chosen by
each segment's term counts (float sums differ in the last digits), and a query's
coordination bonus counts the terms each segment holds, not the index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from math import log, log2
from typing import Any

from whoosh import scoring

__all__ = ["LiveIdf", "LiveStats", "exact_bm25f", "stable_query", "telling_terms"]


class LiveStats:
    """Document counts, term frequencies and field lengths over the undeleted documents
    of an open reader (each field's length is the sum of its stored, per-document ones,
    which is what an updated and a fresh index have in common)."""

    def __init__(self, reader: Any, fields: tuple[str, ...]) -> None:
        self._reader = reader
        self.doc_count: int = reader.doc_count()
        # What deleted documents still add to Whoosh's own counts: read from their term
        # vectors (every scored field keeps them), which stay until a merge drops them.
        self._gone_docs: Counter[tuple[str, str]] = Counter()
        self._gone_weight: Counter[tuple[str, str]] = Counter()
        for leaf, _ in reader.leaf_readers():
            if not leaf.has_deletions():
                continue
            for docnum in range(leaf.doc_count_all()):
                if not leaf.is_deleted(docnum):
                    continue
                for field in fields:
                    if not leaf.has_vector(docnum, field):
                        continue
                    for text, weight in leaf.vector_as("weight", docnum, field):
                        self._gone_docs[field, text] += 1
                        self._gone_weight[field, text] += weight
        self._lengths: dict[str, list[int]] = {}
        self._averages: dict[str, float] = {}
        # Related entries ask for the same terms' counts thousands of times.
        self._counts: dict[tuple[str, str], tuple[int, float]] = {}

    def _live_counts(self, field: str, text: str | bytes) -> tuple[int, float]:
        """(documents holding the term, its occurrences) over the live documents."""
        key = (field, _text(text))
        if key not in self._counts:
            self._counts[key] = (
                int(self._reader.doc_frequency(*key)) - self._gone_docs[key],
                float(self._reader.frequency(*key)) - self._gone_weight[key])
        return self._counts[key]

    def doc_frequency(self, field: str, text: str | bytes) -> int:
        """How many live documents hold the term."""
        return self._live_counts(field, text)[0]

    def frequency(self, field: str, text: str | bytes) -> float:
        """How often the term occurs over the live documents."""
        return self._live_counts(field, text)[1]

    def field_lengths(self, field: str) -> list[int]:
        """Each document's stored length of the field, by document number (deleted
        documents too: callers mask them)."""
        if field not in self._lengths:
            length = self._reader.doc_field_length
            self._lengths[field] = [length(docnum, field)
                                    for docnum in range(self._reader.doc_count_all())]
        return self._lengths[field]

    def average_length(self, field: str) -> float:
        if field not in self._averages:
            deleted = self._reader.is_deleted
            total = sum(length for docnum, length in enumerate(self.field_lengths(field))
                        if not deleted(docnum))
            self._averages[field] = total / (self.doc_count or 1)
        return self._averages[field]

    def idf(self, field: str, text: str | bytes) -> float:
        """Whoosh's inverse document frequency, over live documents."""
        return log(self.doc_count / (self.doc_frequency(field, text) + 1)) + 1

    def key_terms(self, docnum: int, field: str, count: int) -> list[tuple[str, float]]:
        """The document's most telling terms in the field (`telling_terms`), over live
        documents."""
        return telling_terms(self._reader.vector_as("weight", docnum, field),
                             lambda text: self.frequency(field, text), self.doc_count, count)


def telling_terms(vector: Iterable[tuple[str, float]], frequency: Callable[[str], float],
                  doc_count: int, count: int) -> list[tuple[str, float]]:
    """A document's ``count`` most telling terms, from its term vector (term, weight) and
    each term's occurrences over the collection: Whoosh's `key_terms` (the Bo1 model,
    scores normalised), best first, ties by term."""
    def bo1(weight: float, share: float) -> float:
        return weight * log2((1.0 + share) / share) + log2(1.0 + share)

    scored = []
    for text, weight in vector:
        collection = frequency(text)
        if collection > 0:
            scored.append((bo1(weight, collection / (doc_count or 1)), text))
    if not scored:
        return []
    top = max(score for score, _ in scored)
    norm = bo1(top, top / (doc_count or 1)) if top else 1.0
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [(text, score / norm) for score, text in scored[:count]]


def _text(term: str | bytes) -> str:
    """A term as vectors give it (queries hand Whoosh its UTF-8 bytes)."""
    return term.decode("utf-8") if isinstance(term, bytes) else term


class _ExactBM25FScorer(scoring.BM25FScorer):  # type: ignore[misc]
    def __init__(self, searcher: Any, field: str, text: str, stats: LiveStats, b: float,
                 k1: float, qf: float = 1) -> None:
        # Not BM25FScorer.__init__: that reads the statistics Whoosh keeps.
        self.idf = stats.idf(field, text)
        self.avgfl = stats.average_length(field) or 1
        self.B = b
        self.K1 = k1
        self.qf = qf
        self.setup(searcher, field, text)


class LiveIdf:
    """Mixed into a Whoosh weighting model: its idf over the live documents."""

    def __init__(self, stats: LiveStats) -> None:
        super().__init__()
        self.stats = stats

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        return self.stats.idf(fieldname, text)


class _ExactBM25F(LiveIdf, scoring.BM25F):  # type: ignore[misc]
    def scorer(self, searcher: Any, fieldname: str, text: str, qf: float = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        return _ExactBM25FScorer(searcher, fieldname, text, self.stats, self.B, self.K1,
                                 qf)


def exact_bm25f(stats: LiveStats) -> Any:
    """Whoosh's BM25F (its default weighting) over the live documents' statistics."""
    return _ExactBM25F(stats)


def stable_query(parsed: Any, stats: LiveStats) -> Any:
    """The query as parsed: Whoosh's public query classes score it (over the live
    documents' statistics, through the searcher's weighting)."""
    return parsed

"""A Whoosh posting format for hpkb's search index (hpkb.outputs.search.index), in a
module of its own:
an index's schema is saved naming the classes it uses, and whoosh is imported only when
an index is written or read (not by every hpkb command)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from whoosh import analysis, formats

__all__ = ["RememberedPositions"]


@dataclass(frozen=True)
class _Steps:
    """What Whoosh's StemmingAnalyzer does to a text, as plain values: its token pattern
    (with no capturing group, so ``findall`` gives whole tokens), the stop filter's
    words and sizes, and the stemmer with the words it leaves alone."""

    words: re.Pattern[str]
    stops: frozenset[str]
    minsize: int
    maxsize: int | None
    stem: Callable[[str], str]
    unstemmed: frozenset[str]


def _steps(analyzer: Any) -> _Steps | None:
    """The steps of ``analyzer`` when it is exactly Whoosh's default StemmingAnalyzer
    (tokenizer, lower case, stop words, stemmer); else None."""
    parts = getattr(analyzer, "items", None)
    if type(analyzer) is not analysis.CompositeAnalyzer or parts is None or len(parts) != 4:
        return None
    tokens, lower, stop, stemmer = parts
    default = analysis.tokenizers.default_pattern
    if not (type(tokens) is analysis.RegexTokenizer and not tokens.gaps
            and tokens.expression.pattern == default.pattern
            and tokens.expression.flags == default.flags
            and type(lower) is analysis.LowercaseFilter
            and type(stop) is analysis.StopFilter and stop.renumber
            and type(stemmer) is analysis.StemFilter and stemmer.lang is None):
        return None
    # The default pattern, its one group made non-capturing: the same matches.
    words = re.compile(default.pattern.replace("(\\.", "(?:\\."), default.flags)
    if words.groups:
        return None
    return _Steps(words, frozenset(stop.stops), stop.min, stop.max, stemmer.stemfn,
                  stemmer.ignore)


def _term(word: str, steps: _Steps) -> str:
    """A lower-cased word's indexed term, or "" for a word the stop filter drops."""
    if len(word) < steps.minsize or word in steps.stops or (
            steps.maxsize is not None and len(word) > steps.maxsize):
        return ""
    return word if word in steps.unstemmed else steps.stem(word)


class RememberedPositions(formats.Positions):  # type: ignore[misc]
    """Whoosh's Positions format, remembering its answer for the last value: Whoosh asks
    twice for each field with term vectors (its postings, then its vector, from the same
    text and analyzer): analysing once spares the second analysis. The answers are
    the very ones asked for again, so the index's files are byte for byte the same."""

    def __init__(self, field_boost: float = 1.0) -> None:
        super().__init__(field_boost=field_boost)
        self._last: tuple[tuple[Any, ...], list[Any]] | None = None
        # The analyzer last asked with, its steps, and each lower-cased word's term under
        # it ("" for a stop word); a lone position's bytes.
        self._analyzer: Any = None
        self._steps: _Steps | None = None
        self._terms: dict[str, str] = {}
        self._singles: dict[int, bytes] = {}

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        asked = (value, analyzer, sorted(kwargs.items()))
        if self._last is None or self._last[0] != asked:
            steps = self._steps_of(analyzer) if isinstance(value, str) and \
                set(kwargs) <= {"mode"} else None
            found = self._analysed(value, steps) if steps is not None \
                else list(super().word_values(value, analyzer, **kwargs))
            self._last = (asked, found)
        return iter(self._last[1])

    def _steps_of(self, analyzer: Any) -> _Steps | None:
        """The steps of ``analyzer`` (see _steps), worked out once while Whoosh asks with
        the same one; each word's term holds for that analyzer only."""
        if analyzer is not self._analyzer:
            self._analyzer, self._steps, self._terms = analyzer, _steps(analyzer), {}
        return self._steps

    def _analysed(self, text: str, steps: _Steps) -> list[Any]:
        """What Positions.word_values gives for ``text`` under the default
        StemmingAnalyzer, without Whoosh's token objects and chain of generators (most of
        the indexing CPU): the same terms, in the same order, with
        the same positions (stop words leave a gap only before the first kept word, as
        Whoosh's renumbering does), weights and encoded values."""
        # Lower-casing first finds the same tokens only in ASCII text ("İ" lower-cases
        # to two characters, the second not a word character).
        words = steps.words.findall(text.lower()) if text.isascii() \
            else [word.lower() for word in steps.words.findall(text)]
        terms = self._terms
        positions: dict[str, list[int]] = {}
        kept: int | None = None
        for at, word in enumerate(words):
            term = terms.get(word)
            if term is None:
                term = terms[word] = _term(word, steps)
            if term:
                kept = at if kept is None else kept + 1
                found = positions.get(term)
                if found is None:
                    positions[term] = [kept]
                else:
                    found.append(kept)
        boost = self.field_boost
        return [(term, len(found), float(len(found)) * boost, self._encoded(found))
                for term, found in positions.items()]

    def _encoded(self, positions: list[int]) -> bytes:
        """Positions.encode's bytes; a lone position's (most terms') are made once."""
        if len(positions) > 1:
            return self.encode(positions)  # type: ignore[no-any-return]
        single = self._singles.get(positions[0])
        if single is None:
            single = self._singles[positions[0]] = self.encode(positions)
        return single

    def last_vector(self) -> list[tuple[str, float]]:
        """The term vector Whoosh wrote for the last value: (term, weight), by term."""
        return sorted((term, weight) for term, _, weight, _ in self._last[1]) \
            if self._last is not None else []

    _MEMOS = ("_last", "_analyzer", "_steps", "_terms", "_singles")

    # What it remembers is not part of the format: not saved with the index's schema,
    # not compared when Whoosh compares schemas.
    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in self._MEMOS}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _last=None, _analyzer=None, _steps=None, _terms={},
                             _singles={})

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    __hash__ = None  # type: ignore[assignment]  # as Whoosh's Format

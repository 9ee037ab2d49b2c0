"""A Whoosh posting format for hpkb's search index (hpkb.search), in a module of its own:
an index's schema is saved naming the classes it uses, and whoosh is imported only when
an index is written or read (not by every hpkb command)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import formats

__all__ = ["RememberedPositions"]


class RememberedPositions(formats.Positions):  # type: ignore[misc]
    """Whoosh's Positions format, remembering its answer for the last value: Whoosh asks
    twice for each field with term vectors (its postings, then its vector, from the same
    text and analyzer): asking once takes a quarter off indexing. The answers are
    the very ones asked for again, so the index's files are byte for byte the same."""

    def __init__(self, field_boost: float = 1.0) -> None:
        super().__init__(field_boost=field_boost)
        self._last: tuple[tuple[Any, ...], list[Any]] | None = None

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        asked = (value, analyzer, sorted(kwargs.items()))
        if self._last is None or self._last[0] != asked:
            self._last = (asked, list(super().word_values(value, analyzer, **kwargs)))
        return iter(self._last[1])

    def last_vector(self) -> list[tuple[str, float]]:
        """The term vector Whoosh wrote for the last value: (term, weight), by term."""
        return sorted((term, weight) for term, _, weight, _ in self._last[1]) \
            if self._last is not None else []

    # What it remembers is not part of the format: not saved with the index's schema,
    # not compared when Whoosh compares schemas.
    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_last"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _last=None)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    __hash__ = None  # type: ignore[assignment]  # as Whoosh's Format

"""What a long-running hpkb (`hpkb serve`) keeps from one build for the next."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar, cast

__all__ = ["Memo"]

T = TypeVar("T")


class Memo:
    """Results of earlier builds in this process. A key names everything its value was
    made from, so a value found is the one making it again would give. Whatever a build
    did not ask for is dropped when the next build starts (`turn`): the memo holds one
    build's worth at most.

    Values must be frozen: every build that asks gets the same object.
    """

    def __init__(self) -> None:
        self._kept: dict[Hashable, object] = {}
        self._used: dict[Hashable, object] = {}

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        if key in self._used:
            return cast(T, self._used[key])
        value = cast(T, self._kept[key]) if key in self._kept else make()
        self._used[key] = value
        return value

    def turn(self) -> None:
        """A build starts: keep what the last one used, drop the rest."""
        if self._used:
            self._kept, self._used = self._used, {}

"""Things joined into groups one pair at a time (union-find): each group is named by its
least member, so a group's name does not depend on the order pairs were joined in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

__all__ = ["Partition"]

Item = TypeVar("Item", int, str)  # record positions, or name keys


class Partition(Generic[Item]):
    """Every item starts in a group of its own; `join` merges two items' groups."""

    def __init__(self, items: Iterable[Item]) -> None:
        self._parent: dict[Item, Item] = {item: item for item in items}

    def root(self, item: Item) -> Item:
        """The least member of ``item``'s group."""
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(self, one: Item, other: Item) -> None:
        a, b = self.root(one), self.root(other)
        if a != b:
            self._parent[max(a, b)] = min(a, b)

    def same(self, one: Item, other: Item) -> bool:
        return self.root(one) == self.root(other)

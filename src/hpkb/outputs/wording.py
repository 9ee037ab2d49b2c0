"""Counts in words a reader expects: "1 action", "2 actions", "three debriefs"."""

from __future__ import annotations

__all__ = ["count_of", "plural"]

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_IRREGULAR = {"entry": "entries", "opportunity": "opportunities", "is": "are", "was": "were",
              "has": "have", "summary": "summaries", "priority": "priorities"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``word`` for a count of one, its plural otherwise (``many`` when given)."""
    if count == 1:
        return word
    if many:
        return many
    head, _, last = word.rpartition(" ")  # "missed opportunity": the last word changes
    return (f"{head} " if head else "") + (_IRREGULAR.get(last) or last + "s")


def count_of(count: int, word: str, many: str | None = None, *, words: bool = False) -> str:
    """"1 action", "25 actions"; with ``words``, counts under ten in words ("three
    debriefs", "no actions"), as a paragraph reads them."""
    number = _WORDS[count] if words and 0 <= count < len(_WORDS) else str(count)
    return f"{number} {plural(count, word, many)}"

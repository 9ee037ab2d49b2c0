"""Typst string literals: how hpkb puts any text into Typst it writes, so that no text
can act as markup or code."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

__all__ = ["typst_array", "typst_string"]


def typst_string(value: object) -> str:
    """A Typst string literal."""
    text = json.dumps(str(value), ensure_ascii=False)
    return re.sub(r"\\u([0-9a-fA-F]{4})", r"\\u{\1}", text)


def typst_array(items: Iterable[str]) -> str:
    """A Typst array of the given Typst expressions (one item keeps its trailing comma)."""
    listed = list(items)
    return "(" + ", ".join(listed) + ("," if len(listed) == 1 else "") + ")"

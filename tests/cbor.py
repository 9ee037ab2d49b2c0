"""Just enough CBOR (RFC 8949) to read Pagefind's index files in tests."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path
from typing import Any

PAGEFIND_HEADER = b"pagefind_dcd"


def _length(data: bytes, at: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, at
    size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
    return int.from_bytes(data[at:at + size], "big"), at + size


def _item(data: bytes, at: int) -> tuple[Any, int]:
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if major == 7:
        if info in (20, 21):
            return info == 21, at
        if info == 22:
            return None, at
        size = {25: 2, 26: 4, 27: 8}[info]
        code = {2: ">e", 4: ">f", 8: ">d"}[size]
        return struct.unpack(code, data[at:at + size])[0], at + size
    value, at = _length(data, at, info)
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major in (2, 3):
        raw = data[at:at + value]
        return (raw if major == 2 else raw.decode("utf-8")), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _item(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(value):
            key, at = _item(data, at)
            mapping[key if not isinstance(key, list) else tuple(key)], at = _item(data, at)
        return mapping, at
    raise ValueError(f"CBOR major type {major} not supported")


def read_pagefind(path: Path) -> Any:
    """A Pagefind .pf_* file (gzip, header, CBOR) as Python values."""
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(PAGEFIND_HEADER), path
    value, end = _item(data, len(PAGEFIND_HEADER))
    assert end == len(data), path
    return value

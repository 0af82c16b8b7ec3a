"""JSON decoding that never holds the interpreter for long, for answers of any size.

`json.loads` decodes a document in one C call: a 10 MB listing holds the GIL for 100+ ms, and
a server's event loop, in another thread, waits that long. A top-level array is decoded here
one item at a time instead, so other threads run between items.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    return match.end() if match else index


def loads(text: str) -> Any:
    """What `json.loads(text)` returns; raises `ValueError` on what it would refuse."""
    index = _skip(text, 0)
    if not text.startswith("[", index):
        return json.loads(text)
    items: list[Any] = []
    index = _skip(text, index + 1)
    if text.startswith("]", index):
        return _end(text, index, items)
    while True:
        item, index = _DECODER.raw_decode(text, index)
        items.append(item)
        index = _skip(text, index)
        if text.startswith("]", index):
            return _end(text, index, items)
        if not text.startswith(",", index):
            raise ValueError(f"expected ',' or ']' at character {index}")
        index = _skip(text, index + 1)


def _end(text: str, index: int, items: list[Any]) -> list[Any]:
    if _skip(text, index + 1) != len(text):
        raise ValueError(f"extra data after character {index}")
    return items

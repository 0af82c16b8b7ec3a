"""Bounds on what a path or a listing may hold, so that hostile input costs little.

A path is refused before any call or open when it could not exist anyway (a name over 255
bytes, a path over 4 KiB, text that is not UTF-8) or nests deeper than any tree ctadata walks.
"""

from __future__ import annotations

from .errors import InvalidPath

MAX_DEPTH = 64  # folder levels of a path, and of a recursive walk
MAX_NAME_BYTES = 255  # one name, as local and remote file systems allow
MAX_PATH_BYTES = 4096  # a whole path (Linux's PATH_MAX)


def check_path(path: str, what: str = "path") -> str:
    """`path` unchanged, or `InvalidPath` saying which bound it passes."""
    try:
        encoded = path.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidPath(f"the {what} is not valid text (a lone surrogate?)") from None
    shown = path if len(path) <= 80 else path[:77] + "..."
    if len(encoded) > MAX_PATH_BYTES:
        raise InvalidPath(f"the {what} {shown!r} is longer than {MAX_PATH_BYTES} bytes")
    names = [n for n in path.replace("\\", "/").split("/") if n]
    if len(names) > MAX_DEPTH:
        raise InvalidPath(f"the {what} {shown!r} nests deeper than {MAX_DEPTH} levels")
    for name in names:
        if len(name.encode("utf-8")) > MAX_NAME_BYTES:
            raise InvalidPath(
                f"the {what} {shown!r} holds a name longer than {MAX_NAME_BYTES} bytes"
            )
    return path

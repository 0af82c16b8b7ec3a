"""`ctadata://`'s `find` (hence fsspec's `glob`, `du` and recursive `get`): the concurrent walk
of `ctadata.search.finder` over the filesystem's listings."""

from __future__ import annotations

from typing import Any

from ..entry import Entry
from ..errors import CtadataError
from ..search.finder import walk


def _info_entry(info: dict[str, Any]) -> Entry:
    """An fsspec info dict as an `Entry`, for the walk's decisions."""
    is_dir = info.get("type") == "directory"
    return Entry(str(info["name"]), "directory" if is_dir else "file", info.get("size"), None)


def fsspec_find(
    fs: Any, path: str, maxdepth: int | None, withdirs: bool, detail: bool, **kwargs: Any
) -> list[str] | dict[str, dict[str, Any]]:
    """fsspec's `find` (hence `glob`, `du`, recursive `get`) with the concurrent walk.

    As fsspec's own: a missing `path` finds nothing; `on_error` ("omit", the default,
    "raise", or a callable) says what a folder that cannot be listed below it does.
    """
    path = fs._strip_protocol(path)
    on_error = kwargs.pop("on_error", "omit")
    handler = on_error if callable(on_error) else None if on_error == "raise" else _omit
    out: dict[str, dict[str, Any]] = {}
    if withdirs and path != "" and fs.isdir(path):
        out[path] = fs.info(path)
    found = walk(
        lambda folder: fs.ls(folder, detail=True, **kwargs),
        path,
        entry_of=_info_entry,
        maxdepth=maxdepth,
        on_error=handler,
    )
    try:
        out.update(
            (info["name"], info) for info in found if withdirs or info["type"] != "directory"
        )
    except FileNotFoundError as exc:
        if exc.filename != path:
            raise
        # as fsspec: nothing below a path that is not there
    names = sorted(out)
    return {name: out[name] for name in names} if detail else names


def _omit(error: CtadataError | OSError) -> None:
    """fsspec's default for folders that cannot be listed during a walk: leave them out."""

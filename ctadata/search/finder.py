"""Finding entries below a directory: one concurrent walk for every face (what matches is
`criteria.py`'s).

`ctadata.find`, `APIClient.find` (and `ctadata.direct`'s), `cta-data find`, the server
extension's `find` endpoint and `ctadata://`'s `find`/`glob` (`ctadata.fs.find`) all walk with
`walk`: a bounded
number of listings run at once in threads (each listing is one request that mostly waits on
the network), results come out as each listing arrives, and the walk stops early when its
consumer stops iterating or `cancel` is set.

Recursive downloads walk with it too, for the files below a folder.

A storage with links can make a directory appear inside itself (`a/loop -> a`): its listing
then repeats an ancestor's forever, one level deeper each time. The walk does not descend
into a directory whose listing names itself or its ancestors, nor below a listing that
repeats, entry for entry (names, types, sizes, times), the listings of two enclosing folders
(a legitimate `a/x/x/` can repeat one), nor more than `MAX_DEPTH` levels below its start,
and reports the last two as errors.
"""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from ..entry import Entry
from ..errors import CtadataError, StorageException
from ..limits import MAX_DEPTH
from ..paths import clean_remote
from .criteria import Criteria

T = TypeVar("T")
DEFAULT_LISTINGS = 8  # listings in flight: enough to hide round trips, gentle on the service
_CANCEL_POLL_SECONDS = 0.2
_REPEATS_OF_A_LOOP = 2  # an enclosing listing seen this often again: a link loop


class Finder(ABC):
    """`find` for any client that can list a directory (`entries`)."""

    @abstractmethod
    def entries(self, path: str) -> list[Entry]:
        """The entries of a directory (without itself), or the file itself."""

    def find(
        self,
        path: str = "",
        name: str | None = None,
        *,
        newer: datetime | date | str | None = None,
        older: datetime | date | str | None = None,
        min_size: int | str | None = None,
        max_size: int | str | None = None,
        maxdepth: int | None = None,
        type: str | None = None,
        ignore_case: bool = False,
        listings: int | None = None,
        on_error: Callable[[CtadataError | OSError], None] | None = None,
        on_listed: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Generator[Entry, None, None]:
        """The entries below `path` that match, as they are found (in no set order).

        `name`: a shell pattern on the name (`*.h5`); `newer`/`older`: modified at or after /
        before a datetime or an ISO date; `min_size`/`max_size`: bytes or `"1G"` (files only);
        `type`: `"file"` or `"directory"`; `maxdepth=1`: the children of `path` only.
        `listings` directories are listed at once (default 8). A folder below `path` that
        cannot be listed raises, or goes to `on_error` if given; `on_listed(folder)` follows
        each listing (for progress). Stop by stopping the iteration, or by setting `cancel`.
        """
        criteria = Criteria.parse(
            name,
            ignore_case=ignore_case,
            type=type,
            newer=newer,
            older=older,
            min_size=min_size,
            max_size=max_size,
        )
        return walk(
            self.entries,
            path,
            criteria,
            maxdepth=maxdepth,
            listings=DEFAULT_LISTINGS if listings is None else listings,
            on_error=on_error,
            on_listed=on_listed,
            cancel=cancel,
        )


@dataclass(frozen=True)
class _Folder:
    path: str  # no trailing slash; "" is the storage root
    depth: int  # the depth of its entries: 1 for the root's
    ancestors: tuple[bytes, ...]  # fingerprints of the listings above it, for the cycle guard


def walk(
    list_dir: Callable[[str], Iterable[T]],
    root: str,
    criteria: Criteria | None = None,
    *,
    entry_of: Callable[[T], Entry] = lambda item: item,  # type: ignore[assignment,return-value]
    maxdepth: int | None = None,
    listings: int = DEFAULT_LISTINGS,
    on_error: Callable[[CtadataError | OSError], None] | None = None,
    on_listed: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
) -> Generator[T, None, None]:
    """The items below `root` that match `criteria`, as the listings arrive (in no set order).

    `list_dir(path)` lists one directory (its children, or a file itself); `entry_of` turns its
    items into `Entry`s. `maxdepth=1` looks at the children of `root` only. A listing that
    fails below `root` goes to `on_error` (if given; else it is raised); one of `root` itself
    is always raised. `on_listed(path)` is called after each listing, in the caller's thread.
    """
    if maxdepth is not None and maxdepth < 1:
        raise ValueError("maxdepth must be at least 1")
    if listings < 1:
        raise ValueError("listings must be at least 1")
    start = _Folder(clean_remote(root).strip("/"), 1, ())
    options = _Walk(list_dir, start, criteria or Criteria(), entry_of, maxdepth, listings)
    return options.run(on_error, on_listed, cancel)


@dataclass(frozen=True)
class _Walk(Generic[T]):
    list_dir: Callable[[str], Iterable[T]]
    start: _Folder
    criteria: Criteria
    entry_of: Callable[[T], Entry]
    maxdepth: int | None
    listings: int

    def run(
        self,
        on_error: Callable[[CtadataError | OSError], None] | None,
        on_listed: Callable[[str], None] | None,
        cancel: threading.Event | None,
    ) -> Generator[T, None, None]:
        def report(error: CtadataError | OSError, folder: _Folder) -> None:
            if folder is self.start or on_error is None:
                raise error
            on_error(error)

        pool = ThreadPoolExecutor(self.listings, thread_name_prefix="ctadata-find")
        waiting = [self.start]  # a stack: the frontier stays small on deep trees
        running: dict[Future[list[T]], _Folder] = {}
        seen = {self.start.path}
        try:
            while waiting or running:
                while waiting and len(running) < self.listings:
                    folder = waiting.pop()
                    running[pool.submit(self._list, folder.path)] = folder
                timeout = _CANCEL_POLL_SECONDS if cancel is not None else None
                done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
                found: list[T] = []
                for future in done:
                    folder = running.pop(future)
                    try:
                        below = self._sort(folder, future.result())
                    except (CtadataError, OSError) as exc:
                        report(exc, folder)
                        continue
                    found.extend(i for i in below.items if self.criteria.matches(self.entry_of(i)))
                    news = [path for path in below.folders if path not in seen]
                    seen.update(news)
                    waiting += [_Folder(p, folder.depth + 1, below.ancestors) for p in news]
                    if on_listed is not None:
                        on_listed(folder.path)
                for item in found:
                    if cancel is not None and cancel.is_set():
                        return
                    yield item
                if cancel is not None and cancel.is_set():
                    return
        finally:
            # The listings under way are waited for: one finishing after its client was closed
            # would open a new connection pool that nobody closes.
            pool.shutdown(wait=True, cancel_futures=True)

    def _list(self, path: str) -> list[T]:
        return list(self.list_dir(path))

    def _sort(self, folder: _Folder, items: list[T]) -> _Listing[T]:
        """What of a listing is below the folder, and which folders to walk next.

        Raises StorageException if the listing names something outside the folder, repeats
        enclosing ones (a link loop), or if the tree goes on below `MAX_DEPTH` levels.
        """
        prefix = folder.path + "/" if folder.path else ""
        kept: list[tuple[T, Entry, str]] = []
        for item in items:
            entry = self.entry_of(item)
            path = entry.path.strip("/")
            if folder is self.start and path == folder.path and not entry.is_dir:
                return _Listing([item], [], ())  # `root` names a file: the listing is the file
            if path.startswith(prefix) and path != folder.path:
                kept.append((item, entry, path))
            elif path and not prefix.startswith(path + "/"):
                # Neither below the folder, nor the folder or an ancestor: skipping it would
                # end a download as done without a file the service meant to list.
                raise _unexpected(folder.path, f"an entry outside the folder, {entry.path!r}")
        fingerprint = _fingerprint(prefix, [entry for _, entry, _ in kept])
        if folder.ancestors.count(fingerprint) >= _REPEATS_OF_A_LOOP:
            what = "its listing repeats enclosing folders' (a link to an enclosing folder?)"
            raise _unexpected(folder.path, what)
        folders = [path for _, entry, path in kept if entry.is_dir]
        if self.maxdepth is not None and folder.depth >= self.maxdepth:
            folders = []
        if folders and folder.depth > MAX_DEPTH:
            raise _unexpected(folder.path, f"the tree nests deeper than {MAX_DEPTH} levels")
        return _Listing([item for item, _, _ in kept], folders, (*folder.ancestors, fingerprint))


@dataclass
class _Listing(Generic[T]):
    items: list[T]  # the entries that are really below the folder
    folders: list[str]  # the directories to descend into
    ancestors: tuple[bytes, ...]  # the fingerprints for the folders' own listings


def _unexpected(folder: str, what: str) -> StorageException:
    return StorageException(
        f"list {folder + '/'!r}: the service sent something unexpected: {what}", path=folder
    )


def _fingerprint(prefix: str, entries: list[Entry]) -> bytes:
    """What a listing holds (names relative to the folder, types, sizes, times), in 16 bytes."""
    names = sorted(f"{e.path[len(prefix) :]}\0{e.type}\0{e.size}\0{e.mtime}" for e in entries)
    return hashlib.blake2b("\n".join(names).encode(), digest_size=16).digest()


def parent_folder(path: str) -> str:
    """The folder an entry is in, with a trailing slash ("" for the storage root)."""
    parent = path.rstrip("/").rpartition("/")[0]
    return parent + "/" if parent else ""


def entry_json(entry: Entry) -> dict[str, Any]:
    """An entry as JSON (the CLI's `--json` and the server extension's answers)."""
    return {
        "name": entry.name,
        "path": entry.path,
        "type": "directory" if entry.is_dir else "file",
        "size": entry.size,
        "mtime": entry.mtime.isoformat() if entry.mtime else None,
    }

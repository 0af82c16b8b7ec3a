"""Remote files held open for the preview, closed when idle.

Opening a remote HDF5 file costs a few round trips (its size, the superblock, the root group);
the preview then asks for one node after another. Each (path, kind) keeps one open file
for `ttl` seconds after its last use, at most `max_open` at once (least recently used closed
first). The cache belongs to one Jupyter server, which is one user's (on the hub) and reads
with that user's token: files are never shared between users. Every read runs in a worker
thread, never on the event loop; a request whose browser went away is dropped before it starts,
and one that is reading stops at its next block: the file it was reading is then closed, since
the reader may have been left halfway.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

_local = threading.local()


class Abandoned(Exception):
    """The browser went away: the read was stopped and nothing will be answered."""


def check_cancelled() -> None:
    """Raise `Abandoned` in a worker thread whose request's browser went away."""
    event: threading.Event | None = getattr(_local, "cancelled", None)
    if event is not None and event.is_set():
        raise Abandoned


class GuardedFile:
    """A remote file object that stops reading once its current request is abandoned."""

    def __init__(self, raw: Any):
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        check_cancelled()
        return self._raw.read(size)

    def readinto(self, buffer: Any) -> int:
        check_cancelled()
        return self._raw.readinto(buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


@dataclass
class Handle:
    """One open remote file: the reader's object (`h5py.File`, an `HDUList`) and its closer."""

    value: Any
    close: Callable[[], None]


Opener = Callable[[str, str], Handle]  # (remote path, kind) -> Handle, run in a worker thread


@dataclass
class _Entry:
    opened: asyncio.Future[Handle]
    lock: threading.Lock = field(default_factory=threading.Lock)
    users: int = 0
    last_used: float = field(default_factory=time.monotonic)
    broken: bool = False


class OpenFiles:
    def __init__(self, opener: Opener, ttl: float = 300, max_open: int = 8, workers: int = 4):
        self._opener = opener
        self.ttl = ttl
        self.max_open = max_open
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="ctadata-preview")
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._sweeper: asyncio.TimerHandle | None = None

    def __len__(self) -> int:
        return len(self._entries)

    async def use(
        self,
        key: tuple[str, str],
        work: Callable[[Any], T],
        cancelled: threading.Event,
    ) -> T:
        """`work(value)` on the open file `key` = (path, kind), in a worker thread."""
        entry = self._entry(key)
        entry.users += 1
        try:
            handle = await asyncio.shield(entry.opened)
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, _guarded, entry, handle, work, cancelled
            )
        except BaseException:
            if entry.opened.done() and not _usable(entry):
                self._forget(key, entry)  # a failed open is not cached; a broken reader closed
            raise
        finally:
            entry.users -= 1
            entry.last_used = time.monotonic()
            self._close_extra()

    def _entry(self, key: tuple[str, str]) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            loop = asyncio.get_running_loop()
            path, kind = key
            opened = asyncio.wrap_future(self._pool.submit(self._opener, path, kind), loop=loop)
            entry = self._entries[key] = _Entry(opened)
            if self._sweeper is None:
                self._sweeper = loop.call_later(self.ttl / 2, self._sweep_while_open)
        self._entries.move_to_end(key)
        return entry

    def _sweep_while_open(self) -> None:
        self.sweep()
        loop = asyncio.get_running_loop()
        self._sweeper = loop.call_later(self.ttl / 2, self._sweep_while_open) if self else None

    def _forget(self, key: tuple[str, str], entry: _Entry) -> None:
        if self._entries.get(key) is entry:
            del self._entries[key]
        if entry.opened.done() and not entry.opened.cancelled() and not entry.opened.exception():
            self._pool.submit(_close_when_free, entry, entry.opened.result())

    def _close_extra(self) -> None:
        idle = [(k, e) for k, e in self._entries.items() if e.users == 0 and e.opened.done()]
        extra = len(self._entries) - self.max_open
        for key, entry in idle[: max(extra, 0)]:
            self._forget(key, entry)

    def sweep(self) -> None:
        """Close the files idle for longer than `ttl` (called periodically)."""
        now = time.monotonic()
        for key, entry in list(self._entries.items()):
            if entry.users == 0 and entry.opened.done() and now - entry.last_used > self.ttl:
                self._forget(key, entry)

    def close_all(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        for key, entry in list(self._entries.items()):
            self._forget(key, entry)
        self._pool.shutdown(wait=False)  # the closes queued above still run


def _usable(entry: _Entry) -> bool:
    opened = entry.opened
    return not (entry.broken or opened.cancelled() or opened.exception() is not None)


def _guarded(
    entry: _Entry, handle: Handle, work: Callable[[Any], T], cancelled: threading.Event
) -> T:
    if cancelled.is_set():
        raise Abandoned  # the browser left while the request waited for a worker
    with entry.lock:
        _local.cancelled = cancelled
        try:
            return work(handle.value)
        except BaseException:
            if cancelled.is_set():
                entry.broken = True
                raise Abandoned from None
            raise
        finally:
            _local.cancelled = None


def _close_when_free(entry: _Entry, handle: Handle) -> None:
    with entry.lock:
        handle.close()

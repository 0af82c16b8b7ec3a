"""Remote files held open for the preview, each in a process of its own, closed when idle.

Opening a remote HDF5 file costs a few round trips (its size, the superblock, the root group);
the preview then asks for one node after another. Each (path, kind) keeps one open file, in
its own process (preview_worker.py), for `ttl` seconds after its last use, at most `max_open`
at once (least recently used idle one closed first; when all are busy, a new file is a 429:
the processes, and so the preview's memory, are bounded). The cache belongs to one Jupyter
server, which is one user's (on the hub) and reads with that user's token: files are never
shared between users.

The event loop only sends work to a file's process and waits for its answer, so nothing is
shared between files: a file whose storage stalls holds up only its own requests. A request
whose browser goes away, or that has not been answered after `timeout` seconds (504), has its
file's process killed at once: whatever the reader was doing is gone with it.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from ..errors import ApiError
from .preview_worker import Failure, prepare
from .remote_readers import FORMAT_NAMES

T = TypeVar("T")

# (remote path, kind) -> the file's process and its end of the pipe, opening the file
Starter = Callable[[str, str], tuple[Any, Connection]]


class Abandoned(Exception):
    """The browser went away: the read was stopped and nothing will be answered."""


@dataclass
class _Entry:
    process: Any
    conn: Connection
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    opened: bool = False
    users: int = 0
    last_used: float = field(default_factory=time.monotonic)
    ended: bool = False
    failure: ApiError | None = None  # why it was ended, for the requests that waited on it

    def end(self, failure: ApiError | None = None) -> None:
        if not self.ended:
            self.ended, self.failure = True, failure
            self.process.kill()
            self.conn.close()


class OpenFiles:
    def __init__(self, starter: Starter, ttl: float = 300, max_open: int = 8, timeout=30.0):
        self._starter = starter
        self.ttl = ttl
        self.max_open = max_open
        self.timeout = timeout
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._sweeper: asyncio.TimerHandle | None = None
        self._prepared: asyncio.Future[None] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    async def use(self, key: tuple[str, str], work: Callable[[Any], T], gone: asyncio.Event) -> T:
        """`work(open file)` run in the process of the file `key` = (path, kind)."""
        deadline = time.monotonic() + self.timeout
        if self._prepared is None:  # once, away from the event loop
            self._prepared = asyncio.ensure_future(asyncio.to_thread(prepare))
        await asyncio.shield(self._prepared)
        while True:
            entry = self._entry(key)
            entry.users += 1
            try:
                await self._wait(entry.lock.acquire(), deadline, gone, key)
                try:
                    if entry.ended:
                        if entry.failure is not None:
                            raise entry.failure
                        continue  # closed meanwhile (idle, or its browser left): open again
                    return await self._run(key, entry, work, deadline, gone)
                finally:
                    entry.lock.release()
            finally:
                entry.users -= 1
                entry.last_used = time.monotonic()
                self._close_extra()

    async def _run(self, key, entry: _Entry, work: Callable[[Any], T], deadline, gone) -> T:
        try:
            reply = None
            if not entry.opened:
                reply = await self._reply(key, entry, deadline, gone)  # the file's opening
                entry.opened = not isinstance(reply, Failure)
            if entry.opened:
                entry.conn.send(work)
                reply = await self._reply(key, entry, deadline, gone)
        except BaseException as exc:
            # Abandoned, stalled, crashed: the reader may be halfway, its process is ended.
            self._forget(key, entry, exc if isinstance(exc, ApiError) else None)
            raise
        if isinstance(reply, Failure):
            if not entry.opened:
                self._forget(key, entry, reply.error())  # a failed open is not kept
            raise reply.error()
        return reply[1]

    async def _reply(self, key, entry: _Entry, deadline: float, gone: asyncio.Event) -> Any:
        """The process's next answer: ("ok", result) or a Failure."""
        await self._wait(_readable(entry.conn), deadline, gone, key)
        try:
            return entry.conn.recv()
        except (EOFError, OSError):
            raise ApiError(
                415,
                f"{key[0]!r} crashed the {FORMAT_NAMES[key[1]]} reader: the file is damaged",
                "not_" + key[1],
            ) from None

    async def _wait(self, waited: Any, deadline: float, gone: asyncio.Event, key) -> None:
        """Wait for `waited`, unless the browser leaves (Abandoned) or time runs out (504)."""
        task = asyncio.ensure_future(waited)
        left = asyncio.ensure_future(gone.wait())
        try:
            timeout = max(deadline - time.monotonic(), 0)
            await asyncio.wait({task, left}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            left.cancel()
        if task.done():
            return
        task.cancel()
        if gone.is_set():
            raise Abandoned
        raise ApiError(
            504,
            f"reading {key[0]!r} took more than {self.timeout:g} s: the storage does not"
            " answer; try again later",
            "timeout",
        )

    def _entry(self, key: tuple[str, str]) -> _Entry:
        entry = self._entries.get(key)
        if entry is None or entry.ended:
            self._close_extra(room=1)
            if len(self._entries) >= self.max_open:  # all busy: no more processes, no more memory
                raise ApiError(
                    429,
                    f"the preview is reading {len(self._entries)} files already, its most at once:"
                    " try again when they are done",
                    "too_many_previews",
                )
            entry = self._entries[key] = _Entry(*self._starter(*key))
            if self._sweeper is None:
                loop = asyncio.get_running_loop()
                self._sweeper = loop.call_later(self.ttl / 2, self._sweep_while_open)
        self._entries.move_to_end(key)
        return entry

    def _sweep_while_open(self) -> None:
        self.sweep()
        loop = asyncio.get_running_loop()
        self._sweeper = loop.call_later(self.ttl / 2, self._sweep_while_open) if self else None

    def _forget(self, key: tuple[str, str], entry: _Entry, failure: ApiError | None = None) -> None:
        if self._entries.get(key) is entry:
            del self._entries[key]
        entry.end(failure)

    def _close_extra(self, room: int = 0) -> None:
        """Close the least recently used idle files past `max_open` (less `room`)."""
        idle = [(k, e) for k, e in self._entries.items() if e.users == 0]
        for key, entry in idle[: max(len(self._entries) + room - self.max_open, 0)]:
            self._forget(key, entry)

    def sweep(self) -> None:
        """Close the files idle for longer than `ttl` (called periodically)."""
        now = time.monotonic()
        for key, entry in list(self._entries.items()):
            if entry.users == 0 and now - entry.last_used > self.ttl:
                self._forget(key, entry)

    def close_all(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        for key, entry in list(self._entries.items()):
            self._forget(key, entry)


def _readable(conn: Connection) -> asyncio.Future[None]:
    """A future done when `conn` has something to read (or was closed by the other end)."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    fd = conn.fileno()

    def on_readable() -> None:
        loop.remove_reader(fd)
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, on_readable)
    ready.add_done_callback(lambda _: loop.remove_reader(fd))
    return ready

"""The file objects of `ctadata.fs` (read by blocks, with read-ahead; written on close), and
the body of a Range request's answer.

They reach their filesystem through `RangeReader` (what they call of it), so that this module
needs nothing of `filesystem.py`, which imports it."""

from __future__ import annotations

import errno
from collections import OrderedDict
from contextlib import AbstractContextManager
from typing import Any, Protocol

import httpx
from fsspec.caching import BaseCache, Fetcher, register_cache
from fsspec.spec import AbstractBufferedFile
from webdav4.fsspec import UploadFile

from ..errors import StorageException
from ..transfer.one_file import Checker
from ..transfer.progress import Meter


class RangeReader(Protocol):
    """What the files call of their filesystem (`CtadataFileSystem`)."""

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]: ...

    def fetch_range(self, path: str, start: int, end: int) -> bytes: ...

    def _translated(
        self, action: str, path: str, writing: bool = False
    ) -> AbstractContextManager[None]: ...


class ReadAheadCache(BaseCache):
    """An LRU cache of `maxblocks` blocks of `blocksize` bytes that fetches what a read misses
    in as few requests as it can: the missing blocks of one read, adjacent ones together in one
    request, and, when a read goes on where the last fetch ended, more blocks ahead of it (1,
    2, 4, ... up to `readahead` blocks).

    Every request costs the service a fixed overhead (a token check, a certificate, a new TLS
    session to the storage). An HDF5 reader opens a file with small scattered reads (object
    headers, B-tree nodes, heaps), which cost a request per block they touch anyway; it then
    reads a dataset's chunks in file order, which read-ahead turns from a request per block
    into one per up to `readahead` blocks. A read longer than the cache bypasses it (the
    filesystem cuts every request into bounded windows).
    """

    name = "ctadata-readahead"

    def __init__(
        self, blocksize: int, fetcher: Fetcher, size: int, maxblocks: int = 32, readahead: int = 16
    ) -> None:
        super().__init__(blocksize, fetcher, size)
        self.nblocks = -(-size // blocksize)
        self.maxblocks = maxblocks
        self.readahead = max(0, min(readahead, maxblocks // 2))  # ahead never evicts the read
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._next = -1  # the block after the last fetch: a read from there goes on in order
        self._ahead = 0  # blocks fetched ahead by the last fetch

    def _fetch(self, start: int | None, stop: int | None) -> bytes:
        start = 0 if start is None else start
        stop = self.size if stop is None else min(stop, self.size)
        if start >= stop:
            return b""
        first, last = start // self.blocksize, (stop - 1) // self.blocksize
        if last - first + 1 > self.maxblocks:
            self.miss_count += 1
            self.total_requested_bytes += stop - start
            return self.fetcher(start, stop)
        missing = [n for n in range(first, last + 1) if n not in self._blocks]
        if missing:
            self._load(missing, last)
        else:
            self.hit_count += 1
        data = b"".join(self._use(n) for n in range(first, last + 1))
        while len(self._blocks) > self.maxblocks:
            self._blocks.popitem(last=False)
        base = first * self.blocksize
        return data[start - base : stop - base]

    def _use(self, n: int) -> bytes:
        self._blocks.move_to_end(n)
        return self._blocks[n]

    def _load(self, missing: list[int], last: int) -> None:
        """Fetch the `missing` blocks of a read ending in block `last`, and those ahead of it,
        in one request (blocks cached between two missing ones come again: a request costs
        more than a block)."""
        in_order = missing[0] == self._next
        self._ahead = min(self.readahead, max(1, 2 * self._ahead)) if in_order else 0
        low, high = missing[0], min(self.nblocks - 1, last + self._ahead)
        data = self.fetcher(low * self.blocksize, min((high + 1) * self.blocksize, self.size))
        self.miss_count += 1
        self.total_requested_bytes += len(data)
        for n in range(low, high + 1):
            offset = (n - low) * self.blocksize
            self._blocks[n] = data[offset : offset + self.blocksize]
        self._next = high + 1


register_cache(ReadAheadCache)


class CtadataFile(AbstractBufferedFile):
    """A remote file read by blocks through HTTP Range requests, with a read-ahead block cache
    (`ReadAheadCache`)."""

    fs: RangeReader

    def __init__(self, fs: RangeReader, path: str, **kwargs: Any):
        details = None
        if kwargs.get("size") is None:
            details = fs.info(path)
            if details["type"] == "directory":
                raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
            if details.get("size") is None:
                raise StorageException(f"open {path!r}: the storage gives no size", path=path)
            kwargs["size"] = details["size"]
        super().__init__(fs, path, **kwargs)
        if details is not None:
            self._details = details

    def _fetch_range(self, start: int, end: int) -> bytes:
        return self.fs.fetch_range(self.path, start, end)

    def __repr__(self) -> str:
        return f"<CtadataFile ctadata://{self.path}>"


class CtadataUploadFile(UploadFile):
    """A file opened for writing: spooled locally, PUT when closed (WebDAV has no append)."""

    fs: RangeReader

    def commit(self) -> None:
        with self.fs._translated("upload", self.path, writing=True):
            super().commit()


class CallbackMeter(Meter):
    """The transfer engine's meter, reporting to an fsspec callback."""

    def __init__(self, label: str, callback: Any):
        super().__init__(label, bar=False)
        self._fsspec_callback = callback

    def advance(self, nbytes: int, path: str) -> None:
        super().advance(nbytes, path)
        self._fsspec_callback.relative_update(nbytes)


def range_body(response: httpx.Response, start: int, end: int, path: str, check: Checker) -> bytes:
    """Bytes `start` to `end` (exclusive) of `path`, from the streamed answer to a GET of them."""
    if response.status_code == 416:
        return b""  # the range starts past the end of the file
    if response.status_code >= 300:
        response.read()
        check(response, "read", path)
    if response.status_code == 206:
        return response.read()
    # 200: the Range header was ignored; the body is the whole file.
    if start > 0:
        raise StorageException(
            f"read {path!r}: the server ignored the Range request (answered 200 with the whole"
            " file); random access is not possible there",
            path=path,
            status=200,
        )
    return read_at_most(response, end)


def read_at_most(response: httpx.Response, limit: int) -> bytes:
    parts: list[bytes] = []
    got = 0
    for chunk in response.iter_bytes():
        parts.append(chunk)
        got += len(chunk)
        if got >= limit:
            break
    return b"".join(parts)[:limit]

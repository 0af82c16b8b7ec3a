"""Moving one file: streamed, atomic (a temporary file, then rename), retried, resumed.

These functions take an `httpx.Client` and request factories, so the same engine serves the
download service (`fetch/`, `upload/`) and direct dCache access (plain WebDAV GET/PUT).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import BinaryIO

import httpx

from ..errors import ChecksumMismatch, CtadataError, TransferError
from ..retry import with_retries
from ..transport import RAW_BODY, body_pieces
from .checksum import Running, Written, digest_of
from .local import Adopt, LocalPath, TempFile, TempHook
from .progress import Meter

READ_SIZE = 1024 * 1024
# A file at least this large is read raw (`ctadata.transport.RawBody`), on a connection of its
# own: smaller ones keep the pooled connections, whose reuse matters more to them.
RAW_FROM_SIZE = 4 * 1024 * 1024
_CONTENT_RANGE = re.compile(r"bytes (?P<first>\d+)-(?P<last>\d+)/(?P<total>\d+)")

Checker = Callable[[httpx.Response, str, str], None]


def download(
    client: httpx.Client,
    request_for: Callable[[int], httpx.Request],
    check: Checker,
    path: str,
    target: LocalPath | Path,
    size: int,
    meter: Meter,
    *,
    replace: bool = True,
    adopt: Adopt | None = None,
    on_temp: TempHook | None = None,
    digest: Callable[[], str | None] | None = None,
    mtime_ns: int | None = None,
) -> Written:
    """Stream `path` into `target`; the bytes must number `size` and have the storage's
    adler32, or nothing lands at `target`.

    `request_for(offset)` builds the GET. A retry resumes from the temporary file with a Range
    request; a server that answers 200 instead of 206 ignored it, so the file restarts. A 206
    that stops short of the end (a bounded window) is followed by a request for the next bytes.
    The storage's adler32 comes with the answers (a `Digest` header) or else from `digest()`
    (None: the storage gives none; the size check stands). On a mismatch the file is fetched
    once more, from nothing; a second mismatch raises `ChecksumMismatch`.
    Without `replace`, a file that appeared at `target` meanwhile is kept (`ConflictError`).
    `adopt`: continue in an earlier run's temporary file (`TempFile`); `on_temp` replaces the
    meter's hook for this file; `mtime_ns`: the storage's modification time, given to the file.
    """
    local = target if isinstance(target, LocalPath) else LocalPath.of(target)
    fetch = functools.partial(
        _fetch, client, request_for, check, path, local, size, meter, digest, replace, mtime_ns
    )
    try:
        return fetch(adopt, on_temp)
    except ChecksumMismatch:
        meter.rewind(size)
        return fetch(None, on_temp)


def _fetch(
    client: httpx.Client,
    request_for: Callable[[int], httpx.Request],
    check: Checker,
    path: str,
    local: LocalPath,
    size: int,
    meter: Meter,
    digest: Callable[[], str | None] | None,
    replace: bool,
    mtime_ns: int | None,
    adopt: Adopt | None,
    on_temp: TempHook | None,
) -> Written:
    """One fetch of `download`: the temporary file is renamed into place only if verified."""
    try:
        temp = TempFile(local, on_temp or meter.on_temp, adopt=adopt)
    except OSError as exc:
        raise local_error(exc, local, path) from exc
    running = Running()
    given: list[str] = []  # the storage's adler32, from the first answer that carried one
    with temp:
        if temp.size():
            meter.advance(temp.size(), path)  # what an earlier run wrote counts as done

        def attempt() -> None:
            assert temp.file is not None
            offset = temp.size()
            if offset and offset == size:
                running.at(temp.file, offset)
                return  # all there (a run stopped before its commit); a Range past it is a 416
            request = _raw(request_for(offset), size)
            with contextlib.closing(client.send(request, stream=True)) as response:
                check(response, "download", path)
                if not given and (found := digest_of(response.headers)):
                    given.append(found)
                if offset and response.status_code != 206:
                    meter.rewind(offset)
                    offset = 0
                elif response.status_code == 206:
                    _check_range(response, offset, path)
                running.at(temp.file, offset)
                windows = _windows(client, request_for, check, response, path, size)
                with contextlib.closing(windows) as chunks:
                    _write_body(chunks, temp, offset, size, path, meter, running)

        try:
            with_retries(attempt, path, meter.cancel)
        except BaseException:
            # However the stop surfaced (a cancel, a socket shut under a read)
            if meter.suspend is not None and meter.suspend.is_set():
                temp.keep()
            raise
        received = temp.size()
        if received != size:
            raise TransferError(
                f"download of {path!r} incomplete: received {received} of {size} bytes",
                path=path,
            )
        expected = given[0] if given else (digest() if digest is not None else None)
        if expected is not None and expected != running.hex:
            raise ChecksumMismatch.of("download", path, expected, running.hex)
        try:
            if mtime_ns is not None:
                assert temp.file is not None
                os.utime(temp.file.fileno(), ns=(mtime_ns, mtime_ns))
            temp.commit(replace)
        except OSError as exc:
            if isinstance(exc, CtadataError):
                raise
            raise local_error(exc, local, path) from exc
    return Written(size, expected is not None)


def _check_range(response: httpx.Response, offset: int, path: str) -> None:
    """A 206 must start where the temporary file ends, or the bytes would land misplaced."""
    span = _content_range(response)
    if span is None or span[0] != offset:
        given = response.headers.get("Content-Range", "")
        raise TransferError(
            f"download of {path!r}: asked for bytes from {offset}, the service sent {given!r}",
            path=path,
        )


def _content_range(response: httpx.Response) -> tuple[int, int, int] | None:
    """(first byte, end (exclusive), file size) of a 206's `Content-Range`, if it has one."""
    match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
    if match is None:
        return None
    return int(match["first"]), int(match["last"]) + 1, int(match["total"])


def _raw(request: httpx.Request, size: int) -> httpx.Request:
    """A large file's GET asks for its body raw (read into one reused buffer)."""
    if size >= RAW_FROM_SIZE:
        request.extensions[RAW_BODY] = True
    return request


def _windows(
    client: httpx.Client,
    request_for: Callable[[int], httpx.Request],
    check: Checker,
    first: httpx.Response,
    path: str,
    size: int,
) -> Generator[bytes | memoryview, None, None]:
    """The body of `first` and, while a 206 stops short of the end of the file (a bounded
    window), the bodies of the requests for the next bytes, each checked to start where the
    last one ended. The caller closes `first`; the later answers are closed here. The pieces
    may be views of a reused buffer: each is used before the next is asked for."""
    yield from body_pieces(first)
    span = _content_range(first) if first.status_code == 206 else None
    while span is not None and span[1] < span[2]:
        end = span[1]
        request = _raw(request_for(end), size)
        with contextlib.closing(client.send(request, stream=True)) as response:
            check(response, "download", path)
            _check_range(response, end, path)
            span = _content_range(response)
            yield from body_pieces(response)


def _write_body(
    chunks: Iterator[bytes | memoryview],
    temp: TempFile,
    offset: int,
    size: int,
    path: str,
    meter: Meter,
    running: Running,
) -> None:
    """Write the pieces at `offset` on, each straight from its buffer (`os.pwrite`)."""
    out = temp.file
    assert out is not None
    fd = out.fileno()
    try:
        if os.fstat(fd).st_size != offset:
            # Only when needed: on ext4, truncating a file to 0 bytes makes its close write all
            # of it out at once (auto_da_alloc), measured 0.4 s of a 1 GiB download.
            os.ftruncate(fd, offset)
        written = offset
        for chunk in chunks:
            n = len(chunk)
            if written + n > size:
                # The fetch quirk: a missing file comes as 200 with an error page.
                raise TransferError(
                    f"download of {path!r}: the service sent more than the {size} bytes"
                    " the listing gave (an error page instead of the file?)",
                    path=path,
                )
            done = os.pwrite(fd, chunk, written)
            while done < n:  # a short write (a signal): the rest
                done += os.pwrite(fd, chunk[done:], written + done)
            written += n
            running.update(chunk)
            meter.advance(n, path)
    except OSError as exc:
        raise local_error(exc, temp.target, path) from exc


def local_error(exc: OSError, local: LocalPath, path: str) -> TransferError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return TransferError(
            f"disk full (or file size limit) while writing {str(local)!r} ({path!r})", path=path
        )
    return TransferError(f"cannot use {str(local)!r} ({path!r}): {exc.strerror}", path=path)


def upload(
    client: httpx.Client,
    request_for: Callable[[Iterator[bytes]], httpx.Request],
    check: Checker,
    source: BinaryIO,
    path: str,
    meter: Meter,
) -> tuple[httpx.Response, str]:
    """Stream the open local file `source` as a request body, in blocks; retried from the start.

    Returns the answer and the adler32 of the bytes sent (computed as they went).
    """

    def attempt() -> tuple[httpx.Response, str]:
        counted = 0
        running = Running()

        def body() -> Iterator[bytes]:
            nonlocal counted
            source.seek(0)
            while block := source.read(READ_SIZE):
                meter.advance(len(block), path)
                running.update(block)
                counted += len(block)
                yield block

        try:
            response = client.send(request_for(body()))
            check(response, "upload", path)
            return response, running.hex
        except BaseException:
            meter.rewind(counted)
            raise

    return with_retries(attempt, path, meter.cancel)


def verify_upload(path: str, sent: str, stored: str | None) -> bool:
    """Whether the storage's adler32 of an upload (`stored`; None: it gives none) was compared;
    a different one raises `ChecksumMismatch`."""
    if stored is not None and stored != sent:
        raise ChecksumMismatch.of("upload", path, stored, sent)
    return stored is not None


@contextlib.contextmanager
def open_source(source: LocalPath, path: str) -> Iterator[tuple[BinaryIO, int]]:
    """The local file to upload, opened safely (`LocalPath.open_regular`), and its size."""
    try:
        opened = source.open_regular()
    except OSError as exc:
        if isinstance(exc, CtadataError):
            raise
        raise local_error(exc, source, path) from exc
    with opened:
        yield opened, os.fstat(opened.fileno()).st_size

"""The file objects of `ctadata.fs` (read by blocks; written on close), and its HTTP helpers:
a Range request's answer, a failed response behind webdav4's errors, the login redirect."""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any

import httpx
from fsspec.spec import AbstractBufferedFile
from webdav4.client import HTTPError
from webdav4.fsspec import UploadFile

from .errors import AuthenticationError, StorageException
from .http import AUTH_HINT, REDIRECT_STATUSES
from .progress import Meter
from .transfer import Checker

if TYPE_CHECKING:
    from .fs import CtadataFileSystem


class CtadataFile(AbstractBufferedFile):
    """A remote file read by blocks through HTTP Range requests, with an LRU block cache."""

    fs: CtadataFileSystem

    def __init__(self, fs: CtadataFileSystem, path: str, **kwargs: Any):
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

    fs: CtadataFileSystem

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


def refuse_login_redirect(response: httpx.Response) -> None:
    if response.status_code in REDIRECT_STATUSES:
        raise AuthenticationError(
            "not authenticated: the service redirected to the login page (token missing,"
            f" invalid or expired); {AUTH_HINT}",
            status=response.status_code,
        )


def failed_response(exc: BaseException) -> httpx.Response | None:
    """The HTTP response behind a webdav4 or httpx error, if there is one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, HTTPError | httpx.HTTPStatusError):
            return seen.response
        seen = seen.__cause__
    return None


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

"""`ctadata://`: an fsspec filesystem over the CTA storage, to open remote files in place.

    import fsspec, h5py
    with fsspec.open("ctadata://lst/DL1/20241114/run1.h5") as f, h5py.File(f) as h5:
        h5["dl1/event/telescope/parameters/tel_001"][:10]

Reads go through the download service's `webdav/` pass-through (or, with `direct=True`,
straight to dCache, as `ctadata.direct` does and with its settings) as HTTP `Range` requests
for fixed-size blocks, kept in an LRU block cache: a reader that looks at a few datasets of
a 10 GB file transfers only the blocks it touches.

Paths are storage paths (`lst/DL1/...`), with or without `ctadata://`. Writing (`put`,
`open(..., "wb")`, `mkdir`) is allowed by the service only under your user folder
(`ctadata.upload_folder()`); anywhere else raises `ctadata.PermissionDenied`.

This module imports webdav4 and fsspec: `import ctadata` does not import it until it is used.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from fsspec.callbacks import DEFAULT_CALLBACK
from webdav4.client import (
    Client,
    ResourceAlreadyExists,
    _prepare_result_info,
)
from webdav4.fsspec import WebdavFileSystem, translate_exceptions, translate_info

from ..client import APIClient
from ..config import default_range_window
from ..direct.client import DirectClient, RefreshingBearerAuth, rest_of_file
from ..errors import (
    AuthenticationError,
    InvalidPath,
    StorageException,
)
from ..http import USER_AGENT, BearerAuth, byte_range, windows
from ..paths import clean_remote
from ..protocol import run_flow
from ..retry import TIMEOUT, with_retries
from ..transfer.checksum import WANT_DIGEST, Summing
from ..transfer.identity import mtime_ns
from ..transfer.one_file import download, verify_upload
from .errors import Failures, refuse_login_redirect, translating
from .files import (
    CallbackMeter,
    CtadataFile,
    CtadataUploadFile,
    ReadAheadCache,
    range_body,
)
from .find import fsspec_find

# One HTTP Range request fetches one block. HDF5 readers (h5py, PyTables) do many small reads
# (superblock, object headers, B-tree nodes, heaps: a few hundred bytes to a few KiB each)
# scattered over the file, then the dataset's chunks. Each block costs one round trip, so tiny
# blocks make opening a file slow; huge blocks pull in megabytes that are never looked at.
# 1 MiB takes about as long to transfer at ~100 MB/s as one WAN round trip takes, keeps most
# neighbouring metadata of a file in one block, and bounds the waste per touched place.
DEFAULT_BLOCK_SIZE = 1024 * 1024
# Blocks kept per open file (LRU): at most 32 MiB of memory, enough to hold an HDF5 file's
# metadata while the datasets are read.
DEFAULT_MAX_BLOCKS = 32


class _DefaultsAsArguments(type(WebdavFileSystem)):  # type: ignore[misc]
    """fsspec's caching metaclass, given the service or door a call leaves out as an argument
    (its default now): fsspec caches instances by their arguments, so a changed default gives
    a new instance, not a stale one, and a pickled instance carries the URL it was made with.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("direct"):
            if kwargs.get("dcache_url") is None:
                kwargs["dcache_url"] = DirectClient.default_url()
        elif len(args) < 2 and kwargs.get("downloadservice") is None:
            kwargs["downloadservice"] = APIClient.downloadservice
        return super().__call__(*args, **kwargs)


class CtadataFileSystem(Failures, WebdavFileSystem, metaclass=_DefaultsAsArguments):
    """The CTA storage as an fsspec filesystem (protocol `ctadata`).

    Options (also `storage_options` of `fsspec.open`):
      token: the bearer token, a string or a callable returning a fresh one; default
        `JUPYTERHUB_API_TOKEN`, read at each request (service), or the token source of
        `ctadata.direct` (`CTADATA_TOKEN`, else oidc-agent; direct).
      downloadservice: the download service's URL (default `APIClient.downloadservice`).
      direct: talk to dCache directly instead of through the download service, as
        `ctadata.direct.DirectClient` does: same door, base path, tokens (refreshed and
        retried once on a 401), `CTADATA_DCACHE_CA`.
      dcache_url, account: the dCache WebDAV door and the oidc-agent account (direct; defaults
        as `ctadata.direct`'s: `CTADATA_DCACHE_URL`, `CTADATA_OIDC_ACCOUNT`).
      block_size, max_blocks: the read block size and the number of blocks cached per file.
      range_window: the most bytes one request asks (default `CTADATA_RANGE_WINDOW`, else
        16 MiB): a longer read is cut into windows, as the service holds each answer whole.
    """

    protocol = "ctadata"
    root_marker = ""

    def __init__(
        self,
        token: str | Callable[[], str | None] | None = None,
        downloadservice: str | None = None,
        *,
        direct: bool = False,
        dcache_url: str | None = None,
        account: str | None = None,
        block_size: int = DEFAULT_BLOCK_SIZE,
        max_blocks: int = DEFAULT_MAX_BLOCKS,
        range_window: int | None = None,
        **client_opts: Any,
    ):
        self.direct = direct
        self.read_block_size = int(block_size)
        self.max_blocks = int(max_blocks)
        self.range_window = int(range_window or default_range_window())
        self._token = token
        self._upload_folder: str | None = None
        self._direct: DirectClient | None = None
        client_opts.setdefault("timeout", TIMEOUT)
        client_opts.setdefault("headers", {"User-Agent": USER_AGENT})
        auth: httpx.Auth
        if direct:
            self._direct = DirectClient(token, dcache_url, account=account)
            self.downloadservice = None
            base_url = self._direct.url("")
            auth = RefreshingBearerAuth(self._direct.tokens)
            client_opts.setdefault("verify", self._direct.verify())
        else:
            self.downloadservice = downloadservice or APIClient.downloadservice
            base_url = self._api(with_token=False).protocol.url("webdav")
            auth = BearerAuth(self._current_token)
            # The service answers a missing or bad token with a redirect to the hub's login
            # page; webdav4 follows redirects on some calls and would parse the login page.
            hooks = client_opts.setdefault("event_hooks", {})
            hooks.setdefault("response", []).append(refuse_login_redirect)
        self.base_url = base_url
        super().__init__(base_url, client=Client(base_url, auth=auth, **client_opts))

    # -- who and where ----------------------------------------------------------------------
    def _current_token(self) -> str:
        """The service's token (service mode; direct mode has its token source)."""
        token = self._token() if callable(self._token) else self._token
        if token is None:
            token = os.environ.get("JUPYTERHUB_API_TOKEN")
        if not token:
            raise AuthenticationError(
                "not authenticated: no token (set JUPYTERHUB_API_TOKEN or pass token=...)"
            )
        return token

    def _api(self, with_token: bool = True) -> APIClient:
        """An `APIClient` on the same service (for the user folder)."""
        token = self._current_token() if with_token else None
        return APIClient(token=token, downloadservice=self.downloadservice)

    def upload_folder(self) -> str:
        """`<area>/users/<user>/`: where the service lets you write (service mode only)."""
        if self.direct:
            raise InvalidPath("direct dCache access has no user folder rule: see its permissions")
        if self._upload_folder is None:
            with self._api() as api:
                self._upload_folder = api.upload_folder()
        return self._upload_folder

    # -- paths ------------------------------------------------------------------------------
    @classmethod
    def _strip_protocol(cls, path: Any) -> Any:
        if isinstance(path, list | tuple):
            return [cls._strip_protocol(p) for p in path]
        stripped = super()._strip_protocol(path)
        return clean_remote(stripped).strip("/")

    def unstrip_protocol(self, name: str) -> str:
        return f"ctadata://{self._strip_protocol(name)}"

    # -- listing ----------------------------------------------------------------------------
    ls = translating(WebdavFileSystem.ls, "list")

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        """The entry of `path` itself, by `PROPFIND Depth: 0` (a directory is not listed)."""
        path = self._strip_protocol(path)
        with self._translated("info", path), translate_exceptions():
            responses = self.client.propfind(path, headers={"Depth": "0"}).responses
            response = responses.get(self.client.join_url(path).path)
            if response is None:
                raise StorageException(
                    f"info {path!r}: the storage answered for other paths"
                    f" ({', '.join(sorted(responses))[:200]})",
                    path=path,
                )
            return translate_info(_prepare_result_info(response, self.client.base_url))

    def find(
        self,
        path: str,
        maxdepth: int | None = None,
        withdirs: bool = False,
        detail: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Everything below `path`, listed by `ctadata.search.finder`'s concurrent walk
        (`ctadata.fs.find`)."""
        return fsspec_find(self, path, maxdepth, withdirs, detail, **kwargs)

    # -- reading ----------------------------------------------------------------------------
    def _open(
        self,
        path: str,
        mode: str = "rb",
        block_size: int | None = None,
        autocommit: bool = True,
        cache_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        path = self._strip_protocol(path)
        if set(mode) & {"w", "x", "a"}:
            if "a" in mode:
                raise NotImplementedError("appending to a remote file is not supported")
            self._check_writable(path)
            if "x" in mode and self.exists(path):
                raise FileExistsError(errno.EEXIST, "File exists", path)
            return CtadataUploadFile(self, path, mode=mode, block_size=block_size)
        cache_type = kwargs.pop("cache_type", ReadAheadCache.name)
        options = dict(cache_options or {})
        if cache_type in ("blockcache", ReadAheadCache.name):
            options.setdefault("maxblocks", self.max_blocks)
        with self._translated("open", path):
            return CtadataFile(
                self,
                path,
                mode=mode,
                block_size=block_size or self.read_block_size,
                cache_type=cache_type,
                cache_options=options,
                size=kwargs.pop("size", None),
            )

    def fetch_range(self, path: str, start: int, end: int) -> bytes:
        """Bytes `start` to `end` (exclusive) of the file `path`, by HTTP Range requests of at
        most one window each (`range_window`)."""
        path = self._strip_protocol(path)
        with self._translated("read", path):
            return b"".join(
                with_retries(functools.partial(self._fetch_window, path, low, high), path)
                for low, high in windows(start, end, self.range_window)
            )

    def _fetch_window(self, path: str, start: int, end: int) -> bytes:
        http = self.client.http
        request = http.build_request(
            "GET", self.client.join_url(path), headers=byte_range(start, end)
        )
        response = http.send(request, stream=True, follow_redirects=self.direct)
        with contextlib.closing(response):
            return range_body(response, start, end, path, self._check)

    def cat_file(
        self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any
    ) -> bytes:
        """Bytes `start` to `end` of `path` (the whole file by default), window by window."""
        path = self._strip_protocol(path)
        size = self.size(path)
        start = 0 if start is None else (start if start >= 0 else size + start)
        end = size if end is None else (end if end >= 0 else size + end)
        return self.fetch_range(path, max(start, 0), min(end, size))

    def get_file(
        self,
        rpath: str,
        lpath: Any,
        callback: Any = DEFAULT_CALLBACK,
        outfile: Any = None,
        **kwargs: Any,
    ) -> None:
        """Download one file in one streamed GET: `<lpath>.part`, renamed once complete and
        verified (the storage's adler32 comes with the answer)."""
        rpath = self._strip_protocol(rpath)
        if outfile is not None or not isinstance(lpath, str | os.PathLike):
            return super().get_file(rpath, lpath, callback=callback, outfile=outfile, **kwargs)
        details = self.info(rpath)
        if details["type"] == "directory":
            os.makedirs(lpath, exist_ok=True)
            return None
        size = details["size"]
        callback.set_size(size)
        meter = CallbackMeter(rpath, callback)
        request_for, digest = self._download_requests(rpath, size)
        mtime = mtime_ns(details.get("modified"))
        with self._translated("download", rpath):
            download(
                self.client.http,
                request_for,
                self._check,
                rpath,
                Path(lpath),
                size,
                meter,
                digest=digest,
                mtime_ns=mtime,
            )
        return None

    def _download_requests(
        self, path: str, size: int
    ) -> tuple[Callable[[int], httpx.Request], Callable[[], str | None] | None]:
        """The GET of `path` from a byte on, and how to learn the storage's adler32 where the
        answers do not carry it. In service mode `fetch/` for the whole file, and the rest
        window by window through `webdav/` (`Protocol.download_request`), the checksum by a HEAD
        (`fetch/` passes no header on); in direct mode one GET of the rest (dCache streams),
        which carries the checksum itself."""
        if self.direct:
            url = self.client.join_url(path)
            return lambda offset: self.client.http.build_request(
                "GET", url, headers=rest_of_file(offset) | WANT_DIGEST
            ), None
        api = self._api()
        api.range_window = self.range_window
        return functools.partial(api.protocol.download_request, path, size=size), functools.partial(
            self._adler32, path
        )

    # -- writing ----------------------------------------------------------------------------
    def makedirs(self, path: str, exist_ok: bool = False) -> None:
        path = self._strip_protocol(path)
        if exist_ok and self._is_dir(path):
            return  # no MKCOL on directories that exist (the service refuses most of them)
        with self._translated("create directory", path, writing=True):
            try:
                super().makedirs(path, exist_ok=exist_ok)
            except ResourceAlreadyExists:
                if not exist_ok:
                    raise FileExistsError(errno.EEXIST, "File exists", path) from None

    def _is_dir(self, path: str) -> bool:
        if path == "":
            return True
        try:
            return self.info(path)["type"] == "directory"
        except FileNotFoundError:
            return False

    upload_fileobj = put_fileobj = translating(WebdavFileSystem.upload_fileobj, "upload", "rpath")
    _put_folder = translating(WebdavFileSystem.put_file, "upload", "rpath")

    def put_file(self, lpath: Any, rpath: str, callback: Any = None, **kwargs: Any) -> None:
        """Upload one file, verified: its adler32, summed as it is sent, against the storage's
        (`HEAD` with `Want-Digest`; `ChecksumMismatch` if they differ)."""
        if os.path.isdir(lpath):
            return self._put_folder(lpath, rpath, callback=callback, **kwargs)
        rpath = self._strip_protocol(rpath)
        with open(lpath, "rb") as opened:
            summing = Summing(opened)
            kwargs = {"overwrite": True, "size": os.fstat(opened.fileno()).st_size} | kwargs
            self.upload_fileobj(summing, rpath, callback=callback, **kwargs)
        verify_upload(rpath, summing.running.hex, self._adler32(rpath))
        return None

    def _adler32(self, path: str) -> str | None:
        """The storage's adler32 of the file `path`, or None where it gives none: the flow of
        `Protocol.adler32_flow` (direct mode: `DirectClient.adler32_flow`) on this filesystem's
        connections."""

        def send(request: httpx.Request) -> httpx.Response:
            return self.client.http.send(request, follow_redirects=self.direct)

        def attempt() -> str | None:
            flow = (self._direct or self._api().protocol).adler32_flow(path)
            return run_flow(flow, send)

        return with_retries(attempt, path)

    pipe_file = translating(WebdavFileSystem.pipe_file, "upload")
    rm_file = _rm = translating(WebdavFileSystem.rm_file, "delete")


def open_file(path: str, mode: str = "rb", **kwargs: Any) -> Any:
    """Open a storage file in place: a seekable file object read by HTTP Range requests.

    `path` is a storage path (`lst/DL1/.../run.h5`, `ctadata://` optional). Keywords
    `token`, `downloadservice`, `direct`, `dcache_url`, `account`, `max_blocks` choose the
    filesystem;
    the others (`block_size`, `cache_type`, `cache_options`, ...) go to its `open`.
    """
    fs_keys = ("token", "downloadservice", "direct", "dcache_url", "account", "max_blocks")
    fs_options = {key: kwargs.pop(key) for key in fs_keys if key in kwargs}
    return CtadataFileSystem(**fs_options).open(path, mode, **kwargs)

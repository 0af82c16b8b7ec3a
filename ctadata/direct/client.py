"""`DirectClient`: the dCache WebDAV storage itself, with an OIDC bearer token.

Another endpoint of the transfer engine (`ctadata.transfer.engine.TransferClient`): listing is
`PROPFIND`, downloads are `GET` (resumed with `Range`), uploads are `PUT`, directories are made
with `MKCOL`. Trees, concurrency, skipping, progress and cancel are the engine's.

Remote paths are storage paths below the base path: `lst/DL1/run1.h5` is
`<dCache URL>/pnfs/cta.cscs.ch/lst/DL1/run1.h5` (a path given with the base path in front,
as `davix` users wrote them, means the same). There is no user folder: an upload lands where
its path says, if the token may write there.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree

import httpx

from ..entry import Entry, http_date
from ..errors import InvalidPath, NotFound, StorageException, TokenRefreshed, TransferError
from ..http import USER_AGENT, bearer, check_response
from ..paths import clean_remote, with_slash
from ..protocol import Flow, run_flow
from ..retry import TIMEOUT, with_retries
from ..transfer.checksum import WANT_DIGEST, Uploaded, digest_of
from ..transfer.engine import TransferClient
from ..transfer.local import LocalPath
from ..transfer.one_file import open_source, upload, verify_upload
from ..transfer.progress import Meter
from ..transport import TLSOnDemandTransport, connection_limits
from .tokens import TokenSource, token_source

DEFAULT_DCACHE_URL = "https://dcache.cta.cscs.ch:2880"
DEFAULT_BASE_PATH = "pnfs/cta.cscs.ch"

DAV = "{DAV:}"
PROPFIND_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<D:propfind xmlns:D="DAV:"><D:prop>'
    b"<D:resourcetype/><D:getcontentlength/><D:getlastmodified/>"
    b"</D:prop></D:propfind>"
)


class RefreshingBearerAuth(httpx.Auth):
    """The token source's token in the Authorization header; a token refused (401) that a fresh
    one differs from gets one more try with it: the token was revoked, or expired sooner than
    the source said. Else the refusal is final, and `DirectClient.check` reports it.

    The one place where a refused token is refreshed, for every request to the door: those of
    `DirectClient` and those of the fsspec direct mode (`ctadata.fs`). A request whose body was
    streamed cannot be sent again: it raises `TokenRefreshed` instead, and the engine's retries
    (`ctadata.retry`) send a new request, which carries the fresh token.
    """

    def __init__(self, tokens: TokenSource):
        self.tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.tokens.token()
        bearer(request, token)
        response = yield request
        if response.status_code != 401 or not self.tokens.refresh_after_refusal(token):
            return
        if not isinstance(request.stream, httpx.ByteStream):  # not a body held in memory
            path = unquote(request.url.path)
            # Seen by the caller only if the fresh tokens are refused as well.
            raise TokenRefreshed(
                f"{request.method} {path!r}: not authenticated: dCache at"
                f" {request.url.netloc.decode()} refused the token, fresh ones too;"
                f" {self.tokens.refusal_hint()}",
                path=path,
                status=401,
            )
        bearer(request, self.tokens.token())
        yield request


class DirectClient(TransferClient):
    """A client of the dCache WebDAV door, authenticated by short-lived OIDC access tokens.

    `token`: a token string, a function returning one, or a `TokenSource`; by default
    `CTADATA_TOKEN` if set, else the oidc-agent account `account` (default
    `CTADATA_OIDC_ACCOUNT` or `kk-dcache-prod`). The URL defaults to `CTADATA_DCACHE_URL`;
    `DirectClient.dcache_url = URL` (a class attribute) changes the default for later clients.
    `ca`: a CA bundle (file or directory) for the door's certificate, default
    `CTADATA_DCACHE_CA`, else the system's.
    """

    dcache_url: str | None = None
    base_path: str = DEFAULT_BASE_PATH

    def __init__(
        self,
        token: str | Callable[[], str | None] | TokenSource | None = None,
        dcache_url: str | None = None,
        *,
        account: str | None = None,
        base_path: str | None = None,
        min_valid: float | None = None,
        ca: str | os.PathLike[str] | None = None,
        concurrency: int | None = None,
        progress_bar: bool | None = None,
    ):
        super().__init__(concurrency=concurrency, progress_bar=progress_bar)
        self.dcache_url = (dcache_url or self.default_url()).rstrip("/")
        self.base_path = clean_remote(base_path if base_path is not None else self.base_path)
        self.base_path = self.base_path.strip("/")
        self.tokens = token_source(token, account, min_valid)
        self.ca = ca if ca is not None else os.environ.get("CTADATA_DCACHE_CA") or None

    @classmethod
    def default_url(cls) -> str:
        """The door of a client that names none (`dcache_url`, a class attribute, if set)."""
        return cls.dcache_url or os.environ.get("CTADATA_DCACHE_URL") or DEFAULT_DCACHE_URL

    def __repr__(self) -> str:
        return f"DirectClient({self.dcache_url!r}, tokens from {self.tokens.describe()})"

    # -- HTTP -------------------------------------------------------------------------------
    def _http_client(self) -> httpx.Client:
        # dCache may redirect a read to a pool: follow it (httpx drops the Authorization
        # header when the redirect leaves the door's origin).
        verify = self.verify()
        return httpx.Client(
            timeout=TIMEOUT,
            transport=TLSOnDemandTransport(connection_limits(self.concurrency), verify=verify),
            follow_redirects=True,
            auth=RefreshingBearerAuth(self.tokens),
            headers={"User-Agent": USER_AGENT},
            verify=verify,  # for a proxy's transport, should the environment name one
        )

    def verify(self) -> ssl.SSLContext | bool:
        """What httpx's `verify` takes for the door: the CA of `ca`, else the system's."""
        if self.ca is None:
            return True
        ca = Path(self.ca)
        if ca.is_dir():
            return ssl.create_default_context(capath=str(ca))
        return ssl.create_default_context(cafile=str(ca))

    def relative(self, path: str) -> str:
        """The path below the base path: `pnfs/cta.cscs.ch/lst/x` and `lst/x` both give `lst/x`."""
        cleaned = clean_remote(path)
        if cleaned.rstrip("/") == self.base_path:
            return ""
        if cleaned.startswith(self.base_path + "/"):
            return cleaned[len(self.base_path) + 1 :]
        return cleaned

    def url(self, path: str) -> str:
        """The door's URL of a storage path (below the base path)."""
        return f"{self.dcache_url}/{quote(self.base_path, safe='/')}/{quote(path, safe='/')}"

    def check(self, response: httpx.Response, action: str, path: str) -> None:
        """Raise the matching error unless the response is a success. A 401 here is final:
        `RefreshingBearerAuth` has tried a fresh token already, if there was one."""
        server = f"dCache at {urlsplit(self.dcache_url or '').netloc}"
        check_response(response, action, path, server=server, auth_hint=self.tokens.refusal_hint())

    def _send(self, build: Callable[[], httpx.Request], action: str, path: str) -> httpx.Response:
        """Send a small request (built anew for each try, so with a fresh token) and check it."""

        def attempt() -> httpx.Response:
            response = self.http.send(build())
            self.check(response, action, path)
            return response

        return with_retries(attempt, path)

    # -- listing ----------------------------------------------------------------------------
    def _propfind(self, path: str, depth: int) -> list[Entry]:
        """The entries of a `PROPFIND`: `path` itself first, then its children (depth 1)."""
        relative = self.relative(path)
        response = self._send(
            lambda: httpx.Request(
                "PROPFIND",
                self.url(relative),
                headers={"Depth": str(depth), "Content-Type": "application/xml"},
                content=PROPFIND_BODY,
            ),
            "list",
            relative,
        )
        listing = self._parse_multistatus(response, relative)
        if not listing:
            raise NotFound(f"list {relative!r}: no such file or directory", path=relative)
        return listing

    def _parse_multistatus(self, response: httpx.Response, path: str) -> list[Entry]:
        try:
            # The door's own answer; expat does not fetch external entities and caps expansion.
            root = ElementTree.fromstring(response.content)  # noqa: S314
        except ElementTree.ParseError as exc:
            raise StorageException(
                f"list {path!r}: dCache answered something that is not WebDAV XML", path=path
            ) from exc
        prefix = f"{urlsplit(self.dcache_url or '').path.rstrip('/')}/{self.base_path}/"
        listing = []
        for item in root.iter(f"{DAV}response"):
            href = unquote(urlsplit(item.findtext(f"{DAV}href", "").strip()).path)
            if with_slash(href).startswith(prefix):
                relative = href[len(prefix) :] if len(href) >= len(prefix) else ""
            else:
                raise StorageException(
                    f"list {path!r}: dCache listed {href!r}, outside {prefix!r}", path=path
                )
            listing.append(_entry(relative, _found_props(item)))
        wanted = path.rstrip("/")
        listing.sort(key=lambda entry: entry.path.rstrip("/") != wanted)  # the path itself first
        return listing

    def list_dir(self, path: str = "") -> list[dict[str, Any]]:
        """The listing of `path` in the shape of the download service's `list` answer: the
        directory itself first, then its entries (or the file), each with its door `url`."""
        return [
            entry.as_listing() | {"url": self.url(entry.path)} for entry in self._propfind(path, 1)
        ]

    def entries(self, path: str) -> list[Entry]:
        listing = self._propfind(path, 1)
        return listing[1:] if listing[0].is_dir else listing[:1]

    def stat(self, path: str) -> Entry:
        return self._propfind(path, 0)[0]

    # -- one file ---------------------------------------------------------------------------
    def _download_request(self, path: str, offset: int, size: int) -> httpx.Request:
        return httpx.Request("GET", self.url(path), headers=rest_of_file(offset) | WANT_DIGEST)

    def _download_digest(self, path: str) -> None:
        """None: the GETs ask for the adler32 themselves (`Want-Digest`); no HEAD is needed."""
        return None

    def adler32(self, path: str) -> str | None:
        return with_retries(lambda: run_flow(self.adler32_flow(path), self.http.send), path)

    def adler32_flow(self, path: str) -> Flow[str | None]:
        """The storage's adler32 of the file `path` (a HEAD asking for it), or None where dCache
        keeps none; as `Protocol.adler32_flow`, for any client that sends its requests."""
        relative = self.relative(path)
        response = yield httpx.Request("HEAD", self.url(relative), headers=WANT_DIGEST)
        self.check(response, "stat", relative)
        return digest_of(response.headers)

    def _head(self, relative: str) -> httpx.Response:
        """HEAD of a file, with its adler32 asked for."""
        url = self.url(relative)
        return self._send(lambda: httpx.Request("HEAD", url, headers=WANT_DIGEST), "stat", relative)

    def _upload_one(self, source: LocalPath, remote: str, meter: Meter) -> Uploaded:
        relative = self.relative(remote)
        if not relative or relative.endswith("/"):
            raise InvalidPath(f"upload path {remote!r} names no file", path=remote)
        url = self.url(relative)
        with open_source(source, relative) as (opened, size):
            sent = self._put(url, opened, size, relative, meter)
        head = self._head(relative)
        stored = head.headers.get("Content-Length")
        if stored != str(size):
            raise TransferError(
                f"upload of {relative!r}: dCache stored {stored} of {size} bytes", path=relative
            )
        verified = verify_upload(relative, sent, digest_of(head.headers))
        answer = {"status": "uploaded", "path": relative, "total_written": size}
        return Uploaded(answer, sent, verified)

    def _put(self, url: str, opened: BinaryIO, size: int, relative: str, meter: Meter) -> str:
        """PUT the open file; returns the adler32 of the bytes sent."""

        def request_for(body: Iterator[bytes]) -> httpx.Request:
            headers = {"Content-Length": str(size), "Content-Type": "application/octet-stream"}
            return httpx.Request("PUT", url, headers=headers, content=body)

        try:
            return upload(self.http, request_for, self.check, opened, relative, meter)[1]
        except httpx.StreamError as exc:  # a redirect of the PUT: the body cannot be replayed
            raise TransferError(
                f"upload of {relative!r}: dCache redirected it; redirected uploads are not"
                " supported",
                path=relative,
            ) from exc

    # -- directories ------------------------------------------------------------------------
    def mkdirs(self, path: str) -> None:
        """Create the storage directory `path` and its missing parents (`MKCOL`)."""
        missing: list[str] = []
        current = self.relative(path).strip("/")
        while current:
            try:
                entry = self.stat(current)
            except NotFound:
                missing.append(current)
                current = current.rpartition("/")[0]
                continue
            if not entry.is_dir:
                raise InvalidPath(f"{current!r} exists and is not a directory", path=current)
            break
        for directory in reversed(missing):
            url = self.url(directory + "/")

            def attempt(url: str = url, directory: str = directory) -> None:
                response = self.http.send(httpx.Request("MKCOL", url))
                if response.status_code != 405:  # 405: made meanwhile by someone else
                    self.check(response, "create directory", directory + "/")

            with_retries(attempt, directory)


def rest_of_file(offset: int) -> dict[str, str]:
    """The Range header for the bytes from `offset` on (none for the whole file).

    Open-ended, unlike the download service's windows: dCache streams what it sends (it holds
    no answer whole), and every request to its door costs a TLS session and a token, so one
    request for the rest is right here. The service's `webdav/` never sees this header.
    """
    return {"Range": f"bytes={offset}-"} if offset else {}


def _entry(relative: str, props: ElementTree.Element) -> Entry:
    """One entry of a `PROPFIND` answer; a directory's path ends with a slash."""
    is_dir = props.find(f"{DAV}resourcetype/{DAV}collection") is not None
    size = (props.findtext(f"{DAV}getcontentlength") or "").strip()
    return Entry(
        path=with_slash(relative) if is_dir and relative else relative,
        type="directory" if is_dir else "file",
        size=int(size) if size.isdigit() and not is_dir else None,
        mtime=http_date((props.findtext(f"{DAV}getlastmodified") or "").strip()),
    )


def _found_props(item: ElementTree.Element) -> ElementTree.Element:
    """The `prop` elements of a multistatus response that came with status 200, merged."""
    merged = ElementTree.Element(f"{DAV}prop")
    for propstat in item.iter(f"{DAV}propstat"):
        status = propstat.findtext(f"{DAV}status", "")
        if " 200 " in f"{status} ":
            for prop in propstat.iter(f"{DAV}prop"):
                merged.extend(list(prop))
    return merged

"""The development storage: a real WebDAV server (wsgidav on cheroot) over a local folder.

It stands in for dCache: same base path (`/pnfs/cta.cscs.ch/`), writable (PUT, MKCOL, DELETE,
MOVE), `Range` answered, `Want-Digest: adler32` answered with a `Digest` header. It has no
authentication: it listens on the loopback only, and the development service in front of it
does the access checks, as the deployed services do in front of dCache.

It also counts the response body bytes it sends for GET requests and the requests it receives by
method (`PROPFIND`, `HEAD`, `GET`, `PUT`...), readable with `stats` or over HTTP (`GET /_stats`,
`POST /_stats/reset`), so that tests can prove a random access read only part of a file, or that
a download listed and asked for a checksum once; and it can lie about checksums
(`ctadata.devservice.digests`, `/_digest_lies`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter
from wsgidav.fs_dav_provider import FileResource, FilesystemProvider
from wsgidav.wsgidav_app import WsgiDAVApp

from .digests import LIES_PATH, Digests

BASE_PATH = "/pnfs/cta.cscs.ch"
STATS_PATH = "/_stats"

log = logging.getLogger(__name__)

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class TransferStats:
    """Thread-safe counters (cheroot serves each request in its own thread): GET requests and
    the body bytes they sent, and every request by method."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.bytes_sent = 0
        self.requests = 0  # GETs
        self.methods: dict[str, int] = {}

    def count_request(self) -> None:
        with self._lock:
            self.requests += 1

    def count_method(self, method: str) -> None:
        with self._lock:
            self.methods[method] = self.methods.get(method, 0) + 1

    def count_bytes(self, n: int) -> None:
        with self._lock:
            self.bytes_sent += n

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "bytes_sent": self.bytes_sent,
                "requests": self.requests,
                "methods": dict(self.methods),
            }

    def reset(self) -> None:
        with self._lock:
            self.bytes_sent = 0
            self.requests = 0
            self.methods = {}


class _CountedBody:
    """Wraps a WSGI response body and counts the bytes as the server pulls them out."""

    def __init__(self, body: Iterable[bytes], stats: TransferStats) -> None:
        self._body = body
        self._stats = stats

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._stats.count_bytes(len(chunk))
            yield chunk

    def close(self) -> None:
        # WSGI servers call close(); wsgidav relies on it to close the open file.
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


class _DiscardedOnError(FileResource):
    def end_write(self, *, with_errors: bool) -> None:
        # dCache keeps nothing of an upload that failed or was cut off; neither do we, so that
        # a half-written file never looks like a complete one.
        if with_errors:
            with contextlib.suppress(OSError):
                os.unlink(self._file_path)


class _Provider(FilesystemProvider):
    def get_resource_inst(self, path: str, environ: dict) -> Any:
        res = super().get_resource_inst(path, environ)
        if type(res) is FileResource:
            return _DiscardedOnError(path, environ, res._file_path)
        return res


class _LengthCheckedInput:
    """A request body that raises when the connection ends before Content-Length bytes.

    cheroot returns b"" at a premature end, which wsgidav would take for the end of the file
    and keep a truncated file; raising makes the PUT fail instead, as it does on dCache.
    """

    def __init__(self, stream: Any, length: int) -> None:
        self._stream = stream
        self._remaining = length

    def read(self, size: int | None = None) -> bytes:
        data = self._stream.read(size)
        self._remaining -= len(data)
        if not data and self._remaining > 0:
            raise OSError(f"request body ended {self._remaining} bytes early")
        return data

    def readline(self, size: int | None = None) -> bytes:
        return self._stream.readline(size)


class StorageMiddleware:
    """The bits of dCache behaviour wsgidav lacks, and the byte counter."""

    def __init__(self, app: WSGIApp, root: Path, stats: TransferStats, digests: Digests) -> None:
        self._app = app
        self._root = root.resolve()
        self._stats = stats
        self._digests = digests
        self._mkcol = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == STATS_PATH or path.startswith(STATS_PATH + "/"):
            return self._serve_stats(environ, start_response)
        if path == LIES_PATH:
            return self._serve_lies(environ, start_response)
        method = environ["REQUEST_METHOD"]
        self._stats.count_method(method)
        length = environ.get("CONTENT_LENGTH", "")
        if method == "PUT" and length.isdigit():
            environ["wsgi.input"] = _LengthCheckedInput(environ["wsgi.input"], int(length))
        digest = self._digest_header(environ) if method in ("GET", "HEAD") else None
        if digest is not None:
            start_response = _adding_header(start_response, ("Digest", digest))
        if method == "MKCOL":
            # dCache makes a folder atomically: of two MKCOLs at once, one gets 201 and the other
            # 405. wsgidav checks, then makes, and answers 500 to the loser of that race. Its
            # answer is lazy, so it is read whole inside the lock.
            with (
                self._mkcol,
                contextlib.closing(
                    _DrainedAfter(self._app(environ, start_response), environ["wsgi.input"])
                ) as answer,
            ):
                return list(answer)
        if method != "GET":
            return _DrainedAfter(self._app(environ, start_response), environ["wsgi.input"])
        self._stats.count_request()
        return _CountedBody(self._app(environ, start_response), self._stats)

    def _serve_stats(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        if method == "POST" and path == STATS_PATH + "/reset":
            self._stats.reset()
        elif not (method == "GET" and path == STATS_PATH):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found"]
        body = json.dumps(self._stats.snapshot()).encode()
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    def _serve_lies(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        length = environ.get("CONTENT_LENGTH", "")
        body = environ["wsgi.input"].read(int(length)) if length.isdigit() else b""
        status, answer = self._digests.serve(environ["REQUEST_METHOD"], body)
        text = json.dumps(answer).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(text)))]
        )
        return [text]

    def _digest_header(self, environ: Environ) -> str | None:
        """`Digest: adler32=...` when asked for with `Want-Digest` and the target is a file."""
        wanted = environ.get("HTTP_WANT_DIGEST", "").lower()
        if "adler32" not in wanted:
            return None
        # PEP 3333 hands the path over as latin-1 decoded bytes; the names on disk are UTF-8.
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", errors="replace")
        if not path.startswith(BASE_PATH + "/"):
            return None
        relative = path[len(BASE_PATH) + 1 :]
        target = (self._root / relative).resolve()
        if not target.is_relative_to(self._root) or not target.is_file():
            return None
        return self._digests.header(target, relative.strip("/"))


class _DrainedAfter:
    """A response body that reads what is left of the request body before it is sent.

    wsgidav may answer (409, 403, ...) without reading the request body. cheroot would then
    either read all that is left in one go (memory the size of the upload) or drop the
    connection under a client still sending, which sees a broken pipe instead of the answer.
    wsgidav runs lazily, on the first `next()`; cheroot sends the headers with the first
    chunk: the draining goes in between, a block at a time.
    """

    def __init__(self, body: Iterable[bytes], request_body: Any) -> None:
        self._body = body
        self._request_body = request_body

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._body)
        first = next(chunks, None)
        self._drain()
        if first is not None:
            yield first
            yield from chunks

    def _drain(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while self._request_body.read(1 << 20):
                pass

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


def _adding_header(start_response: StartResponse, header: tuple[str, str]) -> StartResponse:
    def wrapped(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [*headers, header], exc_info)

    return wrapped


def _wsgidav_config(root: Path) -> dict[str, Any]:
    return {
        "provider_mapping": {BASE_PATH: _Provider(str(root), readonly=False)},
        # Anonymous access: the storage is only reachable from this machine, and the service
        # in front of it checks the tokens.
        "http_authenticator": {"domain_controller": None, "accept_digest": False},
        "simple_dc": {"user_mapping": {"*": True}},
        "verbose": 1,
        # wsgidav reads request bodies and files in blocks of 8 KiB unless told: on a GiB
        # that is 130,000 reads and writes, and the storage, not the client, set the pace.
        "block_size": 1024 * 1024,
        "logging": {"enable": False},
        # A GET on a folder answers its HTML listing, as dCache does; no redirect to add a
        # slash (wsgidav's would point outside the share).
        "dir_browser": {
            "enable": True,
            "directory_slash": False,
            "response_trailer": "",
            "show_user": False,
        },
        "lock_storage": True,
        "property_manager": True,
    }


def _quiet_error_log(msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
    # cheroot writes connection hiccups (client went away, ...) to stderr by default.
    log.debug("cheroot: %s", msg, exc_info=traceback)


class WebDAVStorage:
    """A WebDAV server over `root`, run by cheroot in a background thread.

    `wrap`: a WSGI middleware put in front (the direct-access tests check bearer tokens there,
    as dCache's door does); `tls`: a certificate and its key, to serve HTTPS as the door does.
    """

    def __init__(
        self,
        root: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        wrap: Callable[[WSGIApp], WSGIApp] | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.host = host
        self.port = port
        self.wrap = wrap
        self.tls = tls
        self.stats = TransferStats()
        self.digests = Digests()
        self._server: wsgi.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL of the storage, like dCache's `https://host:2880/pnfs/cta.cscs.ch/`."""
        return f"{self.origin}{BASE_PATH}/"

    @property
    def origin(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def start(self) -> WebDAVStorage:
        self.root.mkdir(parents=True, exist_ok=True)
        app: WSGIApp = StorageMiddleware(
            WsgiDAVApp(_wsgidav_config(self.root)), self.root, self.stats, self.digests
        )
        if self.wrap is not None:
            app = self.wrap(app)
        # Many threads and a long timeout: each transfer holds a thread for its whole duration,
        # and the service may pause an upload while its own client is slow.
        server = wsgi.Server((self.host, self.port), app, numthreads=32, timeout=300)
        server.error_log = _quiet_error_log  # type: ignore[method-assign]
        if self.tls is not None:
            server.ssl_adapter = BuiltinSSLAdapter(str(self.tls[0]), str(self.tls[1]))
        server.prepare()  # binds now, so that an ephemeral port is known before serving
        self.port = server.bind_addr[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve, name="devstorage", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> WebDAVStorage:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

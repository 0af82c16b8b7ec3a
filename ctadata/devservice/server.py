"""`DevService`: the development storage and services, started in-process.

    with DevService("/tmp/storage", sample_data=True) as svc:
        print(svc.downloadservice, svc.token)

The storage (cheroot) runs in its own threads, the services (tornado) in a background thread
with their own asyncio loop, so the caller's thread stays free, whether it runs a loop or not.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import tornado.netutil
from tornado.httpserver import HTTPServer

from ..config import MAX_UPLOAD_BYTES
from .app import make_app
from .base import CERTIFICATE_PREFIX, DOWNLOAD_PREFIX, HUB_PREFIX, UPLOAD_FOLDERS, ServiceState
from .certs import CA_KEY_FILE, ensure_ca
from .sample_data import make_sample_data
from .storage import WebDAVStorage
from .throttle import throttled
from .users import TokenChecker, User, UserTable

START_TIMEOUT = 30


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - a wildcard bind is reached via loopback
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _token_checker(users: TokenChecker | str | Path | None) -> TokenChecker:
    """A users file's table, the built-in table, or the checker given (e.g. the hub's)."""
    if users is None:
        return UserTable.default()
    if isinstance(users, (str, Path)):
        return UserTable.from_file(users)
    return users


class DevService:
    """The development download and certificate services over a local WebDAV storage.

    `request_overhead_ms`: what every request waits before it is handled, as the deployed
    service's fixed cost per request (0: none); `refuse_open_ranges`: a test mode in which
    `webdav/` refuses a GET with an open-ended `Range: bytes=N-` (400).
    """

    def __init__(
        self,
        storage_dir: str | Path,
        state_dir: str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        users: TokenChecker | str | Path | None = None,
        sample_data: bool = False,
        large_file: bool = True,
        request_overhead_ms: float = 0.0,
        refuse_open_ranges: bool = False,
        throttle: float | None = None,
    ) -> None:
        self.storage_dir = Path(storage_dir).resolve()
        self._own_state = state_dir is None
        self.state_dir = Path(state_dir).resolve() if state_dir is not None else None
        self.host, self.port = host, port
        self.tokens = _token_checker(users)
        # Known users and tokens: those of a table; none when the hub checks tokens.
        self.users: list[User] = self.tokens.users if isinstance(self.tokens, UserTable) else []
        self.token = self.users[0].token if self.users else None
        self._sample_data, self._large_file = sample_data, large_file
        if request_overhead_ms < 0:
            raise ValueError("request_overhead_ms must be 0 or more milliseconds")
        self.request_overhead = request_overhead_ms / 1000
        self.refuse_open_ranges = refuse_open_ranges
        self._throttle = throttle  # bytes per second of the storage's GET bodies
        self._storage: WebDAVStorage | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # -- addresses -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.port}"

    @property
    def downloadservice(self) -> str:
        return f"{self.base_url}{DOWNLOAD_PREFIX}/"

    @property
    def certificateservice(self) -> str:
        return f"{self.base_url}{CERTIFICATE_PREFIX}/"

    @property
    def hub_url(self) -> str:
        return f"{self.base_url}{HUB_PREFIX}/"

    @property
    def storage_url(self) -> str:
        assert self._storage is not None, "not started"
        return self._storage.url

    @property
    def ca_cert(self) -> Path:
        assert self.state_dir is not None, "not started"
        return self.state_dir / "ca" / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.ca_cert.parent / CA_KEY_FILE

    @property
    def storage(self) -> WebDAVStorage:
        assert self._storage is not None, "not started"
        return self._storage

    def info(self) -> dict[str, Any]:
        """What a client or a test needs to know, JSON-ready. Only the first user's token."""
        return {
            "downloadservice": self.downloadservice,
            "certificateservice": self.certificateservice,
            "storage_url": self.storage_url,
            "hub_url": self.hub_url,
            "storage_dir": str(self.storage_dir),
            "state_dir": str(self.state_dir),
            "ca_cert": str(self.ca_cert),
            "ca_key": str(self.ca_key),
            "users": [u.to_json(with_token=False) for u in self.users],
            "token": self.token,
        }

    # -- life cycle ----------------------------------------------------------------------
    def start(self) -> DevService:
        self._prepare_dirs()
        ensure_ca(self.ca_cert.parent)
        wrap = throttled(self._throttle) if self._throttle else None
        self._storage = WebDAVStorage(self.storage_dir, wrap=wrap).start()
        self._thread = threading.Thread(target=self._run, name="devservice", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT) or self._error is not None:
            self.stop()
            raise RuntimeError(f"the development service did not start: {self._error}")
        return self

    def _prepare_dirs(self) -> None:
        if self.state_dir is None:
            self.state_dir = Path(tempfile.mkdtemp(prefix="ctadata-dev-state-"))
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.storage_dir.mkdir(parents=True, exist_ok=True)
        if self._sample_data:
            make_sample_data(self.storage_dir, large_file=self._large_file)
        # The upload folders exist in production; without them nobody could upload.
        for area in UPLOAD_FOLDERS:
            (self.storage_dir / area / "users").mkdir(parents=True, exist_ok=True)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as e:  # reported to start(), which is waiting for us
            self._error = e
            self._ready.set()

    async def _serve(self) -> None:
        assert self.state_dir is not None
        app = make_app(
            self.tokens,
            self.storage_url,
            self.state_dir,
            self.ca_cert,
            request_overhead=self.request_overhead,
            refuse_open_ranges=self.refuse_open_ranges,
        )
        sockets = tornado.netutil.bind_sockets(self.port, self.host)
        # No limit on body sizes here: the streaming handlers raise their own, and
        # uploads of several GB must pass.
        server = HTTPServer(app, max_body_size=MAX_UPLOAD_BYTES, idle_connection_timeout=300)
        server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            server.stop()
            await server.close_all_connections()
            state: ServiceState = app.settings["ctadata_state"]
            await state.http.aclose()

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        self._loop = self._stopping = None
        if self._storage is not None:
            self._storage.stop()
        if self._own_state and self.state_dir is not None:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self) -> DevService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

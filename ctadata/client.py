"""`APIClient`: the synchronous client of the download and certificate services.

Kernels, scripts and the CLI use it. The protocol itself is in `ctadata.protocol`; this module
drives its flows with `httpx.Client` and runs transfers with `ctadata.transfer`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx

from .config import DEFAULT_CHUNK_SIZE, Settings
from .errors import CertificateError, InvalidPath, TransferError
from .paths import clean_remote, complete_upload_path, confined, remote_join, remote_name
from .progress import Meter, ProgressCallback
from .protocol import Entry, Flow, Protocol
from .transfer import download, upload, with_retries
from .tree import Task, TransferSummary, run_tasks

T = TypeVar("T")
TIMEOUT = httpx.Timeout(120.0, connect=10.0)
DEFAULT_CONCURRENCY = 4


class BearerAuth(httpx.Auth):
    """Puts the token in the Authorization header, and nowhere else."""

    def __init__(self, token: str | None):
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if self._token:
            request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class APIClient:
    """A client of the CTA data services.

    Class attributes are the defaults for every client (`APIClient.downloadservice = URL`
    changes them for later calls); constructor arguments override them for one client.
    The token defaults to `JUPYTERHUB_API_TOKEN`, read when a call is made.
    """

    downloadservice: str = Settings.from_env().downloadservice
    certificateservice: str = Settings.from_env().certificateservice
    chunk_size: int = DEFAULT_CHUNK_SIZE
    concurrency: int = DEFAULT_CONCURRENCY

    def __init__(
        self,
        token: str | None = None,
        downloadservice: str | None = None,
        certificateservice: str | None = None,
        chunk_size: int | None = None,
        *,
        concurrency: int | None = None,
        progress_bar: bool | None = None,
    ):
        for name, value in (
            ("downloadservice", downloadservice),
            ("certificateservice", certificateservice),
            ("chunk_size", chunk_size),
            ("concurrency", concurrency),
        ):
            if value is not None:
                setattr(self, name, value)
        if token is not None:
            self.token = token
        self.progress_bar = progress_bar
        self._http: httpx.Client | None = None
        self._upload_folder: str | None = None
        self._lock = threading.Lock()

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def token(self) -> str | None:
        return self.__dict__.get("_token") or os.environ.get("JUPYTERHUB_API_TOKEN")

    @token.setter
    def token(self, value: str | None) -> None:
        self.__dict__["_token"] = value

    def __repr__(self) -> str:
        return f"APIClient({self.settings!r})"

    @property
    def settings(self) -> Settings:
        return Settings(self.downloadservice, self.certificateservice, self.token, self.chunk_size)

    @property
    def protocol(self) -> Protocol:
        return Protocol(self.settings)

    @property
    def http(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                limits = httpx.Limits(max_connections=max(10, 2 * self.concurrency))
                self._http = httpx.Client(timeout=TIMEOUT, limits=limits, follow_redirects=False)
            return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> APIClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, flow: Flow[T]) -> T:
        """Drive a protocol flow: send each request it yields, hand back each response."""
        try:
            request = next(flow)
            while True:
                response = with_retries(lambda r=request: self.http.send(r), _path_of(request))
                request = flow.send(response)
        except StopIteration as stop:
            return stop.value

    def _meter(self, label: str, progress: ProgressCallback | None, cancel, bar) -> Meter:
        return Meter(label, progress, self.progress_bar if bar is None else bar, cancel)

    # -- listing ----------------------------------------------------------------------------
    def list_dir(self, path: str) -> list[dict[str, Any]]:
        """The service's listing of `path`: the directory itself first, then its entries."""
        return self.run(self.protocol.list_flow(path))

    def entries(self, path: str) -> list[Entry]:
        """The entries of a directory (without itself), or the file itself, parsed."""
        return self.run(self.protocol.entries_flow(path))

    def stat(self, path: str) -> Entry:
        return self.run(self.protocol.stat_flow(path))

    def walk(self, path: str) -> list[Entry]:
        """Every file below the directory `path`, depth first."""
        files: list[Entry] = []
        pending = [clean_remote(path)]
        while pending:
            for entry in self.entries(pending.pop()):
                if entry.is_dir:
                    pending.append(entry.path)
                else:
                    files.append(entry)
        return files

    # -- downloads --------------------------------------------------------------------------
    def fetch_and_save_file(
        self,
        path: str,
        save_to_fn: str | os.PathLike[str] | None = None,
        *,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Download one file to `save_to_fn` (default: its name, here); returns bytes written."""
        entry = self.stat(path)
        if entry.is_dir:
            raise InvalidPath(f"{path!r} is a directory: use recursive=True", path=path)
        target = Path(save_to_fn) if save_to_fn is not None else Path(remote_name(path))
        meter = self._meter(remote_name(path), progress, cancel, progress_bar)
        meter.start(entry.size, 1)
        try:
            written = self._download_one(entry, target, meter)
        finally:
            meter.close()
        meter.file_done(entry.path)
        return written

    def _download_one(self, entry: Entry, target: Path, meter: Meter) -> int:
        if entry.size is None:
            raise TransferError(f"{entry.path!r}: the listing gives no size", path=entry.path)
        proto = self.protocol
        return download(
            self.http,
            lambda offset: proto.fetch_request(entry.path, offset),
            proto.check,
            entry.path,
            target,
            entry.size,
            meter,
        )

    def fetch_and_save_file_or_dir(
        self,
        path: str,
        recursive: bool = False,
        *,
        to: str | os.PathLike[str] | None = None,
        overwrite: bool = False,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
    ) -> int | TransferSummary:
        """A file, or with `recursive` a whole directory, mirrored under `to` (default: here).

        A directory `lst/DL1/` lands at `<to>/lst/DL1/...`, as it always did.
        """
        root = Path(to) if to is not None else Path()
        options = {"progress": progress, "progress_bar": progress_bar, "cancel": cancel}
        if recursive and self.stat(path).is_dir:
            return self.download_dir(
                path,
                root / clean_remote(path),
                overwrite=overwrite,
                concurrency=concurrency,
                **options,
            )
        return self.fetch_and_save_file(path, root / remote_name(path), **options)

    def download_dir(
        self,
        path: str,
        local_dir: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
    ) -> TransferSummary:
        """The contents of the remote directory `path`, concurrently, into `local_dir`.

        Files already there with the listed size are skipped unless `overwrite`.
        """
        prefix = clean_remote(path).rstrip("/") + "/"
        root = Path(local_dir)
        meter = self._meter(remote_name(prefix), progress, cancel, progress_bar)
        tasks: list[Task] = []
        skipped: list[Task] = []
        for entry in self.walk(prefix):
            if not entry.path.startswith(prefix):
                raise InvalidPath(f"the service listed {entry.path!r} under {prefix!r}")
            target = confined(root, entry.path[len(prefix) :])
            task = Task(
                entry.path,
                str(target),
                entry.size or 0,
                lambda e=entry, t=target: self._download_one(e, t, meter),
            )
            unchanged = target.is_file() and target.stat().st_size == entry.size
            (skipped if unchanged and not overwrite else tasks).append(task)
        return run_tasks(tasks, skipped, concurrency or self.concurrency, meter)

    # -- uploads ----------------------------------------------------------------------------
    def upload_file(
        self,
        local_fn: str | os.PathLike[str],
        path: str,
        *,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
    ) -> dict[str, Any]:
        """Upload a file into the user folder; `dir/` keeps the local name. The service's JSON."""
        remote = complete_upload_path(local_fn, path)
        source = Path(local_fn)
        if not source.is_file():
            raise InvalidPath(f"{str(source)!r} is not a file", path=str(source))
        meter = self._meter(source.name, progress, cancel, progress_bar)
        meter.start(source.stat().st_size, 1)
        try:
            answer = self._upload_one(source, remote, meter)
        finally:
            meter.close()
        meter.file_done(remote)
        return answer

    def _upload_one(self, source: Path, remote: str, meter: Meter) -> dict[str, Any]:
        size = source.stat().st_size
        proto = self.protocol
        response = upload(
            self.http,
            lambda body: proto.upload_request(remote, body),
            proto.check,
            source,
            remote,
            meter,
        )
        answer = response.json()
        if int(answer.get("total_written", -1)) != size:
            raise TransferError(
                f"upload of {remote!r}: the service stored {answer.get('total_written')}"
                f" of {size} bytes",
                path=remote,
            )
        return answer

    def upload_dir(
        self,
        local_dir: str | os.PathLike[str],
        path: str,
        *,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
    ) -> TransferSummary:
        """Upload a local tree to `path` in the user folder, creating its directories first."""
        root = Path(local_dir)
        if not root.is_dir():
            raise InvalidPath(f"{str(root)!r} is not a directory", path=str(root))
        base = clean_remote(path).rstrip("/")
        meter = self._meter(root.name, progress, cancel, progress_bar)
        tasks: list[Task] = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            relative = Path(dirpath).relative_to(root).as_posix()
            remote_dir = remote_join(base, "" if relative == "." else relative)
            self.mkdirs(remote_dir)
            for name in sorted(filenames):
                source = Path(dirpath) / name
                remote = remote_join(remote_dir, name)
                tasks.append(
                    Task(
                        remote,
                        str(source),
                        source.stat().st_size,
                        lambda s=source, r=remote: self._upload_one(s, r, meter)["total_written"],
                    )
                )
        return run_tasks(tasks, [], concurrency or self.concurrency, meter)

    def upload_folder(self, hub_user: str | None = None) -> str:
        """`<area>/users/<user>/`: the storage folder where this user's uploads land."""
        if self._upload_folder is None:
            user = hub_user or os.environ.get("JUPYTERHUB_USER")
            self._upload_folder = self.run(self.protocol.upload_folder_flow(user))
        return self._upload_folder

    def mkdirs(self, path: str) -> None:
        """Create `path` (relative to the user folder) and its parents, as uploads need."""
        self.run(self.protocol.mkdirs_flow(self.upload_folder(), path))

    # -- certificates -----------------------------------------------------------------------
    def upload_personal_certificate(
        self,
        certificate_file_path: str | os.PathLike[str],
        certificate_key: str,
        user: str | None = None,
    ) -> dict[str, Any]:
        """Store your own short-lived grid proxy certificate for a storage area."""
        payload = {
            "certificate": _read_pem(certificate_file_path),
            "certificate_key": certificate_key,
            "user": user,
        }
        return self.run(self.protocol.certificate_flow("certificate", payload))

    def upload_certificate(
        self, path: str | os.PathLike[str], certificate_key: str = "cta"
    ) -> dict[str, Any]:
        """The friendly name of `upload_personal_certificate`."""
        return self.upload_personal_certificate(path, certificate_key)

    def upload_shared_certificate(self, certificate_file_path: str | os.PathLike[str]):
        """Store the shared robot certificate (admins only)."""
        payload = {"certificate": _read_pem(certificate_file_path)}
        return self.run(self.protocol.certificate_flow("main-certificate", payload))

    # -- WebDAV -----------------------------------------------------------------------------
    def webdav4_client(self) -> Any:
        """A webdav4 `Client` on the service's `webdav/` pass-through, with the bearer token."""
        from webdav4.client import Client  # late: webdav4 is not needed for `import ctadata`

        return Client(self.protocol.url("webdav"), auth=BearerAuth(self.token), timeout=TIMEOUT)


def _read_pem(path: str | os.PathLike[str]) -> str:
    try:
        return Path(path).read_text()
    except OSError as exc:
        raise CertificateError(
            f"cannot read certificate file {str(path)!r}: {exc.strerror}"
        ) from exc


def _path_of(request: httpx.Request) -> str:
    return request.url.path

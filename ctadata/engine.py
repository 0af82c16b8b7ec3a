"""`TransferClient`: file and tree transfers over any storage endpoint.

A subclass says how to list (`entries`, `stat`), move one file (`_download_one`,
`_upload_one`) and make directories (`mkdirs`); everything users call on top of that
(single files, trees, concurrency, skipping, progress, cancel) is written once, here.
`ctadata.APIClient` is the download-service endpoint; `ctadata.direct` is dCache itself.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from .errors import InvalidPath
from .paths import clean_remote, complete_upload_path, confined, remote_join, remote_name
from .progress import Meter, ProgressCallback
from .protocol import Entry
from .tree import Task, TransferSummary, run_tasks

TIMEOUT = httpx.Timeout(120.0, connect=10.0)
DEFAULT_CONCURRENCY = 4


class BearerAuth(httpx.Auth):
    """Puts a token in the Authorization header, and nowhere else.

    `token` is a string or a callable returning a fresh one (short-lived OIDC tokens).
    """

    def __init__(self, token: Any):
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        token = self._token() if callable(self._token) else self._token
        if token:
            request.headers["Authorization"] = f"Bearer {token}"
        yield request


class TransferClient(ABC):
    concurrency: int = DEFAULT_CONCURRENCY
    # True: an upload into a missing folder makes it and tries again, so a tree upload needs
    # to make only its empty folders; False: a tree upload makes every folder first.
    parents_on_conflict: bool = False

    def __init__(self, *, concurrency: int | None = None, progress_bar: bool | None = None):
        if concurrency is not None:
            self.concurrency = concurrency
        self.progress_bar = progress_bar
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()

    # -- what a storage endpoint provides -------------------------------------------------
    @abstractmethod
    def entries(self, path: str) -> list[Entry]:
        """The entries of a directory (without itself), or the file itself."""

    @abstractmethod
    def stat(self, path: str) -> Entry:
        """The entry of `path` itself."""

    @abstractmethod
    def _download_one(self, entry: Entry, target: Path, meter: Meter) -> int:
        """Download one listed file to `target` atomically; returns bytes written."""

    @abstractmethod
    def _upload_one(self, source: Path, remote: str, meter: Meter) -> dict[str, Any]:
        """Upload one local file; returns at least `{"path": ..., "total_written": N}`."""

    @abstractmethod
    def mkdirs(self, path: str) -> None:
        """Create the upload directory `path` and its missing parents."""

    def _http_client(self) -> httpx.Client:
        limits = httpx.Limits(max_connections=max(10, 2 * self.concurrency))
        return httpx.Client(timeout=TIMEOUT, limits=limits, follow_redirects=False)

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def http(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                self._http = self._http_client()
            return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> TransferClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _meter(
        self,
        label: str,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        bar: bool | None,
    ) -> Meter:
        return Meter(label, progress, self.progress_bar if bar is None else bar, cancel)

    def walk(self, path: str) -> list[Entry]:
        """Every file below the directory `path`."""
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
        options: dict[str, Any] = {
            "progress": progress,
            "progress_bar": progress_bar,
            "cancel": cancel,
        }
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

        Files already there with the listed size are skipped unless `overwrite`. Every local
        path is checked: nothing is written outside `local_dir`, whatever the listing says.
        """
        prefix = clean_remote(path).rstrip("/") + "/"
        root = Path(local_dir)
        meter = self._meter(remote_name(prefix), progress, cancel, progress_bar)
        tasks: list[Task] = []
        skipped: list[Task] = []
        for entry in self.walk(prefix):
            if not entry.path.startswith(prefix):
                raise InvalidPath(f"the listing of {prefix!r} gave {entry.path!r}")
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
        """Upload one file; a `path` ending in `/` keeps the local name."""
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
        """Upload a local tree to `path`, with its directories (empty ones included)."""
        root = Path(local_dir)
        if not root.is_dir():
            raise InvalidPath(f"{str(root)!r} is not a directory", path=str(root))
        base = clean_remote(path).rstrip("/")
        meter = self._meter(root.name, progress, cancel, progress_bar)
        tasks: list[Task] = []
        empty: list[str] = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            relative = Path(dirpath).relative_to(root).as_posix()
            remote_dir = remote_join(base, "" if relative == "." else relative)
            if not self.parents_on_conflict:
                self.mkdirs(remote_dir)
            elif not dirnames and not filenames:
                empty.append(remote_dir)
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
        summary = run_tasks(tasks, [], concurrency or self.concurrency, meter)
        for remote_dir in empty:
            self.mkdirs(remote_dir)
        return summary

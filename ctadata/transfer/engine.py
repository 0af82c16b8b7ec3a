"""`TransferClient`: file and tree transfers over any storage endpoint.

A subclass says how to list (`entries`, `stat`), ask for a file (`_download_request`, `check`),
upload one (`_upload_one`) and make directories (`mkdirs`); everything users call on top of
that (single files, trees, concurrency, skipping, progress, cancel) is written once, here, and
`find` in `ctadata.search.finder`. Every download goes through `download_entry` (an entry
listed or stat'ed already, its target, and what to do about conflicts); a program that runs
transfers for others adds to each of them through `hooks=` (`hooks.TransferHooks`).
`ctadata.APIClient` is the download-service endpoint; `ctadata.direct` is dCache itself.
"""

from __future__ import annotations

import functools
import os
import threading
from abc import abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import httpx

from ..entry import Entry
from ..errors import ConflictError, InvalidPath, TransferError
from ..paths import clean_remote, complete_upload_path, remote_join, remote_name, with_slash
from ..retry import TIMEOUT
from ..search.criteria import Criteria
from ..search.finder import Finder, walk
from ..transport import TLSOnDemandTransport, connection_limits
from .checksum import Uploaded, Written
from .hooks import TransferHooks
from .identity import mtime_ns
from .local import Adopt, LocalPath, TempHook
from .one_file import download
from .plan import (
    AskedOnce,
    OnConflict,
    OnConflictGiven,
    Plan,
    conflict_mode,
    local_path,
    plan_file,
    refuse_conflicts,
    refuse_unreadable,
    require,
    walk_upload,
)
from .progress import Meter, ProgressCallback
from .tree import FileResult, Task, TransferSummary, run_tasks

DEFAULT_CONCURRENCY = 4
C = TypeVar("C", bound="TransferClient")


class TransferClient(Finder):
    concurrency: int = DEFAULT_CONCURRENCY
    # What a pickled client does not carry, and how it is made anew where it lands.
    _transient: ClassVar[dict[str, Callable[[], Any]]] = {
        "_http": lambda: None,
        "_lock": threading.Lock,
    }
    # True: an upload into a missing folder makes it and tries again, so a tree upload needs
    # to make only its empty folders; False: a tree upload makes every folder first.
    parents_on_conflict: bool = False

    def __init__(
        self,
        *,
        concurrency: int | None = None,
        progress_bar: bool | None = None,
        hooks: TransferHooks | None = None,
    ):
        if concurrency is not None:
            self.concurrency = concurrency
        self.progress_bar = progress_bar
        self.hooks = hooks if hooks is not None else TransferHooks()
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()

    # -- what a storage endpoint provides (and `entries`, `Finder`'s) ----------------------
    @abstractmethod
    def stat(self, path: str) -> Entry:
        """The entry of `path` itself."""

    @abstractmethod
    def _download_request(self, path: str, offset: int, size: int) -> httpx.Request:
        """The GET of the file `path` (of the listed `size`) from byte `offset` on. An answer of
        206 may stop short of the end (a bounded window): the engine then asks again from where
        it stopped."""

    @abstractmethod
    def adler32(self, path: str) -> str | None:
        """The storage's adler32 of the file `path` (8 hex digits), or None where it keeps none."""

    def _download_digest(self, path: str) -> Callable[[], str | None] | None:
        """How a download learns the storage's adler32 when its answers do not carry it."""
        return functools.partial(self.adler32, path)

    @abstractmethod
    def check(self, response: httpx.Response, action: str, path: str) -> None:
        """Raise the matching `CtadataError` unless the response is a success."""

    @abstractmethod
    def _upload_one(self, source: LocalPath, remote: str, meter: Meter) -> Uploaded:
        """Upload one local file, verified; returns at least `{"path": ..., "total_written": N}`
        as an `Uploaded` (`.adler32`, `.verified`)."""

    @abstractmethod
    def mkdirs(self, path: str) -> None:
        """Create the upload directory `path` and its missing parents."""

    def _download_one(
        self,
        entry: Entry,
        target: LocalPath,
        meter: Meter,
        replace: bool,
        asked: AskedOnce | None = None,
    ) -> Written:
        """Download one listed file to `target` atomically, verified; returns bytes written.

        Without `replace`, a file that appears at `target` meanwhile is kept (`ConflictError`).
        Each file of a transfer comes here, through the hooks (`TransferHooks`); `asked`: the
        storage's adler32 as the plan asked it, if it did.
        """
        self.hooks.check_local(target)
        adopt = self.hooks.adopt(entry, target)
        on_temp = self.hooks.on_temp(entry, target)
        return self._download(
            entry, target, meter, replace, adopt=adopt, on_temp=on_temp, asked=asked
        )

    def _download(
        self,
        entry: Entry,
        target: LocalPath,
        meter: Meter,
        replace: bool,
        *,
        adopt: Adopt | None = None,
        on_temp: TempHook | None = None,
        asked: AskedOnce | None = None,
    ) -> Written:
        """`_download_one` without the hooks, which may continue an earlier run's temporary
        file (`adopt`)."""
        size = entry.size
        if size is None:
            raise TransferError(f"{entry.path!r}: the listing gives no size", path=entry.path)
        digest = self._download_digest(entry.path)
        return download(
            self.http,
            lambda offset: self._download_request(entry.path, offset, size),
            self.check,
            entry.path,
            target,
            size,
            meter,
            replace=replace,
            adopt=adopt,
            on_temp=on_temp,
            digest=asked.reuse if digest is not None and asked is not None else digest,
            mtime_ns=mtime_ns(entry.mtime),
        )

    def _http_client(self) -> httpx.Client:
        transport = TLSOnDemandTransport(connection_limits(self.concurrency))
        return httpx.Client(timeout=TIMEOUT, transport=transport, follow_redirects=False)

    # -- plumbing ---------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a client in a Dask task) without its connections, locks and work under way
        (`_transient`, made anew where it lands); a token from the environment or an agent is
        not part of a client, so it does not travel."""
        return {k: v for k, v in self.__dict__.items() if k not in self._transient}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for key, make in self._transient.items():
            setattr(self, key, make())

    @property
    def http(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                self._http = self._http_client()
                self._http.event_hooks["request"].append(self.hooks.before_request)
            return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _meter(
        self,
        label: str,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        bar: bool | None,
        on_temp: TempHook | None = None,
    ) -> Meter:
        bar = self.progress_bar if bar is None else bar
        meter = Meter(label, progress, bar, cancel, on_temp)
        meter.suspend = self.hooks.suspend
        return meter

    # -- downloads --------------------------------------------------------------------------
    def download_entry(
        self,
        entry: Entry,
        target: str | os.PathLike[str],
        *,
        on_conflict: OnConflictGiven = "ask",
        root: str | os.PathLike[str] | None = None,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
        on_temp: TempHook | None = None,
    ) -> TransferSummary:
        """Download what a listing or `stat` gave, without asking for it again: the file `entry`
        to the local file `target`, or the folder `entry` and all below it into the local
        folder `target`. Every download of this client comes here.

        The decision about local files is made here, once, by the rule of `plan.py`: a file
        that differs is a conflict, handled as `on_conflict` says (`OnConflict`: "ask" raises
        `ConflictError` listing them, nothing written; "skip" keeps and lists them; "overwrite"
        replaces them). The rename into place enforces it: a file that appears meanwhile is
        kept (`ConflictError`). A folder's files are planned first, then downloaded
        `concurrency` at a time; its identical files are skipped, a single file is fetched
        again. With `root`, `target` lies inside it and no link below it is followed.

        Returns each file's result (a single file's is the only one).
        """
        mode = conflict_mode(on_conflict)
        meter = self._meter(entry.name, progress, cancel, progress_bar, on_temp)
        if entry.is_dir:
            base = local_path(root, target)
            return self._download_tree(with_slash(entry.path), base, mode, meter, concurrency)
        local = local_path(root, target, new_file=True)
        return TransferSummary([self._download_file(entry, local, mode, meter)])

    def fetch_and_save_file(
        self,
        path: str,
        save_to_fn: str | os.PathLike[str] | None = None,
        *,
        overwrite: bool = False,
        root: str | os.PathLike[str] | None = None,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
        on_temp: TempHook | None = None,
    ) -> Written:
        """Download one file to `save_to_fn` (default: its name, here); returns bytes written
        (`.verified`: checked against the storage's adler32, not only by size).

        A different local file already there raises `ConflictError` unless `overwrite`.
        With `root`, `save_to_fn` lies inside it and no link below it is followed.
        """
        name = save_to_fn if save_to_fn is not None else remote_name(path)
        options = {"progress": progress, "progress_bar": progress_bar, "cancel": cancel}
        return self._save_file(
            self.stat(path), name, overwrite, root=root, on_temp=on_temp, **options
        )

    def _save_file(
        self, entry: Entry, target: str | os.PathLike[str], overwrite: bool, **options: Any
    ) -> Written:
        """`fetch_and_save_file` of an entry stat'ed already."""
        if entry.is_dir:
            raise InvalidPath(f"{entry.path!r} is a directory: use recursive=True", path=entry.path)
        mode: OnConflict = "overwrite" if overwrite else "ask"
        result = self.download_entry(entry, target, on_conflict=mode, **options).results[0]
        return Written(result.bytes, result.verified)

    def fetch_and_save_file_or_dir(
        self,
        path: str,
        recursive: bool = False,
        *,
        to: str | os.PathLike[str] | None = None,
        overwrite: bool = False,
        on_conflict: OnConflictGiven = "skip",
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
        on_temp: TempHook | None = None,
    ) -> Written | TransferSummary:
        """A file, or with `recursive` a whole directory, mirrored under `to` (default: here).

        A directory `lst/DL1/` lands at `<to>/lst/DL1/...`, as it always did. `on_conflict` is
        for a directory's files; a single file that differs raises `ConflictError` unless
        overwriting (`overwrite=True` or "overwrite"), as `fetch_and_save_file` does.
        """
        root = Path(to) if to is not None else Path()
        mode = conflict_mode(on_conflict, overwrite)
        options: dict[str, Any] = {
            "progress": progress,
            "progress_bar": progress_bar,
            "cancel": cancel,
            "on_temp": on_temp,
        }
        entry = self.stat(path)
        if recursive and entry.is_dir:
            local_dir = root / clean_remote(path)
            return self.download_entry(
                entry, local_dir, on_conflict=mode, concurrency=concurrency, **options
            )
        return self._save_file(entry, root / remote_name(path), mode == "overwrite", **options)

    def download_dir(
        self,
        path: str,
        local_dir: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        on_conflict: OnConflictGiven = "skip",
        root: str | os.PathLike[str] | None = None,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
        on_temp: TempHook | None = None,
    ) -> TransferSummary:
        """The contents of the remote directory `path`, concurrently, into `local_dir`.

        Files already there with the listed size are skipped unless `overwrite`; files that
        differ are conflicts: left alone and reported (`on_conflict="skip"`), replaced
        (`"overwrite"`, or `overwrite=True`), or refused before anything is written
        (`"ask"`, or its older spelling `"error"`: `ConflictError`). Nothing is written outside
        `local_dir` (nor `root`, if given), whatever the listing says, and no link below it is
        followed.
        """
        mode = conflict_mode(on_conflict, overwrite)
        prefix = with_slash(clean_remote(path))
        base = local_path(root, local_dir)
        meter = self._meter(remote_name(prefix), progress, cancel, progress_bar, on_temp)
        return self._download_tree(prefix, base, mode, meter, concurrency)

    def _download_file(
        self, entry: Entry, target: LocalPath, mode: OnConflict, meter: Meter
    ) -> FileResult:
        """One file, decided (`plan_file`) and downloaded; its result."""
        asked = AskedOnce(functools.partial(self.adler32, entry.path))
        plan = plan_file(target, entry, mode == "overwrite", asked)
        local = str(target.path)
        if plan is Plan.CONFLICT:
            if mode == "ask":
                refuse_conflicts([target], target)
            return FileResult(entry.path, local, plan.value, entry.size or 0)
        meter.start(entry.size, 1)
        try:
            written = self._download_one(entry, target, meter, plan is not Plan.NEW, asked)
        except ConflictError:  # a file appeared meanwhile, and was kept
            if mode != "skip":
                raise
            return FileResult(entry.path, local, Plan.CONFLICT.value, entry.size or 0)
        finally:
            meter.close()
        meter.file_done(entry.path, written.verified)
        return FileResult(entry.path, local, "done", int(written), verified=written.verified)

    def _download_tree(
        self, prefix: str, base: LocalPath, mode: OnConflict, meter: Meter, concurrency: int | None
    ) -> TransferSummary:
        """The files below the remote folder `prefix` into `base`: planned, then downloaded."""
        workers = concurrency or self.concurrency
        tasks: list[Task] = []
        settled: list[FileResult] = []
        conflicts: list[LocalPath] = []
        for entry, target, plan, asked in self._plan_files(
            prefix, base, mode == "overwrite", workers
        ):
            size, local = entry.size or 0, str(target.path)
            if plan in (Plan.SKIP, Plan.CONFLICT):
                settled.append(FileResult(entry.path, local, plan.value, size))
                conflicts += [target] if plan is Plan.CONFLICT else []
                continue
            replace = plan is Plan.REPLACE
            run = functools.partial(self._download_one, entry, target, meter, replace, asked)
            tasks.append(Task(entry.path, local, size, run))
        if mode == "ask" and conflicts:
            refuse_conflicts(conflicts, base)
        return run_tasks(tasks, settled, workers, meter)

    def _plan_files(
        self, prefix: str, base: LocalPath, overwrite: bool, workers: int
    ) -> list[tuple[Entry, LocalPath, Plan, AskedOnce]]:
        """Each remote file below `prefix`, its local target below `base`, and what to do.

        The walk yields only entries below `prefix` (it refuses a listing that names anything
        else), or `prefix` itself when it is a file. Planned `workers` at a time: a local file
        of the listed size costs a HEAD for the storage's adler32 and a read of the local file.
        """
        pairs = []
        for entry in walk(self.entries, prefix, Criteria(type="file")):
            if entry.path == prefix.rstrip("/"):
                raise InvalidPath(
                    f"{entry.path!r} is a file, not a folder: download it as one", path=entry.path
                )
            pairs.append((entry, base.child(entry.path[len(prefix) :])))

        def plan(pair: tuple[Entry, LocalPath]) -> tuple[Entry, LocalPath, Plan, AskedOnce]:
            entry, target = pair
            asked = AskedOnce(functools.partial(self.adler32, entry.path))
            return entry, target, plan_file(target, entry, overwrite, asked), asked

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(plan, pairs))

    # -- uploads ----------------------------------------------------------------------------
    def upload_file(
        self,
        local_fn: str | os.PathLike[str],
        path: str,
        *,
        root: str | os.PathLike[str] | None = None,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
    ) -> Uploaded:
        """Upload one file; a `path` ending in `/` keeps the local name. Returns the service's
        answer (`.verified`: checked against the storage's adler32, not only by size).

        With `root`, `local_fn` lies inside it and no link below it is followed.
        """
        remote = complete_upload_path(local_fn, path)
        source = local_path(root, local_fn)
        size = require(source, is_dir=False).st_size
        meter = self._meter(source.name, progress, cancel, progress_bar)
        meter.start(size, 1)
        try:
            answer = self._upload_checked(source, remote, meter)
        finally:
            meter.close()
        meter.file_done(remote, answer.verified)
        return answer

    def upload_dir(
        self,
        local_dir: str | os.PathLike[str],
        path: str,
        *,
        root: str | os.PathLike[str] | None = None,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        cancel: threading.Event | None = None,
    ) -> TransferSummary:
        """Upload a local tree to `path`, with its directories (empty ones included).

        Only regular files and folders are read: anything else in the tree (a FIFO, a socket,
        a device, a broken link, with `root` a link leading out of it) is named in an
        `InvalidPath` raised before anything is uploaded.
        """
        folder = local_path(root, local_dir)
        require(folder, is_dir=True)
        found = list(walk_upload(folder))
        refuse_unreadable(folder, [f.error for f in found if f.error is not None])
        base = clean_remote(path).rstrip("/")
        meter = self._meter(folder.name, progress, cancel, progress_bar)
        tasks: list[Task] = []
        parents = {item.relative.rpartition("/")[0] for item in found if item.relative}
        empty: list[str] = []
        for item in found:
            remote = remote_join(base, item.relative)
            if not item.is_dir:
                run = functools.partial(self._upload_size, item.source, remote, meter)
                tasks.append(Task(remote, str(item.source.path), item.size, run))
            elif not self.parents_on_conflict:
                self.mkdirs(remote)
            elif item.relative not in parents:
                empty.append(remote)
        summary = run_tasks(tasks, [], concurrency or self.concurrency, meter)
        for remote_dir in empty:
            self.mkdirs(remote_dir)
        return summary

    def _upload_checked(self, source: LocalPath, remote: str, meter: Meter) -> Uploaded:
        """Each file an upload reads comes here, through the hooks (`TransferHooks`)."""
        self.hooks.check_local(source)
        return self._upload_one(source, remote, meter)

    def _upload_size(self, source: LocalPath, remote: str, meter: Meter) -> Written:
        answer = self._upload_checked(source, remote, meter)
        return Written(int(answer["total_written"]), answer.verified)

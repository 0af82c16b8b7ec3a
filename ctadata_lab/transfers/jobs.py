"""Transfer jobs: ids, states, progress, rate, cancel; a bounded pool of worker threads.

Downloads to and uploads from the workspace run the library's synchronous engine in worker
threads (at most `max_workers` at once; the others wait as `queued`), so the server's event
loop never blocks. Browser uploads run on the event loop itself and are only registered here,
so that they are listed and can be cancelled like the others.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from ctadata.errors import Cancelled, ConflictError, CtadataError, scrub
from ctadata.transfer.checksum import check_text
from ctadata.transfer.progress import Progress

from .journal import Journal
from .records import (
    CANCELLED,
    CONFLICT,
    DONE,
    FAILED,
    FINISHED,
    KEEP_FINISHED,
    MAX_FINISHED,
    QUEUED,
    RUNNING,
    expired,
    parse_iso,
)
from .redo import Redo

log = logging.getLogger(__name__)

CONFLICTS_LISTED = 200  # workspace paths a job's JSON lists; `conflicts_total` counts them all

RATE_WINDOW = 5.0  # seconds of history behind `rate`
SAMPLE_EVERY = 0.2  # seconds between rate samples
SHUTDOWN_WAIT = 3.0  # seconds a stopping server waits for its jobs to clean up


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


class Job:
    """One transfer. Its counters are written by the thread doing the work, read by the loop."""

    def __init__(
        self,
        kind: str,
        path: str,
        local: str | None,
        *,
        recursive: bool = False,
        bytes_total: int | None = None,
        files_total: int = 1,
    ):
        self.id = uuid.uuid4().hex
        self.kind = kind
        self.path = path
        self.local = local
        self.recursive = recursive
        self.state = QUEUED
        self.bytes_done = 0
        self.bytes_total = bytes_total
        self.files_done = 0
        self.files_verified = 0  # of `files_done`, those whose adler32 matched the storage's
        self.files_total = files_total
        self.error: str | None = None
        self.conflicts: list[str] | None = None  # local files that differ, workspace-relative
        self.resumed = False  # started again after a restart of the server
        self.redo: Redo | None = None  # what starting it again needs (`redo.py`, `resume.py`)
        # An earlier run's temporary files, by target path: journal records to continue from
        self.partials: dict[str, dict[str, Any]] = {}
        self.created = datetime.now(timezone.utc)
        self.finished: datetime | None = None
        self.finished_at: float | None = None  # monotonic, for expiry
        self.cancel = threading.Event()
        self.suspend = threading.Event()  # with `cancel`: the server stops; keep partial files
        self.on_cancel: Callable[[], None] | None = None  # stops the work from outside it
        self.on_change: Callable[[Job, bool], None] | None = None  # (job, important)
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._samples: deque[tuple[float, int]] = deque()

    # -- written by the worker --------------------------------------------------------------
    def start(self) -> bool:
        """queued -> running; False if the job was cancelled while it waited."""
        with self._lock:
            if self.state != QUEUED:
                return False
            self.state = RUNNING
            self._samples.append((time.monotonic(), self.bytes_done))
        self._changed(True)
        return True

    def progress(self, snapshot: Progress) -> None:
        """A `progress=` callback for the library's engine.

        The workers of a folder transfer call it concurrently: a snapshot taken before a file
        was counted done may arrive after it, and is dropped.
        """
        with self._lock:
            if snapshot.files_done < self.files_done:
                return
            self.files_done = snapshot.files_done
            self.files_verified = snapshot.files_verified
        self.bytes_total = snapshot.bytes_total
        self.files_total = snapshot.files_total
        self._set_bytes(snapshot.bytes_done)

    def advance(self, nbytes: int) -> None:
        """Count `nbytes` more (browser uploads, which have no engine meter)."""
        self._set_bytes(self.bytes_done + nbytes)

    def _set_bytes(self, value: int) -> None:
        self.bytes_done = value
        now = time.monotonic()
        with self._lock:
            samples = self._samples
            if samples and now - samples[-1][0] < SAMPLE_EVERY:
                return
            samples.append((now, value))
            while len(samples) > 1 and now - samples[1][0] >= RATE_WINDOW:
                samples.popleft()
        # Told once per sample, not per block: a GiB comes in 16,000 blocks, and each
        # notice builds the job's record for the journal.
        self._changed(False)

    def finish(self, state: str, error: str | None = None) -> None:
        with self._lock:
            if self.state in FINISHED:
                return
            self.state = state
            self.error = error
            self.finished = datetime.now(timezone.utc)
            self.finished_at = time.monotonic()
        self._changed(True)
        self.done.set()

    def _changed(self, important: bool) -> None:
        if self.on_change is not None:
            self.on_change(self, important)

    def fail_from(self, exc: BaseException) -> None:
        """Finish with the state and message an exception of the work calls for."""
        if isinstance(exc, Cancelled) or (self.cancel.is_set() and isinstance(exc, CtadataError)):
            self.finish(CANCELLED, "cancelled")
        elif isinstance(exc, ConflictError):
            self.finish(CONFLICT, str(exc))
        elif isinstance(exc, CtadataError):
            self.finish(FAILED, str(exc))
        else:
            log.error("transfer %s failed unexpectedly", self.id, exc_info=exc)
            self.finish(FAILED, scrub(f"internal error: {type(exc).__name__}: {exc}"))

    # -- read by the loop -------------------------------------------------------------------
    def rate(self) -> float:
        """Bytes per second over the last few seconds; 0 unless running."""
        if self.state != RUNNING:
            return 0.0
        with self._lock:
            if not self._samples:
                return 0.0
            since, then = self._samples[0]
        elapsed = time.monotonic() - since
        return max(0.0, (self.bytes_done - then) / elapsed) if elapsed > 0 else 0.0

    def check(self) -> str | None:
        """How a finished transfer's files were checked: "verified (adler32)", "size only"."""
        if self.state != DONE or not self.files_done:
            return None
        return check_text(self.files_verified, self.files_done)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Job:
        """A finished job as a journal kept it (a previous run of the server)."""
        job = cls(
            str(record.get("kind")),
            str(record.get("path")),
            record.get("local"),
            recursive=bool(record.get("recursive")),
        )
        job.id = record["id"]
        job.resumed = record.get("resumed") is True
        for name in ("bytes_done", "bytes_total", "files_done", "files_total", "error"):
            setattr(job, name, record.get(name))
        job.files_verified = int(record.get("files_verified") or 0)  # absent from older journals
        job.state = record.get("state") if record.get("state") in FINISHED else FAILED
        now = datetime.now(timezone.utc)
        job.created = parse_iso(record.get("created")) or now
        job.finished = parse_iso(record.get("finished")) or now
        job.finished_at = time.monotonic() - max(0.0, (now - job.finished).total_seconds())
        job.done.set()
        return job

    def to_json(self) -> dict[str, Any]:
        conflicts = {}
        if self.conflicts is not None:
            conflicts = {
                "conflicts": self.conflicts[:CONFLICTS_LISTED],
                "conflicts_total": len(self.conflicts),
            }
        return conflicts | {
            "id": self.id,
            "kind": self.kind,
            "path": self.path,
            "local": self.local,
            "recursive": self.recursive,
            "state": self.state,
            "bytes_done": self.bytes_done,
            "bytes_total": self.bytes_total,
            "rate": round(self.rate(), 1),
            "files_done": self.files_done,
            "files_total": self.files_total,
            "files_verified": self.files_verified,
            "check": self.check(),
            "error": self.error,
            "resumed": self.resumed,
            "created": _iso(self.created),
            "finished": _iso(self.finished),
        }


Work = Callable[[Job], Any]


class JobManager:
    """Keeps the jobs of one server; runs thread jobs at most `max_workers` at a time."""

    def __init__(
        self,
        max_workers: int,
        journal: Journal,
        keep_finished: float = KEEP_FINISHED,
        max_finished: int = MAX_FINISHED,
    ):
        self.keep_finished = keep_finished
        self.max_finished = max_finished
        self.journal = journal
        self._jobs: dict[str, Job] = {}
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, max_workers), thread_name_prefix="ctadata-transfer"
        )

    def submit(self, job: Job, work: Work) -> Job:
        """Queue `work(job)` for a worker thread; the job's state follows what it does."""
        self._add(job)
        self._pool.submit(self._run, job, work)
        return job

    def register(self, job: Job) -> Job:
        """List a job whose work runs elsewhere (a browser upload); it starts running now."""
        self._add(job)
        job.start()
        return job

    def _add(self, job: Job) -> None:
        if not job.resumed:  # a resumed job ends none: 3000 of them need no 3000 passes
            self.prune()
        self._jobs[job.id] = job
        job.on_change = self._journal
        # A resumed job is on record already (the journal's start wrote it): its record is
        # saved with the next, not waited for (3000 resumed jobs took 8 s of fsyncs).
        self._journal(job, not job.resumed)

    def _journal(self, job: Job, important: bool) -> None:
        fields = job.to_json() | {"redo": job.redo.to_json() if job.redo is not None else None}
        del fields["rate"]
        self.journal.record(job.id, fields, force=important)

    def restore(self, records: list[dict[str, Any]]) -> None:
        """List the finished jobs of a previous run of the server."""
        for record in records:
            if record.get("state") not in FINISHED:
                continue
            job = Job.from_record(record)
            self._jobs[job.id] = job
        self.prune()

    def queued(self) -> int:
        return sum(1 for job in self._jobs.values() if job.state == QUEUED)

    @staticmethod
    def _run(job: Job, work: Work) -> None:
        if not job.start():
            return
        try:
            work(job)
        except BaseException as exc:
            job.fail_from(exc)
        else:
            job.finish(DONE)

    def get(self, job_id: str) -> Job | None:
        self.prune()
        return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Every job still listed, newest first."""
        self.prune()
        return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    async def cancel(self, job: Job, wait: float = 10.0) -> Job:
        """Stop a job; waits (up to `wait` seconds) until its partial files are gone."""
        if job.state in FINISHED:
            return job
        job.cancel.set()
        if job.state == QUEUED:
            job.finish(CANCELLED, "cancelled before it started")
            return job
        if job.on_cancel is not None:
            job.on_cancel()
        await asyncio.get_running_loop().run_in_executor(None, job.done.wait, wait)
        return job

    def prune(self) -> None:
        """Forget the finished jobs past `keep_finished` seconds, and past `max_finished`."""
        ended = [(j.id, j.finished_at) for j in self._jobs.values() if j.finished_at is not None]
        gone = expired(ended, time.monotonic() - self.keep_finished, self.max_finished)
        for job_id in gone:
            del self._jobs[job_id]
        if gone:
            self.journal.forget(gone)

    def shutdown(self) -> None:
        """Stop everything (server stop), for the next start to resume.

        The journal keeps the jobs as they are now (unfinished); downloads stop keeping their
        temporary files, which the next start continues.
        """
        self.journal.freeze()
        for job in self._jobs.values():
            job.suspend.set()
            job.cancel.set()
            if job.on_cancel is not None:
                job.on_cancel()
            if job.state == QUEUED:
                job.finish(CANCELLED, "the server stopped")
        self._pool.shutdown(wait=False, cancel_futures=True)
        # Worker threads stop within a moment (their sockets are shut); browser uploads run on
        # the loop, which is stopping: they are not waited for.
        deadline = time.monotonic() + SHUTDOWN_WAIT
        for job in list(self._jobs.values()):
            if job.kind != "browser-upload":
                job.done.wait(max(0.0, deadline - time.monotonic()))
        self.journal.close()

"""Many files at once: a bounded pool of workers, one summary, a cancel that stops them all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ..errors import Cancelled, ConflictError, CtadataError, TransferError
from .checksum import Written, check_text
from .progress import Meter


@dataclass(frozen=True)
class FileResult:
    """What happened to one file of a tree transfer."""

    path: str
    local: str
    status: str  # "done" | "skipped" | "conflict" | "failed"
    bytes: int = 0
    error: str | None = None
    verified: bool = False  # done, and its adler32 compared with the storage's


@dataclass
class TransferSummary:
    """The outcome of a tree transfer: every file's result, and the totals people ask for."""

    results: list[FileResult] = field(default_factory=list)

    def _with(self, status: str) -> list[FileResult]:
        return [r for r in self.results if r.status == status]

    @property
    def files(self) -> int:
        return len(self._with("done"))

    @property
    def bytes(self) -> int:
        return sum(r.bytes for r in self._with("done"))

    @property
    def skipped(self) -> int:
        return len(self._with("skipped"))

    @property
    def conflicts(self) -> list[FileResult]:
        """Local files that differ from the remote ones, left alone (`on_conflict="skip"`)."""
        return self._with("conflict")

    @property
    def failed(self) -> list[FileResult]:
        return self._with("failed")

    @property
    def check(self) -> str:
        """How the files moved were checked: "verified (adler32)", "size only", or some of each."""
        done = self._with("done")
        return check_text(sum(r.verified for r in done), len(done))

    def __str__(self) -> str:
        text = f"{self.files} files, {self.bytes} bytes, {self.skipped} skipped"
        text += f", {self.check}" if self.files else ""
        if conflicts := self.conflicts:
            text += f", {len(conflicts)} conflicts (kept, differ from the remote files):"
            text += "".join(f"\n  {r.local}" for r in conflicts)
        if failed := self.failed:
            text += f", {len(failed)} failed:" + "".join(f"\n  {r.path}: {r.error}" for r in failed)
        return text


@dataclass(frozen=True)
class Task:
    """One file to move; `run` returns the bytes moved (`Written`), raises a CtadataError on
    failure."""

    path: str
    local: str
    size: int
    run: Callable[[], Written]


def run_tasks(
    tasks: Sequence[Task], settled: Sequence[FileResult], concurrency: int, meter: Meter
) -> TransferSummary:
    """Run `tasks` `concurrency` at a time; failures are collected, a cancel stops everything.

    `settled`: the results decided before (skipped, conflicts, refused), listed first.
    Raises `TransferError` (with `.summary`) if any file failed, `Cancelled` if cancelled.
    """
    summary = TransferSummary(list(settled))
    meter.start(sum(t.size for t in tasks), len(tasks))
    try:
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            futures = {pool.submit(_run_one, task, meter): task for task in tasks}
            wait(futures, return_when=FIRST_EXCEPTION)
            if meter.cancel.is_set():
                for future in futures:
                    future.cancel()
            summary.results.extend(f.result() for f in futures if not f.cancelled())
    except Cancelled as exc:
        exc.summary = summary  # type: ignore[attr-defined]
        raise
    finally:
        meter.close()
    if summary.failed:
        error = TransferError(f"some files failed: {summary}")
        error.summary = summary  # type: ignore[attr-defined]
        raise error
    return summary


def _run_one(task: Task, meter: Meter) -> FileResult:
    try:
        moved = task.run()
    except Cancelled:
        meter.cancel.set()
        raise
    except ConflictError as exc:
        return FileResult(task.path, task.local, "conflict", 0, str(exc))
    except CtadataError as exc:
        return FileResult(task.path, task.local, "failed", 0, str(exc))
    meter.file_done(task.path, moved.verified)
    return FileResult(task.path, task.local, "done", int(moved), verified=moved.verified)

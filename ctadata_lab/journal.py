"""The server's transfer jobs on disk, so that a server killed mid-transfer leaves nothing behind.

One JSON file per workspace, in the Jupyter data directory, rewritten atomically (a temporary
file, fsync, rename, fsync of the folder) when a job is added, starts, ends, or starts or ends
a file, and at most every `SAVE_EVERY` seconds of progress. A temporary file is on record before
it is made (or the download does not make it), so no stop leaves one the next start misses.
Each job records its state, paths, bytes done, how to start it again (`redo`) and the temporary
files it is writing: for each, its target, the remote file and that file's size and mtime when
the download began.

The server holds an exclusive lock on `<journal>.lock` while it runs. At start, if the lock is
free, whoever wrote the journal is gone: its unfinished downloads and uploads are queued again,
marked `resumed` (downloads keep their temporary files, to continue them); other unfinished
jobs (browser uploads, whose bytes came from a browser) have their temporary files removed and
are kept as failed, so that the panel shows what happened. Temporary files still recorded for
finished jobs (a stop cut short their end) are removed. Only the transfers' own temporary files
are ever removed (`ctadata.local.remove_leftover`): a user's file never.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from ctadata.errors import Cancelled, InvalidPath
from ctadata.local import LocalPath, remove_leftover

log = logging.getLogger(__name__)

SAVE_EVERY = 2.0  # seconds between saves for progress alone
STOPPED = "the server stopped during the transfer; its partial files were removed"
RESTARTABLE = ("download", "upload")


def journal_path(data_dir: str | Path, root: Path) -> Path:
    """Where the jobs of the workspace `root` are kept."""
    key = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(data_dir) / "ctadata_lab" / f"jobs-{key}.json"


class Journal:
    def __init__(self, path: Path):
        self.path = path
        self._records: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._last_save = 0.0
        self._lock_file: TextIO | None = None
        self._frozen = False  # job states are kept as they are (the server stops)
        self._closed = False

    # -- start ------------------------------------------------------------------------------
    def open(self, root: Path) -> list[dict[str, Any]]:
        """Take the journal over; returns the jobs it held, unfinished ones queued or failed.

        If another live server holds it (the same workspace twice), nothing is touched and
        this server keeps no journal.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_file = open(self.path.with_suffix(".lock"), "a")  # held while the server runs
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock_file.close()
            log.warning("ctadata_lab: another server keeps the jobs of this workspace")
            return []
        self._lock_file = lock_file
        for record in self._load():
            if record.get("state") in ("queued", "running"):
                settle_unfinished(record, root)
            elif record.get("temp"):  # its end was cut short: they are leftovers
                remove_temporary_files(record, root)
                record["temp"] = []
            self._records[record["id"]] = record
        self.save(force=True)
        return list(self._records.values())

    def _load(self) -> list[dict[str, Any]]:
        try:
            records = json.loads(self.path.read_text(encoding="utf-8")).get("jobs", [])
        except FileNotFoundError:
            return []
        except (OSError, ValueError, AttributeError):
            log.warning("ctadata_lab: the transfer journal %s is unreadable; ignored", self.path)
            return []
        return [r for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)]

    # -- while running ----------------------------------------------------------------------
    def freeze(self) -> None:
        """Keep the jobs as they are now: the server stops, the next one resumes them."""
        with self._lock:
            self._frozen = True
        self.save(force=True)

    def record(self, job_id: str, fields: dict[str, Any], *, force: bool = True) -> None:
        """Merge `fields` into the record of `job_id` and save (throttled unless `force`)."""
        with self._lock:
            if self._frozen:
                return
            self._records.setdefault(job_id, {"id": job_id, "temp": []}).update(fields)
        self.save(force=force)

    def temp_started(self, job_id: str, temp: Path, about: dict[str, Any]) -> None:
        """`temp` is about to be created (or is taken over); `about`: its target, remote path,
        size, mtime. Raises if it cannot be put on record: then it must not be made.

        Recorded even once the journal is frozen: a download the stopping server has not yet
        stopped may still make one, which it keeps for the next start.
        """
        entry = {"path": str(temp), **about}
        with self._lock:
            if self._closed:
                raise Cancelled("the server is stopping", path=str(temp))
            record = self._records.setdefault(job_id, {"id": job_id, "temp": []})
            record["temp"] = [t for t in record["temp"] if temp_path(t) != str(temp)] + [entry]
        if not self.save(force=True):
            raise OSError(errno.EIO, "the transfer journal cannot be written")

    def temp_ended(self, job_id: str, temp: Path) -> None:
        with self._lock:
            record = self._records.get(job_id, {})
            record["temp"] = [t for t in record.get("temp", []) if temp_path(t) != str(temp)]
        self.save(force=True)

    def forget(self, job_ids: list[str]) -> None:
        with self._lock:
            if self._frozen:
                return
            for job_id in job_ids:
                self._records.pop(job_id, None)
        self.save(force=True)

    def save(self, *, force: bool = False) -> bool:
        """Write the journal atomically and durably (never a half-written file, even on
        SIGKILL or power loss). False if it could not be written, or is closed."""
        with self._lock:
            if self._lock_file is None:  # closed, or never kept (another server keeps it)
                return not self._closed
            now = time.monotonic()
            if not force and now - self._last_save < SAVE_EVERY:
                return True
            self._last_save = now
            text = json.dumps({"pid": os.getpid(), "jobs": list(self._records.values())})
            try:
                self._write(text)
            except OSError as exc:
                log.warning("ctadata_lab: cannot write the transfer journal: %s", exc.strerror)
                return False
        return True

    def _write(self, text: str) -> None:
        scratch = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(scratch, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, self.path)
        folder = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(folder)  # the rename itself, on disk
        finally:
            os.close(folder)

    def close(self) -> None:
        self.save(force=True)
        with self._lock:
            self._closed = True
            if self._lock_file is not None:
                self._lock_file.close()
                self._lock_file = None


def temp_path(entry: Any) -> str | None:
    """The path of a recorded temporary file (a string in journals of older versions)."""
    found = entry.get("path") if isinstance(entry, dict) else entry
    return found if isinstance(found, str) else None


def settle_unfinished(record: dict[str, Any], root: Path) -> None:
    """A job the previous server did not finish: queued again, or failed and cleaned."""
    if record.get("kind") in RESTARTABLE and isinstance(record.get("redo"), dict):
        temps = record["temp"] if isinstance(record.get("temp"), list) else []
        kept = [t for t in temps if _resumable(t, root)]
        remove_temporary_files({"temp": [t for t in temps if t not in kept]}, root)
        record.update(state="queued", resumed=True, error=None, temp=kept)
    else:
        remove_temporary_files(record, root)
        record.update(state="failed", error=STOPPED, temp=[])


def _resumable(entry: Any, root: Path) -> bool:
    """A temporary file record a download can continue from: inside `root`, next to its target."""
    if not isinstance(entry, dict) or not all(
        isinstance(entry.get(k), str) for k in ("path", "target", "remote")
    ):
        return False
    path, target = Path(entry["path"]), Path(entry["target"])
    return root in target.parents and path.parent == target.parent


def remove_temporary_files(record: dict[str, Any], root: Path) -> None:
    """Remove the temporary files a job recorded in the workspace `root`, if they still are
    that (`remove_leftover`): never through a link, never anything else."""
    temp = record.get("temp")
    for entry in temp if isinstance(temp, list) else ():
        name = temp_path(entry)
        if name is None:
            continue
        try:
            local = LocalPath.beneath(root, name)
        except InvalidPath:
            continue
        remove_leftover(local, _target_name(entry, Path(name)))


def _target_name(entry: Any, temp: Path) -> str | None:
    """The name of the target a temporary file was recorded for, when it lies beside it."""
    target = entry.get("target") if isinstance(entry, dict) else None
    if not isinstance(target, str) or Path(target).parent != temp.parent:
        return None
    return Path(target).name

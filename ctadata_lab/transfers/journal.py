"""The server's transfer jobs on disk, so that a server killed mid-transfer leaves nothing behind.

One append log per workspace, in the Jupyter data directory (`journal_file`: a change appends
the records of the jobs it changed and fsyncs; compacted now and then). Changes are written
when a job is added, starts, ends, or starts or ends a file, and at most every `SAVE_EVERY`
seconds of progress. A temporary file is on record before it is made (or the download does not
make it), so no stop leaves one the next start misses. Each job records its state, paths, bytes
done, how to start it again (`redo`) and the temporary files it is writing: for each, its
target, the remote file and that file's size and mtime when the download began.

The server holds an exclusive lock on `<journal>.lock` while it runs. At start, if the lock is
free, whoever wrote the journal is gone: its unfinished downloads and uploads are queued again,
marked `resumed` (downloads keep their temporary files, to continue them); other unfinished
jobs (browser uploads, whose bytes came from a browser) have their temporary files removed and
are kept as failed, so that the panel shows what happened. Temporary files still recorded for
finished jobs (a stop cut short their end) are removed. Only the transfers' own temporary files
are ever removed (`ctadata.transfer.local.remove_leftover`): a user's file never. Finished jobs past
the hour the API lists them, or past the newest `max_finished`, are dropped. Records that
cannot be jobs (a journal edited, or of another shape) are set aside in a file next to it,
with one warning, and the rest is kept.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from ctadata.errors import Cancelled, InvalidPath
from ctadata.transfer.local import LocalPath, remove_leftover

from .journal_file import JournalFile, drop_line, set_line
from .records import FINISHED, KEEP_FINISHED, MAX_FINISHED, expired, parse_iso, record_problem

log = logging.getLogger(__name__)

SAVE_EVERY = 2.0  # seconds between saves for progress alone
STOPPED = "the server stopped during the transfer; its partial files were removed"
RESTARTABLE = ("download", "upload")


def journal_path(data_dir: str | Path, root: Path) -> Path:
    """Where the jobs of the workspace `root` are kept."""
    key = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(data_dir) / "ctadata_lab" / f"jobs-{key}.log"


class Journal:
    def __init__(self, path: Path):
        self.path = path
        self._file = JournalFile(path)
        self._records: dict[str, dict[str, Any]] = {}
        self._changed: set[str] = set()  # jobs whose record changed since the last save
        self._dropped: set[str] = set()  # jobs forgotten since the last save
        self._lock = threading.Lock()  # the records
        self._writing = threading.Lock()  # the file
        self._last_save = 0.0
        self._lock_file: TextIO | None = None
        self._frozen = False  # job states are kept as they are (the server stops)
        self._closed = False

    # -- start ------------------------------------------------------------------------------
    def open(
        self, root: Path, keep_finished: float = KEEP_FINISHED, max_finished: int = MAX_FINISHED
    ) -> list[dict[str, Any]]:
        """Take the journal over; returns the jobs it held, unfinished ones queued or failed,
        finished ones those that ended within `keep_finished` seconds, `max_finished` at most.

        If another live server holds it (the same workspace twice), or it cannot be kept (its
        folder cannot be written, its file read), nothing is touched and this server keeps no
        journal.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock_file = open(self.path.with_suffix(".lock"), "a")  # held while the server runs
        except OSError as exc:
            log.warning("ctadata_lab: transfers are not kept across restarts: %s", exc)
            return []
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock_file.close()
            log.warning("ctadata_lab: another server keeps the jobs of this workspace")
            return []
        try:
            records = self._load()
        except OSError as exc:  # not to be written over: this server keeps none
            lock_file.close()
            log.warning("ctadata_lab: the transfer journal cannot be read: %s", exc)
            return []
        self._lock_file = lock_file
        for record in records:
            if record["state"] not in FINISHED:
                settle_unfinished(record, root)
            elif record["temp"]:  # its end was cut short: they are leftovers
                remove_temporary_files(record, root)
                record["temp"] = []
        self._records = {r["id"]: r for r in retained(records, keep_finished, max_finished)}
        self.save(force=True)  # a file of these records alone (a legacy journal is removed)
        return list(self._records.values())

    def _load(self) -> list[dict[str, Any]]:
        """The valid records of the file; the others set aside."""
        records, unread = self._file.read()
        valid = []
        for record in records:
            if record_problem(record) is None:
                record["temp"] = record.get("temp") or []
                valid.append(record)
            else:
                unread.append(json.dumps(record))
        if unread:
            self._set_aside(unread)
        return valid

    def _set_aside(self, unread: list[str]) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.stem}.set-aside-{stamp}")
        try:
            with open(aside, "a", encoding="utf-8") as out:
                out.writelines(line + "\n" for line in unread)
        except OSError as exc:
            aside = Path(f"nowhere ({exc.strerror})")
        log.warning(
            "ctadata_lab: %d record(s) of the transfer journal %s cannot be read; set aside in %s",
            len(unread),
            self.path,
            aside,
        )

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
            self._changed.add(job_id)
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
            self._changed.add(job_id)
        if not self.save(force=True):
            raise OSError(errno.EIO, "the transfer journal cannot be written")

    def temp_ended(self, job_id: str, temp: Path) -> None:
        with self._lock:
            record = self._records.get(job_id)
            if record is not None:
                record["temp"] = [t for t in record["temp"] if temp_path(t) != str(temp)]
                self._changed.add(job_id)
        self.save(force=True)

    def forget(self, job_ids: list[str]) -> None:
        with self._lock:
            if self._frozen:
                return
            for job_id in job_ids:
                self._records.pop(job_id, None)
            self._changed.difference_update(job_ids)
            self._dropped.update(job_ids)
        self.save(force=True)

    def save(self, *, force: bool = False) -> bool:
        """Write the changes durably (never a half-written record that counts, even on SIGKILL
        or power loss). False if they could not be written, or the journal is closed."""
        if not force and time.monotonic() - self._last_save < SAVE_EVERY:
            return True  # read without a lock: at worst one save more or less
        with self._writing:  # one write at a time; records change meanwhile, and wait for none
            with self._lock:
                if self._lock_file is None:  # closed, or never kept (another server keeps it)
                    return not self._closed
                self._last_save = time.monotonic()
                whole = not self._file.clean or self._file.outgrown()
                ids = self._records if whole else self._changed
                lines = [set_line(self._records[job_id]) for job_id in ids]
                if self._dropped and not whole:
                    lines.append(drop_line(sorted(self._dropped)))
                self._changed.clear()
                self._dropped.clear()
            try:
                if whole:
                    self._file.rewrite(lines)
                else:
                    self._file.append(lines)
            except OSError as exc:
                self._file.clean = False  # the next save writes every record anew
                log.warning("ctadata_lab: cannot write the transfer journal: %s", exc.strerror)
                return False
        return True

    def close(self) -> None:
        self.save(force=True)
        with self._lock:
            self._closed = True
            if self._lock_file is not None:
                self._lock_file.close()
                self._lock_file = None


def stored_records(path: Path) -> list[dict[str, Any]]:
    """The records a journal's file holds, as the next start reads them (for tests and tools)."""
    return JournalFile(path).read()[0]


def retained(
    records: list[dict[str, Any]], keep_finished: float, max_finished: int
) -> list[dict[str, Any]]:
    """`records` but the finished ones that ended over `keep_finished` seconds ago, or are
    older than the `max_finished` newest."""
    now = datetime.now(timezone.utc)
    ended = [
        (r["id"], (parse_iso(r.get("finished")) or now).timestamp())
        for r in records
        if r["state"] in FINISHED
    ]
    gone = set(expired(ended, now.timestamp() - keep_finished, max_finished))
    return [r for r in records if r["id"] not in gone]


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

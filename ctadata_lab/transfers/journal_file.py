"""The transfer journal's file: an append log of JSON lines, compacted now and then.

A change appends one line per job it changed, `{"set": <the job's whole record>}` (the last
line of a job wins), or `{"drop": [<id>, ...]}` for jobs forgotten, and fsyncs the file: a
change costs its own lines, whatever the history. When the lines appended outgrow the live
records (`COMPACT_RATIO` times what the last compaction wrote, and at least `COMPACT_MIN`
bytes), the file is rewritten with the live records alone: a temporary file, fsync, rename,
fsync of the folder, so that no stop leaves half a file.

Reading keeps every line it can and returns the others as they were, for the journal to set
aside. A journal of the JSON form older versions kept (`jobs-<key>.json`, rewritten whole on
every change) is read once, when there is no log yet, and removed once the log holds it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

COMPACT_MIN = 1 << 20  # bytes of log below which it is never compacted
COMPACT_RATIO = 4  # compacted when the log is this many times what the last compaction wrote


class JournalFile:
    def __init__(self, path: Path):
        self.path = path
        self.legacy = path.with_suffix(".json")
        self._size = 0  # bytes in the log
        self._compacted = 0  # bytes the last compaction wrote
        # The file on disk is a log this process wrote whole (not yet: rewrite first; an
        # append that failed may have left part of a line, which would spoil the next one)
        self.clean = False

    def read(self) -> tuple[list[Any], list[str]]:
        """The records of the log (or of a legacy journal), and what could not be read."""
        try:
            lines = self.path.read_bytes().decode("utf-8", "replace").splitlines()
        except FileNotFoundError:
            return _read_legacy(self.legacy)
        records: dict[Any, Any] = {}
        unread = []
        for line in lines:
            change = _parse(line)
            if isinstance(change, dict) and isinstance(change.get("set"), dict):
                records[str(change["set"].get("id"))] = change["set"]
            elif isinstance(change, dict) and isinstance(change.get("drop"), list):
                for job_id in change["drop"]:
                    records.pop(str(job_id), None)
            elif line.strip():
                unread.append(line)
        return list(records.values()), unread

    def append(self, lines: list[str]) -> None:
        """Put `lines` (`set_line`, `drop_line`) on record, durably (OSError if they could not
        be). Only on a `clean` file: rewrite it otherwise."""
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        self.clean = False
        # Opened by its name each time: a log replaced or removed meanwhile is not written
        # blindly through an old descriptor, and the next start reads what was written.
        with open(self.path, "ab") as log:
            log.write(data)
            log.flush()
            os.fsync(log.fileno())
        self.clean = True
        self._size += len(data)

    def outgrown(self) -> bool:
        return self._size > max(COMPACT_MIN, COMPACT_RATIO * self._compacted)

    def rewrite(self, lines: list[str]) -> None:
        """The log anew, holding `lines` (the live records) only (OSError if it could not be
        written)."""
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        scratch = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(scratch, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, self.path)
        _sync_folder(self.path.parent)  # the rename itself, on disk
        self._size = self._compacted = len(data)
        self.clean = True
        if self.legacy.exists():  # now held by the log
            self.legacy.unlink()
            _sync_folder(self.path.parent)


def set_line(record: dict[str, Any]) -> str:
    """The line that records a job (the last one of a job wins)."""
    return json.dumps({"set": record})


def drop_line(job_ids: list[str]) -> str:
    """The line that forgets jobs."""
    return json.dumps({"drop": job_ids})


def _parse(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def _read_legacy(path: Path) -> tuple[list[Any], list[str]]:
    """The records of a journal of the JSON form, `{"pid": ..., "jobs": [<record>, ...]}`."""
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return [], []
    kept = _parse(text)
    jobs = kept.get("jobs") if isinstance(kept, dict) else None
    if not isinstance(jobs, list):
        return [], [text] if text.strip() else []
    return jobs, []


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""A transfer job as the journal keeps it: its states, the shape of its record, how long a
finished one is kept. Shared by the jobs (`jobs.py`) and their journal (`journal.py`), which
import this module and not each other the other way round.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
CONFLICT = "conflict"  # a download that would replace differing local files: nothing written
FINISHED = (DONE, FAILED, CANCELLED, CONFLICT)

KEEP_FINISHED = 3600.0  # seconds a finished job stays listed
MAX_FINISHED = 1000  # finished jobs listed at most (the oldest go first)


def parse_iso(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


# A job's record, as `Job.to_json` writes it and the journal keeps it: the types each field
# may have (a missing field is None). Fields not named here are kept as they are.
RECORD_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "kind": (str,),
    "path": (str,),
    "local": (str, type(None)),
    "state": (str,),
    "recursive": (bool, type(None)),
    "resumed": (bool, type(None)),
    "bytes_done": (int, type(None)),
    "bytes_total": (int, type(None)),
    "files_done": (int, type(None)),
    "files_total": (int, type(None)),
    "error": (str, type(None)),
    "created": (str, type(None)),
    "finished": (str, type(None)),
    "redo": (dict, type(None)),
    "temp": (list, type(None)),
}


def record_problem(record: Any) -> str | None:
    """Why `record` (read from a journal) cannot be a job; None if it can."""
    if not isinstance(record, dict):
        return "not a JSON object"
    for key, kinds in RECORD_FIELDS.items():
        value = record.get(key)
        if type(value) not in kinds:  # exact types: `true` is no byte count
            return f"{key!r} is {str(value)[:40]!r}"
    if record["state"] not in (QUEUED, RUNNING, *FINISHED):
        return f"'state' is {record['state'][:40]!r}"
    for key in ("created", "finished"):
        text = record.get(key)
        if text is not None and getattr(parse_iso(text), "tzinfo", None) is None:
            return f"{key!r} is not a time with its zone: {text[:40]!r}"
    return None


def expired(finished: list[tuple[str, float]], horizon: float, cap: int) -> list[str]:
    """The jobs to forget of `finished` (id, when it ended): those that ended before `horizon`,
    and past the `cap` newest."""
    if len(finished) <= cap:  # the rule, and no sort (this runs on every request)
        return [job_id for job_id, at in finished if at < horizon]
    newest_first = sorted(finished, key=lambda job: job[1], reverse=True)
    return [job_id for n, (job_id, at) in enumerate(newest_first) if at < horizon or n >= cap]

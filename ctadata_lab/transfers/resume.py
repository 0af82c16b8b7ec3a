"""The jobs a stopped server left unfinished, started again by the next one.

Downloads continue where they stopped (`JobClient` takes each recorded temporary file over,
through `webdav/` Range requests); uploads start again from the beginning. The journal already
marked them `queued` and `resumed` (`journal.settle_unfinished`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from . import work as transfers
from .jobs import FAILED, QUEUED, Job, Work, parse_iso
from .journal import remove_temporary_files, temp_path

if TYPE_CHECKING:
    from ..app import CtadataLab

log = logging.getLogger(__name__)
UNREADABLE = "the server stopped during the transfer, and its record cannot be resumed"


def resume_jobs(lab: CtadataLab, records: list[dict[str, Any]]) -> None:
    """Queue again every job of `records` the journal marked as to be resumed."""
    for record in records:
        if record.get("state") != QUEUED or record.get("resumed") is not True:
            continue
        try:
            job, work = rebuild(lab, record)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("ctadata_lab: transfer %s not resumed: %r", record.get("id"), exc)
            remove_temporary_files(record, lab.root_dir)
            record.update(state=FAILED, error=UNREADABLE, temp=[])
            lab.jobs.restore([record])
            continue
        lab.jobs.submit(job, work)


def rebuild(lab: CtadataLab, record: dict[str, Any]) -> tuple[Job, Work]:
    """The job of `record` (same id, marked resumed) and its work."""
    kind, path, redo = record["kind"], str(record["path"]), dict(record["redo"])
    named = record["local"]
    if not isinstance(named, str):
        raise TypeError(f"{named!r} is not a workspace path")
    local = lab.workspace.path(named)  # InvalidPath (a ValueError) if it leads out
    job = Job(
        kind,
        path,
        named,
        recursive=record.get("recursive") is True,
        bytes_total=record.get("bytes_total"),
        files_total=int(record.get("files_total") or 0),
    )
    job.id, job.resumed, job.redo = str(record["id"]), True, redo
    job.created = parse_iso(record.get("created")) or job.created
    if kind == "upload":
        return job, transfers.upload(lab, local, str(redo["remote"]))
    job.partials = {str(t["target"]): t for t in record.get("temp", []) if temp_path(t)}
    on_conflict = str(redo["on_conflict"])
    work = transfers.download(lab, path, local, directory=job.recursive, on_conflict=on_conflict)
    return job, work

"""The jobs a stopped server left unfinished, started again by the next one.

Downloads continue where they stopped (the job's client takes each recorded temporary file
over, through `webdav/` Range requests); uploads start again from the beginning. The journal
already marked them `queued` and `resumed` (`journal.settle_unfinished`). Each is built as a
new request's job is (`work.download_job`, `work.upload_job`), from its record and its `redo`.
"""

from __future__ import annotations

import logging
from typing import Any

from .jobs import Job, Work
from .journal import remove_temporary_files, temp_path
from .records import FAILED, QUEUED, parse_iso
from .redo import UploadRedo, redo_from_json
from .service import TransferService
from .work import download_job, upload_job

log = logging.getLogger(__name__)
UNREADABLE = "the server stopped during the transfer, and its record cannot be resumed"


def resume_jobs(service: TransferService, records: list[dict[str, Any]]) -> None:
    """Queue again every job of `records` the journal marked as to be resumed."""
    for record in records:
        if record.get("state") != QUEUED or record.get("resumed") is not True:
            continue
        try:
            job, work = rebuild(service, record)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("ctadata_lab: transfer %s not resumed: %r", record.get("id"), exc)
            remove_temporary_files(record, service.workspace.root)
            record.update(state=FAILED, error=UNREADABLE, temp=[])
            service.jobs.restore([record])
            continue
        service.jobs.submit(job, work)


def rebuild(service: TransferService, record: dict[str, Any]) -> tuple[Job, Work]:
    """The job of `record` (same id, marked resumed) and its work."""
    kind, path = str(record["kind"]), str(record["path"])
    redo = redo_from_json(kind, record["redo"])
    named = record["local"]
    if not isinstance(named, str):
        raise TypeError(f"{named!r} is not a workspace path")
    directory = record.get("recursive") is True
    size = record.get("bytes_total")
    if isinstance(redo, UploadRedo):
        job, work = upload_job(service, path, named, redo, directory=directory, size=size)
    else:
        job, work = download_job(service, path, named, redo, directory=directory, size=size)
        job.partials = {str(t["target"]): t for t in record.get("temp", []) if temp_path(t)}
    job.id, job.resumed = str(record["id"]), True
    job.created = parse_iso(record.get("created")) or job.created
    job.bytes_total = size
    job.files_total = int(record.get("files_total") or 0)
    return job, work

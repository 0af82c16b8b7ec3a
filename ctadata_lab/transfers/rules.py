"""What a transfer request may do, apart from HTTP: its target, its overlaps, its job.

The handlers (`handlers/transfers.py`) parse a request and answer; the rules are here: what
is a folder, where a download lands, what an upload sends, which targets are busy, and how
many jobs may wait. A download's request stats the remote path once (it needs the entry: a
folder or a file, its name, its size) and hands that entry to its job; the decision about
local files that differ is the job's, once, in its worker (the library's `download_entry`).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ctadata.paths import complete_upload_path, remote_join
from ctadata.transfer.plan import OnConflict

from ..errors import ApiError, bad_request
from .jobs import FINISHED, Job, Work
from .redo import DownloadRedo, UploadRedo
from .service import TransferService
from .work import download_job, upload_job


async def plan_download(
    service: TransferService, path: str, to: str, *, recursive: bool, on_conflict: OnConflict
) -> tuple[Job, Work]:
    """The job that downloads the remote `path` into the workspace folder `to`."""
    workspace = service.workspace
    if not path.strip("/"):
        raise bad_request("give the remote file or folder to download")
    local_dir = workspace.path(to)
    if local_dir.exists() and not local_dir.is_dir():
        raise bad_request(f"{to!r} is not a folder of the workspace")
    entry = await service.aclient.stat(path)
    if entry.is_dir and not recursive:
        raise bad_request(f"{entry.path!r} is a folder: ask for a recursive download")
    target = workspace.path(f"{to}/{entry.name}" if to.strip("/") else entry.name)
    local = workspace.name(target)
    workspace.refuse_hidden(target)
    if entry.is_dir and target.exists() and not target.is_dir():
        raise bad_request(f"{local!r} exists in the workspace and is not a folder")
    refuse_overlap(service.jobs.jobs(), local)
    redo = DownloadRedo(on_conflict)
    return download_job(
        service, entry.path, local, redo, directory=entry.is_dir, size=entry.size, entry=entry
    )


async def plan_upload(
    service: TransferService, source_given: str, remote_given: str, *, recursive: bool
) -> tuple[Job, Work]:
    """The job that uploads the workspace file or folder `source_given` to `remote_given`."""
    workspace = service.workspace
    source = workspace.path(source_given)
    if source == workspace.root:
        raise bad_request("give the workspace file or folder to upload")
    local = workspace.name(source)
    workspace.refuse_hidden(source)
    if not source.exists():
        raise ApiError(404, f"{local!r} does not exist in the workspace")
    if source.is_dir() and not recursive:
        raise bad_request(f"{local!r} is a folder: ask for a recursive upload")
    if not (source.is_dir() or source.is_file()):
        raise bad_request(f"{local!r} is neither a file nor a folder")
    remote = complete_upload_path(source, remote_given)
    folder = await service.aclient.known_upload_folder()
    shown = remote_join(folder, remote) if folder is not None else remote
    directory = source.is_dir()
    size = None if directory else source.stat().st_size
    return upload_job(service, shown, local, UploadRedo(remote), directory=directory, size=size)


def refuse_overlap(jobs: list[Job], local: str) -> None:
    """409 `busy` if `local` is, holds or lies inside the target of an unfinished download: no
    answer about conflicts can help (the other download writes there), waiting or cancelling can.
    """
    mine = PurePosixPath(local)
    for job in jobs:
        if job.kind != "download" or job.state in FINISHED or job.local is None:
            continue
        theirs = PurePosixPath(job.local)
        if mine == theirs or theirs in mine.parents or mine in theirs.parents:
            raise ApiError(
                409,
                f"{local!r} overlaps {job.local!r}, the target being downloaded by an"
                " unfinished transfer: wait for it to end, or cancel it",
                "busy",
            )


def submit(service: TransferService, job: Job, work: Work) -> Job:
    """Queue the job, unless too many wait already (429)."""
    if service.jobs.queued() >= service.max_queued_transfers:
        raise ApiError(
            429,
            f"{service.max_queued_transfers} transfers are waiting already;"
            " try again when some have finished",
        )
    return service.jobs.submit(job, work)

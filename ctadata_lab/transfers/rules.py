"""What a transfer request may do, apart from HTTP: its target, its conflicts, its job.

The handlers (`handlers/transfers.py`) parse a request and answer; the rules are here: what
is a folder, where a download lands and when it would overwrite something, what an upload
sends, which targets overlap, and how many jobs may wait.
"""

from __future__ import annotations

import asyncio
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ctadata.entry import Entry
from ctadata.paths import complete_upload_path, remote_join
from ctadata.transfer.identity import same_file
from ctadata.transfer.local import LocalPath

from ..errors import ApiError, bad_request
from . import work as transfers
from .jobs import FINISHED, Job, Work

if TYPE_CHECKING:
    from ..app import CtadataLab

ON_CONFLICT = ("ask", "skip", "overwrite")


async def plan_download(
    lab: CtadataLab, path: str, to: str, *, recursive: bool, on_conflict: str
) -> tuple[Job, Work]:
    """The job that downloads the remote `path` into the workspace folder `to`."""
    workspace = lab.workspace
    if not path.strip("/"):
        raise bad_request("give the remote file or folder to download")
    local_dir = workspace.path(to)
    if local_dir.exists() and not local_dir.is_dir():
        raise bad_request(f"{to!r} is not a folder of the workspace")
    entry = await lab.aclient.stat(path)
    if entry.is_dir and not recursive:
        raise bad_request(f"{entry.path!r} is a folder: ask for a recursive download")
    target = workspace.path(f"{to}/{entry.name}" if to.strip("/") else entry.name)
    local = workspace.name(target)
    workspace.refuse_hidden(target)
    if entry.is_dir and target.exists() and not target.is_dir():
        raise ApiError(409, f"{local!r} exists in the workspace and is not a folder")
    # "skip" makes a job all the same: it ends `done`, the kept file in its `conflicts`.
    if not entry.is_dir and on_conflict == "ask" and await differs(lab, target, entry):
        raise ApiError(409, f"{local!r} exists in the workspace and differs; ask to overwrite it")
    refuse_overlap(lab.jobs.jobs(), local)
    job = Job(
        "download",
        entry.path,
        local,
        recursive=entry.is_dir,
        bytes_total=None if entry.is_dir else entry.size,
        files_total=0 if entry.is_dir else 1,
    )
    job.redo = {"on_conflict": on_conflict}
    work = transfers.download(
        lab, entry.path, target, directory=entry.is_dir, on_conflict=on_conflict
    )
    return job, work


async def plan_upload(
    lab: CtadataLab, source_given: str, remote_given: str, *, recursive: bool
) -> tuple[Job, Work]:
    """The job that uploads the workspace file or folder `source_given` to `remote_given`."""
    workspace = lab.workspace
    source = workspace.path(source_given)
    if source == lab.root_dir:
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
    folder = await lab.aclient.known_upload_folder()
    job = Job(
        "upload",
        remote_join(folder, remote) if folder is not None else remote,
        local,
        recursive=source.is_dir(),
        bytes_total=None if source.is_dir() else source.stat().st_size,
        files_total=0 if source.is_dir() else 1,
    )
    job.redo = {"remote": remote}
    return job, transfers.upload(lab, source, remote)


async def differs(lab: CtadataLab, target: Path, entry: Entry) -> bool:
    """Something is at `target` that is not the storage's file `entry` (a link counts), by the
    library's rule (`ctadata.transfer.identity`), whose reading
    of the local file runs off the loop."""
    local = LocalPath.beneath(lab.workspace.root, target)
    if local.lstat() is None:
        return False
    loop = asyncio.get_running_loop()

    def storage_adler32() -> str | None:
        return asyncio.run_coroutine_threadsafe(lab.aclient.adler32(entry.path), loop).result()

    return not await asyncio.to_thread(same_file, local, entry, storage_adler32)


def refuse_overlap(jobs: list[Job], local: str) -> None:
    """409 if `local` is, holds or lies inside the target of an unfinished download."""
    mine = PurePosixPath(local)
    for job in jobs:
        if job.kind != "download" or job.state in FINISHED or job.local is None:
            continue
        theirs = PurePosixPath(job.local)
        if mine == theirs or theirs in mine.parents or mine in theirs.parents:
            raise ApiError(
                409, f"{local!r} overlaps {job.local!r}, the target of an unfinished download"
            )


def submit(lab: CtadataLab, job: Job, work: Work) -> Job:
    """Queue the job, unless too many wait already (429)."""
    if lab.jobs.queued() >= lab.max_queued_transfers:
        raise ApiError(
            429,
            f"{lab.max_queued_transfers} transfers are waiting already;"
            " try again when some have finished",
        )
    return lab.jobs.submit(job, work)

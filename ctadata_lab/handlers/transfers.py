"""`POST|GET transfers`, `GET|DELETE transfers/<id>`: jobs between storage and workspace."""

from __future__ import annotations

import stat
from pathlib import Path, PurePosixPath
from typing import Any

from tornado import web

from ctadata.paths import complete_upload_path, remote_join

from .. import transfers
from ..errors import ApiError, bad_request
from ..jobs import FINISHED, Job, Work
from .base import CtadataHandler

ON_CONFLICT = ("ask", "skip", "overwrite")


class TransfersHandler(CtadataHandler):
    @web.authenticated
    def get(self) -> None:
        self.finish({"transfers": [job.to_json() for job in self.lab.jobs.jobs()]})

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        kind = body.get("kind")
        if kind == "download":
            job = await self.start_download(body)
        elif kind == "upload":
            job = await self.start_upload(body)
        else:
            raise bad_request("'kind' must be 'download' or 'upload'")
        self.set_status(201)
        self.finish(job.to_json())

    async def start_download(self, body: dict[str, Any]) -> Job:
        path = self.remote_path(self.string(body, "path"))
        to = self.string(body, "to", "")
        recursive, on_conflict = self.flag(body, "recursive"), self.on_conflict(body)
        if not path.strip("/"):
            raise bad_request("give the remote file or folder to download")
        local_dir = self.local_path(to)
        if local_dir.exists() and not local_dir.is_dir():
            raise bad_request(f"{to!r} is not a folder of the workspace")
        entry = await self.lab.aclient.stat(path)
        if entry.is_dir and not recursive:
            raise bad_request(f"{entry.path!r} is a folder: ask for a recursive download")
        target = self.local_path(f"{to}/{entry.name}" if to.strip("/") else entry.name)
        local = self.workspace_name(target)
        self.refuse_hidden(target)
        if entry.is_dir and target.exists() and not target.is_dir():
            raise ApiError(409, f"{local!r} exists in the workspace and is not a folder")
        if not entry.is_dir and on_conflict != "overwrite" and differs(target, entry.size):
            raise ApiError(
                409, f"{local!r} exists in the workspace and differs; ask to overwrite it"
            )
        self.refuse_overlap(local)
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
            self.lab, entry.path, target, directory=entry.is_dir, on_conflict=on_conflict
        )
        return self.submit(job, work)

    def refuse_overlap(self, local: str) -> None:
        """409 if `local` is, holds or lies inside the target of an unfinished download."""
        mine = PurePosixPath(local)
        for job in self.lab.jobs.jobs():
            if job.kind != "download" or job.state in FINISHED or job.local is None:
                continue
            theirs = PurePosixPath(job.local)
            if mine == theirs or theirs in mine.parents or mine in theirs.parents:
                raise ApiError(
                    409, f"{local!r} overlaps {job.local!r}, the target of an unfinished download"
                )

    def submit(self, job: Job, work: Work) -> Job:
        """Queue the job, unless too many wait already (429)."""
        if self.lab.jobs.queued() >= self.lab.max_queued_transfers:
            raise ApiError(
                429,
                f"{self.lab.max_queued_transfers} transfers are waiting already;"
                " try again when some have finished",
            )
        return self.lab.jobs.submit(job, work)

    async def start_upload(self, body: dict[str, Any]) -> Job:
        source = self.local_path(self.string(body, "from"))
        remote_given = self.remote_path(self.string(body, "path", ""))
        recursive = self.flag(body, "recursive")
        if source == self.lab.root_dir:
            raise bad_request("give the workspace file or folder to upload")
        local = self.workspace_name(source)
        self.refuse_hidden(source)
        if not source.exists():
            raise ApiError(404, f"{local!r} does not exist in the workspace")
        if source.is_dir() and not recursive:
            raise bad_request(f"{local!r} is a folder: ask for a recursive upload")
        if not (source.is_dir() or source.is_file()):
            raise bad_request(f"{local!r} is neither a file nor a folder")
        remote = complete_upload_path(source, remote_given)
        folder = await self.lab.aclient.known_upload_folder(self.lab.hub_user)
        job = Job(
            "upload",
            remote_join(folder, remote) if folder is not None else remote,
            local,
            recursive=source.is_dir(),
            bytes_total=None if source.is_dir() else source.stat().st_size,
            files_total=0 if source.is_dir() else 1,
        )
        job.redo = {"remote": remote}
        return self.submit(job, transfers.upload(self.lab, source, remote))

    def on_conflict(self, body: dict[str, Any]) -> str:
        """ "ask" (the default), "skip" or "overwrite"; `overwrite: true` means "overwrite"."""
        if self.flag(body, "overwrite"):
            return "overwrite"
        value = self.string(body, "on_conflict", "ask")
        if value not in ON_CONFLICT:
            raise bad_request("'on_conflict' must be 'ask', 'skip' or 'overwrite'")
        return value


def differs(target: Path, size: int | None) -> bool:
    """Something is at `target` that is not a file of `size` bytes (a link counts)."""
    try:
        found = target.lstat()
    except FileNotFoundError:
        return False
    return not (stat.S_ISREG(found.st_mode) and found.st_size == size)


class TransferHandler(CtadataHandler):
    def job(self, job_id: str) -> Job:
        job = self.lab.jobs.get(job_id)
        if job is None:
            raise ApiError(404, f"no transfer {job_id!r} (finished transfers are kept an hour)")
        return job

    @web.authenticated
    def get(self, job_id: str) -> None:
        self.finish(self.job(job_id).to_json())

    @web.authenticated
    async def delete(self, job_id: str) -> None:
        job = await self.lab.jobs.cancel(self.job(job_id))
        self.finish(job.to_json())

"""`POST|GET transfers`, `GET|DELETE transfers/<id>`: jobs between storage and workspace.

These handlers parse the request and answer; what a transfer may do is `transfers.rules`'.
"""

from __future__ import annotations

from typing import Any

from tornado import web

from ctadata.transfer.plan import OnConflict, conflict_mode

from ..errors import ApiError, bad_request
from ..transfers import rules as transfer_rules
from ..transfers.jobs import Job
from .base import CtadataHandler


class TransfersHandler(CtadataHandler):
    @web.authenticated
    def get(self) -> None:
        self.finish({"transfers": [job.to_json() for job in self.transfers.jobs.jobs()]})

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        kind = body.get("kind")
        if kind == "download":
            job, work = await transfer_rules.plan_download(
                self.transfers,
                self.remote_path(self.string(body, "path")),
                self.string(body, "to", ""),
                recursive=self.flag(body, "recursive"),
                on_conflict=self.on_conflict(body),
            )
        elif kind == "upload":
            job, work = await transfer_rules.plan_upload(
                self.transfers,
                self.string(body, "from"),
                self.remote_path(self.string(body, "path", "")),
                recursive=self.flag(body, "recursive"),
            )
        else:
            raise bad_request("'kind' must be 'download' or 'upload'")
        self.set_status(201)
        self.finish(transfer_rules.submit(self.transfers, job, work).to_json())

    def on_conflict(self, body: dict[str, Any]) -> OnConflict:
        """ "ask" (the default), "skip" or "overwrite"; `overwrite: true` means "overwrite"
        (the library's one reading of it, `conflict_mode`)."""
        try:
            return conflict_mode(
                self.string(body, "on_conflict", "ask"), self.flag(body, "overwrite")
            )
        except ValueError as exc:
            raise bad_request(str(exc)) from None


class TransferHandler(CtadataHandler):
    def job(self, job_id: str) -> Job:
        job = self.transfers.jobs.get(job_id)
        if job is None:
            raise ApiError(404, f"no transfer {job_id!r} (finished transfers are kept an hour)")
        return job

    @web.authenticated
    def get(self, job_id: str) -> None:
        self.finish(self.job(job_id).to_json())

    @web.authenticated
    async def delete(self, job_id: str) -> None:
        job = await self.transfers.jobs.cancel(self.job(job_id))
        self.finish(job.to_json())

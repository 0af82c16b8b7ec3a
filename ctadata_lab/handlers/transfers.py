"""`POST|GET transfers`, `GET|DELETE transfers/<id>`: jobs between storage and workspace.

These handlers parse the request and answer; what a transfer may do is `transfer_rules`'.
"""

from __future__ import annotations

from typing import Any

from tornado import web

from ..errors import ApiError, bad_request
from ..transfers import rules as transfer_rules
from ..transfers.jobs import Job
from ..transfers.rules import ON_CONFLICT
from .base import CtadataHandler


class TransfersHandler(CtadataHandler):
    @web.authenticated
    def get(self) -> None:
        self.finish({"transfers": [job.to_json() for job in self.lab.jobs.jobs()]})

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        kind = body.get("kind")
        if kind == "download":
            job, work = await transfer_rules.plan_download(
                self.lab,
                self.remote_path(self.string(body, "path")),
                self.string(body, "to", ""),
                recursive=self.flag(body, "recursive"),
                on_conflict=self.on_conflict(body),
            )
        elif kind == "upload":
            job, work = await transfer_rules.plan_upload(
                self.lab,
                self.string(body, "from"),
                self.remote_path(self.string(body, "path", "")),
                recursive=self.flag(body, "recursive"),
            )
        else:
            raise bad_request("'kind' must be 'download' or 'upload'")
        self.set_status(201)
        self.finish(transfer_rules.submit(self.lab, job, work).to_json())

    def on_conflict(self, body: dict[str, Any]) -> str:
        """ "ask" (the default), "skip" or "overwrite"; `overwrite: true` means "overwrite"."""
        if self.flag(body, "overwrite"):
            return "overwrite"
        value = self.string(body, "on_conflict", "ask")
        if value not in ON_CONFLICT:
            raise bad_request("'on_conflict' must be 'ask', 'skip' or 'overwrite'")
        return value


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

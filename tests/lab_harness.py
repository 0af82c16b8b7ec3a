"""What the extension's tests share: `Lab` (its REST API as a test sees it) and helpers.

The fixtures that make a `Lab` (`lab`, `lab_traits`, `lab_service`) are in conftest.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from ctadata_lab.transfers.jobs import FINISHED  # the server's own list: a conflict has ended too

T = TypeVar("T")
MiB = 1024 * 1024
# How long a cancel may take in a test. Idle, a cancel takes about 0.5 s; a loaded 2-core
# machine stretches that, so the ceiling is generous, yet far below what a cancel that never
# reaches the socket waits for (the 10 s connect timeout, then the 120 s read timeout).
CANCEL_CEILING = 5.0
# How long a stop (SIGTERM) may take in a test: 1 to 2 s idle, within the 5 s promised; the
# ceiling allows for a loaded machine, far below the 120 s read timeout that a stop which does
# not reach the transfers' sockets waits for.
STOP_CEILING = 15.0


@dataclass
class Lab:
    """The extension's REST API as a test sees it."""

    loop: asyncio.AbstractEventLoop
    url: str  # ends with /ctadata/
    token: str  # the Jupyter server's token
    root: Path  # the workspace
    service: Any  # the development service behind it

    def run(self, awaitable: Awaitable[T]) -> T:
        return self.loop.run_until_complete(awaitable)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    async def arequest(self, method: str, path: str, *, auth: bool = True, **kw: Any):
        headers = (self.auth if auth else {}) | kw.pop("headers", {})
        async with httpx.AsyncClient(timeout=60, cookies=kw.pop("cookies", None)) as http:
            return await http.request(method, self.url + path, headers=headers, **kw)

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.run(self.arequest(method, path, **kw))

    def call(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        response = self.request(method, path, **kw)
        assert response.status_code == status, response.text
        return response.json()

    def error(self, method: str, path: str, status: int, reason: str, **kw: Any) -> str:
        """Asserts a JSON error of docs/rest-api.md; returns its message."""
        body = self.call(method, path, status, **kw)
        assert set(body) == {"message", "reason"} and body["reason"] == reason, body
        return body["message"]

    async def await_job(self, job_id: str, until: Callable[[dict], bool], timeout: float = 60):
        deadline = time.monotonic() + timeout
        while True:
            response = await self.arequest("GET", f"transfers/{job_id}")
            job = response.json()
            if until(job):
                return job
            assert time.monotonic() < deadline, f"job still {job['state']}: {job}"
            await asyncio.sleep(0.02)

    def wait(self, job_id: str, timeout: float = 60) -> dict:
        return self.run(self.await_job(job_id, lambda j: j["state"] in FINISHED, timeout))

    def wait_bytes(self, job_id: str, at_least: int = 1) -> dict:
        """Until the job has moved `at_least` bytes (and is still running)."""
        job = self.run(
            self.await_job(job_id, lambda j: j["bytes_done"] >= at_least or j["state"] in FINISHED)
        )
        assert job["state"] == "running", job
        return job

    def download(self, path: str, to: str = "", status: int = 201, **kw: Any) -> dict:
        body = {"kind": "download", "path": path, "to": to, **kw}
        return self.call("POST", "transfers", status, json=body)


def own(param: str = "own"):
    return pytest.mark.parametrize("lab_service", [param], indirect=True)


def traits(**values: Any):
    return pytest.mark.parametrize("lab_traits", [values], indirect=True)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(MiB):
            h.update(block)
    return h.hexdigest()


def write_big(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(MiB)
    with open(path, "wb") as f:
        for _ in range(size // MiB):
            f.write(block)


def user_dir(lab: Lab) -> Path:
    return lab.service.storage_dir / "lst/users" / lab.service.users["alice"].folder


def leftovers(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*.ctadata-part")]

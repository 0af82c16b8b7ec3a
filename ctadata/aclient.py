"""`AsyncAPIClient`: the same protocol flows as `APIClient`, driven by `httpx.AsyncClient`.

For asynchronous hosts such as the Jupyter server extension, which must not block its event
loop. Transfers of whole files and trees stay in the synchronous engine (run in a thread);
what lives here is what an event loop needs directly: listings, the user folder, certificates
and a streamed upload whose body arrives asynchronously (a browser upload piped through).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable
from typing import Any, TypeVar

import httpx

from .config import Settings
from .engine import TIMEOUT
from .errors import CtadataError, StorageException
from .protocol import (
    Entry,
    Flow,
    Protocol,
    folder_from_answer,
    missing_parent,
    no_parent_error,
)
from .transfer import as_ctadata_error

T = TypeVar("T")
OFF_LOOP_BYTES = 256 * 1024  # answers larger than this are parsed in a thread


def _step(flow: Flow[T], response: httpx.Response) -> httpx.Request | StopIteration:
    """`flow.send(response)`, its end returned rather than raised (a future cannot carry it)."""
    try:
        return flow.send(response)
    except StopIteration as stop:
        return stop


class AsyncAPIClient:
    def __init__(self, settings: Settings, http: httpx.AsyncClient | None = None):
        self.protocol = Protocol(settings)
        self.http = http or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)
        self._upload_folder: str | None = None

    async def aclose(self) -> None:
        await self.http.aclose()

    async def run(self, flow: Flow[T]) -> T:
        """Drive a protocol flow: send each request it yields, hand back each response."""
        try:
            request = next(flow)
            while True:
                try:
                    response = await self.http.send(request)
                except httpx.TransportError as exc:
                    raise as_ctadata_error(exc, request.url.path) from exc
                if len(response.content) > OFF_LOOP_BYTES:
                    # A 100k-entry listing takes a second to parse: not on the event loop.
                    step = await asyncio.to_thread(_step, flow, response)
                    if not isinstance(step, httpx.Request):
                        return step.value
                    request = step
                else:
                    request = flow.send(response)
        except StopIteration as stop:
            return stop.value

    async def list_dir(self, path: str) -> list[dict[str, Any]]:
        return await self.run(self.protocol.list_flow(path))

    async def entries(self, path: str) -> list[Entry]:
        return await self.run(self.protocol.entries_flow(path))

    async def stat(self, path: str) -> Entry:
        return await self.run(self.protocol.stat_flow(path))

    async def upload_folder(self, hub_user: str | None = None) -> str:
        """The user folder: from an earlier upload's answer, the hub user or the hub's API."""
        if self._upload_folder is None:
            api = os.environ.get("JUPYTERHUB_API_URL")
            flow = self.protocol.upload_folder_flow(hub_user, api)
            self._upload_folder = await self.run(flow)
        return self._upload_folder

    async def known_upload_folder(self, hub_user: str | None = None) -> str | None:
        """The user folder if some source tells it, else None (uploads work without it)."""
        try:
            return await self.upload_folder(hub_user)
        except CtadataError:
            return None

    async def mkdirs(self, path: str, hub_user: str | None = None) -> None:
        folder = await self.upload_folder(hub_user)
        await self.run(self.protocol.mkdirs_flow(folder, path))

    async def upload_certificate(
        self, pem: str, certificate_key: str, user: str | None = None
    ) -> dict[str, Any]:
        payload = {"certificate": pem, "certificate_key": certificate_key, "user": user}
        return await self.run(self.protocol.certificate_flow("certificate", payload))

    async def upload_shared_certificate(self, pem: str) -> dict[str, Any]:
        payload = {"certificate": pem}
        return await self.run(self.protocol.certificate_flow("main-certificate", payload))

    async def upload_stream(
        self, path: str, body: AsyncIterable[bytes], size: int | None = None
    ) -> dict[str, Any]:
        """Upload a body that arrives asynchronously; checks the stored size when known."""
        request = self.protocol.upload_request(path, body, size)
        try:
            response = await self.http.send(request)
        except httpx.TransportError as exc:
            raise as_ctadata_error(exc, path) from exc
        try:
            answer = self.protocol.upload_answer(response, path, size)
        except StorageException as exc:
            parent = missing_parent(exc, path)
            if parent is None:
                raise
            # A streamed body cannot be sent again: the caller makes the folders first when
            # it knows where they go (`known_upload_folder`); here it did not.
            raise no_parent_error(path, parent) from exc
        self._upload_folder = self._upload_folder or folder_from_answer(answer, path)
        return answer

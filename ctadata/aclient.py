"""`AsyncAPIClient`: the same protocol flows as `APIClient`, driven by `httpx.AsyncClient`.

For asynchronous hosts such as the Jupyter server extension, which must not block its event
loop. Transfers of whole files and trees stay in the synchronous engine (run in a thread);
what lives here is what an event loop needs directly: listings, the user folder, certificates
and a streamed upload whose body arrives asynchronously (a browser upload piped through).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, TypeVar

import httpx

from .base_client import BaseClient
from .entry import Entry
from .errors import CtadataError, StorageException
from .protocol import Flow, missing_parent, no_parent_error
from .retry import TIMEOUT, as_ctadata_error, async_with_retries
from .transfer.checksum import Running, Uploaded
from .transfer.one_file import verify_upload

T = TypeVar("T")
OFF_LOOP_BYTES = 256 * 1024  # answers larger than this are parsed in a thread


def _step(flow: Flow[T], response: httpx.Response) -> httpx.Request | StopIteration:
    """`flow.send(response)`, its end returned rather than raised (a future cannot carry it)."""
    try:
        return flow.send(response)
    except StopIteration as stop:
        return stop


class AsyncAPIClient(BaseClient):
    """`APIClient`'s settings and protocol, with `httpx.AsyncClient` for I/O.

    `AsyncAPIClient(token, downloadservice, certificateservice, chunk_size, *, hub_user)`: the
    settings of `BaseClient`; `http`: the `httpx.AsyncClient` to use.
    """

    def __init__(self, *settings: Any, http: httpx.AsyncClient | None = None, **named: Any):
        super().__init__(*settings, **named)
        self.http = http or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def run(self, flow: Flow[T]) -> T:
        """Drive a protocol flow: send each request it yields, hand back each response."""
        try:
            request = next(flow)
            while True:
                send = functools.partial(self.http.send, request)
                response = await async_with_retries(send, request.url.path)
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

    async def adler32(self, path: str) -> str | None:
        """The storage's adler32 of the file `path` (a HEAD through `webdav/`), or None."""
        return await self.run(self.protocol.adler32_flow(path))

    async def upload_folder(self, hub_user: str | None = None) -> str:
        """The user folder: from an earlier upload's answer, the hub user or the hub's API."""
        if self._upload_folder is None:
            self._upload_folder = await self.run(self._upload_folder_flow(hub_user))
        return self._upload_folder

    async def known_upload_folder(self) -> str | None:
        """The user folder if some source tells it, else None (uploads work without it)."""
        try:
            return await self.upload_folder()
        except CtadataError:
            return None

    async def mkdirs(self, path: str) -> None:
        """Create `path` (relative to the user folder) and its parents, as uploads need."""
        await self.run(self.protocol.mkdirs_flow(await self.upload_folder(), path))

    async def upload_certificate(
        self, pem: str, certificate_key: str, user: str | None = None
    ) -> dict[str, Any]:
        return await self.run(self.protocol.personal_certificate_flow(pem, certificate_key, user))

    async def upload_shared_certificate(self, pem: str) -> dict[str, Any]:
        return await self.run(self.protocol.shared_certificate_flow(pem))

    async def upload_stream(
        self, path: str, body: AsyncIterable[bytes], size: int | None = None
    ) -> Uploaded:
        """Upload a body that arrives asynchronously; checks the stored size when known, and
        the storage's adler32 against the one computed as the body went through."""
        running = Running()

        async def counted() -> AsyncIterator[bytes]:
            async for block in body:
                running.update(block)
                yield block

        request = self.protocol.upload_request(path, counted(), size)
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
        self._learn_upload_folder(answer, path)
        stored = await self.adler32(str(answer["path"]))
        return Uploaded(answer, running.hex, verify_upload(path, running.hex, stored))

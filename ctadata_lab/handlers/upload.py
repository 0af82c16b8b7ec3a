"""`PUT upload?path=`: a browser upload, streamed through to the download service.

The body is never held whole, in memory or on disk: tornado hands it over in chunks
(`stream_request_body`), a small bounded queue (`ctadata.transfer.pipe.BodyPipe`) passes them to
`AsyncAPIClient.upload_stream`, and `data_received` waits while the queue is full, so a slow
service slows the browser.
If the upload fails or is cancelled midway, its job says so at once; the answer (the JSON
error) comes when the body has ended.
"""

from __future__ import annotations

import asyncio
import copy

from tornado import web

from ctadata.paths import remote_join
from ctadata.transfer.pipe import BodyPipe

from ..errors import ApiError, bad_request
from ..transfers.jobs import CANCELLED, DONE, Job
from .base import CtadataHandler

BLOCK = 1024 * 1024  # the service gets the body in blocks of this size
QUEUE_BLOCKS = 4  # at most this many blocks wait for the service


def read_in_blocks(connection: object) -> None:
    """Let tornado hand this connection's body over in whole blocks of BLOCK, each read from
    the socket straight into one reused buffer.

    By default tornado reads 64 KiB at a time into a fresh zeroed buffer and copies each piece
    twice more before it is handed over; reading with `IOStream.read_into` leaves one copy,
    and about a third less of the server's CPU per byte. Tornado has no setting for it: this
    connection's parameters are copied (they are shared by all connections) with a larger
    chunk size, and its stream's `read_bytes` reads into the buffer. If tornado's connection
    no longer looks like this, nothing is changed.
    """
    try:
        params = copy.copy(connection.params)  # type: ignore[attr-defined]
        stream = connection.stream  # type: ignore[attr-defined]
        whole = stream.read_bytes
        read_into = stream.read_into
    except AttributeError:
        return
    params.chunk_size = BLOCK
    connection.params = params  # type: ignore[attr-defined]
    buffer = memoryview(bytearray(BLOCK))

    async def read_bytes(num_bytes: int, partial: bool = False) -> bytes:
        if num_bytes > BLOCK:
            return await whole(num_bytes, partial)
        # Not partial: the body's reader asks for no more than the body holds.
        view = buffer[:num_bytes]
        await read_into(view)
        return bytes(view)

    stream.read_bytes = read_bytes


@web.stream_request_body
class BrowserUploadHandler(CtadataHandler):
    job: Job | None = None
    upload: asyncio.Future | None = None
    gone = False  # the client closed the connection
    cancel_reason = "cancelled"

    async def prepare(self) -> None:
        await super().prepare()
        if not self.current_user:
            raise web.HTTPError(403)  # before a single byte of the body is read
        if self.request.method != "PUT":
            raise ApiError(405, "only PUT uploads a file here")
        transfers = self.transfers
        self.request.connection.set_max_body_size(transfers.max_upload_size)
        read_in_blocks(self.request.connection)
        path = self.remote_path(self.get_query_argument("path", ""))
        if not path or path.endswith("/"):
            raise bad_request("'path' must name the file to create")
        length = self.request.headers.get("Content-Length")
        size = int(length) if length is not None and length.isdigit() else None
        # A browser's body cannot be sent twice: missing folders are made before it, where
        # the user folder is known; else the upload goes ahead, and a missing folder is an
        # error that says how to make it.
        folder = await transfers.aclient.known_upload_folder()
        parent = path.rpartition("/")[0]
        if parent and folder is not None:
            await transfers.aclient.mkdirs(parent)
        if self.gone:
            return  # left while we prepared: no body will come
        shown = remote_join(folder, path) if folder is not None else path
        self.job = transfers.jobs.register(Job("browser-upload", shown, None, bytes_total=size))
        self.pipe = BodyPipe(QUEUE_BLOCKS, on_piece=self.job.advance)
        self.pending: list[bytes] = []  # chunks received, not yet a block
        self.pending_size = 0
        body = self.pipe.chunks()
        self.upload = asyncio.ensure_future(transfers.aclient.upload_stream(path, body, size))
        self.pipe.consumer = self.upload
        self.upload.add_done_callback(self.upload_finished)
        self.job.on_cancel = self.upload.cancel

    def upload_finished(self, upload: asyncio.Future) -> None:
        assert self.job is not None
        if upload.cancelled():
            self.job.finish(CANCELLED, self.cancel_reason)
        elif upload.exception() is not None:
            self.job.fail_from(upload.exception())
        else:
            self.job.files_done = 1
            self.job.files_verified = int(upload.result().verified)
            self.job.finish(DONE)

    async def data_received(self, chunk: bytes) -> None:
        # Once the upload has ended early (the service failed, or a cancel), the rest of the
        # body is read and dropped: answering before its end would make the connection close
        # with unread data, and the browser would see a reset instead of the JSON error.
        self.pending.append(chunk)
        self.pending_size += len(chunk)
        if self.pending_size >= BLOCK:
            await self.pipe.feed(self.take_pending())

    def take_pending(self) -> bytes:
        block = b"".join(self.pending)
        self.pending.clear()
        self.pending_size = 0
        return block

    @web.authenticated
    async def put(self) -> None:
        assert self.upload is not None
        if self.pending:
            await self.pipe.feed(self.take_pending())
        await self.pipe.close()
        await asyncio.wait((self.upload,))
        self.finish(self.outcome())

    def outcome(self) -> dict:
        """The service's answer, or the error to answer with."""
        assert self.upload is not None
        if self.upload.cancelled():
            raise ApiError(409, "the upload was cancelled", "cancelled")
        exc = self.upload.exception()
        if exc is not None:
            raise exc
        return self.upload.result()

    def on_connection_close(self) -> None:
        super().on_connection_close()
        self.gone = True
        if self.upload is not None and not self.upload.done():
            self.cancel_reason = "the browser closed the connection"
            self.upload.cancel()  # stop the upload to the service

"""Carry a request body from tornado to an httpx request as it arrives, with back-pressure.

Used by the Jupyter extension's browser upload and by the development service.

tornado hands the body over piece by piece to `data_received`, and waits for it before reading
more from the socket; httpx pulls the body of its request from an async iterator. A small
bounded queue between the two means a slow storage slows the client down instead of the body
piling up in memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

# A few pieces (tornado's are 64 KiB) in flight: enough to keep both sides busy.
PIECES_IN_FLIGHT = 8


class BodyPipe:
    """`feed` pieces in; `chunks()` is the body for the consumer, the request that sends it.

    `on_piece`, if given, is told the size of each piece as the consumer takes it (progress).
    """

    def __init__(
        self,
        pieces_in_flight: int = PIECES_IN_FLIGHT,
        on_piece: Callable[[int], None] | None = None,
    ) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(pieces_in_flight)
        self._on_piece = on_piece
        self.consumer: asyncio.Future[Any] | None = None
        self.sent = 0

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body, for httpx's `content=`; ends when `close()` is called."""
        while (piece := await self._queue.get()) is not None:
            self.sent += len(piece)
            if self._on_piece is not None:
                self._on_piece(len(piece))
            yield piece

    async def feed(self, piece: bytes | None) -> None:
        """Queue a piece, waiting while the queue is full.

        Once the consumer (the request to the storage) is over, say because the storage
        answered 409 before reading anything, pieces are dropped: the client's body is still
        read to its end, so that the client gets to read the answer.
        """
        if self.consumer is None or self.consumer.done():
            return
        if not self._queue.full():
            self._queue.put_nowait(piece)
            return
        queued = asyncio.ensure_future(self._queue.put(piece))
        await asyncio.wait({queued, self.consumer}, return_when=asyncio.FIRST_COMPLETED)
        if not queued.done():
            queued.cancel()

    async def close(self) -> None:
        await self.feed(None)

    def abort(self) -> None:
        """The client went away: stop the request, so the storage drops what it got."""
        if self.consumer is not None and not self.consumer.done():
            self.consumer.cancel()

"""`GET h5grove/<endpoint>?file=` and `GET fits?file=`: remote files looked into in place."""

from __future__ import annotations

import asyncio
import select
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from tornado import web

from ..errors import bad_request
from ..preview import fitsinfo, h5content
from ..preview.openfiles import Abandoned
from ..preview.remote_readers import FITS, HDF5
from .base import CtadataHandler

T = TypeVar("T")
WATCH_INTERVAL = 0.25  # seconds between looks at whether the browser left


class PreviewHandler(CtadataHandler):
    """Runs a read on the open remote file `?file=`; stops it if the browser goes away."""

    kind = HDF5

    def initialize(self) -> None:
        self.gone = asyncio.Event()

    def on_connection_close(self) -> None:
        self.gone.set()

    async def read(self, work: Callable[[Any], T]) -> T | None:
        """`work(open file)` in the file's process; None if the browser left meanwhile."""
        path = self.remote_path(self.get_query_argument("file", ""))
        if not path or path.endswith("/"):
            raise bad_request("give the remote file to read as ?file=<path>")
        watcher = asyncio.ensure_future(self._watch_connection())
        try:
            return await self.previews.open_files.use((path, self.kind), work, self.gone)
        except Abandoned:
            self.log.debug("preview of %r abandoned: the browser went away", path)
            return None
        finally:
            watcher.cancel()

    async def _watch_connection(self) -> None:
        """Set `gone` once the browser has closed the connection. Tornado notices that only
        when it next reads from the connection, which it does not while a handler runs."""
        stream = self.request.connection.stream  # type: ignore[union-attr]
        if not hasattr(select, "poll") or not hasattr(select, "POLLRDHUP"):
            return  # not Linux: tornado's own on_connection_close only
        poll = select.poll()
        poll.register(stream.socket.fileno(), select.POLLRDHUP)
        while not self.gone.is_set():
            await asyncio.sleep(WATCH_INTERVAL)
            if stream.closed() or poll.poll(0):
                self.gone.set()


class H5GroveHandler(PreviewHandler):
    """h5grove's endpoints (`attr`, `data`, `meta`, `paths`, `stats`) for `@h5web/app`."""

    @web.authenticated
    async def get(self, endpoint: str) -> None:
        query = {key: self.get_query_arguments(key, strip=False) for key in self.request.arguments}
        limit = self.previews.max_answer_bytes
        response = await self.read(partial(h5content.answer, endpoint, query=query, limit=limit))
        if response is None:
            return
        # APIHandler.finish sets the content type (JSON unless told): binary slices are not.
        self.finish(response.content, set_content_type=response.headers["Content-Type"])


class FitsHandler(PreviewHandler):
    """`GET fits?file=&rows=N`: the HDUs, their headers, a table's columns and first rows."""

    kind = FITS

    @web.authenticated
    async def get(self) -> None:
        rows = self.get_query_argument("rows", "20")
        # isdigit() also takes "²" and "①", which int() does not
        if not (rows.isascii() and rows.isdigit()) or int(rows) > fitsinfo.MAX_ROWS:
            raise bad_request(f"rows must be a whole number up to {fitsinfo.MAX_ROWS}")
        limit = self.previews.max_answer_bytes
        answer = await self.read(partial(fitsinfo.summary, rows=int(rows), limit=limit))
        if answer is not None:
            self.finish(answer)

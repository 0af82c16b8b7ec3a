"""`webdav/<path>`: the download service's WebDAV pass-through to the storage.

Methods GET HEAD MKCOL OPTIONS PROPFIND PROPPATCH PUT TRACE are relayed; DELETE MOVE COPY LOCK
(and any other) get 405 from tornado before anything else, as the deployed service does not
offer them. Reading is allowed in the user's areas, writing only in the user's own folders. In
PROPFIND answers the hrefs are rewritten from the storage's base path to this service's, so
that a WebDAV client pointed at `webdav/` finds its way around.

Request bodies are streamed to the storage. Answers are not: as the deployed service does, the
whole answer of the storage is read into memory, then copied once more to rewrite hrefs (for
every method, file bodies included), before the first byte goes out. A GET of a big file
through here must therefore ask a bounded Range window (docs/protocol.md).
"""

from __future__ import annotations

import asyncio
import re

import httpx
import tornado.web
from tornado.iostream import StreamClosedError

from ..paths import with_slash
from .base import DOWNLOAD_PREFIX, StreamedBodyHandler, storage_error_page
from .download import DownloadServiceHandler

WRITE_METHODS = frozenset({"MKCOL", "PUT", "PROPPATCH"})
REQUEST_HEADERS = (
    "Accept",
    "Content-Type",
    "Content-Length",
    "Depth",
    "Range",
    "If-Range",
    "If-Match",
    "If-None-Match",
    "If-Modified-Since",
    "If-Unmodified-Since",
    "Want-Digest",
    "Overwrite",
)
RESPONSE_HEADERS = (
    "Content-Type",
    "Content-Length",
    "Content-Range",
    "Accept-Ranges",
    "ETag",
    "Last-Modified",
    "DAV",
    "Digest",
)
STORAGE_PATH = "/pnfs/cta.cscs.ch/"
SERVICE_PATH = f"{DOWNLOAD_PREFIX}/webdav/"
HREF_RE = re.compile(rb"(<(?:[\w.-]+:)?href>)\s*(?:https?://[^/<]+)?/pnfs/cta\.cscs\.ch/")
OPEN_RANGE_SPEC = re.compile(r"\s*\d+\s*-\s*")  # `N-`: from byte N to the end


def open_ended(range_header: str) -> bool:
    """A `Range` header asking for everything from some byte on (`bytes=N-`)."""
    unit, _, specs = range_header.partition("=")
    return unit.strip() == "bytes" and any(OPEN_RANGE_SPEC.fullmatch(s) for s in specs.split(","))


def rewrite_hrefs(body: bytes) -> bytes:
    """Storage hrefs (`/pnfs/cta.cscs.ch/lst/`) become service ones (`.../webdav/lst/`)."""
    return HREF_RE.sub(rb"\1" + SERVICE_PATH.encode(), body)


@tornado.web.stream_request_body
class WebDAVHandler(StreamedBodyHandler, DownloadServiceHandler):
    SUPPORTED_METHODS = ("GET", "HEAD", "MKCOL", "OPTIONS", "PROPFIND", "PROPPATCH", "PUT", "TRACE")

    async def prepare(self) -> None:
        await super().prepare()
        path = self.route_path()
        if self.answered or self.refuse_dotdot(path):
            return
        refusal = self.refusal(path)
        if refusal is not None:
            self.text(403, refusal)
            return
        if self.open_range():
            self.text(400, "Error: an open-ended Range through webdav/ (refused in this test mode)")
            return
        self.pipe.consumer = asyncio.ensure_future(self.send_to_storage(path))

    def refusal(self, path: str) -> str | None:
        """Why this request may not go to the storage, or None when it may."""
        if self.request.method in WRITE_METHODS:
            folders = self.own_folders()
            if any(with_slash(path).startswith(f) for f in folders):
                return None
            allowed = " or ".join(folders) or "no folder"
            return f"Access denied: missing rights to write in {path}, you may write in {allowed}"
        if not self.may_read(path):
            return storage_error_page(403, "Forbidden", path)
        return None

    def open_range(self) -> bool:
        """A GET asking for everything from a byte on (`bytes=N-`), in the test mode that
        refuses it: the deployed service would hold the whole rest of the file in memory."""
        return (
            self.state.refuse_open_ranges
            and self.request.method == "GET"
            and open_ended(self.request.headers.get("Range", ""))
        )

    async def send_to_storage(self, path: str) -> httpx.Response:
        headers = {h: self.request.headers[h] for h in REQUEST_HEADERS if h in self.request.headers}
        request = self.state.http.build_request(
            self.request.method or "GET",
            self.state.storage(path),
            headers=headers,
            content=self.pipe.chunks() if self.has_body() else None,
        )
        return await self.state.http.send(request, stream=True)

    async def relay(self, path: str = "") -> None:
        answer = await self.storage_answer()
        if answer is None:
            return
        try:
            await self.send_answer(answer)
        finally:
            await answer.aclose()

    get = head = mkcol = options = propfind = proppatch = put = trace = relay

    def copy_headers(self, answer: httpx.Response) -> None:
        self.clear_header("Content-Type")
        for name in RESPONSE_HEADERS:
            if name in answer.headers:
                self.set_header(name, answer.headers[name])
        if "Location" in answer.headers:
            self.set_header(
                "Location", answer.headers["Location"].replace(STORAGE_PATH, SERVICE_PATH)
            )
        if "Allow" in answer.headers:
            offered = [m.strip() for m in answer.headers["Allow"].split(",")]
            self.set_header("Allow", ", ".join(m for m in offered if m in self.SUPPORTED_METHODS))

    async def send_answer(self, answer: httpx.Response) -> None:
        """The storage's answer, read whole and copied once more before the first byte is sent,
        as the deployed service does (its copy rewrites hrefs, for every answer). The pieces are
        held as they came, not joined: memory is then what the service holds, not what the
        allocator keeps of many large blocks."""
        held = [chunk async for chunk in answer.aiter_raw()]
        rewriting = self.request.method in ("PROPFIND", "PROPPATCH")
        if rewriting:
            copy = [rewrite_hrefs(b"".join(held))]
        else:
            copy = [memoryview(chunk).tobytes() for chunk in held]
        del held
        self.set_status(answer.status_code, answer.reason_phrase or None)
        self.copy_headers(answer)
        if rewriting:
            self.clear_header("Content-Length")  # rewriting changed it
        try:
            for piece in copy:
                self.write(piece)
                await self.flush()
        except StreamClosedError:
            return  # the client went away
        self.finish()

"""`webdav/<path>`: the download service's WebDAV pass-through to the storage.

Methods GET HEAD MKCOL OPTIONS PROPFIND PROPPATCH PUT TRACE are relayed, bodies streamed both
ways; DELETE MOVE COPY LOCK (and any other) get 405 from tornado before anything else, as the
deployed service does not offer them. Reading is allowed in the user's areas, writing only in
the user's own folders. In PROPFIND answers the hrefs are rewritten from the storage's base
path to this service's, so that a WebDAV client pointed at `webdav/` finds its way around.
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
        self.set_status(answer.status_code, answer.reason_phrase or None)
        self.copy_headers(answer)
        if self.request.method in ("PROPFIND", "PROPPATCH"):
            # Rewriting changes the length: these (small) XML answers are read whole.
            body = rewrite_hrefs(await answer.aread())
            self.clear_header("Content-Length")
            self.finish(body)
            return
        try:
            async for chunk in answer.aiter_raw():
                self.write(chunk)
                await self.flush()
        except StreamClosedError:
            return
        self.finish()

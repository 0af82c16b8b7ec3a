"""The download service's own endpoints: list, fetch, upload, health, storage-status.

They behave like the deployed service, quirks included (docs/protocol.md): `fetch` answers 200
whatever the storage said and ignores `Range`; `upload` creates the user's folder but no
directory below it; `list` passes the storage's hrefs on as the storage wrote them.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import tornado.web
from defusedxml import ElementTree
from tornado.iostream import StreamClosedError

from .base import (
    DOWNLOAD_PREFIX,
    INTERNAL_ERROR_PAGE,
    AuthenticatedHandler,
    BaseHandler,
    StreamedBodyHandler,
    has_dotdot,
    join_path,
    storage_error_page,
)
from .users import DOWNLOAD_SCOPE

DEFAULT_CHUNK_SIZE = 10 * 1024 * 1024
# A guard of the development server's memory: one chunk is held at a time per transfer.
MAX_CHUNK_SIZE = 64 * 1024 * 1024
BASE_PATH_RE = re.compile(r"^/*pnfs/cta\.cscs\.ch/")
DAV = "{DAV:}"
# Only the properties a listing shows: wsgidav's default (all properties, lock discovery
# included) takes three times as long on a folder of 10,000 files.
LIST_PROPERTIES = (
    b'<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop>'
    b"<resourcetype/><getcontentlength/><getlastmodified/></prop></propfind>"
)


class DownloadServiceHandler(AuthenticatedHandler):
    scope = DOWNLOAD_SCOPE

    def chunk_size(self) -> int:
        # An unreadable value falls back to the default, as in the deployed service.
        try:
            value = int(self.get_query_argument("chunk_size", str(DEFAULT_CHUNK_SIZE)))
        except ValueError:
            return DEFAULT_CHUNK_SIZE
        return min(value, MAX_CHUNK_SIZE) if value > 0 else DEFAULT_CHUNK_SIZE

    def route_path(self) -> str:
        """The path of `<endpoint>/<path>`; "" for `<endpoint>` alone (the storage root)."""
        return self.path_args[0] if self.path_args else ""

    def refuse_dotdot(self, path: str) -> bool:
        if has_dotdot(path):
            self.text(400, "Error: path cannot contain '..'")
            return True
        return False


class HealthHandler(BaseHandler):
    def get(self) -> None:
        self.text(200, "OK - DownloadService is up and running")


class StorageStatusHandler(BaseHandler):
    async def get(self) -> None:
        try:
            answer = await self.state.http.request(
                "PROPFIND", self.state.storage("cta/"), headers={"Depth": "1"}, timeout=10
            )
            healthy = answer.status_code in (200, 207)
        except httpx.HTTPError:
            healthy = False
        if healthy:
            self.text(200, "OK - the storage is accessible")
        else:
            self.text(500, "Unhealthy! - the storage is not accessible")


class IndexHandler(DownloadServiceHandler):
    def get(self) -> None:
        name = html.escape(self.current_user.name)
        self.text(200, f"<p>ctadata development download service: hello {name}</p>")


def _entry(response: Any, list_url: str) -> dict[str, str]:
    """One list entry from one PROPFIND `<response>`, as the deployed service builds it."""
    keys = {f"{DAV}getcontentlength": "size", f"{DAV}getlastmodified": "mtime"}
    entry = {
        keys[e.tag]: e.text or ""
        for propstat in response.iter(f"{DAV}propstat")
        if _found(propstat.findtext(f"{DAV}status"))
        for e in propstat.iter()
        if e.tag in keys
    }
    entry["href"] = BASE_PATH_RE.sub("", response.findtext(f"{DAV}href") or "")
    entry["url"] = list_url + entry["href"]
    entry["type"] = "directory" if entry["href"].endswith("/") else "file"
    return entry


def _found(status: str | None) -> bool:
    """A `<propstat>` of properties the storage has (not its "404 Not Found" for the rest)."""
    return status is None or " 200 " in status


def list_entries(multistatus: bytes, list_url: str) -> list[dict[str, str]]:
    """The JSON of `list` from the storage's PROPFIND answer.

    The hrefs stay as the storage wrote them, percent-encoding included (`a%20b.h5`): the
    deployed service passes them on as they are.
    """
    root = ElementTree.fromstring(multistatus)
    return [_entry(r, list_url) for r in root.iter(f"{DAV}response")]


class ListHandler(DownloadServiceHandler):
    async def get(self, path: str = "") -> None:
        if self.refuse_dotdot(path):
            return
        if not self.may_read(path):
            self.text(403, f"Error: 403 {storage_error_page(403, 'Forbidden', path)}")
            return
        answer = await self.state.http.request(
            "PROPFIND",
            self.state.storage(path),
            headers={"Depth": "1", "Content-Type": "application/xml"},
            content=LIST_PROPERTIES,
        )
        if answer.status_code not in (200, 207):
            body = answer.content.decode(errors="replace")
            self.text(answer.status_code, f"Error: {answer.status_code} {body}")
            return
        list_url = f"{self.request.protocol}://{self.request.host}{DOWNLOAD_PREFIX}/list/"
        self.json(200, list_entries(answer.content, list_url))

    post = get


def content_disposition(filename: str) -> str:
    try:
        filename.encode("latin-1")
    except UnicodeEncodeError:
        # Not sayable in a plain header value: the RFC 6266 form for non-Latin-1 names.
        return f"attachment; filename*=UTF-8''{quote(filename)}"
    return f"attachment; filename={filename}"


class FetchHandler(DownloadServiceHandler):
    async def get(self, path: str = "") -> None:
        if self.refuse_dotdot(path):
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.set_header("Content-Disposition", content_disposition(os.path.basename(path)))
        if not self.may_read(path):
            # Quirk kept: what the storage refuses still comes back as a 200 body.
            await self.send_chunks(_one(storage_error_page(403, "Forbidden", path).encode()))
            return
        # No Range is passed on: the deployed service always fetches the whole file.
        request = self.state.http.build_request("GET", self.state.storage(path))
        answer = await self.state.http.send(request, stream=True)
        try:
            # Quirk kept: the storage's status is not passed on; its error page is the body.
            await self.send_chunks(answer.aiter_raw(self.chunk_size()))
        finally:
            await answer.aclose()

    post = get

    async def send_chunks(self, chunks: AsyncIterator[bytes]) -> None:
        """Stream a body: headers first (so no Content-Length, chunked), then each chunk once
        the previous one has gone out, which keeps memory flat for a slow client."""
        try:
            await self.flush()
            async for chunk in chunks:
                self.write(chunk)
                await self.flush()
        except StreamClosedError:
            return  # the client went away; closing the storage answer ends the transfer
        self.finish()


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


@tornado.web.stream_request_body
class UploadHandler(StreamedBodyHandler, DownloadServiceHandler):
    """`POST upload/<path>`: the body is piped to the storage's PUT as it arrives."""

    async def prepare(self) -> None:
        await super().prepare()
        path = self.route_path()
        if self.answered or self.refuse_dotdot(path):
            return
        if not path:
            # The deployed view fails on a missing path: an internal error, as there.
            self.text(500, INTERNAL_ERROR_PAGE)
            return
        area = await self.upload_folder()
        if area is None:
            self.text(403, "Access denied: missing rights to upload files")
            return
        user_dir = join_path(area, "users", self.current_user.folder_name)
        # The user's folder is made (405 when it exists already), but nothing below it.
        await self.state.http.request("MKCOL", self.state.storage(user_dir + "/"))
        self.target = join_path(user_dir, path)
        self.pipe.consumer = asyncio.ensure_future(self.send_to_storage())

    async def send_to_storage(self) -> httpx.Response:
        headers = {}
        length = self.request.headers.get("Content-Length")
        if length is not None:
            headers["Content-Length"] = length  # else the storage gets it chunked
        url = self.state.storage(self.target)
        return await self.state.http.put(url, content=self.pipe.chunks(), headers=headers)

    async def post(self, path: str = "") -> None:
        answer = await self.storage_answer()
        if answer is None:
            return
        # 204 is what a WebDAV server answers when it overwrote a file: also a success.
        if answer.status_code not in (200, 201, 204):
            body = answer.content.decode(errors="replace")
            self.text(answer.status_code, f"Error: {answer.status_code} {body}")
            return
        written = self.pipe.sent
        self.json(200, {"status": "uploaded", "path": self.target, "total_written": written})

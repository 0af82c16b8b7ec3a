"""What every handler of the development services shares: state, token checks, storage paths.

Authentication follows the deployed services (docs/protocol.md): the token comes from the session
cookie, `?token=` or `Authorization: Bearer`, in that order; a missing, unknown or expired token
gets `401` JSON when the request says `Content-Type: application/json` and a `302` to the hub's
login page otherwise; a valid token without the service's scope gets `403` with a text body.
Who holds a token is asked of `ServiceState.tokens`: the user table, or the hub (hubauth.py).
"""

from __future__ import annotations

import asyncio
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import tornado.web

from ..config import MAX_UPLOAD_BYTES
from ..transfer.pipe import BodyPipe
from .users import TokenChecker, User

DOWNLOAD_PREFIX = "/services/downloadservice"
CERTIFICATE_PREFIX = "/services/certificateservice"
HUB_PREFIX = "/hub"
SESSION_COOKIE = "ctadata-dev-session"
UPLOAD_FOLDERS = ("lst", "cta")
TEXT = "text/html; charset=UTF-8"  # what the deployed (Flask) services send with text bodies
# The deployed services' answer to a valid token without their scope, word for word.
SCOPE_REFUSED = (
    "Access denied, token scopes are insufficient. If you need access to this service, "
    "please contact CTA-CH DC team at EPFL."
)


@dataclass
class ServiceState:
    """Shared by all handlers; lives as long as the application."""

    tokens: TokenChecker
    storage_url: str  # ends with /pnfs/cta.cscs.ch/
    state_dir: Path
    ca_cert: Path
    http: httpx.AsyncClient
    # The deployed service's fixed cost of every request (token check, certificate, TLS).
    request_overhead: float = 0.0  # seconds
    # A test mode: refuse the open-ended `Range: bytes=N-` through `webdav/` (webdav.py).
    refuse_open_ranges: bool = False

    def storage(self, path: str) -> str:
        """The storage URL of a path relative to the storage root (decoded, `/`-separated)."""
        return self.storage_url + quote(path.lstrip("/"), safe="/")


def has_dotdot(path: str) -> bool:
    # Any `..`, even inside a name, as the deployed service checks it.
    return ".." in path


def join_path(*parts: str) -> str:
    """Join path parts, ignoring empty ones and their outer slashes (the services' rule)."""
    return "/".join(p.strip("/") for p in parts if p and p.strip("/"))


def area_of(path: str) -> str:
    return path.strip("/").split("/", 1)[0]


def storage_error_page(status: int, reason: str, path: str) -> str:
    """An error page like the storage's own, for refusals the storage would make itself.

    In production the storage refuses a user who may not read an area (it checks the user's
    certificate); here the service makes that decision, and answers with the same kind of page.
    """
    title = html.escape(f"{status} {reason}")
    return (
        "<!DOCTYPE html>\n<html><head><title>"
        f"{title}</title></head><body>\n<h1>{title}</h1>\n"
        f"<p>{title}: /{html.escape(path.lstrip('/'))}</p>\n</body></html>\n"
    )


class BaseHandler(tornado.web.RequestHandler):
    @property
    def state(self) -> ServiceState:
        return self.settings["ctadata_state"]

    async def prepare(self) -> None:
        # Every request of the deployed service checks the hub token, fetches the user's
        # certificate, writes it to a temporary folder and opens a new TLS session to the
        # storage before anything else: `--request-overhead` stands for that cost.
        if self.state.request_overhead > 0:
            await asyncio.sleep(self.state.request_overhead)

    def compute_etag(self) -> str | None:
        # No tornado-made ETags: they would differ from the storage's, and a matching
        # If-None-Match would turn an answer into a 304 the services never send.
        return None

    def answer(
        self, status: int, content_type: str, body: str | bytes, location: str | None = None
    ) -> None:
        self.set_status(status)
        self.set_header("Content-Type", content_type)
        if location is not None:
            self.set_header("Location", location)
        self.finish(body)

    def text(self, status: int, body: str) -> None:
        self.answer(status, TEXT, body)

    def json(self, status: int, data: Any) -> None:
        self.answer(status, "application/json", json.dumps(data))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", TEXT)
        self.finish(f"{status_code}: {self._reason}")

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # Keep expected HTTP errors out of the log; real failures still go through.
        if not isinstance(value, tornado.web.HTTPError):
            super().log_exception(typ, value, tb)


# What Flask answers for a URL that no route matches (`list/`, `upload/`, ...).
NOT_FOUND_PAGE = (
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    "<p>The requested URL was not found on the server. If you entered the URL manually please"
    " check your spelling and try again.</p>\n"
)
# What Flask answers when a view fails (`POST upload` without a path does).
INTERNAL_ERROR_PAGE = (
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was"
    " unable to complete your request. Either the server is overloaded or there is an error"
    " in the application.</p>\n"
)


class NotFoundHandler(BaseHandler):
    """Every method on a URL that no route matches: Flask's 404, before any token check."""

    SUPPORTED_METHODS = (
        *tornado.web.RequestHandler.SUPPORTED_METHODS,
        *("PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "TRACE"),
    )

    async def prepare(self) -> None:
        await super().prepare()
        self.text(404, NOT_FOUND_PAGE)

    def check_xsrf_cookie(self) -> None:
        return None


class AuthenticatedHandler(BaseHandler):
    """A handler of one of the services: the token must be valid and carry `scope`."""

    scope: str = ""
    current_user: User

    def request_token(self) -> str | None:
        header = self.request.headers.get("Authorization", "")
        bearer = header[len("Bearer ") :].strip() if header.startswith("Bearer ") else None
        return self.get_cookie(SESSION_COOKIE) or self.get_query_argument("token", None) or bearer

    def wants_json(self) -> bool:
        content_type = self.request.headers.get("Content-Type", "")
        return content_type.split(";")[0].strip().lower() == "application/json"

    async def prepare(self) -> None:
        await super().prepare()
        user = await self.state.tokens.user_for_token(self.request_token())
        if user is None:
            self.refuse_unauthenticated()
        elif not user.has_scope(self.scope):
            self.text(403, SCOPE_REFUSED)
        else:
            self.current_user = user

    def refuse_unauthenticated(self) -> None:
        if self.wants_json():
            self.json(401, {"message": "Invalid or missing Bearer token"})
            return
        # A browser is sent to log in and come back; the query (it may hold ?token=) is dropped.
        login = f"{HUB_PREFIX}/login?{urlencode({'next': self.request.path})}"
        self.answer(302, TEXT, "", location=login)

    def may_read(self, path: str) -> bool:
        """Reading is allowed in the user's areas; the storage root itself may be listed."""
        area = area_of(path)
        return area == "" or self.current_user.may_read(area)

    def own_folders(self) -> list[str]:
        """`<area>/users/<user>/` for each upload area the user may read."""
        name = self.current_user.folder_name
        return [f"{a}/users/{name}/" for a in UPLOAD_FOLDERS if self.current_user.may_read(a)]

    async def upload_folder(self) -> str | None:
        """The first of `lst`, `cta` whose `users/` folder the user can list, else None."""
        for area in UPLOAD_FOLDERS:
            if not self.current_user.may_read(area):
                continue
            answer = await self.state.http.request(
                "PROPFIND", self.state.storage(f"{area}/users/"), headers={"Depth": "0"}
            )
            if answer.status_code in (200, 207):
                return area
        return None


class StreamedBodyHandler(AuthenticatedHandler):
    """Base of the `stream_request_body` handlers: the body goes through `self.pipe`.

    An answer given before the request body was read (a refusal in `prepare`) is held back
    until the body has been read and dropped. tornado would otherwise close the connection
    after answering: under a client still sending its body, which then sees a reset instead
    of the answer, or under a client about to reuse the connection for its next request.
    """

    held: tuple[int, str, str | bytes, str | None] | None = None
    body_done = False

    def initialize(self) -> None:
        self.pipe = BodyPipe()

    async def prepare(self) -> None:
        # Bodies are streamed, never held: uploads of many GB must pass.
        # An HTTP1Connection, which tornado's typing of `connection` (its interface) does not say.
        self.request.connection.set_max_body_size(MAX_UPLOAD_BYTES)  # type: ignore[union-attr]
        await super().prepare()

    def has_body(self) -> bool:
        headers = self.request.headers
        chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
        return chunked or int(headers.get("Content-Length", "0") or "0") > 0

    def answer(
        self, status: int, content_type: str, body: str | bytes, location: str | None = None
    ) -> None:
        if not self.body_done:
            self.held = (status, content_type, body, location)
            return
        super().answer(status, content_type, body, location)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # An error before the body was read (tornado's own 405 for DELETE, MOVE, ...) ends
        # the connection: say so, so that the client does not reuse it.
        if not self.body_done:
            self.set_header("Connection", "close")
        super().write_error(status_code, **kwargs)

    @property
    def answered(self) -> bool:
        return self._finished or self.held is not None

    async def data_received(self, chunk: bytes) -> None:
        await self.pipe.feed(chunk)  # dropped when nothing consumes it (after a refusal)

    def release_held(self) -> bool:
        """First thing of a method handler, the body being read: send a held answer, if any."""
        self.body_done = True
        if self.held is None:
            return False
        super().answer(*self.held)
        return True

    async def storage_answer(self) -> httpx.Response | None:
        """The storage's answer to the piped request, once the body has been read.

        None when an answer was already sent: a held refusal, or the storage failing.
        """
        if self.release_held():
            return None
        await self.pipe.close()
        assert self.pipe.consumer is not None  # started when the body began (`prepare`)
        try:
            return await self.pipe.consumer
        except httpx.HTTPError as e:
            self.text(500, f"Error: the storage failed: {type(e).__name__}")
            return None

    def on_connection_close(self) -> None:
        self.pipe.abort()

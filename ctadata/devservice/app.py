"""The development services as one tornado application, on one port:

    /services/downloadservice/...    list, fetch, upload, webdav, health, storage-status
    /services/certificateservice/... certificate, main-certificate, health
    /hub/login                       where unauthenticated browsers are sent (302)
    /hub/api/user                    JupyterHub's "who am I" for a token

It is a development server: tokens come from a small table (users.py), the storage is the local
WebDAV server of storage.py. Everything else follows docs/protocol.md, routing and quirks included.
As hub services (tokens checked by a real JupyterHub, hubauth.py), the hub serves `/hub/` itself.
"""

from __future__ import annotations

import html
from pathlib import Path

import httpx
import tornado.log
import tornado.web

from . import certificate_service, download
from .base import (
    CERTIFICATE_PREFIX,
    DOWNLOAD_PREFIX,
    HUB_PREFIX,
    SESSION_COOKIE,
    TEXT,
    BaseHandler,
    NotFoundHandler,
    ServiceState,
)
from .users import TokenChecker, UserTable
from .webdav import WebDAVHandler

LOGIN_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ctadata development hub: log in</title></head>
<body><h1>ctadata development service</h1>
<p>This is a local development server. Log in with a token of its user table
(the built-in demo token is <code>ctadata-dev-token</code>).</p>
<p>{error}</p>
<form method="post" action="{action}">
<input type="hidden" name="next" value="{next}">
<label>Token <input type="password" name="token" autofocus></label>
<button type="submit">Log in</button>
</form></body></html>
"""


def _safe_next(target: str) -> str:
    # Only paths on this server: never an open redirect to somewhere else.
    return target if target.startswith("/") and not target.startswith("//") else "/hub/login"


class TableHandler(BaseHandler):
    """A stand-in for a page of the hub, answered from the user table."""

    def initialize(self, table: UserTable) -> None:
        self.table = table


class LoginHandler(TableHandler):
    """A stand-in for the hub's login page: a token in, a session cookie out."""

    def get(self) -> None:
        self.page(200, "")

    def post(self) -> None:
        user = self.table.by_token(self.get_body_argument("token", ""))
        if user is None:
            self.page(403, "Unknown or expired token.")
            return
        # The cookie holds the token itself: good enough for a server that only sees localhost.
        self.set_cookie(SESSION_COOKIE, user.token, httponly=True, samesite="Strict")
        self.redirect(_safe_next(self.get_body_argument("next", "")))

    def check_xsrf_cookie(self) -> None:
        return None  # nothing to protect: this form only logs in

    def page(self, status: int, error: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", TEXT)
        self.finish(
            LOGIN_PAGE.format(
                error=html.escape(error),
                action=f"{HUB_PREFIX}/login",
                next=html.escape(self.get_argument("next", "")),
            )
        )


class HubUserHandler(TableHandler):
    """`GET /hub/api/user`: the owner of a token, as JupyterHub's REST API tells it."""

    def get(self) -> None:
        header = self.request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            token = ""
        user = self.table.by_token(token.strip())
        if user is None:
            self.json(403, {"status": 403, "message": "Missing or invalid credentials."})
            return
        self.json(
            200,
            {"kind": "user", "name": user.name, "admin": user.admin, "scopes": list(user.scopes)},
        )


def make_app(
    tokens: TokenChecker,
    storage_url: str,
    state_dir: Path,
    ca_cert: Path,
    *,
    request_overhead: float = 0.0,
    refuse_open_ranges: bool = False,
) -> tornado.web.Application:
    """The application; its httpx client is made here, so call this inside the running loop.

    `request_overhead`: seconds every request waits first, as the deployed service's fixed
    cost; `refuse_open_ranges`: a test mode of `webdav/` (see `ServiceState`). With a
    `UserTable`, it also stands in for the hub's login page and user API."""
    http = httpx.AsyncClient(
        timeout=httpx.Timeout(300, connect=10),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )
    state = ServiceState(
        tokens, storage_url, state_dir, ca_cert, http, request_overhead, refuse_open_ranges
    )
    ds, cs = DOWNLOAD_PREFIX, CERTIFICATE_PREFIX
    routes: list[tuple] = [
        (rf"{ds}/?", download.IndexHandler),
        (rf"{ds}/health", download.HealthHandler),
        (rf"{ds}/storage-status", download.StorageStatusHandler),
        *endpoint_routes(f"{ds}/list", download.ListHandler),
        *endpoint_routes(f"{ds}/fetch", download.FetchHandler),
        *endpoint_routes(f"{ds}/upload", download.UploadHandler),
        *endpoint_routes(f"{ds}/webdav", WebDAVHandler),
        (rf"{cs}/health", certificate_service.HealthHandler),
        (rf"{cs}/certificate", certificate_service.CertificateHandler),
        (rf"{cs}/main-certificate", certificate_service.MainCertificateHandler),
    ]
    if isinstance(tokens, UserTable):
        table = {"table": tokens}
        routes += [
            (rf"{HUB_PREFIX}/login", LoginHandler, table),
            (rf"{HUB_PREFIX}/api/user", HubUserHandler, table),
        ]
    return tornado.web.Application(
        routes,
        ctadata_state=state,
        log_function=_quiet_log,
        default_handler_class=NotFoundHandler,
    )


def endpoint_routes(prefix: str, handler: type[tornado.web.RequestHandler]) -> list[tuple]:
    """The deployed service's two routes of an endpoint: `<endpoint>` (the storage root) and
    `<endpoint>/<path>` with a non-empty path. `<endpoint>/` matches neither: 404."""
    return [(prefix, handler), (prefix + "/(.+)", handler)]


def _quiet_log(handler: tornado.web.RequestHandler) -> None:
    # Access logs at debug level only, and without the query: it may hold a `?token=`.
    request = handler.request
    tornado.log.access_log.debug(
        "%d %s %s %.1fms",
        handler.get_status(),
        request.method,
        request.path,
        1000 * request.request_time(),
    )

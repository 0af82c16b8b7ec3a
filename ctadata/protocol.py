"""The download- and certificate-service protocol, written once (docs/protocol.md).

Request building, the auth header, response checking and error mapping live here, free of
I/O. Multi-step operations are generator "flows" that yield `httpx.Request`s and receive
`httpx.Response`s (read in full); `ctadata.client` drives them with `httpx.Client`,
`ctadata.aclient` with `httpx.AsyncClient`, so sync and async share one implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from . import jsonitems
from .config import Settings, check_token
from .entry import Entry
from .errors import (
    AuthenticationError,
    CertificateError,
    CtadataError,
    InvalidPath,
    NotFound,
    PermissionDenied,
    StorageException,
    TransferError,
    register_secret,
)
from .http import (
    REDIRECT_STATUSES,
    USER_AGENT,
    byte_range,
    check_response,
    is_refusal,
    response_reason,
    short_reason,
)
from .paths import clean_remote, remote_join, user_folder_name
from .transfer.checksum import WANT_DIGEST, digest_of

T = TypeVar("T")
Flow = Generator[httpx.Request, httpx.Response, T]

UPLOAD_AREAS = ("lst", "cta")
# A file this small comes through `webdav/` (which holds each answer whole, twice), not `fetch/`:
# at 1 MiB the request's fixed cost outweighs the bytes it moves.
SMALL_FILE = 1024 * 1024
UNASKABLE = (404, 405, 501)  # a HEAD through `webdav/` is not offered: no checksum to compare


def run_flow(flow: Flow[T], send: Callable[[httpx.Request], httpx.Response]) -> T:
    """Drive `flow` synchronously: `send` each request it yields, hand back each response."""
    try:
        request = next(flow)
        while True:
            request = flow.send(send(request))
    except StopIteration as stop:
        return stop.value


class UnknownUploadFolder(NotFound):
    """No source tells the user's upload folder (no hub user, no hub API, no earlier upload)."""


def folder_from_answer(answer: dict[str, Any], path: str) -> str | None:
    """The user folder an upload's answer reveals: its `path` is `<folder><path>`."""
    stored = str(answer.get("path", ""))
    if path and stored.endswith("/" + path):
        return stored[: -len(path)]
    return None


def missing_parent(exc: CtadataError, path: str) -> str | None:
    """The parent directory of an upload that failed because it does not exist (HTTP 409)."""
    parent = path.rpartition("/")[0]
    if isinstance(exc, StorageException) and exc.status == 409 and parent:
        return parent + "/"
    return None


def no_parent_error(path: str, parent: str) -> NotFound:
    """The folder an upload needs is missing, and this client cannot tell where to make it."""
    return NotFound(
        f"upload of {path!r}: the folder {parent!r} does not exist in your upload folder, and"
        " ctadata cannot create it without knowing that folder's name (no JUPYTERHUB_USER, no"
        " JUPYTERHUB_API_URL, no earlier upload). Create it once, parents first, e.g. with"
        f" ctadata.webdav4_client().mkdir('<area>/users/<you>/{parent}'), or set"
        " JUPYTERHUB_USER to your hub user name, and upload again",
        path=path,
        status=409,
    )


class Protocol:
    """Builds requests for one `Settings` and maps responses to results or errors.

    `token`: where the token comes from when each request is built (a client's, which may be
    read from the environment), instead of `settings.token`.
    """

    def __init__(self, settings: Settings, token: Callable[[], str | None] | None = None):
        self.settings = settings
        self._token = token

    @property
    def token(self) -> str | None:
        if self._token is None:
            return self.settings.token
        token = self._token()
        check_token(token)
        register_secret(token)
        return token

    # -- requests ---------------------------------------------------------------------------
    def _headers(self, json_body: bool = True) -> dict[str, str]:
        token = self.token
        if not token:
            raise AuthenticationError(
                "not authenticated: no token (set JUPYTERHUB_API_TOKEN or pass token=...)"
            )
        headers = {"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}
        if json_body:
            # With this content type the services answer 401 JSON instead of a login redirect.
            headers["Content-Type"] = "application/json"
        return headers

    def url(self, endpoint: str, path: str = "") -> str:
        """`<endpoint>/<path>`, and `<endpoint>` alone for the storage root: the deployed
        service routes no `<endpoint>/` (404; docs/protocol.md, "Routing")."""
        url = self.settings.downloadservice + endpoint
        return f"{url}/{quote(path, safe='/')}" if path else url

    def list_request(self, path: str) -> httpx.Request:
        return httpx.Request("GET", self.url("list", clean_remote(path)), headers=self._headers())

    def fetch_request(self, path: str) -> httpx.Request:
        """The whole file, streamed by `fetch/` (which ignores `Range`: none is sent)."""
        return httpx.Request(
            "GET",
            self.url("fetch", clean_remote(path)),
            params={"chunk_size": self.settings.chunk_size},
            headers=self._headers(json_body=False),
        )

    def upload_request(self, path: str, content: Any, size: int | None = None) -> httpx.Request:
        """A streamed upload; with `size`, sent with a Content-Length rather than chunked."""
        path = clean_remote(path)
        if not path or path.endswith("/"):
            raise InvalidPath(f"upload path {path!r} names no file", path=path)
        headers = self._headers(json_body=False)
        headers["Content-Type"] = "application/octet-stream"
        if size is not None:
            headers["Content-Length"] = str(size)
        return httpx.Request(
            "POST",
            self.url("upload", path),
            params={"chunk_size": self.settings.chunk_size},
            headers=headers,
            content=content,
        )

    def webdav_request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> httpx.Request:
        all_headers = self._headers(json_body=False) | (headers or {})
        return httpx.Request(method, self.url("webdav", clean_remote(path)), headers=all_headers)

    def range_request(self, path: str, start: int) -> httpx.Request:
        """GET of one window of bytes from `start` on (`Settings.range_window`) through
        `webdav/`, which passes `Range` on to the storage (`fetch/` ignores it). Never more:
        the service holds each answer whole in memory. The 206 says which bytes came (the
        window stops at the end of the file); the caller asks for the next."""
        end = start + self.settings.range_window
        return self.webdav_request("GET", path, byte_range(start, end))

    def download_request(
        self, path: str, offset: int = 0, size: int | None = None
    ) -> httpx.Request:
        """A download from byte `offset` on: the whole file from `fetch/` (streamed), the rest
        of it window after window through `webdav/` (resumed, or retried after a failure), each
        window asking the storage's adler32 (`Want-Digest`), which `fetch/` cannot pass on.

        A file of at most `SMALL_FILE` bytes (its listed `size`) comes whole in one window
        through `webdav/` with its adler32: one request, where `fetch/` needs a HEAD besides, so
        a folder of small files costs the service one request a file, not two."""
        if not offset and not (size is not None and 0 < size <= SMALL_FILE):
            return self.fetch_request(path)
        request = self.range_request(path, offset)
        request.headers.update(WANT_DIGEST)
        return request

    def digest_request(self, path: str) -> httpx.Request:
        """HEAD through `webdav/` asking the storage's adler32 (`fetch/` passes no header on)."""
        return self.webdav_request("HEAD", path, WANT_DIGEST)

    def certificate_request(self, endpoint: str, payload: dict[str, Any]) -> httpx.Request:
        url = self.settings.certificateservice + endpoint
        return httpx.Request("POST", url, json=payload, headers=self._headers())

    def hub_user_request(self, hub_api_url: str) -> httpx.Request:
        """JupyterHub's `GET <api>/user`: who owns the token (for the upload folder name)."""
        return httpx.Request("GET", hub_api_url.rstrip("/") + "/user", headers=self._headers())

    # -- responses --------------------------------------------------------------------------
    def check(self, response: httpx.Response, action: str, path: str) -> None:
        """Raise the matching `CtadataError` unless the response is a success."""
        check_response(response, action, path, token=self.token)

    def reason(self, response: httpx.Response) -> str:
        return response_reason(response, self.token)

    def parse_listing(self, response: httpx.Response, path: str) -> list[dict[str, Any]]:
        self.check(response, "list", path)
        try:
            listing = jsonitems.loads(response.content.decode("utf-8"))
        except ValueError as exc:
            raise StorageException(
                f"list {path!r}: the service answered something that is not JSON", path=path
            ) from exc
        if not isinstance(listing, list):
            shown = short_reason(repr(listing), self.token, limit=200)
            raise StorageException(
                f"list {path!r}: the service sent something unexpected: {shown}", path=path
            )
        return listing

    @staticmethod
    def parse_entries(listing: list[Any], path: str) -> list[Entry]:
        """The entries of a listing; one without a usable href, size or mtime is an error."""
        try:
            return [Entry.from_service(raw) for raw in listing]
        except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
            raise StorageException(
                f"list {path!r}: the service sent something unexpected: an entry without a"
                f" valid href, size or mtime ({type(exc).__name__})",
                path=path,
            ) from None

    def upload_answer(
        self, response: httpx.Response, path: str, size: int | None
    ) -> dict[str, Any]:
        """The service's JSON for an upload; a stored size other than `size` is an error."""
        self.check(response, "upload", path)
        answer = response.json()
        if size is not None and int(answer.get("total_written", -1)) != size:
            raise TransferError(
                f"upload of {path!r}: the service stored {answer.get('total_written')}"
                f" of {size} bytes",
                path=path,
            )
        return answer

    # -- flows ------------------------------------------------------------------------------
    def list_flow(self, path: str) -> Flow[list[dict[str, Any]]]:
        response = yield self.list_request(path)
        return self.parse_listing(response, path)

    def stat_flow(self, path: str) -> Flow[Entry]:
        listing = yield from self.list_flow(path)
        if not listing:
            raise NotFound(f"list {path!r}: no such file or directory", path=path)
        return self.parse_entries(listing[:1], path)[0]

    def entries_flow(self, path: str) -> Flow[list[Entry]]:
        """The children of a directory (the directory itself dropped), or the file itself."""
        listing = self.parse_entries((yield from self.list_flow(path)), path)
        # The listed directory comes first; the storage root comes as a "file" named "".
        if listing and (listing[0].is_dir or listing[0].path == ""):
            return listing[1:]
        return listing

    def adler32_flow(self, path: str) -> Flow[str | None]:
        """The storage's adler32 of the file `path`, or None where it gives none (or where the
        service cannot be asked: no HEAD through its `webdav/`)."""
        response = yield self.digest_request(path)
        if response.status_code in UNASKABLE:
            return None
        self.check(response, "checksum of", path)
        return digest_of(response.headers)

    def upload_folder_flow(self, hub_user: str | None, hub_api_url: str | None) -> Flow[str]:
        """`<area>/users/<user>/`: where uploads land (the first area whose `users/` lists).

        The user comes from `hub_user` (`JUPYTERHUB_USER`), else from the hub's API at
        `hub_api_url` (`JUPYTERHUB_API_URL`); without either there is no way to know it
        (clients also learn the folder from an upload's answer: `folder_from_answer`).
        """
        if hub_user is None:
            if not hub_api_url:
                raise UnknownUploadFolder(
                    "the name of your upload folder is unknown: set JUPYTERHUB_USER to your"
                    " hub user name (or JUPYTERHUB_API_URL to the hub's API), or upload a"
                    " file first: the service's answer names the folder"
                )
            response = yield self.hub_user_request(hub_api_url)
            self.check(response, "ask the hub who owns the token", "")
            hub_user = str(response.json()["name"])
        for area in UPLOAD_AREAS:
            response = yield self.list_request(f"{area}/users/")
            if response.status_code == 200:
                return f"{area}/users/{user_folder_name(hub_user)}/"
            if is_refusal(response.status_code):
                self.check(response, "list", f"{area}/users/")
        raise PermissionDenied("no upload folder: neither lst/users/ nor cta/users/ can be listed")

    def mkdirs_flow(self, folder: str, relative_dir: str) -> Flow[None]:
        """Create `folder/relative_dir/` and its missing parents (the service creates none)."""
        current = folder
        for part in clean_remote(relative_dir).strip("/").split("/"):
            if not part:
                continue
            parent, current = current, remote_join(current, part) + "/"
            response = yield self.webdav_request("MKCOL", current)
            if response.status_code == 409 and parent == folder:
                # The user folder itself is missing: the service makes it on a first upload
                # only. Make it, then the directory again.
                made = yield self.webdav_request("MKCOL", folder)
                if made.status_code != 405:
                    self.check(made, "create directory", folder)
                response = yield self.webdav_request("MKCOL", current)
            if response.status_code != 405:  # 405: it exists already
                self.check(response, "create directory", current)

    def personal_certificate_flow(
        self, pem: str, certificate_key: str, user: str | None = None
    ) -> Flow[dict[str, Any]]:
        """Store one's own short-lived certificate for the storage area `certificate_key`."""
        payload = {"certificate": pem, "certificate_key": certificate_key, "user": user}
        return self.certificate_flow("certificate", payload)

    def shared_certificate_flow(self, pem: str) -> Flow[dict[str, Any]]:
        """Store the shared robot certificate (admins only)."""
        return self.certificate_flow("main-certificate", {"certificate": pem})

    def certificate_flow(self, endpoint: str, payload: dict[str, Any]) -> Flow[dict[str, Any]]:
        response = yield self.certificate_request(endpoint, payload)
        # A 401 from main-certificate also means "not an admin": report the service's words.
        if response.status_code in REDIRECT_STATUSES or (
            response.status_code == 401 and endpoint != "main-certificate"
        ):
            self.check(response, "upload certificate", "")
        if response.status_code != 200:
            raise CertificateError(
                f"the certificate service refused the certificate: {self.reason(response)}"
                f" (HTTP {response.status_code})",
                status=response.status_code,
            )
        return response.json()

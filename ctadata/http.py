"""What every HTTP endpoint shares: the User-Agent, the bearer token's header, the Range header,
and a failed response as a `CtadataError`.

The download service, the certificate service and dCache itself (`ctadata.direct`) all answer
through `check_response`; only who refused (`server`) and what to do about a refused token
(`auth_hint`) differ.
"""

from __future__ import annotations

import html
import re
from collections.abc import Generator, Iterator
from typing import Any

import httpx

from ._version import __version__
from .config import check_token
from .errors import (
    AuthenticationError,
    CtadataError,
    InvalidPath,
    NoServiceAccess,
    NotFound,
    PermissionDenied,
    StorageException,
    register_secret,
)

USER_AGENT = f"ctadata/{__version__}"
# A refused token: the services answer with a redirect to the hub's login page.
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
AUTH_HINT = "get a fresh JupyterHub API token"
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


class BearerAuth(httpx.Auth):
    """Puts a token in the Authorization header, and nowhere else.

    `token` is a string or a callable returning a fresh one (short-lived OIDC tokens).
    """

    def __init__(self, token: Any):
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        bearer(request, self._token() if callable(self._token) else self._token)
        yield request


def bearer(request: httpx.Request, token: str | None) -> None:
    """Put `token` in the Authorization header of `request` (none if it is empty), once it is
    known to fit in a header and to be scrubbed from every message."""
    check_token(token)
    register_secret(token)
    if token:
        request.headers["Authorization"] = f"Bearer {token}"


def byte_range(start: int, end: int) -> dict[str, str]:
    """The header asking for bytes `start` to `end` (exclusive): always a bounded window.

    An open-ended `bytes=N-` is never asked through the service's `webdav/`, which would hold
    the whole rest of the file in memory before sending its first byte (docs/protocol.md).
    """
    if not 0 <= start < end:
        raise ValueError(f"no bytes in the range {start}-{end}")
    return {"Range": f"bytes={start}-{end - 1}"}


def windows(start: int, end: int, window: int) -> Iterator[tuple[int, int]]:
    """`start` to `end` (exclusive) cut into consecutive spans of at most `window` bytes."""
    for low in range(start, end, window):
        yield low, min(low + window, end)


def is_refusal(status: int) -> bool:
    """The token was refused: a login redirect, or 401."""
    return status in REDIRECT_STATUSES or status == 401


def short_reason(body: str, *secrets: str | None, limit: int = 300) -> str:
    """A one-line reason from a server's body: tags stripped, secrets scrubbed, length capped."""
    text = _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", body))).strip()
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def sent_token(response: httpx.Response) -> str | None:
    """The bearer token the request of `response` carried, if any (to scrub it from messages)."""
    try:
        header = response.request.headers.get("Authorization", "")
    except RuntimeError:  # a response built without a request
        return None
    return header[len("Bearer ") :] if header.startswith("Bearer ") else None


def response_reason(response: httpx.Response, token: str | None = None) -> str:
    """The reason a server gave, in one line, with the token (given or sent) scrubbed."""
    try:
        body = response.text
    except httpx.ResponseNotRead:
        body = ""
    if response.headers.get("content-type", "").startswith("application/json"):
        try:
            body = str(response.json().get("message", body))
        except (ValueError, AttributeError):
            pass
    return short_reason(body, token, sent_token(response)) or response.reason_phrase


# What the deployed service's 403 says when the token lacks its scope (PROTOCOL.md), as against
# a 403 about one path.
SCOPE_REFUSED = "token scopes are insufficient"


def check_response(
    response: httpx.Response,
    action: str,
    path: str,
    *,
    token: str | None = None,
    server: str = "the service",
    auth_hint: str = AUTH_HINT,
) -> None:
    """Raise the matching `CtadataError` unless the response is a success.

    Shared by every endpoint: the download service and dCache itself (`ctadata.direct`) say
    who refused (`server`) and what to do about a refused token (`auth_hint`).
    """
    status = response.status_code
    if status < 300:
        return
    where = f"{action} {path!r}" if path else action
    if is_refusal(status):
        raise AuthenticationError(
            f"{where}: not authenticated: {server} refused the token"
            f" (missing, invalid or expired); {auth_hint}",
            path=path,
            status=status,
        )
    if status == 404:
        raise NotFound(f"{where}: no such file or directory (HTTP 404)", path=path, status=404)
    error_class: type[CtadataError] = {
        400: InvalidPath,
        403: PermissionDenied,
    }.get(status, StorageException)
    reason = response_reason(response, token)
    if status == 403 and SCOPE_REFUSED in reason:
        error_class = NoServiceAccess
    raise error_class(f"{where}: {reason} (HTTP {status})", path=path, status=status)

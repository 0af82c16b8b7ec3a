"""The one exception hierarchy of ctadata.

Every message names the remote path and the service's reason; none ever holds the token
(messages are built from paths and response bodies, and bodies are scrubbed of it).
"""

from __future__ import annotations

_SECRETS: set[str] = set()  # the tokens in use in this process


MIN_SECRET_LENGTH = 8  # shorter "tokens" (tests, typos) would scrub ordinary words


def register_secret(secret: str | None) -> None:
    """Scrub `secret` from every message of a `CtadataError` (and from `scrub`) from now on."""
    if secret and len(secret) >= MIN_SECRET_LENGTH:
        _SECRETS.add(secret)


def scrub(text: str) -> str:
    """`text` with every registered token (as given, or as `repr` escapes it) replaced."""
    for secret in _SECRETS:
        for form in (secret, repr(secret)[1:-1]):
            text = text.replace(form, "***")
    return text


class CtadataError(Exception):
    """Base class of every error ctadata raises on purpose; its message never holds a token."""

    def __init__(self, message: str, *, path: str | None = None, status: int | None = None):
        super().__init__(scrub(message))
        self.path = path
        self.status = status


class AuthenticationError(CtadataError):
    """No token, a bad or expired token, or the service redirected to the hub's login page."""


class TokenRefreshed(AuthenticationError):
    """The server refused a token that a fresh one has replaced since: worth another try.

    Raised by endpoints whose tokens are short-lived and refreshable (`ctadata.direct`); the
    transfer engine retries the request, which then carries the fresh token.
    """


class PermissionDenied(CtadataError):
    """The token is valid but may not do this (missing scope, write outside the user folder)."""


class NotFound(CtadataError):
    """The remote path does not exist."""


class StorageException(CtadataError):
    """The storage or the service refused or failed an operation."""


class CertificateError(CtadataError):
    """The certificate service refused a certificate, or the file could not be read."""


class TransferError(CtadataError):
    """A transfer did not complete: short read, connection lost, disk full, ..."""


class ServiceUnreachable(TransferError):
    """The service could not be reached at all (connection refused, DNS, timeout)."""


class Cancelled(TransferError):
    """The transfer was cancelled by its caller; partial files were removed."""


class InvalidPath(CtadataError, ValueError):
    """A path was refused before any call: `..`, or a local path outside its root."""


class ConflictError(CtadataError, FileExistsError):
    """Local files differ from the remote ones and overwriting them was not asked for.

    `.conflicts`: the local paths concerned; nothing was written.
    """

    def __init__(self, message: str, *, conflicts: list[str], path: str | None = None):
        super().__init__(message, path=path)
        self.conflicts = conflicts

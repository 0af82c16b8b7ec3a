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


class StorageException(CtadataError):
    """Anything about the storage, the services or a remote path that did not work.

    The name and the meaning of 0.6.0, whose users catch it for every answer that was not a
    success: the finer classes below are all `StorageException`s, so that
    `except ctadata.api.StorageException` still catches a missing path, a refused token, a
    path above the root, a storage error and a failed transfer. Only `CertificateError` and
    `Cancelled` are not.
    """


class AuthenticationError(StorageException):
    """No token, a bad or expired token, or the service redirected to the hub's login page."""


class TokenRefreshed(AuthenticationError):
    """The server refused a token that a fresh one has replaced since: worth another try.

    Raised where tokens are short-lived and refreshable (`ctadata.direct`'s
    `RefreshingBearerAuth`, for a request whose streamed body cannot be sent again); the retries
    of `ctadata.retry` send a new request, which carries the fresh token.
    """


class PermissionDenied(StorageException):
    """The token is valid but may not do this (missing scope, write outside the user folder)."""


class NoServiceAccess(PermissionDenied):
    """The token may not use the service at all: it lacks the service's scope, which the hub's
    admins grant (docs/deploy.md). Nothing the user does with paths changes that."""


class NotFound(StorageException):
    """The remote path (or the folder an upload goes into) does not exist."""


class CertificateError(CtadataError):
    """The certificate service refused a certificate, or the file could not be read."""


class TransferError(StorageException):
    """A transfer did not complete: short read, connection lost, disk full, ..."""


class ChecksumMismatch(TransferError):
    """The bytes moved lack the storage's adler32 (`ctadata.transfer.checksum`): corrupted."""

    @classmethod
    def of(cls, action: str, path: str, storage: str, local: str) -> ChecksumMismatch:
        return cls(
            f"{action} of {path!r}: checksum mismatch: the storage's adler32 is {storage},"
            f" the transferred bytes' is {local}",
            path=path,
        )


class ServiceUnreachable(TransferError):
    """The service could not be reached at all (connection refused, DNS, timeout)."""


class Cancelled(CtadataError):
    """The transfer was cancelled by its caller; partial files were removed."""

    @classmethod
    def of(cls, path: str) -> Cancelled:
        """The error of the transfer of `path`, stopped by its cancel."""
        return cls(f"transfer of {path!r} cancelled", path=path)


class InvalidPath(StorageException, ValueError):
    """A path was refused before any call: one above the storage root, or a local path
    outside its root (a `StorageException` too: 0.6.0 reported a `..` as one)."""


class ConflictError(CtadataError, FileExistsError):
    """Local files differ from the remote ones and overwriting them was not asked for.

    `.conflicts`: the local paths concerned; nothing was written.
    """

    def __init__(self, message: str, *, conflicts: list[str], path: str | None = None):
        super().__init__(message, path=path)
        self.conflicts = conflicts

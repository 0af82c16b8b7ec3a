"""The JSON errors of docs/rest-api.md: `{"message": ..., "reason": ...}` with an HTTP status."""

from __future__ import annotations

from ctadata.errors import (
    AuthenticationError,
    Cancelled,
    CertificateError,
    CtadataError,
    InvalidPath,
    NoServiceAccess,
    NotFound,
    PermissionDenied,
)

REASONS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "too_many_transfers",
    502: "unreachable",
}


class ApiError(Exception):
    """An answer other than success, as the panel receives it."""

    def __init__(self, status: int, message: str, reason: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason or REASONS.get(status, "error")


def from_ctadata(exc: CtadataError) -> ApiError:
    """The status and reason of a library error; its message is already free of the token."""
    message = str(exc)
    if isinstance(exc, InvalidPath):
        return ApiError(400, message)
    if isinstance(exc, AuthenticationError):
        return ApiError(401, message)
    if isinstance(exc, NoServiceAccess):
        return ApiError(403, message, "no_access")
    if isinstance(exc, PermissionDenied):
        return ApiError(403, message)
    if isinstance(exc, NotFound):
        return ApiError(404, message)
    if isinstance(exc, CertificateError) and (exc.status is None or exc.status < 500):
        return ApiError(400, message)
    if isinstance(exc, Cancelled):
        return ApiError(409, message, "cancelled")
    return ApiError(502, message)


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def too_large(what: str, limit: int, ask: str) -> ApiError:
    """413 for a preview answer past its bound: `what` it would hold, and what to `ask` instead."""
    return ApiError(
        413,
        f"{what}, more than the preview reads at once ({limit:,} bytes): {ask}, or download"
        " the file",
        "too_large",
    )

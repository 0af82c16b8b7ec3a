"""How long a request may take and when it is tried again: the one retry policy of every client.

The synchronous and asynchronous clients, the transfer engine, direct dCache access and
`ctadata://` all wait with `TIMEOUT`, retry with `with_retries` / `async_with_retries` and turn
httpx's errors into ctadata's with `as_ctadata_error`. This module imports httpx and ctadata's
errors, nothing of the clients or the engine.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from threading import Event
from typing import TypeVar

import httpx

from .errors import (
    Cancelled,
    CtadataError,
    ServiceUnreachable,
    StorageException,
    TokenRefreshed,
    TransferError,
)

TIMEOUT = httpx.Timeout(120.0, connect=10.0)
RETRIES = 3
BACKOFF_SECONDS = 0.5
# What a try may raise that the policy looks at; the others pass through at once.
RETRIED = (httpx.TransportError, StorageException, TokenRefreshed)

T = TypeVar("T")


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, httpx.TransportError | TokenRefreshed):
        return True
    return isinstance(exc, StorageException) and (exc.status or 0) >= 500


def _pause_before_retry(exc: Exception, n: int, path: str) -> float:
    """The back-off before try `n + 1` after `exc`; raises our error when there is none."""
    if not _retryable(exc) or n == RETRIES:
        if isinstance(exc, CtadataError):
            raise exc
        raise as_ctadata_error(exc, path) from exc
    return BACKOFF_SECONDS * 2**n


def with_retries(attempt: Callable[[], T], path: str, cancel: Event | None = None) -> T:
    """Run `attempt` again after transient failures, with back-off.

    Transient: connection lost, 5xx, or a token refused because it expired meanwhile and has
    been refreshed (each attempt builds its request anew, so it carries the fresh token).
    A transfer's `cancel` ends the back-off at once: a cancel that cut the connection would
    otherwise wait it out before the next try noticed.
    """
    for n in range(RETRIES + 1):
        try:
            return attempt()
        except RETRIED as exc:
            pause = _pause_before_retry(exc, n, path)
            if cancel is None:
                time.sleep(pause)
            elif cancel.wait(pause):
                raise Cancelled.of(path) from exc
    raise AssertionError("unreachable")


async def async_with_retries(attempt: Callable[[], Awaitable[T]], path: str) -> T:
    """`with_retries` for a coroutine: the same policy, waiting without blocking the loop."""
    import asyncio  # here: the command line, which never waits in a loop, starts 10 ms sooner

    for n in range(RETRIES + 1):
        try:
            return await attempt()
        except RETRIED as exc:
            await asyncio.sleep(_pause_before_retry(exc, n, path))
    raise AssertionError("unreachable")


def as_ctadata_error(exc: Exception, path: str) -> CtadataError:
    """Our error for an httpx one; its message names the host, never a URL with a query."""
    if isinstance(exc, CtadataError):
        return exc
    host = exc.request.url.host if isinstance(exc, httpx.RequestError) else "the service"
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return ServiceUnreachable(f"cannot reach {host} for {path!r}: {exc}", path=path)
    return TransferError(
        f"transfer of {path!r} from {host} interrupted: {type(exc).__name__}: {exc}", path=path
    )

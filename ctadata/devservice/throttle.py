"""A storage link of a set speed: GET bodies leave no faster than `rate` bytes per second.

For downloads slow enough to watch, stop and resume (the demo hub's browser test stops a
user's server mid-download): `cta-data dev-service --throttle RATE`. Listings and uploads
are not slowed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from .storage import Environ, StartResponse, WSGIApp


def paced(body: Iterable[bytes], rate: float) -> Iterator[bytes]:
    """The body's blocks, each sent no earlier than the rate allows for the bytes up to its end
    (waiting after a block instead would let the first block, a MiB, through at once)."""
    sent, started = 0, time.monotonic()
    try:
        for block in body:
            sent += len(block)
            delay = sent / rate - (time.monotonic() - started)
            if delay > 0:
                time.sleep(delay)
            yield block
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def throttled(rate: float) -> Callable[[WSGIApp], WSGIApp]:
    """A `WebDAVStorage(wrap=...)` middleware that paces GET bodies at `rate` bytes/s."""

    def wrap(app: WSGIApp) -> WSGIApp:
        def serve(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            body = app(environ, start_response)
            return paced(body, rate) if environ["REQUEST_METHOD"] == "GET" else body

        return serve

    return wrap

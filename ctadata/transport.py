"""httpx's transport, with the TLS context made only when an https URL is first asked for.

Making a TLS context loads the CA bundle: about 20 ms idle, 60 ms on a loaded machine, most of
what a client costs to set up. A command that talks to an http service (the local development
service) never needs it; one that talks to the deployed https service pays it once, as before.
"""

from __future__ import annotations

import ssl
import threading

import httpx

# A context that is never used for a handshake: plain http requests go through it.
_UNUSED_TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def connection_limits(concurrency: int) -> httpx.Limits:
    """The connection pool of a client that runs `concurrency` transfers at once: two
    connections each (a file's GET and its checksum's HEAD, a PUT and a `MKCOL`), at least 10."""
    return httpx.Limits(max_connections=max(10, 2 * concurrency))


class TLSOnDemandTransport(httpx.BaseTransport):
    """Plain http through one connection pool, https through another made on first use, with
    httpx's defaults (certifi's CA bundle, or `SSL_CERT_FILE`/`SSL_CERT_DIR`)."""

    def __init__(self, limits: httpx.Limits):
        self._limits = limits
        self._plain = httpx.HTTPTransport(verify=_UNUSED_TLS, limits=limits)
        self._tls: httpx.HTTPTransport | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme != "https":
            return self._plain.handle_request(request)
        with self._lock:
            if self._tls is None:
                self._tls = httpx.HTTPTransport(limits=self._limits)
        return self._tls.handle_request(request)

    def close(self) -> None:
        self._plain.close()
        with self._lock:
            if self._tls is not None:
                self._tls.close()

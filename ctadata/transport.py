"""httpx's transport, with the TLS context made only when an https URL is first asked for, and
file bodies read straight from the socket.

Making a TLS context loads the CA bundle: about 20 ms idle, 60 ms on a loaded machine, most of
what a client costs to set up. A command that talks to an http service (the local development
service) never needs it; one that talks to the deployed https service pays it once, as before.

A download's GET may ask for its body raw (the request extension `RAW_BODY`): the transport
then sends it on a connection of its own and hands the body over as `RawBody`, which reads the
socket into one reused buffer and gives views of it. Through httpx every 64 KiB of a body is
received into a new bytes object, copied into h11's buffer, copied out of it again and passed
up through four layers of generators; a gigabyte then cost about twice curl's CPU. The view
path leaves the kernel's two copies (socket to buffer, buffer to file), as curl has. Everything
else (and a raw GET sent through a proxy, which another transport serves) goes through httpx.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import httpx

# A context that is never used for a handshake: plain http requests go through it.
_UNUSED_TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)

RAW_BODY = "ctadata.raw_body"
"""Request extension: True asks for the body as a `RawBody`, found in the response's
extensions under the same name (absent where the transport cannot)."""

# 64 KiB: measured, reads into a buffer of 256 KiB or 1 MiB cost three to eight times the
# system CPU of 64 KiB ones (the bytes leave the CPU's cache between the read and the write).
BUFFER_SIZE = 64 * 1024
MAX_HEAD = BUFFER_SIZE  # status line and headers of an answer


def connection_limits(concurrency: int) -> httpx.Limits:
    """The connection pool of a client that runs `concurrency` transfers at once: two
    connections each (a file's GET and its checksum's HEAD, a PUT and a `MKCOL`), at least 10."""
    return httpx.Limits(max_connections=max(10, 2 * concurrency))


class TLSOnDemandTransport(httpx.BaseTransport):
    """Plain http through one connection pool, https through another made on first use, with
    httpx's defaults (certifi's CA bundle, or `SSL_CERT_FILE`/`SSL_CERT_DIR`) or `verify`."""

    def __init__(self, limits: httpx.Limits, verify: ssl.SSLContext | str | bool = True):
        self._limits = limits
        self._verify = verify
        self._plain = httpx.HTTPTransport(verify=_UNUSED_TLS, limits=limits)
        self._tls: httpx.HTTPTransport | None = None
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        https = request.url.scheme == "https"
        if request.extensions.get(RAW_BODY) and request.method == "GET":
            return raw_get(request, self._tls_context() if https else None)
        if not https:
            return self._plain.handle_request(request)
        context = self._tls_context()
        with self._lock:
            if self._tls is None:
                self._tls = httpx.HTTPTransport(verify=context, limits=self._limits)
        return self._tls.handle_request(request)

    def _tls_context(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                verify = self._verify
                if isinstance(verify, ssl.SSLContext):
                    self._context = verify
                else:
                    self._context = httpx.create_ssl_context(verify=verify)
            return self._context

    def close(self) -> None:
        self._plain.close()
        with self._lock:
            if self._tls is not None:
                self._tls.close()


class _Opened:
    """What httpcore's `trace` extension hands over for a new connection: its stream, which
    names its socket (`ctadata_lab` shuts a cancelled job's sockets down)."""

    def __init__(self, sock: socket.socket):
        self._sock = sock

    def get_extra_info(self, name: str) -> Any:
        return self._sock if name == "socket" else None


def _trace(request: httpx.Request, event: str, sock: socket.socket) -> None:
    trace = request.extensions.get("trace")
    if trace is not None:
        trace(event, {"return_value": _Opened(sock)})


def raw_get(request: httpx.Request, context: ssl.SSLContext | None) -> httpx.Response:
    """Send the GET `request` on a new connection (TLS with `context`, if given); the answer's
    body is a `RawBody`, which closes the connection at its end."""
    url = request.url
    timeouts = request.extensions.get("timeout", {})
    port = url.port or (443 if context is not None else 80)
    try:
        sock = socket.create_connection((url.host, port), timeout=timeouts.get("connect"))
    except TimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc), request=request) from exc
    except OSError as exc:
        raise httpx.ConnectError(str(exc), request=request) from exc
    try:
        _trace(request, "connection.connect_tcp.complete", sock)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if context is not None:
            try:
                sock = context.wrap_socket(sock, server_hostname=url.host)
            except TimeoutError as exc:
                raise httpx.ConnectTimeout(str(exc), request=request) from exc
            except OSError as exc:  # ssl.SSLError among them
                raise httpx.ConnectError(str(exc), request=request) from exc
            _trace(request, "connection.start_tls.complete", sock)
        sock.settimeout(timeouts.get("read"))
        try:
            sock.sendall(_head(request))
        except TimeoutError as exc:
            raise httpx.WriteTimeout(str(exc), request=request) from exc
        except OSError as exc:
            raise httpx.WriteError(str(exc), request=request) from exc
        body = RawBody(sock, request)
        status, reason, headers = body.read_head()
    except BaseException:
        sock.close()
        raise
    return httpx.Response(
        status,
        headers=headers,
        stream=body,
        extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason, RAW_BODY: body},
    )


def _head(request: httpx.Request) -> bytes:
    """The request line and headers: httpx's (Host, auth...), the body unencoded, and this
    connection closed after the answer (it is not pooled)."""
    lines = [b"GET " + request.url.raw_path + b" HTTP/1.1"]
    for name, value in request.headers.raw:
        if name.lower() not in (b"accept-encoding", b"connection"):
            lines.append(name + b": " + value)
    lines += [b"Accept-Encoding: identity", b"Connection: close", b"", b""]
    return b"\r\n".join(lines)


class RawBody(httpx.SyncByteStream):
    """An HTTP/1.1 answer's body read from its socket into one reused buffer.

    `read_view()` gives the next bytes as a view of that buffer, valid until the next call;
    iterating gives copies (bytes), for whoever reads the answer the usual way (an error page).
    Framing: `Content-Length`, chunked, or until the connection closes.
    """

    def __init__(self, sock: socket.socket, request: httpx.Request):
        self._sock = sock
        self._request = request
        self._buffer = bytearray(BUFFER_SIZE)
        self._view = memoryview(self._buffer)
        self._start = self._end = 0  # received, not yet handed over: _view[_start:_end]
        self._left = -1  # bytes left of the body (chunked: of this chunk); -1: until closed
        self._chunked = False
        self._chunks = 0  # chunks begun
        self._done = False

    # -- the socket --------------------------------------------------------------------------
    def _recv(self, into: memoryview) -> int:
        try:
            return self._sock.recv_into(into)
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc), request=self._request) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc), request=self._request) from exc

    def _fill(self) -> None:
        """Receive more after what is buffered (moved to the front first); the connection
        closing here cuts the answer short."""
        if self._start:
            pending = self._end - self._start
            self._view[:pending] = self._view[self._start : self._end]
            self._start, self._end = 0, pending
        if self._end == len(self._view):
            raise self._protocol_error("an answer's line is too long")
        received = self._recv(self._view[self._end :])
        if not received:
            raise self._protocol_error("the server closed the connection mid-answer")
        self._end += received

    def _line(self) -> bytes:
        """The next line, CRLF removed."""
        while (found := self._find(b"\r\n")) < 0:
            self._fill()
        line = bytes(self._view[self._start : found])
        self._start = found + 2
        return line

    def _find(self, what: bytes) -> int:
        return self._buffer.find(what, self._start, self._end)

    def _protocol_error(self, message: str) -> httpx.RemoteProtocolError:
        return httpx.RemoteProtocolError(message, request=self._request)

    # -- the answer --------------------------------------------------------------------------
    def read_head(self) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        """Status, reason and headers (informational answers skipped); sets the framing."""
        while True:
            while self._find(b"\r\n\r\n") < 0:
                if self._end - self._start >= MAX_HEAD:
                    raise self._protocol_error("an answer's headers are too long")
                self._fill()
            version, _, rest = self._line().partition(b" ")
            code, _, reason = rest.partition(b" ")
            if not version.startswith(b"HTTP/1.") or not code.isdigit():
                raise self._protocol_error("not an HTTP/1.1 answer")
            headers = []
            while line := self._line():
                name, colon, value = line.partition(b":")
                if not colon or not name or name != name.strip():
                    raise self._protocol_error("a malformed header")
                headers.append((name, value.strip()))
            status = int(code)
            if status >= 200 or status == 101:
                break
        self._frame(status, httpx.Headers(headers))
        return status, reason, headers

    def _frame(self, status: int, headers: httpx.Headers) -> None:
        if status in (204, 304) or status < 200:
            self._left, self._done = 0, True
        elif "chunked" in headers.get("Transfer-Encoding", "").lower():
            self._chunked, self._left = True, 0
        elif "Content-Length" in headers:
            lengths = {v.strip() for v in headers.get_list("Content-Length", split_commas=True)}
            if len(lengths) != 1 or not (length := lengths.pop()).isdigit():
                raise self._protocol_error("a malformed Content-Length")
            self._left = int(length)
            self._done = not self._left

    def _next_chunk(self) -> bool:
        """Begin the next chunk: False at the last (empty) one, whose trailers are read."""
        if self._chunks and self._line():  # the CRLF after the last chunk's bytes
            raise self._protocol_error("a chunk longer than it said")
        self._chunks += 1
        size = self._line().partition(b";")[0].strip()
        try:
            self._left = int(size, 16)
        except ValueError:
            raise self._protocol_error("a malformed chunk size") from None
        if not self._left:
            while self._line():  # trailers, to the empty line
                pass
            self._done = True
        return not self._done

    def read_view(self) -> memoryview:
        """The next bytes of the body (a view of this body's buffer, valid until the next
        call); empty at its end."""
        if self._done:
            return self._view[:0]
        if self._chunked and not self._left and not self._next_chunk():
            return self._view[:0]
        left = self._left
        if self._start < self._end:  # received with the headers or a chunk's size
            take = self._end - self._start if left < 0 else min(left, self._end - self._start)
            piece = self._view[self._start : self._start + take]
            self._start += take
        else:
            self._start = self._end = 0
            want = BUFFER_SIZE if left < 0 else min(left, BUFFER_SIZE)
            take = self._recv(self._view[:want])
            if not take:
                if left >= 0:
                    raise self._protocol_error("the server closed the connection mid-body")
                self._done = True
            piece = self._view[:take]
        if left >= 0:
            self._left -= take
            self._done = not self._left and not self._chunked
        return piece

    def views(self) -> Iterator[memoryview]:
        while piece := self.read_view():
            yield piece

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.views():
            yield bytes(piece)

    def close(self) -> None:
        self._done = True
        self._sock.close()


def body_pieces(response: httpx.Response) -> Iterator[bytes | memoryview]:
    """The body of a streamed answer: views of a `RawBody`'s buffer (each valid until the next
    is asked for) where the transport gave one and nothing encoded it, else httpx's chunks."""
    body = response.extensions.get(RAW_BODY)
    if isinstance(body, RawBody) and response.headers.get("Content-Encoding", "identity") in (
        "identity",
        "",
    ):
        return body.views()
    return response.iter_bytes()

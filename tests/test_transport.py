"""`ctadata.transport`'s raw bodies, against a real socket server that sends scripted answers:
each framing (Content-Length, chunked, until close), answers cut short, and the views."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from ctadata.transport import BUFFER_SIZE, RAW_BODY, RawBody, TLSOnDemandTransport, body_pieces


class Scripted:
    """A loopback server that answers each connection with the next scripted bytes, then closes
    it; it keeps the request heads it read."""

    def __init__(self, answers: list[bytes]):
        self.answers = list(answers)
        self.heads: list[bytes] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.answers:
            conn, _ = self.sock.accept()
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    head += conn.recv(4096)
                self.heads.append(head)
                conn.sendall(self.answers.pop(0))

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    transport = TLSOnDemandTransport(httpx.Limits())
    with httpx.Client(transport=transport, timeout=10) as c:
        yield c


def fetch(client: httpx.Client, url: str) -> tuple[httpx.Response, bytes]:
    request = client.build_request("GET", url + "/a/file?x=1", headers={"X-Test": "yes"})
    request.extensions[RAW_BODY] = True
    with contextlib.closing(client.send(request, stream=True)) as response:
        assert isinstance(response.extensions[RAW_BODY], RawBody)
        return response, b"".join(bytes(piece) for piece in body_pieces(response))


DATA = os.urandom(3 * BUFFER_SIZE + 123)


def chunked(data: bytes, size: int) -> bytes:
    parts = [
        b"%x;ext=1\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size])
        for i in range(0, len(data), size)
    ]
    return b"".join(parts) + b"0\r\nX-Trailer: t\r\n\r\n"


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(DATA) + DATA + b"junk after",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(DATA, 1000),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(DATA, 10 << 20),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-A: b\r\n\r\n" + DATA,
    ],
    ids=["content-length", "small-chunks", "one-chunk", "until-close"],
)
def test_each_framing_gives_the_body(client: httpx.Client, answer: bytes) -> None:
    server = Scripted([answer])
    try:
        response, body = fetch(client, server.url)
    finally:
        server.close()
    assert response.status_code == 200 and body == DATA
    head = server.heads[0].lower()
    assert head.startswith(b"get /a/file?x=1 http/1.1\r\n")
    assert b"x-test: yes\r\n" in head and b"accept-encoding: identity\r\n" in head
    assert b"connection: close\r\n" in head and b"host: 127.0.0.1:" in head


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (len(DATA) + 1) + DATA,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(DATA, 1000)[:-30],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["content-length", "chunked", "bad-chunk-size"],
)
def test_a_body_cut_short_is_a_protocol_error(client: httpx.Client, answer: bytes) -> None:
    server = Scripted([answer])
    try:
        with pytest.raises(httpx.RemoteProtocolError):
            fetch(client, server.url)
    finally:
        server.close()


def test_an_error_answer_reads_the_usual_way(client: httpx.Client) -> None:
    server = Scripted([b"HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\n\r\nmissing"])
    try:
        request = client.build_request("GET", server.url + "/x")
        request.extensions[RAW_BODY] = True
        with contextlib.closing(client.send(request, stream=True)) as response:
            assert response.status_code == 404 and response.read() == b"missing"
    finally:
        server.close()


def test_a_refused_connection_is_a_connect_error(client: httpx.Client) -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    request = client.build_request("GET", f"http://127.0.0.1:{port}/x")
    request.extensions[RAW_BODY] = True
    with pytest.raises(httpx.ConnectError):
        client.send(request, stream=True)

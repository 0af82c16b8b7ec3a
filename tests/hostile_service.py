"""A download service that misbehaves on purpose, over real HTTP (or HTTPS), for the
fault-injection tests.

It speaks the download service's `list/` and `fetch/` (PROTOCOL.md) for a few fixed trees, and
each tree misbehaves in its own way:

- `ok/<n>.bin`: a well-behaved file of n bytes (content from `content(n)`);
- `stall/big.bin`: headers and 64 KiB of a 100 MiB file, then nothing until the service stops;
- `trunc/big.bin`: half of a 1 MiB file, then the connection closes;
- `echo/`: a 200 listing that is an object echoing the request's Authorization header;
- `badsize/`, `badmtime/`, `nohref/`: a listing with one malformed entry;
- `stray/`: a listing that also names a file outside the folder;
- `loop/`: every folder below it lists the same entries again (`loop/`, `f.txt`): it nests itself;
- `deep/`: each folder holds one more (`d1/d2/...`) without end;
- `huge<k>/`: 100,000 files (k tells four listings apart, so that none is cached);
- `hidden/`: `ok.txt` and `.ipython/profile_default/startup/evil.py`.

Its `webdav/` answers `PROPFIND` and ranged `GET`s (what the preview reads files with) for
`h5/ok.h5` and `h5/other.h5`, small HDF5 files, and `stall/h5.h5`, whose every read sends
4 bytes, then nothing until the service stops; and ranged `GET`s of the files above (small ones
are downloaded through `webdav/`, in one window with their checksum), `trunc/big.bin` cut short
there too.
"""

from __future__ import annotations

import io
import json
import select
import socket
import ssl
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import h5py
import httpx

from tests.conftest import SOURCE_ROOT, ServiceUser

MTIME = "Thu, 14 Nov 2024 10:00:00 GMT"
STALL_SIZE = 100 * 1024 * 1024
STALL_AFTER = 65536  # bytes of `stall/big.bin` sent before the stall
HUGE = 100_000


def pattern(n: int) -> bytes:
    """64 KiB that `ok/<n>.bin` repeats: a pattern of its own for every size."""
    return n.to_bytes(8, "big") * 8192


def content(n: int) -> bytes:
    """The bytes of `ok/<n>.bin`."""
    return (pattern(n) * (n // 65536 + 1))[:n]


def plain_file(path: str) -> bytes | None:
    """The bytes of a file that behaves (`ok/<n>.bin`, `hidden/...`), or None."""
    if path.startswith("ok/"):
        return content(int(path[3:].removesuffix(".bin")))
    return FILES.get(path)


def entry(href: str, kind: str = "file", size: int | None = 0) -> dict[str, Any]:
    return {"href": href, "type": kind, "size": size, "mtime": MTIME}


def small_hdf5() -> bytes:
    """`h5/ok.h5`: a group and a dataset of 0..99."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        h5.create_dataset("group/values", data=list(range(100)))
    return buffer.getvalue()


WEBDAV_FILES: dict[str, bytes | None] = {
    "h5/ok.h5": small_hdf5(),
    "h5/other.h5": small_hdf5(),
    "stall/h5.h5": None,
}
STALLED_H5_SIZE = 1024 * 1024
MULTISTATUS = """<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:"><d:response><d:href>{href}</d:href><d:propstat><d:prop>
<d:resourcetype/><d:getcontentlength>{size}</d:getcontentlength>
<d:getlastmodified>{mtime}</d:getlastmodified></d:prop><d:status>HTTP/1.1 200 OK</d:status>
</d:propstat></d:response></d:multistatus>"""

FILES = {"hidden/ok.txt": b"fine\n", "hidden/.ipython/profile_default/startup/evil.py": b"1/0\n"}


def listing(path: str) -> Any:
    """The JSON answer for `list/<path>`; None: 404."""
    folder = path.rstrip("/")
    top = folder.split("/", 1)[0]
    if path == "lst/users/":
        return [entry("lst/users/", "directory")]
    if top == "ok" and folder != "ok":
        return [entry(folder, size=int(folder[3:].removesuffix(".bin")))]
    if folder in ("stall/big.bin", "trunc/big.bin"):
        return [entry(folder, size=STALL_SIZE if top == "stall" else 1024 * 1024)]
    if folder == "echo":
        return "echoed"  # replaced by the handler, which knows the header
    if folder in ("badsize", "badmtime", "nohref"):
        bad = {"badsize": {"size": "abc"}, "badmtime": {"mtime": "yesterday-ish"}}
        raw = entry(f"{folder}/x.bin", size=3) | bad.get(folder, {})
        if folder == "nohref":
            del raw["href"]
        return [entry(folder + "/", "directory"), raw]
    if folder == "stray":
        return [entry("stray/", "directory"), entry("stray/a.bin", size=3), entry("away/b.bin")]
    if top == "loop":
        return [
            entry(folder + "/", "directory"),
            entry(folder + "/loop/", "directory"),
            entry(folder + "/f.txt", size=5),
        ]
    if top == "deep":
        depth = folder.count("/") + 1
        return [entry(folder + "/", "directory"), entry(f"{folder}/d{depth}/", "directory")]
    if top.startswith("huge") and folder == top:
        items = [entry(f"{folder}/run{i:06d}.h5", size=i) for i in range(HUGE)]
        return [entry(folder + "/", "directory"), *items]
    if folder in ("hidden", "hidden/.ipython", "hidden/.ipython/profile_default"):
        below = {"hidden": ["ok.txt", ".ipython/"], "hidden/.ipython": ["profile_default/"]}
        names = below.get(folder, ["startup/"])
        kinds = ["directory" if n.endswith("/") else "file" for n in names]
        kids = [entry(f"{folder}/{n}", kind, 5) for n, kind in zip(names, kinds, strict=True)]
        return [entry(folder + "/", "directory"), *kids]
    if folder == "hidden/.ipython/profile_default/startup":
        return [entry(folder + "/", "directory"), entry(folder + "/evil.py", size=4)]
    if folder in FILES:
        return [entry(folder, size=len(FILES[folder]))]
    return None


@dataclass
class HostileService:
    """The running service (a subprocess, so that it takes no time from the server's)."""

    downloadservice: str
    certificateservice: str
    hub_url: str  # answers nothing: the hostile trees need no hub
    users: dict[str, ServiceUser]
    process: subprocess.Popen = field(repr=False)

    @property
    def requests(self) -> Counter:
        """What it was asked so far: "endpoint first-segment" -> count."""
        return Counter(httpx.get(self.downloadservice + "_requests").json())

    @property
    def stalling(self) -> int:
        """The reads of `stall/h5.h5` stalling now (the client has not closed them)."""
        return httpx.get(self.downloadservice + "_stalling").json()

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@dataclass
class State:
    requests: Counter = field(default_factory=Counter)
    stop_stalling: threading.Event = field(default_factory=threading.Event)
    stalling: set[int] = field(default_factory=set)  # the threads stalling a webdav read


def handler_for(service: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def route(self) -> tuple[str, str]:
            parts = urlsplit(self.path).path.split("/downloadservice/", 1)
            endpoint, _, path = (parts[-1] if len(parts) == 2 else "").partition("/")
            return endpoint, unquote(path)

        def do_PROPFIND(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            endpoint, path = self.route()
            service.requests[f"propfind {path.split('/', 1)[0]}"] += 1
            if endpoint != "webdav" or path not in WEBDAV_FILES:
                self.send_json(404, {"message": "not found"})
                return
            content = WEBDAV_FILES[path]
            size = STALLED_H5_SIZE if content is None else len(content)
            href = urlsplit(self.path).path
            body = MULTISTATUS.format(href=href, size=size, mtime=MTIME).encode()
            self.send_response(207)
            self.send_header("Content-Type", "application/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def webdav_get(self, path: str) -> None:
            content = WEBDAV_FILES.get(path, plain_file(path))
            if path == "trunc/big.bin":
                content = b"t" * 1024 * 1024
            elif path not in WEBDAV_FILES and content is None:
                self.send_json(404, {"message": "not found"})
                return
            size = STALLED_H5_SIZE if content is None else len(content)
            first, _, last = self.headers["Range"].removeprefix("bytes=").partition("-")
            start, end = int(first), min(int(last) + 1, size)
            self.send_response(206)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(end - start))
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
            self.end_headers()
            if path == "trunc/big.bin":  # half of what the answer promised, then closed
                self.wfile.write(content[start : start + (end - start) // 2])
                self.close_connection = True
                return
            if content is not None:
                self.wfile.write(content[start:end])
                return
            self.wfile.write(b"\x89HDF")
            self.wfile.flush()
            service.stalling.add(threading.get_ident())
            try:
                while not service.stop_stalling.wait(0.05):
                    readable, _, _ = select.select([self.connection], [], [], 0)
                    if readable and not self.connection.recv(1, socket.MSG_PEEK):
                        return  # the client closed the connection
            finally:
                service.stalling.discard(threading.get_ident())

        def do_GET(self) -> None:
            endpoint, path = self.route()
            if endpoint == "_requests":
                self.send_json(200, service.requests)
                return
            if endpoint == "_stalling":
                self.send_json(200, len(service.stalling))
                return
            service.requests[f"{endpoint} {path.split('/', 1)[0]}"] += 1
            if endpoint == "list":
                self.list(path)
            elif endpoint == "fetch":
                self.fetch(path)
            elif endpoint == "webdav":
                self.webdav_get(path)
            else:
                self.send_json(404, {"message": "no such endpoint"})

        def list(self, path: str) -> None:
            answer = listing(path)
            if answer == "echoed":
                answer = {"error": "odd", "you sent": dict(self.headers.items())}
            if answer is None:
                self.send_json(404, {"message": f"{path} not found"})
            else:
                self.send_json(200, answer)

        def fetch(self, path: str) -> None:
            if path.startswith("ok/"):
                size = int(path[3:].removesuffix(".bin"))
                self.send_head(size)
                block = pattern(size)
                for offset in range(0, size, len(block)):
                    self.wfile.write(block[: size - offset])
            elif path in FILES:
                self.send_body(FILES[path])
            elif path == "stall/big.bin":
                self.send_head(STALL_SIZE)
                self.wfile.write(b"s" * STALL_AFTER)
                self.wfile.flush()
                service.stop_stalling.wait()
            elif path == "trunc/big.bin":
                self.send_head(1024 * 1024)
                self.wfile.write(b"t" * 512 * 1024)
                self.wfile.flush()
                self.close_connection = True
            else:
                self.send_json(404, {"message": "not found"})

        def send_head(self, size: int, kind: str = "application/octet-stream") -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(size))
            self.end_headers()

        def send_body(self, body: bytes, kind: str = "application/octet-stream") -> None:
            self.send_head(len(body), kind)
            self.wfile.write(body)

        def send_json(self, status: int, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def start(token: str, tls: tuple[Path, Path] | None = None) -> HostileService:
    """Run `python -m tests.hostile_service` on an ephemeral port of 127.0.0.1; with `tls`
    (certificate and key files), over HTTPS."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.hostile_service", *map(str, tls or ())],
        cwd=SOURCE_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    base = process.stdout.readline().strip()
    user = ServiceUser("alice", "Alice.Smith01", token)
    return HostileService(
        base + "downloadservice/",
        base + "certificateservice/",
        base + "hub/",
        {"alice": user},
        process,
    )


def serve(tls: list[str]) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(State()))
    server.daemon_threads = True
    scheme = "http"
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    print(f"{scheme}://127.0.0.1:{server.server_address[1]}/services/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    serve(sys.argv[1:])

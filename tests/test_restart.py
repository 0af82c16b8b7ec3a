"""A Jupyter server of its own (a subprocess), stopped with SIGTERM or SIGKILL mid-transfer.

Each test starts `jupyter server` with the extension on the development service, with its
own data directory (where the transfer journal lives) and workspace.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import hostile_service
from tests.conftest import SOURCE_ROOT

MiB = 1024 * 1024
FINISHED = ("done", "failed", "cancelled")


@dataclass
class Server:
    process: subprocess.Popen
    url: str  # ends with /ctadata/
    token: str

    def call(self, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        headers = {"Authorization": f"token {self.token}"}
        response = httpx.request(method, self.url + path, headers=headers, timeout=30, **kw)
        assert response.status_code == status, response.text
        return response.json()

    def download(self, path: str, to: str, **kw: Any) -> dict:
        body = {"kind": "download", "path": path, "to": to, **kw}
        return self.call("POST", "transfers", 201, json=body)

    def until(self, check: Callable[[list[dict]], bool], timeout: float = 60) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            jobs = self.call("GET", "transfers")["transfers"]
            if check(jobs):
                return jobs
            assert time.monotonic() < deadline, jobs
            time.sleep(0.05)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[[Any], Server]]:
    """`start_server(service)`: a Jupyter server on `service`, on the same workspace and data
    directory each time."""
    root, home = tmp_path / "work", tmp_path / "jupyter"
    root.mkdir()
    (home / "config").mkdir(parents=True)
    started: list[Server] = []

    def start(service: Any) -> Server:
        config = {
            "ServerApp": {"jpserver_extensions": {"ctadata_lab": True}, "open_browser": False},
            "CtadataLab": {
                "downloadservice_url": service.downloadservice,
                "certificateservice_url": service.certificateservice,
            },
        }
        (home / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERHUB_API_TOKEN": service.users["alice"].token,
            "PYTHONPATH": str(SOURCE_ROOT),
        }
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        token = secrets.token_hex(16)
        command = [sys.executable, "-m", "jupyter_server", f"--ServerApp.port={port}"]
        command += [f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}"]
        command += ["--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0"]
        command += ["--ServerApp.allow_root=True"]
        log = open(tmp_path / f"server{len(started)}.log", "w")
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        log.close()
        server = Server(process, f"http://127.0.0.1:{port}/ctadata/", token)
        started.append(server)
        deadline = time.monotonic() + 60
        while True:
            try:
                server.call("GET", "transfers")
                return server
            except (httpx.TransportError, AssertionError):
                assert process.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.2)

    start.root = root  # type: ignore[attr-defined]
    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(10)


def incomplete(root: Path, sizes: dict[str, int]) -> list[str]:
    """Files in the workspace other than complete downloads (`sizes`: name -> size)."""
    return [
        p.name for p in root.rglob("*") if p.is_file() and sizes.get(p.name) != p.stat().st_size
    ]


def put(dev_service, path: str, data: bytes) -> None:
    target = dev_service.storage_dir / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def test_sigkill_mid_transfer_then_restart(start_server, dev_service) -> None:
    """20 downloads of different sizes at once; SIGKILL; a new server cleans up and lists them."""
    folder = f"lst/kill{secrets.token_hex(3)}"
    contents = {f"f{i:02d}.bin": os.urandom(MiB // 2 + i * 700_001) for i in range(20)}
    for name, data in contents.items():
        put(dev_service, f"{folder}/{name}", data)
    server = start_server(dev_service)
    root: Path = start_server.root  # type: ignore[attr-defined]
    jobs = [server.download(f"{folder}/{name}", "got") for name in contents]
    server.until(lambda js: any(j["state"] == "running" and j["bytes_done"] > 0 for j in js))
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)
    sizes = {name: len(data) for name, data in contents.items()}
    assert incomplete(root, sizes)  # the killed server left partial files

    again = start_server(dev_service)
    assert incomplete(root, sizes) == []
    listed = {j["id"]: j for j in again.call("GET", "transfers")["transfers"]}
    assert set(listed) == {j["id"] for j in jobs}
    stopped = [j for j in listed.values() if j["state"] == "failed"]
    assert stopped and all("server stopped" in j["error"] for j in stopped)
    for job in stopped:  # done before the kill: intact; the others download again
        again.download(job["path"], "got", overwrite=True)
    again.until(lambda js: all(j["state"] in FINISHED for j in js))
    for name, data in contents.items():
        got = (root / "got" / name).read_bytes()
        assert hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest(), name
    assert incomplete(root, sizes) == []


def test_sigterm_stops_the_server_within_five_seconds(start_server) -> None:
    """Two downloads from a service that stalls, one that flows: SIGTERM still stops at once."""
    service = hostile_service.start(secrets.token_hex(16))
    try:
        server = start_server(service)
        for to in ("s1", "s2"):
            server.download("stall/big.bin", to)
        server.download("ok/100000000.bin", "flowing")
        server.until(lambda js: all(j["bytes_done"] > 0 for j in js))
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(150)
        took = time.monotonic() - started
    finally:
        service.stop()
    print(f"SIGTERM with three downloads running (two stalled): stopped in {took:.2f} s")
    assert took < 5.0, took
    root: Path = start_server.root  # type: ignore[attr-defined]
    assert incomplete(root, {}) == []

"""A Jupyter server of its own, as a subprocess: started, stopped with a signal, started again.

`start_server(service, **traits)` starts `jupyter server` with the extension on `service` (and
these `CtadataLab` traits), with the same workspace (`start_server.root`) and data directory
(`start_server.data_dir`, where the transfer journal lives) each time; the log of the n-th
server is `server<n>.log` in the test's `tmp_path`.
"""

from __future__ import annotations

import json
import os
import secrets
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

from tests.conftest import SOURCE_ROOT


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
    """`start_server(service, **traits)`: a Jupyter server on `service` (with these
    `CtadataLab` traits), on the same workspace and data directory each time."""
    root, home = tmp_path / "work", tmp_path / "jupyter"
    root.mkdir()
    (home / "config").mkdir(parents=True)
    started: list[Server] = []

    def start(service: Any, **traits: Any) -> Server:
        config = {
            "ServerApp": {"jpserver_extensions": {"ctadata_lab": True}, "open_browser": False},
            "CtadataLab": {
                "downloadservice_url": service.downloadservice,
                "certificateservice_url": service.certificateservice,
                **traits,
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
        # No terminal on stdin, as a hub's spawner starts it.
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
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
    start.data_dir = home / "data"  # type: ignore[attr-defined]
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

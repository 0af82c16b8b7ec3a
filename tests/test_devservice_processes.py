"""The development service as processes: killed mid-transfer, its memory under large
transfers, its command line, and run in this process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from ctadata.devservice.server import DevService
from ctadata.devservice.users import DEMO_TOKEN
from tests.conftest import RunningDevService, make_users
from tests.test_devservice import client

# -- processes --------------------------------------------------------------------------------


def test_killing_the_service_cuts_a_fetch_short(spawn_dev_service, tmp_path: Path) -> None:
    storage = tmp_path / "killed"
    (storage / "lst").mkdir(parents=True)
    (storage / "lst/large.bin").write_bytes(b"\1" * (40 << 20))
    svc = spawn_dev_service(storage_dir=storage)
    received = 0
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        with client(svc) as c, c.stream("GET", "fetch/lst/large.bin?chunk_size=65536") as r:
            for chunk in r.iter_raw():
                received += len(chunk)
                if svc.process.poll() is None and received > 1 << 20:
                    svc.process.send_signal(signal.SIGKILL)
    assert 0 < received < 40 << 20


class PeakMemory:
    """The peak resident memory of a process, sampled in a thread while in the block."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.baseline = self.peak = self.process.memory_info().rss
        self._done = threading.Event()

    def _sample(self) -> None:
        while not self._done.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


def test_memory_stays_flat_for_large_transfers(spawn_dev_service) -> None:
    size, piece = 256 << 20, b"\x5a" * (1 << 20)
    svc = spawn_dev_service()

    def body() -> Iterator[bytes]:
        for _ in range(size // len(piece)):
            yield piece

    with client(svc) as c, PeakMemory(svc.pid) as memory:
        c.get("list/lst/")  # warm up: the first requests allocate what every request needs
        r = c.post("upload/large.bin", content=body())
        assert r.status_code == 200 and r.json()["total_written"] == size
        refused = c.post(
            "upload/no/parent.bin", content=body(), headers={"Content-Length": str(size)}
        )
        assert refused.status_code == 409
        received = 0
        with c.stream("GET", "fetch/lst/users/alice_smith01/large.bin") as r:
            for chunk in r.iter_raw():
                received += len(chunk)
        assert received == size
    assert memory.growth < size // 2, f"memory grew by {memory.growth >> 20} MiB"


def test_cli_banner_default_users_and_clean_stop(tmp_path: Path) -> None:
    from tests.conftest import SOURCE_ROOT

    command = [sys.executable, "-m", "ctadata.devservice", "--storage", str(tmp_path / "s")]
    env = {**os.environ, "PYTHONPATH": str(SOURCE_ROOT)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            lines.append(process.stdout.readline())
            assert lines[-1], "the banner ended early"
        exports = dict(
            line.strip().removeprefix("export ").split("=", 1)
            for line in lines
            if line.strip().startswith("export ")
        )
        assert exports["JUPYTERHUB_API_TOKEN"] == DEMO_TOKEN
        r = httpx.get(
            exports["CTADS_URL"] + "list/lst/", headers={"Authorization": f"Bearer {DEMO_TOKEN}"}
        )
        assert r.status_code == 200
        hub = exports["CTADS_URL"].replace("/services/downloadservice/", "/hub/api/user")
        assert (
            httpx.get(hub, headers={"Authorization": f"Bearer {DEMO_TOKEN}"}).json()["name"]
            == "CTA Demo"
        )
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0


def test_in_process_dev_service(tmp_path: Path) -> None:
    with DevService(tmp_path / "s", sample_data=True, large_file=False) as svc:
        headers = {"Authorization": f"Bearer {svc.token}"}
        r = httpx.get(
            svc.downloadservice + "list/lst/DL1/20241114/v0.1/tailcut84/", headers=headers
        )
        assert r.status_code == 200 and len(r.json()) == 4
        assert svc.storage_url.endswith("/pnfs/cta.cscs.ch/") and svc.ca_cert.is_file()
        url, state = svc.downloadservice, svc.state_dir
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "health")
    assert not state.exists()  # a temporary state folder goes with the service


def test_fixture_users(dev_service: RunningDevService) -> None:
    assert set(dev_service.users) == {"alice", "noscope", "admin", "nofolder", "expired"}
    assert dev_service.token == dev_service.users["alice"].token
    assert make_users()[0]["name"] == "Alice.Smith01"

"""A Jupyter server of its own (a subprocess), stopped with SIGTERM or SIGKILL mid-transfer.

Each test starts `jupyter server` with the extension on the development service
(`tests.jupyter_process`), with its own data directory (where the transfer journal lives) and
workspace. After a SIGKILL or SIGTERM the next server resumes the unfinished transfers; the
storage's byte counter tells what was sent again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import signal
import time
from pathlib import Path

import httpx
import pytest

from ctadata_lab.transfers.jobs import FINISHED
from tests import hostile_service
from tests.helpers import put_remote
from tests.jupyter_process import incomplete
from tests.lab_harness import STOP_CEILING

MiB = 1024 * 1024


def test_sigkill_mid_transfer_then_restart(start_server, spawn_dev_service) -> None:
    """20 downloads of different sizes at once; SIGKILL; a new server resumes and lists them.
    The storage sends each body at 4 MiB/s, so that some are under way when the test looks,
    however slowly a loaded machine lets it look."""
    dev_service = spawn_dev_service(args=("--throttle", str(4 * MiB)))
    folder = f"lst/kill{secrets.token_hex(3)}"
    contents = {f"f{i:02d}.bin": os.urandom(MiB // 2 + i * 700_001) for i in range(20)}
    for name, data in contents.items():
        put_remote(dev_service, f"{folder}/{name}", data)
    server = start_server(dev_service)
    root: Path = start_server.root  # type: ignore[attr-defined]
    jobs = [server.download(f"{folder}/{name}", "got") for name in contents]
    server.until(lambda js: any(j["state"] == "running" and j["bytes_done"] > 0 for j in js))
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)
    sizes = {name: len(data) for name, data in contents.items()}
    assert incomplete(root, sizes)  # the killed server left partial files

    again = start_server(dev_service)
    listed = {j["id"]: j for j in again.until(lambda js: all(j["state"] == "done" for j in js))}
    assert set(listed) == {j["id"] for j in jobs}
    assert any(j["resumed"] for j in listed.values())  # those done before the kill are not
    for name, data in contents.items():
        got = (root / "got" / name).read_bytes()
        assert hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest(), name
    assert incomplete(root, sizes) == []


def partial_file(folder: Path, size: int, timeout: float = 120) -> Path:
    """The download's temporary file, once it holds a quarter of `size` bytes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for temp in folder.glob(".*.ctadata-part") if folder.is_dir() else ():
            with contextlib.suppress(FileNotFoundError):
                if temp.stat().st_size >= size // 4:
                    return temp
        time.sleep(0.002)
    raise AssertionError("the download did not start")


def settled_stats(service) -> dict[str, int]:
    """The storage's counters once the killed transfer's last bytes have been counted."""
    last = None
    while True:
        now = httpx.get(service.stats_url).json()
        if now == last:
            return now
        last = now
        time.sleep(0.5)


@pytest.mark.parametrize(
    "stop, changed",
    [(signal.SIGKILL, False), (signal.SIGKILL, True), (signal.SIGTERM, False)],
    ids=["sigkill", "sigkill-remote-changed", "sigterm"],
)
def test_stopped_mid_large_download_resumes(start_server, spawn_dev_service, stop, changed):
    """200 MB; stopped at a quarter; the next server continues it, unless the file changed."""
    service = spawn_dev_service()
    size = 200 * MiB
    data = os.urandom(size)
    put_remote(service, "lst/big/run.bin", data)
    server = start_server(service)
    root: Path = start_server.root  # type: ignore[attr-defined]
    job = server.download("lst/big/run.bin", "got")
    temp = partial_file(root / "got", size)
    server.process.send_signal(stop)
    server.process.wait(30)
    assert temp.exists(), "the download ended before the server was stopped"
    kept = temp.stat().st_size
    if changed:  # same size, another mtime: nothing of the old bytes may be kept
        time.sleep(1.1)
        data = os.urandom(size)
        put_remote(service, "lst/big/run.bin", data)
    settled_stats(service)
    httpx.post(service.stats_url + "/reset")

    again = start_server(service)
    listed = again.until(lambda js: js[0]["state"] in FINISHED, timeout=300)
    assert listed[0]["id"] == job["id"] and listed[0]["state"] == "done", listed
    assert listed[0]["resumed"] is True and listed[0]["bytes_done"] == size
    got = (root / "got" / "run.bin").read_bytes()
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest()
    assert incomplete(root, {"run.bin": size}) == []
    sent = httpx.get(service.stats_url).json()["bytes_sent"]
    print(f"resumed after {stop.name} at {kept} of {size} bytes: {sent} bytes sent again")
    if changed:
        assert sent == size
    else:
        assert size - kept <= sent < size


def test_sigkill_mid_upload_starts_it_again(start_server, spawn_dev_service) -> None:
    """An upload cut by SIGKILL is sent again, whole, by the next server."""
    service = spawn_dev_service()
    size = 200 * MiB
    data = os.urandom(size)
    server = start_server(service)
    root: Path = start_server.root  # type: ignore[attr-defined]
    (root / "big.bin").write_bytes(data)
    job = server.call("POST", "transfers", 201, json={"kind": "upload", "from": "big.bin"})
    server.until(lambda js: size // 8 < js[0]["bytes_done"] < size)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)

    again = start_server(service)
    listed = again.until(lambda js: js[0]["state"] in FINISHED, timeout=300)
    assert listed[0]["id"] == job["id"] and listed[0]["state"] == "done", listed
    assert listed[0]["resumed"] is True and listed[0]["bytes_done"] == size
    stored = service.storage_dir / "lst/users" / service.users["alice"].folder / "big.bin"
    assert hashlib.sha256(stored.read_bytes()).digest() == hashlib.sha256(data).digest()


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
    assert took < STOP_CEILING, took
    root: Path = start_server.root  # type: ignore[attr-defined]
    left = incomplete(root, {})  # the downloads' own temporary files, kept for the next start
    assert left and all(name.endswith(".ctadata-part") for name in left), left

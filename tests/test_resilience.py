"""Transfers that go wrong: the service dies, comes back, the disk fills, many run at once."""

from __future__ import annotations

import functools
import hashlib
import os
import resource
import signal
import subprocess
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

import ctadata.retry
import ctadata.transfer.one_file
from ctadata import Progress, TransferError
from ctadata.transfer.progress import Meter
from tests.conftest import make_users
from tests.helpers import client_for, put_remote

SIZE = 48 * 1024 * 1024


def port_of(service) -> str:
    return str(httpx.URL(service.downloadservice).port)


@pytest.fixture
def fast_retries(monkeypatch) -> None:
    monkeypatch.setattr(ctadata.retry, "BACKOFF_SECONDS", 0.05)


def kill_after(service, nbytes: int, then=None):
    """A progress callback that SIGKILLs the service once `nbytes` have arrived."""
    state = {"killed": False}

    def progress(p: Progress) -> None:
        if not state["killed"] and p.bytes_done > nbytes:
            state["killed"] = True
            service.process.send_signal(signal.SIGKILL)
            service.process.wait(10)
            if then is not None:
                then()

    return progress


def test_service_killed_mid_download_leaves_no_file(spawn_dev_service, tmp_path, fast_retries):
    service = spawn_dev_service()
    put_remote(service, "lst/k/big.bin", os.urandom(SIZE))
    out = tmp_path / "out"
    with client_for(service, "alice") as api, pytest.raises(TransferError) as caught:
        api.fetch_and_save_file(
            "lst/k/big.bin", out / "big.bin", progress=kill_after(service, 8 * 1024 * 1024)
        )
    assert "lst/k/big.bin" in str(caught.value)
    assert list(out.iterdir()) == []


@pytest.fixture
def dying_service(spawn_dev_service, tmp_path, monkeypatch) -> SimpleNamespace:
    """A service holding a 48 MiB file, and `revive()` to start it again on its port."""
    monkeypatch.setattr(ctadata.retry, "BACKOFF_SECONDS", 1.0)
    users, storage = make_users(), tmp_path / "storage"
    service = spawn_dev_service(storage_dir=storage, users=users)
    data = os.urandom(SIZE)
    put_remote(service, "lst/k/big.bin", data)
    revived: list = []

    def revive() -> None:
        revived.append(spawn_dev_service(storage, users, ("--port", port_of(service))))

    return SimpleNamespace(service=service, data=data, revive=revive, revived=revived)


def test_download_continues_when_the_service_comes_back(dying_service, tmp_path):
    """The retry continues from the temporary file, through `webdav/` in bounded windows
    (`fetch/` ignores Range): only the rest comes from the new service, nothing twice."""
    seen: list[int] = []
    killer = kill_after(dying_service.service, 8 * 1024 * 1024, dying_service.revive)

    def progress(p: Progress) -> None:
        seen.append(p.bytes_done)
        killer(p)

    with client_for(dying_service.service, "alice") as api:
        assert api.fetch_and_save_file("lst/k/big.bin", tmp_path / "b", progress=progress) == SIZE
    assert (tmp_path / "b").read_bytes() == dying_service.data
    assert all(later >= earlier for earlier, later in pairwise(seen))  # never started over
    assert seen[-1] == SIZE
    served = httpx.get(dying_service.revived[0].stats_url).json()["bytes_sent"]
    assert 0 < served < SIZE - 8 * 1024 * 1024  # only the rest came from the new service


def test_download_resumes_window_by_window(dying_service, tmp_path):
    """Resumed with windows of 4 MiB: each request through `webdav/` asks one window (the
    services run with `--refuse-open-ranges`), and together they bring the whole rest."""
    progress = kill_after(dying_service.service, 16 * 1024 * 1024, dying_service.revive)
    window = 4 * 1024 * 1024
    with client_for(dying_service.service, "alice", range_window=window) as api:
        proto = api.protocol
        ctadata.transfer.one_file.download(
            api.http,
            # fetch/ from byte 0; webdav/ windows from the retry on
            functools.partial(proto.download_request, "lst/k/big.bin"),
            proto.check,
            "lst/k/big.bin",
            tmp_path / "b",
            SIZE,
            Meter("b", progress, bar=False),
        )
    assert (tmp_path / "b").read_bytes() == dying_service.data
    stats = httpx.get(dying_service.revived[0].stats_url).json()
    rest = SIZE - 16 * 1024 * 1024
    assert 0 < stats["bytes_sent"] <= rest  # only the rest came from the new service
    assert stats["requests"] >= stats["bytes_sent"] / window  # at most a window per request


@pytest.fixture
def tiny_disk(tmp_path) -> Iterator[Path]:
    """A 1 MiB tmpfs; where mounting is not allowed, a 1 MiB file-size limit instead."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode == 0:
        yield mount
        subprocess.run(["umount", str(mount)], check=True)
        return
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, old_limit[1]))
    try:
        yield mount
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


def test_disk_full_is_reported_and_leaves_nothing(dev_service, tiny_disk) -> None:
    put_remote(dev_service, "lst/k/4mb.bin", os.urandom(4 * 1024 * 1024))
    with client_for(dev_service, "alice") as api, pytest.raises(TransferError) as caught:
        api.fetch_and_save_file("lst/k/4mb.bin", tiny_disk / "4mb.bin")
    assert "disk full" in str(caught.value)
    assert list(tiny_disk.iterdir()) == []


def test_concurrent_transfers_keep_every_byte(dev_service, tmp_path, monkeypatch) -> None:
    # The hub user names the folder in which the upload's missing folders are made.
    monkeypatch.setenv("JUPYTERHUB_USER", dev_service.users["alice"].name)
    files = {f"lst/many/d{i % 5}/f{i:03d}.bin": os.urandom(10_000 + i * 997) for i in range(60)}
    for path, data in files.items():
        put_remote(dev_service, path, data)
    with client_for(dev_service, "alice", concurrency=12) as api:
        summary = api.download_dir("lst/many/", tmp_path / "down")
        assert summary.files == len(files)
        up = api.upload_dir(tmp_path / "down", "many-back/")
        assert up.files == len(files)
    stored = dev_service.storage_dir / "lst/users/alice_smith01/many-back"
    for path, data in files.items():
        relative = path.removeprefix("lst/many/")
        digest = hashlib.sha256(data).hexdigest()
        assert hashlib.sha256((tmp_path / "down" / relative).read_bytes()).hexdigest() == digest
        assert hashlib.sha256((stored / relative).read_bytes()).hexdigest() == digest

"""A hub's single-user server stops on SIGINT, JupyterHub's first signal, leaving its downloads
for the next start instead of finishing them first (ctadata_lab/hub_signals.py).

The server is a subprocess as the hub's spawner starts it: no terminal on stdin, and
JUPYTERHUB_SERVICE_PREFIX set. The storage sends 4 MiB/s: the download needs a minute.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

MiB = 1024 * 1024
SIZE = 256 * MiB


def test_sigint_stops_a_hub_server_mid_download_and_the_next_start_resumes_it(
    start_server, spawn_dev_service, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = spawn_dev_service(args=("--throttle", str(4 * MiB)))
    remote = service.storage_dir / "lst" / "slow" / "run.bin"
    remote.parent.mkdir(parents=True)
    with remote.open("wb") as f:
        f.truncate(SIZE)  # sparse: no disk
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    server = start_server(service)
    root: Path = start_server.root  # type: ignore[attr-defined]
    job = server.download("lst/slow/run.bin", "got")
    server.until(lambda js: js[0]["bytes_done"] > 0)

    server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(30)  # the whole download would take a minute
    except subprocess.TimeoutExpired:
        pytest.fail("SIGINT did not stop the server: it waits for its download to finish")
    assert not (root / "got" / "run.bin").exists()
    assert list((root / "got").glob(".run.bin.*.ctadata-part"))

    again = start_server(service)
    listed = again.until(lambda js: js[0]["bytes_done"] > 0)
    assert listed[0]["id"] == job["id"] and listed[0]["resumed"] is True
    assert listed[0]["state"] in ("running", "done")
    again.call("DELETE", f"transfers/{job['id']}")

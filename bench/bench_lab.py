"""The server extension against the library on the same file: throughput and the server's memory.

    python bench/bench_lab.py [--size-mb 2048]

Starts the development service and a real Jupyter server with `ctadata_lab` (subprocesses,
ephemeral ports), then moves one file of SIZE both ways:
  - download into the workspace with `POST transfers`, against `ctadata.fetch_and_save_file`;
  - browser-style streamed `PUT upload`, against `ctadata.upload_file`.
It prints seconds, MB/s, the ratio (library time / extension time: 1.0 is as fast as the
library) and the Jupyter server's peak RSS growth over its level before the transfer
(psutil, sampled every 20 ms). Checksums are compared; a mismatch stops the benchmark.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
from common import Service, library, local_service, report, write_random_file

REPO = Path(__file__).resolve().parent.parent
READ_SIZE = 1024 * 1024


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Jupyter:
    def __init__(self, url: str, token: str, process: subprocess.Popen, root: Path):
        self.url, self.process, self.root = url, process, root
        self.http = httpx.Client(
            base_url=url, headers={"Authorization": f"token {token}"}, timeout=600
        )

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, "ctadata/" + path, **kwargs)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()


@contextmanager
def jupyter_server(svc: Service, root: Path) -> Iterator[Jupyter]:
    port, token = free_port(), secrets.token_hex(16)
    env = svc.env() | {"PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--allow-root",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--ServerApp.root_dir={root}",
            '--ServerApp.jpserver_extensions={"ctadata_lab": True}',
            "--ServerApp.log_level=WARN",
        ],
        env=env | {"JUPYTER_TOKEN": token},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Jupyter(f"http://127.0.0.1:{port}/", token, process, root)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                server.call("GET", "config")
                break
            except (httpx.TransportError, RuntimeError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the Jupyter server did not start") from None
                time.sleep(0.3)
        yield server
    finally:
        server.http.close()
        process.terminate()
        process.wait(20)


@contextmanager
def peak_rss(pid: int) -> Iterator[dict[str, float]]:
    """Samples the RSS of `pid`; yields a dict that holds `growth_mb` when the block ends."""
    proc = psutil.Process(pid)
    base = proc.memory_info().rss
    result = {"base_mb": base / 1e6, "growth_mb": 0.0}
    stop = threading.Event()
    peak = [base]

    def sample() -> None:
        while not stop.wait(0.02):
            peak[0] = max(peak[0], proc.memory_info().rss)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()
        result["growth_mb"] = (peak[0] - base) / 1e6


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def lab_download(server: Jupyter, remote: str, to: str) -> dict[str, Any]:
    job = server.call("POST", "transfers", json={"kind": "download", "path": remote, "to": to})
    while job["state"] in ("queued", "running"):
        time.sleep(0.05)
        job = server.call("GET", f"transfers/{job['id']}")
    if job["state"] != "done":
        raise RuntimeError(f"download job ended {job['state']}: {job['error']}")
    return job


def lab_upload(server: Jupyter, source: Path, remote: str) -> dict[str, Any]:
    def body() -> Iterator[bytes]:
        with open(source, "rb") as f:
            while block := f.read(READ_SIZE):
                yield block

    size = source.stat().st_size
    return server.call(
        "PUT",
        "upload",
        params={"path": remote},
        content=body(),
        headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"},
    )


def warm_up(server: Jupyter, svc: Service, work: Path) -> None:
    """A small transfer each way first: imports, connection pools and caches are in place."""
    write_random_file(svc.storage_dir / "lst/bench/warm.bin", 4 * 1024 * 1024)
    lab_download(server, "lst/bench/warm.bin", "warm")
    lab_upload(server, server.root / "warm/warm.bin", "bench/warm.bin")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=2048)
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024
    remote = "lst/bench/big.bin"
    with local_service() as svc, tempfile.TemporaryDirectory(prefix="ctadata-lab-") as tmp:
        work, root = Path(tmp, "work"), Path(tmp, "workspace")
        work.mkdir()
        root.mkdir()
        write_random_file(svc.storage_dir / remote, size)
        expected = digest(svc.storage_dir / remote)
        env = svc.env()
        print(f"== one file of {size / 1e6:.0f} MB ({args.size_mb} MiB)", flush=True)

        with jupyter_server(svc, root) as server:
            warm_up(server, svc, work)
            folder = server.call("GET", "config")["upload_folder"]

            # -- download into the workspace -----------------------------------------------
            target = work / "lib.bin"
            t_lib, rss_lib = library(
                f"ctadata.fetch_and_save_file({remote!r}, {str(target)!r}, progress_bar=False)",
                env,
            )
            report("ctadata.fetch_and_save_file", t_lib, size)
            with peak_rss(server.process.pid) as mem_down:
                t_lab, _ = timed(lambda: lab_download(server, remote, "data"))
            report("POST transfers (download to workspace)", t_lab, size, t_lib)
            assert digest(root / "data/big.bin") == expected, "download corrupted"
            print(f"{'  server RSS growth (peak)':<46} {mem_down['growth_mb']:8.1f} MB")

            # -- upload ----------------------------------------------------------------------
            t_lib_up, _ = library(
                f"ctadata.upload_file({str(target)!r}, 'bench/lib-up.bin', progress_bar=False)",
                env,
            )
            report("ctadata.upload_file", t_lib_up, size)
            with peak_rss(server.process.pid) as mem_up:
                t_lab_up, answer = timed(
                    lambda: lab_upload(server, root / "data/big.bin", "bench/lab-up.bin")
                )
            report("PUT upload (streamed browser upload)", t_lab_up, size, t_lib_up)
            assert answer["total_written"] == size, answer
            stored = svc.storage_dir / folder / "bench/lab-up.bin"
            assert digest(stored) == expected, "upload corrupted"
            print(f"{'  server RSS growth (peak)':<46} {mem_up['growth_mb']:8.1f} MB")
            print(f"{'  (library process peak RSS, download)':<46} {rss_lib:8.1f} MB")


if __name__ == "__main__":
    main()

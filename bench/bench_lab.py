"""The server extension against the library on the same file: throughput and the server's memory.

    python bench/bench_lab.py [--size-mb 2048]

Starts the development service and a real Jupyter server with `ctadata_lab` (subprocesses,
ephemeral ports), then moves one file of SIZE both ways:
  - download into the workspace with `POST transfers`, against `ctadata.fetch_and_save_file`;
  - the browser's streamed `PUT upload` (sent by curl), against `ctadata.upload_file`.
It prints seconds, MB/s, the ratio (library time / extension time: 1.0 is as fast as the
library, timed inside its process; each side best of four runs, alternating, as the machine
may be shared) and the Jupyter server's peak RSS growth over its level before each transfer
(psutil, sampled every 20 ms; the largest of the runs). Checksums are compared; a mismatch
stops the benchmark.
"""

from __future__ import annotations

import argparse
import json
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
from common import (
    Service,
    digest,
    header_file,
    local_service,
    report,
    touch_memory,
    write_random_file,
)

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Jupyter:
    def __init__(self, url: str, token: str, process: subprocess.Popen, root: Path):
        self.url, self.process, self.root, self.token = url, process, root, token
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
    cpu, idle = sum(proc.cpu_times()[:2]), psutil.cpu_times().idle
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
        result["cpu_s"] = sum(proc.cpu_times()[:2]) - cpu  # the server's CPU seconds
        result["idle_s"] = psutil.cpu_times().idle - idle  # the machine's idle CPU seconds


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def lab_download(server: Jupyter, remote: str, to: str) -> dict[str, Any]:
    body = {"kind": "download", "path": remote, "to": to, "overwrite": True}
    job = server.call("POST", "transfers", json=body)
    while job["state"] in ("queued", "running"):
        time.sleep(0.02)
        job = server.call("GET", f"transfers/{job['id']}")
    if job["state"] != "done":
        raise RuntimeError(f"download job ended {job['state']}: {job['error']}")
    return job


def lab_upload(server: Jupyter, source: Path, remote: str) -> dict[str, Any]:
    """The browser's streamed `PUT upload`, played by curl: native code, as a browser is, so
    that the time is the extension's and not that of a Python client in front of it (httpx
    pushes a body into tornado more slowly than curl does; see bench_transfer's upload)."""
    url = httpx.URL(server.url + "ctadata/upload", params={"path": remote})
    kind = "Content-Type: application/octet-stream"
    with header_file(server.token) as hdr:
        curl = ["curl", "-sS", "--fail-with-body", "-H", f"@{hdr}", "-H", kind, "-X", "PUT"]
        done = subprocess.run(
            [*curl, "-T", str(source), str(url)],
            stdout=subprocess.PIPE,
            text=True,
        )
    if done.returncode != 0:
        raise RuntimeError(f"PUT upload: curl exited {done.returncode}: {done.stdout}")
    return json.loads(done.stdout)


def warm_up(server: Jupyter, svc: Service, work: Path) -> None:
    """A small transfer each way first: imports, connection pools and caches are in place."""
    write_random_file(svc.storage_dir / "lst/bench/warm.bin", 4 * 1024 * 1024)
    lab_download(server, "lst/bench/warm.bin", "warm")
    lab_upload(server, server.root / "warm/warm.bin", "bench/warm.bin")


def library(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Library code in a fresh Python, timed inside it (start-up and imports not counted):
    (seconds, that process's peak RSS in MB)."""
    script = (
        "import resource, time, ctadata\n"
        "start = time.perf_counter()\n"
        f"{code}\n"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=True, env=env, stdout=subprocess.PIPE, text=True
    )
    seconds, rss_kb = done.stdout.split()[-2:]
    return float(seconds), int(rss_kb) / 1024


ROUNDS = 4  # even: each side goes first in half of them


def interleaved(
    pid: int,
    size: int,
    lib_code: str,
    env: dict[str, str],
    lab_action: Callable[[], Any],
) -> tuple[float, float, float, float, float, float]:
    """Library and extension runs alternating, ROUNDS each, and the side that goes first
    alternating too: on a shared machine the second of two gigabyte transfers in a row is
    often the slower. Dirty pages are flushed before each run (the disk's write-back would
    otherwise slow whichever side runs later). Every run's time is printed, as the spread is
    part of the figure.

    Returns (best library seconds, library peak RSS MB, best extension seconds, the largest
    peak RSS growth of the Jupyter server in MB, and for that best run the server's CPU
    seconds and the machine's idle share).
    """
    lib_runs: list[float] = []
    lab_runs: list[float] = []
    rss_lib = growth = cpu = idle = 0.0

    def run_library() -> None:
        nonlocal rss_lib
        seconds, rss = library(lib_code, env)
        lib_runs.append(seconds)
        rss_lib = max(rss_lib, rss)

    def run_extension() -> None:
        nonlocal growth, cpu, idle
        with peak_rss(pid) as memory:
            seconds, _ = timed(lab_action)
        if seconds < min(lab_runs, default=float("inf")):
            cpu = memory["cpu_s"]
            idle = memory["idle_s"] / seconds / psutil.cpu_count()
        lab_runs.append(seconds)
        growth = max(growth, memory["growth_mb"])

    for n in range(ROUNDS):
        for run in (run_library, run_extension) if n % 2 == 0 else (run_extension, run_library):
            os.sync()
            touch_memory(3 * size)  # the run writes a file and its copy, maybe a temporary
            run()
    print("  runs (s): library " + " ".join(f"{t:.2f}" for t in lib_runs), end="")
    print("; extension " + " ".join(f"{t:.2f}" for t in lab_runs))
    return min(lib_runs), rss_lib, min(lab_runs), growth, cpu, idle


def show_server(growth: float, cpu: float, idle: float, size: int) -> None:
    print(f"{'  Jupyter server RSS growth (peak)':<46} {growth:8.1f} MB")
    print(f"{'  Jupyter server CPU per GiB moved':<46} {cpu / (size / 2**30):8.2f} s")
    print(f"{'  machine idle during that run':<46} {100 * idle:8.0f} %")


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
            pid = server.process.pid

            # -- download into the workspace -----------------------------------------------
            target = work / "lib.bin"
            t_lib, rss_lib, t_lab, *server_figures = interleaved(
                pid,
                size,
                f"ctadata.fetch_and_save_file({remote!r}, {str(target)!r}, progress_bar=False)",
                env,
                lambda: lab_download(server, remote, "data"),
            )
            report("ctadata.fetch_and_save_file", t_lib, size)
            report("POST transfers (download to workspace)", t_lab, size, t_lib)
            assert digest(target) == expected, "library download corrupted"
            assert digest(root / "data/big.bin") == expected, "download corrupted"
            show_server(*server_figures, size)
            print(f"{'  (library process, whole peak RSS)':<46} {rss_lib:8.1f} MB", flush=True)

            # -- upload ----------------------------------------------------------------------
            source = root / "data/big.bin"
            t_lib, rss_lib, t_lab, *server_figures = interleaved(
                pid,
                size,
                f"ctadata.upload_file({str(target)!r}, 'bench/lib-up.bin', progress_bar=False)",
                env,
                lambda: lab_upload(server, source, "bench/lab-up.bin"),
            )
            report("ctadata.upload_file", t_lib, size)
            report("PUT upload (streamed browser upload)", t_lab, size, t_lib)
            assert digest(svc.storage_dir / folder / "bench/lab-up.bin") == expected, (
                "upload corrupted"
            )
            show_server(*server_figures, size)
            print(f"{'  (library process, whole peak RSS)':<46} {rss_lib:8.1f} MB")


if __name__ == "__main__":
    main()

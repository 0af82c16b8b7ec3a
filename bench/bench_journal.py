"""The transfer journal with a long history: the server's start-up time and bytes per change.

    python bench/bench_journal.py [--finished 100000] [--queued 0] [--posts 5]

Writes a journal of the JSON form older versions kept (`jobs-<key>.json`: FINISHED finished
jobs, QUEUED unfinished downloads of a small file), starts a real Jupyter server with
`ctadata_lab` on the development service (subprocesses, ephemeral ports) and prints:
  - the seconds from the server's start to its first answer of `GET ctadata/transfers`
    (a server on an empty journal is timed too, as the reference), how many jobs it lists, and
    its peak resident memory so far (VmHWM);
  - once the resumed jobs are done, the bytes the server wrote (`wchar` of /proc/<pid>/io,
    every write(2): its log lines too) for each new `POST transfers` (a download of a small
    file, waited for until done), the mean of POSTS;
  - the same for a second start on what the first one left (the journal as it is kept now).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
from common import Service, local_service

REPO = Path(__file__).resolve().parent.parent
FINISHED = ("done", "failed", "cancelled", "conflict")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def job(state: str, remote: str, n: int) -> dict[str, Any]:
    now = datetime.now(timezone.utc).isoformat()
    return {
        "id": secrets.token_hex(16),
        "kind": "download",
        "path": remote,
        "local": f"got{n}/small.bin",
        "recursive": False,
        "state": state,
        "bytes_done": 1000 if state == "done" else 0,
        "bytes_total": 1000,
        "files_done": 1 if state == "done" else 0,
        "files_total": 1,
        "error": None,
        "resumed": False,
        "created": now,
        "finished": now if state in FINISHED else None,
        "redo": {"on_conflict": "overwrite"},
        "temp": [],
    }


def write_legacy_journal(data_dir: Path, root: Path, finished: int, queued: int) -> int:
    key = hashlib.sha256(str(root).encode()).hexdigest()[:16]
    path = data_dir / "ctadata_lab" / f"jobs-{key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    jobs = [job("done", "lst/bench/small.bin", n) for n in range(finished)]
    jobs += [job("queued", "lst/bench/small.bin", n) for n in range(queued)]
    path.write_text(json.dumps({"pid": 1, "jobs": jobs}))
    return path.stat().st_size


def proc_field(pid: int, file: str, name: str) -> int:
    """A number of /proc/<pid>/<file> (`io`'s wchar: bytes written; `status`'s VmHWM: peak
    resident memory, kB)."""
    for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {name}")


def written(pid: int) -> int:
    return proc_field(pid, "io", "wchar")


def peak_mb(pid: int) -> float:
    return proc_field(pid, "status", "VmHWM") / 1024


class Server:
    def __init__(self, svc: Service, root: Path, data_dir: Path):
        port, token = free_port(), secrets.token_hex(16)
        env = svc.env() | {
            "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "JUPYTER_DATA_DIR": str(data_dir),
            "JUPYTER_TOKEN": token,
        }
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser"),
                *(f"--port={port}", "--ip=127.0.0.1", f"--ServerApp.root_dir={root}"),
                '--ServerApp.jpserver_extensions={"ctadata_lab": True}',
                "--ServerApp.log_level=WARN",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{port}/ctadata/",
            headers={"Authorization": f"token {token}"},
            timeout=600,
        )

    def first_answer(self, limit: float) -> tuple[float, list[dict[str, Any]]]:
        while time.perf_counter() - self.started < limit:
            try:
                response = self.http.get("transfers")
                if response.status_code == 200:
                    return time.perf_counter() - self.started, response.json()["transfers"]
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("the Jupyter server exited")
            time.sleep(0.05)
        raise TimeoutError(f"no answer within {limit} s")

    def jobs(self) -> list[dict[str, Any]]:
        return self.http.get("transfers").json()["transfers"]

    def settle(self, limit: float) -> None:
        deadline = time.monotonic() + limit
        while any(j["state"] not in FINISHED for j in self.jobs()):
            if time.monotonic() > deadline:
                raise TimeoutError("resumed jobs still running")
            time.sleep(0.2)

    def bytes_per_post(self, posts: int) -> float:
        total = 0
        for n in range(posts):
            before = written(self.process.pid)
            body = {"kind": "download", "path": "lst/bench/small.bin", "to": f"new{n}"}
            made = self.http.post("transfers", json=body).json()
            while made["state"] not in FINISHED:
                time.sleep(0.02)
                made = self.http.get(f"transfers/{made['id']}").json()
            total += written(self.process.pid) - before
        return total / posts

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        self.process.wait(60)


def run(svc: Service, tmp: Path, args: argparse.Namespace) -> None:
    root, data_dir = tmp / "work", tmp / "data"
    root.mkdir()
    size = write_legacy_journal(data_dir, root.resolve(), args.finished, args.queued)
    print(f"journal: {args.finished} finished + {args.queued} queued jobs, {size / 1e6:.1f} MB")
    for name in ("first start", "second start"):
        server = Server(svc, root, data_dir)
        try:
            took, listed = server.first_answer(args.limit)
            peak = peak_mb(server.process.pid)
            jobs = len(listed)
            print(f"{name}: answered after {took:.2f} s, listing {jobs} jobs, peak {peak:.0f} MB")
            server.settle(args.limit)
            per_post = server.bytes_per_post(args.posts)
            print(f"{name}: {per_post / 1e3:.1f} kB written per POST (mean of {args.posts})")
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--finished", type=int, default=100_000)
    parser.add_argument("--queued", type=int, default=0)
    parser.add_argument("--posts", type=int, default=5)
    parser.add_argument("--limit", type=float, default=300, help="seconds to wait at most")
    args = parser.parse_args()
    with local_service() as svc, tempfile.TemporaryDirectory(prefix="ctadata-bench-") as tmp:
        small = svc.storage_dir / "lst/bench/small.bin"
        small.parent.mkdir(parents=True)
        small.write_bytes(os.urandom(1000))
        empty = Path(tmp, "empty")
        (empty / "work").mkdir(parents=True)
        reference = Server(svc, empty / "work", empty / "data")
        try:
            took, _ = reference.first_answer(args.limit)
            peak = peak_mb(reference.process.pid)
            print(f"empty journal: answered after {took:.2f} s, peak {peak:.0f} MB")
        finally:
            reference.stop()
        run(svc, Path(tmp), args)


if __name__ == "__main__":
    main()

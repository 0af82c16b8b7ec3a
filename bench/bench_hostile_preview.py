"""The preview against hostile files: each one's answer, time, memory, and bytes read.

    python bench/bench_hostile_preview.py

Starts the development service and a real Jupyter server with `ctadata_lab` (default
settings: 64 MiB per answer), writes the hostile files of `tests/hostile_files.py` into the
storage (the external ones point at a local file of this machine), and asks for each what the
preview would. For each: the answer, its time, the peak resident memory (VmHWM) of the Jupyter
server and of the file's preview process (sampled every 20 ms), and the bytes the storage sent.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from bench_lab import jupyter_server
from common import local_service

from tests import hostile_files as hf

CASES = [  # file, endpoint, query
    ("external.h5", "h5grove/data/", {"path": "/environ", "format": "bin"}),
    ("external.h5", "h5grove/data/", {"path": "/secret", "format": "bin"}),
    ("elink.h5", "h5grove/meta/", {"path": "/away/secret"}),
    ("vds.h5", "h5grove/data/", {"path": "/vds", "format": "bin"}),
    ("bomb.h5", "h5grove/data/", {"path": "/zeros", "format": "bin"}),
    ("bomb.h5", "h5grove/data/", {"path": "/zeros", "format": "bin", "selection": "0:1000"}),
    ("attribute.h5", "h5grove/attr/", {"path": "/"}),
    ("attribute.h5", "h5grove/meta/", {"path": "/"}),
    ("hugest.h5", "h5grove/meta/", {"path": "/"}),
    ("deep.h5", "h5grove/paths/", {"path": "/"}),
    ("many.h5", "h5grove/meta/", {"path": "/many"}),
    ("corrupt.h5", "h5grove/meta/", {"path": "/"}),
    ("selflink.h5", "h5grove/meta/", {"path": "/g"}),
    ("bomb.fits.gz", "fits", {}),
    ("heap.fits", "fits", {"rows": "1"}),
    *((f"{name}.fits", "fits", {}) for name in sorted(hf.MALFORMED_FITS)),
]


def write_files(root: Path, secret: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    hf.secret_hdf5(secret, b"the-secret")
    hf.external_storage(root / "external.h5", secret)
    hf.external_link(root / "elink.h5", secret)
    hf.virtual(root / "vds.h5", secret)
    hf.bomb(root / "bomb.h5")
    hf.huge_attribute(root / "attribute.h5", 80 * hf.MiB)
    hf.huge_attribute(root / "hugest.h5", 400 * hf.MiB)  # more than a reader's memory share
    hf.deep(root / "deep.h5")
    hf.many_members(root / "many.h5")
    hf.corrupt_superblock(root / "corrupt.h5")
    hf.self_link(root / "selflink.h5")
    (root / "bomb.fits.gz").write_bytes(hf.fits_bomb())
    (root / "heap.fits").write_bytes(hf.heap_table(rows=1000, cell=25_600))  # 100 MB heap
    for name, make in hf.MALFORMED_FITS.items():
        (root / f"{name}.fits").write_bytes(make())


def peak_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    peaks = [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")]
    return peaks[0] if peaks else 0  # none: a process being reaped


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass  # ended meanwhile
    return found


def readers(server: int) -> dict[int, int]:
    """VmHWM of each preview process (the children of the server's forkserver), by pid."""
    return {pid: peak_kib(pid) for fork in children(server) for pid in children(fork)}


class Sampler(threading.Thread):
    """The highest VmHWM of the preview processes that started or grew during a request."""

    def __init__(self, server: int):
        super().__init__(daemon=True)
        self.server, self.done = server, threading.Event()
        self.before, self.seen = readers(server), {}

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.seen |= {pid: kib for pid, kib in readers(self.server).items() if kib}

    @property
    def peak(self) -> int:
        grown = [kib for pid, kib in self.seen.items() if kib > self.before.get(pid, 0)]
        return max(grown, default=0)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, local_service() as svc:
        write_files(svc.storage_dir / "lst/hostile", Path(tmp) / "secret.h5")
        stats = svc.storage_url.split("/pnfs/", 1)[0] + "/_stats"
        root = Path(tmp) / "work"
        root.mkdir()
        with jupyter_server(svc, root) as server:
            pid = server.process.pid
            print(f"server at start: {peak_kib(pid) / 1024:.0f} MiB peak")
            print("| file | request | answer | time | server peak | reader peak | read |")
            print("|---|---|---|---|---|---|---|")
            for file, endpoint, query in CASES:
                server.http.post(stats.replace("/_stats", "/_stats/reset"))
                sampler = Sampler(pid)
                sampler.start()
                started = time.monotonic()
                params = {"file": "lst/hostile/" + file, **query}
                response = server.http.get("ctadata/" + endpoint, params=params)
                took = time.monotonic() - started
                sampler.done.set()
                sampler.join()
                sent = server.http.get(stats).json()["bytes_sent"]
                asked = " ".join(f"{k}={v}" for k, v in query.items())
                reader = f"{sampler.peak / 1024:.0f} MiB" if sampler.peak else "no growth"
                print(
                    f"| {file} | {endpoint} {asked} | {response.status_code} | {took:.2f} s"
                    f" | {peak_kib(pid) / 1024:.0f} MiB | {reader}"
                    f" | {sent / 1e6:.2f} MB |"
                )


if __name__ == "__main__":
    main()

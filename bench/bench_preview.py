"""The preview of remote HDF5 files: time to show the tree, requests and bytes read, against
file size, with the service's fixed cost per request.

    python bench/bench_preview.py [--size-mb 1024] [--request-overhead 0 50]

Writes the sample DL1 file and a DL1-shaped file of SIZE once, then, for each request overhead
(milliseconds the development service waits before handling any request, as the deployed one
pays for its token check, certificate and new TLS session), starts the development service
and a real Jupyter server with `ctadata_lab` (subprocesses, ephemeral ports) and asks the
`h5grove/` endpoints what `@h5web/app` asks when a user opens the file:
  - the tree: `meta` of the root group, on a file not opened before (the file is opened
    then); then every group and dataset of the file (`paths`, then `meta` of each);
  - the first 1,000 rows of the largest table (the biggest compound dataset), as JSON;
  - the first 1,000 images (a heatmap's data), in binary.
Requests and bytes are those the storage served (its `_stats` counter), bytes against the
file's size. Targets: the tree in under 2 s, reading under 1% of the file; the rows (and the
images) in under 3 s, reading under 5%.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import httpx
import numpy as np
from bench_lab import jupyter_server
from common import local_service

from ctadata.devservice.sample_data import N_PIXELS, _parameters, write_dl1_file
from ctadata.fs.filesystem import DEFAULT_BLOCK_SIZE

IMAGES = "/dl1/event/telescope/image/LST_LSTCam"
SLICE = 4096  # events written at once: building the big file never holds it in memory


def write_big_dl1(path: Path, size: int) -> None:
    """A DL1 file of about `size` bytes: the sample layout with many events."""
    n_events = size // (N_PIXELS * 4 + 68)
    rng = np.random.default_rng(3)
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as f:
        f.attrs["OBS_ID"] = 16100
        images = f.create_dataset(
            "dl1/event/telescope/image/LST_LSTCam", (n_events, N_PIXELS), "<f4", chunks=True
        )
        table = _parameters(rng, 16100, n_events)
        f.create_dataset("dl1/event/telescope/parameters/LST_LSTCam", data=table, chunks=True)
        f.create_dataset("configuration/instrument/telescope/pix_id", data=np.arange(N_PIXELS))
        for start in range(0, n_events, SLICE):
            stop = min(n_events, start + SLICE)
            images[start:stop] = rng.exponential(2.0, (stop - start, N_PIXELS))


class Counter:
    def __init__(self, storage_url: str):
        self.url = storage_url.split("/pnfs/", 1)[0] + "/_stats"

    def reset(self) -> None:
        httpx.post(self.url + "/reset").raise_for_status()

    def served(self) -> tuple[int, int]:
        """(requests, bytes) the storage served since the last reset."""
        stats = httpx.get(self.url).json()
        return stats["requests"], stats["bytes_sent"]


def measured(counter: Counter, action: Callable[[], Any]) -> tuple[float, int, int]:
    counter.reset()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start, *counter.served()


def largest_table(local: Path) -> str:
    with h5py.File(local) as f:
        tables: list[tuple[int, str]] = []
        f.visititems(
            lambda name, obj: (
                tables.append((obj.id.get_storage_size(), "/" + name))
                if isinstance(obj, h5py.Dataset) and obj.dtype.names
                else None
            )
        )
    return max(tables)[1]


def bench_file(server: Any, counter: Counter, remote: str, local: Path) -> None:
    size = local.stat().st_size

    def meta(path: str) -> Any:
        return server.http.get(
            "ctadata/h5grove/meta/", params={"file": remote, "path": path}
        ).json()

    def walk() -> int:
        paths = server.http.get("ctadata/h5grove/paths/", params={"file": remote}).json()
        for path in paths:
            meta(path)
        return len(paths)

    table = largest_table(local)

    def rows() -> int:
        params = {"file": remote, "path": table, "selection": "0:1000", "dtype": "safe"}
        return len(server.http.get("ctadata/h5grove/data/", params=params).json())

    def images() -> int:
        params = {"file": remote, "path": IMAGES, "selection": "0:1000", "format": "bin"}
        return len(server.http.get("ctadata/h5grove/data/", params=params).content)

    print(f"\n{remote}: {size / 1e6:.1f} MB")
    for label, action, share_target, seconds_target in [
        ("tree (root group, file opened)", lambda: meta("/"), 0.01, 2.0),
        ("whole tree (every node's metadata)", walk, 0.01, 2.0),
        (f"first 1,000 rows of {table}", rows, 0.05, 3.0),
        ("first 1,000 images (binary)", images, 0.05, 3.0),
    ]:
        seconds, requests, sent = measured(counter, action)
        share = sent / size
        verdict = "ok" if share < share_target and seconds < seconds_target else "OVER TARGET"
        if size <= DEFAULT_BLOCK_SIZE and seconds < seconds_target:
            verdict = "ok: the file is smaller than one read block"
        print(
            f"  {label:50s} {seconds:6.3f} s {requests:4d} requests {sent / 1e6:7.3f} MB read"
            f"  {100 * share:6.2f}% of the file  [{verdict}]"
        )


def write_files(data: Path, size_mb: int) -> list[str]:
    """The sample DL1 file and a DL1-shaped file of `size_mb`, below `data`."""
    sample = "lst/DL1/bench/dl1_sample.h5"
    big = f"lst/DL1/bench/dl1_{size_mb}MB.h5"
    write_dl1_file(data / sample, obs_id=16000, n_events=40, seed=1)
    start = time.perf_counter()
    write_big_dl1(data / big, size_mb * 1024 * 1024)
    print(f"wrote {big} in {time.perf_counter() - start:.0f} s")
    return [sample, big]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument(
        "--request-overhead",
        type=float,
        nargs="+",
        default=[0.0, 50.0],
        metavar="MS",
        help="the service's fixed cost per request, in milliseconds; one run for each",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ctadata-bench-data-") as data:
        remotes = write_files(Path(data), args.size_mb)
        for overhead in args.request_overhead:
            print(f"\n== the service takes {overhead:g} ms per request")
            with local_service("--request-overhead", str(overhead)) as svc:
                for remote in remotes:  # linked, not copied: the same files in every run
                    (svc.storage_dir / remote).parent.mkdir(parents=True, exist_ok=True)
                    os.link(Path(data, remote), svc.storage_dir / remote)
                counter = Counter(svc.storage_url)
                with tempfile.TemporaryDirectory() as root, jupyter_server(svc, Path(root)) as s:
                    for remote in remotes:
                        bench_file(s, counter, remote, svc.storage_dir / remote)


if __name__ == "__main__":
    main()

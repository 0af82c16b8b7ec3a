"""The preview of remote HDF5 files: time to show the tree, and bytes read, against file size.

    python bench/bench_preview.py [--size-mb 1024]

Starts the development service and a real Jupyter server with `ctadata_lab` (subprocesses,
ephemeral ports) and, for the sample DL1 file and a DL1-shaped file of SIZE, asks the
`h5grove/` endpoints what `@h5web/app` asks when a user opens the file:
  - the tree: `meta` of the root group, on a file not opened before (the file is opened
    then); then every group and dataset of the file (`paths`, then `meta` of each);
  - the first 1,000 rows of the largest table (the biggest compound dataset), as JSON.
Bytes read are those the storage sent (its `_stats` counter), against the file's size.
Targets: the tree in under 2 s, reading under 1% of the file; the rows under 5%.
"""

from __future__ import annotations

import argparse
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
from ctadata.fs import DEFAULT_BLOCK_SIZE

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

    def sent(self) -> int:
        return httpx.get(self.url).json()["bytes_sent"]


def measured(counter: Counter, action: Callable[[], Any]) -> tuple[float, int, Any]:
    counter.reset()
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, counter.sent(), result


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

    print(f"\n{remote}: {size / 1e6:.1f} MB")
    for label, action, target in [
        ("tree (root group, file opened)", lambda: meta("/"), 0.01),
        ("whole tree (every node's metadata)", walk, 0.01),
        (f"first 1,000 rows of {table}", rows, 0.05),
    ]:
        seconds, sent, _ = measured(counter, action)
        share = sent / size
        verdict = "ok" if share < target and seconds < 2 else "OVER TARGET"
        if size <= DEFAULT_BLOCK_SIZE and seconds < 2:
            verdict = "ok: the file is smaller than one read block"
        print(
            f"  {label:55s} {seconds:6.3f} s  {sent / 1e6:7.3f} MB read"
            f"  {100 * share:6.2f}% of the file  [{verdict}]"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    with local_service() as svc, tempfile.TemporaryDirectory() as root:
        sample = "lst/DL1/bench/dl1_sample.h5"
        big = f"lst/DL1/bench/dl1_{args.size_mb}MB.h5"
        write_dl1_file(svc.storage_dir / sample, obs_id=16000, n_events=40, seed=1)
        start = time.perf_counter()
        write_big_dl1(svc.storage_dir / big, args.size_mb * 1024 * 1024)
        print(f"wrote {big} in {time.perf_counter() - start:.0f} s")
        counter = Counter(svc.storage_url)
        with jupyter_server(svc, Path(root)) as server:
            for remote in (sample, big):
                bench_file(server, counter, remote, svc.storage_dir / remote)


if __name__ == "__main__":
    main()

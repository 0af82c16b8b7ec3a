"""Reading many HDF5 files over `ctadata://` with Dask: 1, 2 and 4 workers vs a serial loop.

    python bench/bench_dask.py [--files 200] [--size-mb 4]

Against the local development service (a subprocess, over a temporary storage folder), `files`
HDF5 files of `size-mb` MB each (one float64 dataset) are read whole, each through
`fs.open` + h5py, and summed: first by a serial loop in this process, then by `dask.bag` on a
`LocalCluster` of 1, 2 and 4 worker processes (one thread each), all in the same run. Cluster
start-up is not timed; each case is the best of 2. The token reaches the workers through their
environment, as on the hub (it is in no task). Speed-ups: serial / case.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import dask.bag as db
import fsspec
import h5py
import numpy as np
from common import local_service
from distributed import Client, LocalCluster

ROOT = "lst/bench/dask"
DATASET = "dl1/images"
WORKERS = (1, 2, 4)
REPEAT = 2


def write_files(storage: Path, files: int, size: int) -> list[str]:
    rng = np.random.default_rng(3)
    paths = []
    for n in range(files):
        path = f"{ROOT}/run{n:04d}.h5"
        local = storage / path
        local.parent.mkdir(parents=True, exist_ok=True)
        with h5py.File(local, "w") as h5:
            h5.create_dataset(DATASET, data=rng.random(size // 8))
        paths.append(path)
    return paths


def total_of(path: str, fs) -> float:
    """One task: the sum of one file's dataset, read through `ctadata://`."""
    with fs.open(path) as f, h5py.File(f, "r") as h5:
        return float(h5[DATASET][:].sum())


def best_of(run) -> tuple[float, float]:
    """(best seconds, the result) of REPEAT runs of `run()`."""
    best, result = float("inf"), 0.0
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--size-mb", type=float, default=4)
    args = parser.parse_args()
    size = int(args.size_mb * 1e6)
    with local_service() as service:
        os.environ.update(service.env())  # the workers inherit it, as on the hub
        paths = write_files(service.storage_dir, args.files, size)
        volume = args.files * size / 1e6
        print(f"{args.files} files of {args.size_mb} MB; {os.cpu_count()} CPUs on this machine")
        fs = fsspec.filesystem("ctadata")
        serial, expected = best_of(lambda: sum(total_of(p, fs) for p in paths))
        results = {"serial loop (this process)": serial}
        for n in WORKERS:
            with (
                LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=None) as cluster,
                Client(cluster),
            ):
                bag = db.from_sequence(paths, npartitions=4 * n).map(total_of, fs)
                seconds, got = best_of(lambda b=bag: sum(b.compute()))
            if not np.isclose(got, expected):
                raise SystemExit(f"{n} workers: sum {got}, not {expected}")
            results[f"dask.bag, LocalCluster of {n} worker(s)"] = seconds
        for name, seconds in results.items():
            print(
                f"{name:<40} {seconds:7.2f} s {args.files / seconds:7.1f} files/s"
                f" {volume / seconds:7.1f} MB/s  speed-up vs serial {serial / seconds:5.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

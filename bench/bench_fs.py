"""One small dataset out of a big HDF5 file: read in place (`ctadata.open`) vs download first.

    python bench/bench_fs.py [--size-mb 1024]

Against the local development service (a subprocess, over a temporary storage folder), the
file is written with h5py: one big dataset of `--size-mb` MB, then a small one (1000 rows)
after it. Each way is timed from nothing (a fresh filesystem, no cache) to the values in
memory, and the bytes the storage sent are read from its counter. Ratios: download / remote.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import h5py
import httpx
import numpy as np
from common import local_service

import ctadata
from ctadata.fs.filesystem import CtadataFileSystem

REMOTE = "lst/bench/fs/run.h5"
SMALL = "dl1/parameters/intensity"
ROWS_PER_WRITE = 8 * 1024 * 1024  # 64 MB of float64 per write: memory stays small


def write_h5(path: Path, size: int) -> np.ndarray:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = size // 8
    rng = np.random.default_rng(1)
    small = np.arange(1000, dtype="<f8") / 7
    with h5py.File(path, "w") as f:
        big = f.create_dataset("dl1/images", shape=(rows,), dtype="<f8")
        for start in range(0, rows, ROWS_PER_WRITE):
            stop = min(rows, start + ROWS_PER_WRITE)
            big[start:stop] = rng.random(stop - start)
        f.create_dataset(SMALL, data=small)
    return small


class Counter:
    def __init__(self, storage_url: str):
        self.url = storage_url.split("/pnfs/", 1)[0] + "/_stats"

    def reset(self) -> None:
        httpx.post(self.url + "/reset").raise_for_status()

    def bytes_sent(self) -> int:
        return int(httpx.get(self.url).json()["bytes_sent"])


def remote_read(options: dict[str, str]) -> np.ndarray:
    CtadataFileSystem.clear_instance_cache()
    with ctadata.open(REMOTE, **options) as f, h5py.File(f, "r") as h5:
        return h5[SMALL][:]


def download_then_read(options: dict[str, str], work: Path) -> np.ndarray:
    target = work / "run.h5"
    ctadata.fetch_and_save_file(REMOTE, target, progress_bar=False, **options)
    with h5py.File(target, "r") as h5:
        values = h5[SMALL][:]
    target.unlink()
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the big dataset")
    args = parser.parse_args()
    with local_service() as svc, tempfile.TemporaryDirectory(prefix="ctadata-bench-") as tmp:
        print(f"writing a {args.size_mb} MB HDF5 file into the storage ...", flush=True)
        small = write_h5(svc.storage_dir / REMOTE, args.size_mb * 1024 * 1024)
        size = (svc.storage_dir / REMOTE).stat().st_size
        options = {"token": svc.token, "downloadservice": svc.downloadservice}
        counter = Counter(svc.storage_url)
        results = {}
        for name, run in (
            ("ctadata.open + h5py (Range, block cache)", lambda: remote_read(options)),
            (
                "fetch_and_save_file, then h5py",
                lambda: download_then_read(options, Path(tmp)),
            ),
        ):
            counter.reset()
            start = time.perf_counter()
            values = run()
            seconds = time.perf_counter() - start
            sent = counter.bytes_sent()
            np.testing.assert_array_equal(values, small)
            results[name] = (seconds, sent)
        print(f"\none dataset of 1000 rows from a {size / 1e6:.0f} MB HDF5 file\n")
        print(f"{'way':<44} {'seconds':>9} {'bytes from storage':>20}")
        for name, (seconds, sent) in results.items():
            print(f"{name:<44} {seconds:9.3f} {sent:20,d}")
        (t_remote, b_remote), (t_download, b_download) = results.values()
        print(
            f"\nratio download / remote: time {t_download / t_remote:.0f}x,"
            f" bytes {b_download / b_remote:.0f}x"
            f" (remote read {100 * b_remote / size:.2f}% of the file)"
        )


if __name__ == "__main__":
    main()

"""What verifying a download with adler32 costs: the same 1 GiB download with and without it.

    python bench/bench_checksum.py [--size-mb 1024] [--repeat 5]

Both sides run `ctadata.fetch_and_save_file` (through `fetch/`) in a fresh Python against the
local service, alternating, each run on memory written once already (`touch_memory`). Without:
the same code with the checksum switched off in that process (no sum computed, no HEAD asked).

Two figures, because on a shared machine whole downloads swing by more than the cost sought:
- each side's wall time of the download and its process CPU (user + system), best and median;
- within each run with the checksum, the time spent summing (thread CPU and wall, around every
  block's adler32) and asking (the HEAD), as a share of that same run's download: a ratio taken
  inside one run, which the load of other runs does not skew.
The storage keeps each file's adler32 as dCache does: a warm-up run has it computed first.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

from common import local_service, touch_memory, write_random_file

CHILD = """
import resource, sys, time, ctadata
from ctadata.transfer.checksum import Running
from ctadata.client import APIClient
import ctadata.transfer.one_file
side, spent = sys.argv[1], {"sum_cpu": 0.0, "sum_wall": 0.0, "ask_wall": 0.0}
if side == "without":
    class Off:
        hex = None
        def at(self, file, offset): pass
        def update(self, block): pass
    ctadata.transfer.one_file.Running = Off
    APIClient.adler32 = lambda self, path: None
else:
    update, ask = Running.update, APIClient.adler32
    def timed_update(self, block):
        cpu, wall = time.thread_time(), time.perf_counter()
        update(self, block)
        spent["sum_cpu"] += time.thread_time() - cpu
        spent["sum_wall"] += time.perf_counter() - wall
    def timed_ask(self, path):
        wall = time.perf_counter()
        try:
            return ask(self, path)
        finally:
            spent["ask_wall"] += time.perf_counter() - wall
    Running.update, APIClient.adler32 = timed_update, timed_ask
start = time.perf_counter()
written = ctadata.fetch_and_save_file(sys.argv[2], sys.argv[3], progress_bar=False)
wall = time.perf_counter() - start
assert written.verified == (side == "with"), "not the side asked for"
usage = resource.getrusage(resource.RUSAGE_SELF)
print(wall, usage.ru_utime + usage.ru_stime, spent["sum_cpu"], spent["sum_wall"], spent["ask_wall"])
"""


def run(side: str, remote: str, target: Path, env: dict[str, str], size: int) -> list[float]:
    """One download by a fresh Python: [wall, process CPU, sum CPU, sum wall, ask wall]."""
    target.unlink(missing_ok=True)
    touch_memory(2 * size)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, side, remote, str(target)],
        check=True,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    return [float(x) for x in done.stdout.split()]


def show(runs: dict[str, list[list[float]]]) -> None:
    for side, measured in runs.items():
        walls, cpus = sorted(m[0] for m in measured), sorted(m[1] for m in measured)
        print(
            f"{side + ' adler32':<16} wall best {walls[0]:6.2f} s median {median(walls):6.2f} s"
            f"   process CPU best {cpus[0]:5.2f} s median {median(cpus):5.2f} s"
        )
    shares = [(m[2] / m[1], (m[3] + m[4]) / m[0], m[2], m[4]) for m in runs["with"]]
    cpu_share, wall_share, sum_cpu, ask = (median(s[i] for s in shares) for i in range(4))
    print(
        f"within the runs with it (median): summing {sum_cpu:.3f} s CPU = {100 * cpu_share:.1f} %"
        f" of the process CPU; summing + asking ({ask:.3f} s) = {100 * wall_share:.1f} % of"
        " the download's wall time"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024
    remote = "lst/bench/checksum.bin"
    with local_service() as svc, tempfile.TemporaryDirectory(prefix="ctadata-bench-") as tmp:
        write_random_file(svc.storage_dir / remote, size)
        env, target = svc.env(), Path(tmp) / "down.bin"
        run("with", remote, target, env, size)  # warm-up: the storage computes its adler32
        runs: dict[str, list[list[float]]] = {"with": [], "without": []}
        for _ in range(args.repeat):
            for side in ("without", "with"):
                runs[side].append(run(side, remote, target, env, size))
        mib = size / 2**20
        print(f"\n== one file of {mib:.0f} MiB, {args.repeat} runs each (a shared machine)")
        show(runs)


if __name__ == "__main__":
    main()

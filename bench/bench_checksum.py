"""What verifying a download with adler32 costs: the same 1 GiB download with and without it.

    python bench/bench_checksum.py [--size-mb 1024] [--repeat 5]

Both sides run `ctadata.fetch_and_save_file` (through `fetch/`) in a fresh Python against the
local service, alternating, each run on memory written once already (`touch_memory`). Without:
the same code with the checksum switched off in that process (no sum computed, no HEAD asked).
Prints the best and the median wall time and client CPU time (user + system) of each side,
and the cost of the checksum in percent (of the best). The storage keeps each file's adler32
as dCache does: a warm-up run has it computed before the timed ones.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from common import local_service, touch_memory, write_random_file

CHILD = """
import resource, sys, ctadata, ctadata.client, ctadata.transfer
if sys.argv[1] == "without":
    class Off:
        hex = None
        def at(self, file, offset): pass
        def update(self, block): pass
    ctadata.transfer.Running = Off
    ctadata.client.APIClient.adler32 = lambda self, path: None
written = ctadata.fetch_and_save_file(sys.argv[2], sys.argv[3], progress_bar=False)
assert written.verified == (sys.argv[1] == "with"), "not the side asked for"
usage = resource.getrusage(resource.RUSAGE_SELF)
print(usage.ru_utime + usage.ru_stime)
"""


def run(
    side: str, remote: str, target: Path, env: dict[str, str], size: int
) -> tuple[float, float]:
    """One download by a fresh Python: (wall seconds, its CPU seconds)."""
    target.unlink(missing_ok=True)
    touch_memory(2 * size)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, side, remote, str(target)],
        check=True,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    return time.perf_counter() - start, float(done.stdout.split()[-1])


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
        runs: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
        for _ in range(args.repeat):
            for side in ("without", "with"):
                runs[side].append(run(side, remote, target, env, size))
        mib = size / 2**20
        print(f"\n== one file of {mib:.0f} MiB, {args.repeat} runs each (a shared machine)")
        best = {}
        for side, measured in runs.items():
            walls, cpus = sorted(w for w, _ in measured), sorted(c for _, c in measured)
            best[side] = walls[0], cpus[0]
            print(
                f"{side + ' adler32':<16} wall best {walls[0]:6.2f} s median {median(walls):6.2f} s"
                f"   client CPU best {cpus[0]:5.2f} s median {median(cpus):5.2f} s"
            )
        (wall_with, cpu_with), (wall_without, cpu_without) = best["with"], best["without"]
        print(f"cost: wall {100 * (wall_with / wall_without - 1):+.1f} %,", end=" ")
        print(f"client CPU {100 * (cpu_with / cpu_without - 1):+.1f} %")


if __name__ == "__main__":
    main()

"""Finding files in a big tree: `cta-data find` vs a serial walk vs `rclone lsf -R --include`.

    python bench/bench_find.py [--dates 20] [--runs 100] [--files 10]

Against the local development service (a subprocess, over a temporary storage folder), a tree
of `dates` x `runs` folders with `files` files each (default: 20,000 files in 2,000 folders,
plus the 20 above them) is searched for `*.h5` (half of the files):
- `cta-data find` (the library's concurrent walk, 8 listings at once, and 1 and 16),
- `ctadata://`'s `glob("**/*.h5")` (the same walk over the `webdav/` pass-through's PROPFIND),
- a serial walk (`APIClient.entries`, one listing after the other), as the library had before,
- `rclone lsf -R --include '*.h5'` on the service's `webdav/` (8 checkers, its default).
All run in the same run, alternating, best of 3 each; every one must find the same files.
The token goes to rclone through its environment (`RCLONE_WEBDAV_BEARER_TOKEN`, the same
option as `--webdav-bearer-token`), so it is on no command line and never printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import REPEAT, Service, have, local_service, timed

ROOT = "lst/bench/find"
PATTERN = "*.h5"


def write_tree(storage: Path, dates: int, runs: int, files: int) -> int:
    """The tree; returns how many files match PATTERN."""
    matching = 0
    for d in range(dates):
        for r in range(runs):
            folder = storage / ROOT / f"2024{d // 28 + 10:02d}{d % 28 + 1:02d}" / f"run{r:05d}"
            folder.mkdir(parents=True)
            for f in range(files):
                suffix = "h5" if f % 2 == 0 else "log"
                (folder / f"part{f:03d}.{suffix}").write_bytes(b"x" * (f + 1))
                matching += suffix == "h5"
    return matching


SERIAL = f"""
import fnmatch
from ctadata import APIClient
with APIClient() as api:
    folders = ["{ROOT}/"]
    while folders:
        for e in api.entries(folders.pop()):
            if e.is_dir:
                folders.append(e.path)
            elif fnmatch.fnmatchcase(e.name, "{PATTERN}"):
                print(e.path)
"""


GLOB = f"""
import fsspec
for path in fsspec.filesystem("ctadata").glob("{ROOT}/**/{PATTERN}"):
    print(path)
"""


def commands(service: Service) -> dict[str, tuple[list[str], dict[str, str]]]:
    env = service.env()
    cta_data = [sys.executable, "-m", "ctadata.cli", "find", f"{ROOT}/", "--name", PATTERN]
    cases = {
        "serial walk (APIClient.entries, 1 listing at once)": (
            [sys.executable, "-c", SERIAL],
            env,
        ),
        "cta-data find -j 1": ([*cta_data, "-j", "1"], env),
        "cta-data find (-j 8, the default)": (cta_data, env),
        "cta-data find -j 16": ([*cta_data, "-j", "16"], env),
        "ctadata:// glob (webdav/, 8 at once)": ([sys.executable, "-c", GLOB], env),
    }
    if have("rclone"):
        rclone_env = env | {"RCLONE_WEBDAV_BEARER_TOKEN": service.token}
        webdav = service.downloadservice + "webdav/"
        cases["rclone lsf -R --include (8 checkers)"] = (
            ["rclone", "lsf", "-q", "-R", "--files-only", "--include", PATTERN,
             "--webdav-url", webdav, "--webdav-vendor", "other", f":webdav:{ROOT}/"],
            rclone_env,
        )  # fmt: skip
    return cases


def found_count(out: str) -> int:
    return len([line for line in out.splitlines() if line.strip()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dates", type=int, default=20)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--files", type=int, default=10)
    args = parser.parse_args()
    with local_service() as service:
        start = time.perf_counter()
        matching = write_tree(service.storage_dir, args.dates, args.runs, args.files)
        folders = args.dates * args.runs + args.dates
        print(
            f"tree: {args.dates * args.runs * args.files} files in {folders} folders,"
            f" {matching} match {PATTERN!r} (written in {time.perf_counter() - start:.1f} s)"
        )
        if not have("rclone"):
            print("rclone is not installed: its case is left out (apt-get install rclone)")
        cases = commands(service)
        best = dict.fromkeys(cases, float("inf"))
        for _ in range(REPEAT):  # alternating: every case sees the same moments of the machine
            for name, (command, env) in cases.items():
                seconds, out = timed(command, env, 1)
                if found_count(out) != matching:
                    raise SystemExit(f"{name}: found {found_count(out)}, not {matching}")
                best[name] = min(best[name], seconds)
        serial = best[next(iter(cases))]
        for name, seconds in best.items():
            rate = folders / seconds
            print(
                f"{name:<50} {seconds:7.2f} s {rate:8.0f} folders/s"
                f"  speed-up vs serial {serial / seconds:5.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""Library, CLI and extension transfers against curl/rclone on the same files, in the same run.

    python bench/bench_transfer.py [--sizes-mb 200,1024] [--repeat 3] [--files 1000]
                                   [--only CASE,CASE] [--fsspec]

For each file size and case, our side and its reference (curl, on the same file, to the same
service) run alternately `--repeat` times (the side that goes first alternates too), each run on
memory already written once (`touch_memory`) and with its output file removed; the medians
count. Every row gives wall time, CPU (user + system) and peak memory, for both sides, and the
ratios ours / curl (lower is better: 1.00 is curl's cost).

What is measured, per case (`--only` names them):
  cli          `cta-data get` (a process: start-up included; CPU and peak RSS by `os.wait4`)
  library      `ctadata.fetch_and_save_file` timed inside a Python process (start-up excluded)
  lab          a download job of the Jupyter server extension (`POST /ctadata/transfers`,
               polled until done): the server's CPU during the job (/proc), its peak RSS
               (VmHWM, reset before each run)
  direct       `cta-data-direct get` straight from the WebDAV storage (a token, no service),
               against curl on the storage's URL
  put          `cta-data put` against `curl -X POST -T` to `upload/`
  upload       `ctadata.upload_file` in a process, against the same curl
  browser-put  the extension's streamed `PUT /ctadata/upload` (sent by curl, as a browser
               sends it): the server's CPU and peak RSS, against curl uploading to `upload/`
  many         1000 files of 64 KB: the old client's loop, recursive downloads 4 and 8 at once,
               `rclone copy` (8 transfers) and `curl --parallel --parallel-max 8`
The machine's load (load average, idle CPU share) is printed with each size: it is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
from common import (
    Service,
    digest,
    have,
    header_file,
    local_service,
    touch_memory,
    write_random_file,
)

SMALL_FILE = 64 * 1024
BIN = Path(sys.executable).parent
CASES = ("cli", "library", "lab", "direct", "put", "upload", "browser-put", "many")


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the measured process
    peak_mb: float  # its peak RSS


def child(command: list[str], env: dict[str, str]) -> tuple[Run, str]:
    """Run a command; its wall time, CPU and peak RSS, and what it printed.

    Started through `/usr/bin/time`, which reports the peak RSS of the command alone: a child
    of this process would count this process's memory in its own peak (Linux keeps the larger
    of the two across the fork and the exec), and `time` is small.
    """
    with tempfile.NamedTemporaryFile("r", prefix="ctadata-time-") as usage:
        start = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-o", usage.name, "-f", "%U %S %M", *command],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{command[:3]} exited {done.returncode}: {done.stdout[-500:]}")
        user, system, peak_kb = usage.read().split()[-3:]
    return Run(wall, float(user) + float(system), int(peak_kb) / 1024), done.stdout


def in_process(code: str, env: dict[str, str]) -> Run:
    """Library code in a fresh Python, timed inside it (start-up and imports not counted)."""
    script = (
        "import json, resource, time, ctadata\n"
        "import ctadata.client\n"
        "def cpu():\n"
        "    u = resource.getrusage(resource.RUSAGE_SELF)\n"
        "    return u.ru_utime + u.ru_stime\n"
        "c0, t0 = cpu(), time.perf_counter()\n"
        f"{code}\n"
        "t1, c1 = time.perf_counter(), cpu()\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps([t1 - t0, c1 - c0, peak / 1024]))\n"
    )
    _, out = child([sys.executable, "-c", script], env)
    return Run(*json.loads(out.splitlines()[-1]))


class Server:
    """CPU and peak RSS of a long-running process (the Jupyter server) over one action."""

    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.growth_mb = 0.0  # the largest peak RSS growth over the RSS before a run

    def measure(self, action: Callable[[], object]) -> Run:
        """`action`'s wall time (or the seconds it returns), the CPU the process used meanwhile
        and its peak RSS."""
        try:  # "5": reset VmHWM to the current RSS (Linux >= 4.0)
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
            resettable = True
        except OSError:
            resettable = False
        times = self.process.cpu_times()
        rss = self.process.memory_info().rss
        start = time.perf_counter()
        timed = action()
        wall = timed if isinstance(timed, float) else time.perf_counter() - start
        after = self.process.cpu_times()
        cpu = after.user + after.system - times.user - times.system
        peak = 0.0
        if resettable:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
        self.growth_mb = max(self.growth_mb, peak - rss / 2**20)
        return Run(wall, cpu, peak)


def lab_job(server: Any, remote: str, to: str) -> float:
    """A download job of the extension, polled every 0.1 s (as a panel would, not much more:
    each poll costs the server CPU); its seconds from creation to end, by the server's clock."""
    body = {"kind": "download", "path": remote, "to": to, "overwrite": True}
    job = server.call("POST", "transfers", json=body)
    while job["state"] in ("queued", "running"):
        time.sleep(0.1)
        job = server.call("GET", f"transfers/{job['id']}")
    if job["state"] != "done":
        raise RuntimeError(f"download job ended {job['state']}: {job['error']}")
    ended = datetime.fromisoformat(job["finished"]) - datetime.fromisoformat(job["created"])
    return ended.total_seconds()


@dataclass
class Case:
    name: str
    reference: Callable[[], Run]
    ours: Callable[[], Run]
    outputs: tuple[Path, ...] = ()  # removed before each run (the first is the reference's)
    uploads: str = ""  # and the uploaded files of this name in the storage


def paired(case: Case, size: int, repeat: int, storage: Path) -> tuple[list[Run], list[Run]]:
    """Reference and ours alternating, the first side alternating too; fresh outputs and
    memory written once already before each run."""
    refs: list[Run] = []
    ours: list[Run] = []

    def run(side: Callable[[], Run], into: list[Run]) -> None:
        mine = case.outputs[:1] if into is refs else case.outputs[1:]
        for output in mine:
            output.unlink(missing_ok=True)
        for stored in storage.glob(f"*/users/*/bench/{case.uploads}") if case.uploads else ():
            stored.unlink()
        os.sync()  # the last run's dirty pages are not written back during this one
        touch_memory(2 * size)
        into.append(side())

    for n in range(repeat):
        order = [(case.reference, refs), (case.ours, ours)]
        for side, into in order if n % 2 == 0 else reversed(order):
            run(side, into)
    return refs, ours


def median(runs: list[Run]) -> Run:
    return Run(
        *(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "peak_mb"))
    )


def spread(runs: list[Run]) -> str:
    return " ".join(f"{r.wall:.2f}/{r.cpu:.2f}" for r in runs)


HEADER = (
    f"{'case':<34} {'size':>6} | {'wall s':>13} {'ratio':>5} | {'CPU s':>11} {'ratio':>5}"
    f" {'CPU/GiB':>7} | {'peak MB':>13}"
)


def row(name: str, size: int, ref: Run, ours: Run) -> str:
    gib = size / 2**30
    return (
        f"{name:<34} {size / 2**20:5.0f}M | {ref.wall:6.2f} {ours.wall:6.2f}"
        f" {ours.wall / ref.wall:5.2f}"
        f" | {ref.cpu:5.2f} {ours.cpu:5.2f} {ours.cpu / max(ref.cpu, 1e-3):5.2f}"
        f" {ours.cpu / gib:7.2f} | {ref.peak_mb:6.1f} {ours.peak_mb:6.1f}"
    )


@contextmanager
def machine_load() -> Iterator[None]:
    """Prints the load average and the idle share of the CPUs over the block."""
    idle, start = psutil.cpu_times().idle, time.monotonic()
    yield
    share = (psutil.cpu_times().idle - idle) / (time.monotonic() - start) / psutil.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"  (machine: {psutil.cpu_count()} CPUs, {100 * share:.0f} % idle over these runs,"
        f" load average now {load})",
        flush=True,
    )


def big_file(
    svc: Service, work: Path, size: int, repeat: int, only: set[str], lab: object | None
) -> None:
    remote = "lst/bench/big.bin"
    write_random_file(svc.storage_dir / remote, size)
    expected = digest(svc.storage_dir / remote)
    env = svc.env()
    # The direct client talks to the storage itself; the development storage takes any token.
    direct_env = env | {
        "CTADATA_DCACHE_URL": svc.storage_url.removesuffix("/").removesuffix("/pnfs/cta.cscs.ch"),
        "CTADATA_TOKEN": "bench-token",
    }
    lib_file, curl_file, source = work / "lib.bin", work / "curl.bin", work / "source.bin"
    source.unlink(missing_ok=True)
    os.link(svc.storage_dir / remote, source)  # what the uploads send
    # The service makes the user's folder, not the folders below it.
    (svc.storage_dir / "lst/users/cta_demo/bench").mkdir(parents=True, exist_ok=True)
    cli_file, direct_file = work / "cli" / "big.bin", work / "direct" / "big.bin"
    print(
        f"\n== one file of {size / 2**20:.0f} MiB: curl | ours, median of {repeat} alternating",
        flush=True,
    )
    print(HEADER)
    with ExitStack() as stack:
        hdr = stack.enter_context(header_file(svc.token))
        curl = ["curl", "-sS", "-f", "-H", f"@{hdr}"]
        fetch_url = svc.downloadservice + "fetch/" + remote
        upload_url = svc.downloadservice + "upload/bench/curl-up.bin"

        def curl_get(url: str) -> Callable[[], Run]:
            return lambda: child([*curl, "-o", str(curl_file), url], env)[0]

        def curl_put() -> Run:
            return child([*curl, "-X", "POST", "-T", str(source), upload_url], env)[0]

        cases: list[Case] = [
            Case(
                "cli",
                curl_get(fetch_url),
                lambda: child(
                    [str(BIN / "cta-data"), "get", remote, "--to", str(cli_file.parent)], env
                )[0],
                (curl_file, cli_file),
            ),
            Case(
                "library",
                curl_get(fetch_url),
                lambda: in_process(
                    f"ctadata.fetch_and_save_file({remote!r}, {str(lib_file)!r},"
                    " progress_bar=False)",
                    env,
                ),
                (curl_file, lib_file),
            ),
            Case(
                "direct",
                curl_get(svc.storage_url + remote),
                lambda: child(
                    [str(BIN / "cta-data-direct"), "get", remote, "--to", str(direct_file.parent)],
                    direct_env,
                )[0],
                (curl_file, direct_file),
            ),
            Case(
                "put",
                curl_put,
                lambda: child([str(BIN / "cta-data"), "put", str(source), "bench/cli-up.bin"], env)[
                    0
                ],
                uploads="cli-up.bin",
            ),
            Case(
                "upload",
                curl_put,
                lambda: in_process(
                    f"ctadata.upload_file({str(source)!r}, 'bench/lib-up.bin', progress_bar=False)",
                    env,
                ),
                uploads="lib-up.bin",
            ),
        ]
        if lab is not None:
            from bench_lab import lab_upload

            server = Server(lab.process.pid)  # type: ignore[attr-defined]
            lab_file = lab.root / "data" / "big.bin"  # type: ignore[attr-defined]
            cases[2:2] = [
                Case(
                    "lab",
                    curl_get(fetch_url),
                    lambda: server.measure(lambda: lab_job(lab, remote, "data")),
                    (curl_file, lab_file),
                )
            ]
            cases.append(
                Case(
                    "browser-put",
                    curl_put,
                    lambda: server.measure(lambda: lab_upload(lab, source, "bench/lab-up.bin")),
                    uploads="lab-up.bin",
                )
            )
        labels = {
            "cli": "cta-data get (fetch/)",
            "library": "fetch_and_save_file, in process",
            "lab": "extension download job (server)",
            "direct": "cta-data-direct get (storage)",
            "put": "cta-data put (upload/)",
            "upload": "upload_file, in process",
            "browser-put": "browser PUT via extension (server)",
        }
        for case in cases:
            if case.name not in only:
                continue
            with machine_load():
                refs, ours = paired(case, size, repeat, svc.storage_dir)
                print(row(labels[case.name], size, median(refs), median(ours)), flush=True)
                print(f"    runs, wall/CPU s: curl {spread(refs)}; ours {spread(ours)}", flush=True)
            for output in case.outputs[1:]:
                assert digest(output) == expected, f"{case.name}: {output} corrupted"
            if lab is not None and case.name in ("lab", "browser-put"):
                growth = server.growth_mb
                print(f"    Jupyter server peak RSS growth over its RSS before: {growth:.1f} MB")
                server.growth_mb = 0.0
            for stored in svc.storage_dir.glob(f"*/users/*/bench/{case.uploads or '-'}"):
                assert digest(stored) == expected, f"{case.name}: {stored} corrupted"
                stored.unlink()


def many_files(svc: Service, work: Path, count: int, repeat: int) -> None:
    base = "lst/bench/many"
    for i in range(count):
        write_random_file(
            svc.storage_dir / base / f"run{i // 100:03d}" / f"f{i:05d}.bin", SMALL_FILE
        )
    env = svc.env()
    print(
        f"\n== {count} files of {SMALL_FILE // 1024} KB in {count // 100 + 1} directories"
        f" (median of {repeat}; each run into a new folder)",
        flush=True,
    )
    print(f"{'case':<40} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'files/s':>8}")
    old_loop = """
import httpx, os, sys
h = {"Authorization": "Bearer " + os.environ["JUPYTERHUB_API_TOKEN"]}
svc, base, out = os.environ["CTADS_URL"], sys.argv[1], sys.argv[2]
def walk(p):
    for e in httpx.get(svc + "list/" + p, headers=h).json()[1:]:
        if e["type"] == "directory":
            yield from walk(e["href"])
        else:
            yield e["href"]
for href in walk(base):
    os.makedirs(os.path.join(out, os.path.dirname(href)), exist_ok=True)
    httpx.get(svc + "list/" + href, headers=h)
    with open(os.path.join(out, href), "wb") as f:
        f.write(httpx.get(svc + "fetch/" + href, headers=h).content)
"""
    names = [f"{base}/run{i // 100:03d}/f{i:05d}.bin" for i in range(count)]
    results: dict[str, list[Run]] = {}
    with header_file(svc.token) as hdr:

        def curl_parallel(out: Path) -> Run:
            config = out.with_suffix(".curlrc")
            out.mkdir(parents=True)
            config.write_text(
                "".join(
                    f'url = "{svc.downloadservice}fetch/{n}"\noutput = "{out / n}"\n' for n in names
                )
            )
            return child(
                [
                    "curl",
                    "-sS",
                    "--no-progress-meter",
                    "-f",
                    "--create-dirs",
                    "-H",
                    f"@{hdr}",
                    "--parallel",
                    "--parallel-max",
                    "8",
                    "-K",
                    str(config),
                ],
                env,
            )[0]

        def curl_xargs(out: Path) -> Run:
            arguments = out.with_suffix(".args")
            out.mkdir(parents=True)
            arguments.write_text(
                "".join(f"{out / n} {svc.downloadservice}fetch/{n}\n" for n in names)
            )
            curl = ["curl", "-sS", "-f", "--create-dirs", "-H", f"@{hdr}", "-o"]
            return child(["xargs", "-a", str(arguments), "-P", "8", "-n", "2", *curl], env)[0]

        cases: list[tuple[str, Callable[[Path], Run]]] = [
            (
                "sequential loop like the old client",
                lambda out: child([sys.executable, "-c", old_loop, base + "/", str(out)], env)[0],
            ),
            ("curl --parallel --parallel-max 8 (fetch/)", curl_parallel),
            ("curl, one per file, xargs -P 8 (fetch/)", curl_xargs),
        ]
        if have("rclone"):
            remote = f":webdav,url='{svc.downloadservice}webdav/':{base}"
            cases.append(
                (
                    "rclone copy --transfers 8 (webdav/)",
                    lambda out: child(
                        ["rclone", "copy", "-q", "--transfers", "8", remote, str(out)],
                        env | {"RCLONE_WEBDAV_BEARER_TOKEN": svc.token},
                    )[0],
                )
            )
        for jobs in (4, 8):
            cases.append(
                (
                    f"ctadata recursive, {jobs} at once",
                    lambda out, jobs=jobs: child(
                        [
                            sys.executable,
                            "-c",
                            "import ctadata\n"
                            f"ctadata.APIClient(concurrency={jobs}, progress_bar=False)"
                            f".fetch_and_save_file_or_dir({base + '/'!r}, recursive=True,"
                            f" to={str(out)!r})",
                        ],
                        env,
                    )[0],
                )
            )
        cases.append(
            (
                "cta-data get -r -j 8",
                lambda out: child(
                    [str(BIN / "cta-data"), "get", "-r", "-j", "8", base + "/", "--to", str(out)],
                    env,
                )[0],
            )
        )
        with machine_load():
            for n in range(repeat):
                order = list(enumerate(cases))
                for i, (name, action) in order if n % 2 == 0 else reversed(order):
                    if n and name.startswith("sequential"):
                        continue  # a minute a run, and far behind: once is enough
                    results.setdefault(name, []).append(action(work / f"many-{i}-{n}"))
    for name, runs in results.items():
        m = median(runs)
        print(f"{name:<40} {m.wall:7.2f} {m.cpu:7.2f} {m.peak_mb:8.1f} {count / m.wall:8.0f}")
    best8 = statistics.median(r.wall for r in results["ctadata recursive, 8 at once"])
    for ref in (
        "rclone copy --transfers 8 (webdav/)",
        "curl, one per file, xargs -P 8 (fetch/)",
        "curl --parallel --parallel-max 8 (fetch/)",
    ):
        if ref in results:
            t = statistics.median(r.wall for r in results[ref])
            print(f"  ctadata (8 at once) faster than {ref.split(' (')[0]}: {t / best8:.2f} x")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes-mb", default="200,1024", help="file sizes in MiB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--only", default=",".join(CASES), help="cases, comma-separated")
    args = parser.parse_args()
    only = set(args.only.split(","))
    import ctadata

    print(
        f"ctadata from {Path(ctadata.__file__).parent}; curl and our side alternate;"
        " ratios are ours / curl (lower is better)"
    )
    with ExitStack() as stack:
        svc = stack.enter_context(local_service())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ctadata-work-")))
        lab = None
        if only & {"lab", "browser-put"}:
            from bench_lab import jupyter_server, warm_up

            root = tmp / "workspace"
            root.mkdir()
            lab = stack.enter_context(jupyter_server(svc, root))
            warm_up(lab, svc, tmp)
        for size_mb in map(int, args.sizes_mb.split(",")):
            if only - {"many"}:
                big_file(svc, tmp, size_mb * 2**20, args.repeat, only, lab)
        if args.files and "many" in only:
            many_files(svc, tmp, args.files, args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(bench process peak RSS {peak:.0f} MB)")


if __name__ == "__main__":
    main()

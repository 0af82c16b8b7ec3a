"""What every benchmark needs: a local service in a subprocess, timing, curl, child RSS."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Service:
    downloadservice: str
    certificateservice: str
    storage_url: str
    token: str
    storage_dir: Path
    process: subprocess.Popen

    def env(self) -> dict[str, str]:
        return os.environ | {
            "CTADS_URL": self.downloadservice,
            "CTACS_URL": self.certificateservice,
            "JUPYTERHUB_API_TOKEN": self.token,
            # The hub names the user folder; the local service's demo token is this user's.
            "JUPYTERHUB_USER": "CTA Demo",
        }


@contextmanager
def local_service(*options: str) -> Iterator[Service]:
    """The development service on ephemeral ports over a temporary storage folder; `options`
    go to `cta-data dev-service` (e.g. `--request-overhead`, `50`)."""
    with tempfile.TemporaryDirectory(prefix="ctadata-bench-") as tmp:
        storage, state = Path(tmp, "storage"), Path(tmp, "state")
        storage.mkdir()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ctadata.devservice",
                "--storage",
                str(storage),
                "--state",
                str(state),
                "--port",
                "0",
                "--ready-json",
                *options,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            info = json.loads(process.stdout.readline())
            yield Service(
                info["downloadservice"],
                info["certificateservice"],
                info["storage_url"],
                info["token"],
                storage,
                process,
            )
        finally:
            process.terminate()
            process.wait(10)


def digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def write_random_file(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as f:
        for _ in range(size // len(block)):
            f.write(block)
        f.write(block[: size % len(block)])


def touch_memory(size: int) -> None:
    """Write `size` bytes to a scratch file in TMPDIR, then delete it, so that the memory the
    next run takes has been written once already.

    On a virtual machine, memory written for the first time is several times slower to write
    (12 GB to tmpfs: 31 s the first time, 5 s right after): whichever side of a comparison got
    new memory would lose, whatever its code.
    """
    block = bytes(1024 * 1024)
    with tempfile.TemporaryFile(prefix="ctadata-touch-") as f:
        for _ in range(size // len(block)):
            f.write(block)


REPEAT = 3  # each case runs this often; the best time counts (the machine is shared)


def timed(
    command: list[str], env: dict[str, str] | None = None, repeat: int = REPEAT
) -> tuple[float, str]:
    """Run a command in a child process, best of `repeat`: (seconds, what it printed)."""
    best, out = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, check=True, env=env, stdout=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - start
        if seconds < best:
            best, out = seconds, done.stdout
    return best, out


def python(code: str) -> list[str]:
    """A command running library code in a fresh Python; it prints its peak RSS in kB last."""
    script = (
        "import resource, ctadata\n"
        f"{code}\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    return [sys.executable, "-c", script]


def library(code: str, env: dict[str, str], repeat: int = REPEAT) -> tuple[float, float]:
    """Run library code in a fresh Python: (seconds, that process's peak RSS in MB)."""
    seconds, out = timed(python(code), env, repeat)
    return seconds, int(out.split()[-1]) / 1024


def pair(
    reference: list[str],
    ours: list[str],
    env: dict[str, str],
    size: int,
    outputs: Iterable[Path] = (),
) -> tuple[float, float]:
    """The reference and our command, alternating REPEAT times, so that both see the same
    moments of a shared machine: the best seconds of each. Each run of `size` bytes starts
    on memory already written (`touch_memory`).

    `outputs` are removed before each run, so that both write a new file, as for a file not
    yet downloaded: curl's `-o` would otherwise truncate its old file and write into the
    memory just freed, while ctadata writes a temporary file and frees the old one only when
    it replaces it (on a virtual machine, memory written for the first time is several times
    slower, and the runs would measure that).
    """

    def run(command: list[str]) -> float:
        for output in outputs:
            output.unlink(missing_ok=True)
        touch_memory(2 * size)  # the file written, with as much again to spare
        return timed(command, env, 1)[0]

    best_reference = best_ours = float("inf")
    for _ in range(REPEAT):
        best_reference = min(best_reference, run(reference))
        best_ours = min(best_ours, run(ours))
    return best_reference, best_ours


@contextmanager
def header_file(token: str) -> Iterator[str]:
    """curl reads the Authorization header from a file: the token stays off command lines."""
    with tempfile.NamedTemporaryFile("w", suffix=".hdr", delete=False) as f:
        f.write(f"Authorization: Bearer {token}\n")
    os.chmod(f.name, 0o600)
    try:
        yield f.name
    finally:
        os.unlink(f.name)


def have(program: str) -> bool:
    return shutil.which(program) is not None


def report(name: str, seconds: float, size: int, reference: float | None = None) -> None:
    rate = size / seconds / 1e6
    ratio = f"  ratio vs reference {reference / seconds:5.2f}" if reference else ""
    print(f"{name:<46} {seconds:8.2f} s {rate:9.1f} MB/s{ratio}", flush=True)

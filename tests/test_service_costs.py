"""The local service costs what the deployed one does: memory while a download is resumed
through `webdav/`, and a fixed time per request.

The local service holds every `webdav/` answer whole in memory (and a copy of it), as the
deployed one does: a resume that asked for the whole rest of a big file in one open-ended Range
made the service grow by that rest, several times over. Bounded windows keep it to a few of them.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import httpx
import pytest

from ctadata.config import DEFAULT_RANGE_WINDOW
from ctadata.http import byte_range
from ctadata.transfer.local import LocalPath, temp_name
from ctadata.transfer.progress import Meter
from tests.helpers import client_for

MiB = 1024 * 1024
SIZE = 512 * MiB
DONE = 64 * MiB  # what the earlier run wrote before it stopped


def write_file(path: Path, size: int, block: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        for _ in range(size // len(block)):
            f.write(block)


def rss_kib(pid: int, field: str) -> int:
    """`VmRSS` (now) or `VmHWM` (the peak since the last reset) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def reset_peak(pid: int) -> None:
    """Start `VmHWM` again from the current RSS (Linux: `5` to `/proc/PID/clear_refs`)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError as exc:
        pytest.skip(f"cannot reset the peak RSS of the service: {exc}")


def test_resuming_512_mib_holds_a_few_windows_in_the_service(
    spawn_dev_service, tmp_path, record_property
) -> None:
    # Without the test mode refusing open-ended ranges: the service as deployed.
    service = spawn_dev_service(refuse_open_ranges=False)
    block = os.urandom(MiB)
    write_file(service.storage_dir / "lst/DL1/resume/big.bin", SIZE, block)
    target = tmp_path / "big.bin"
    part = tmp_path / temp_name(target.name)  # the earlier run's temporary file
    write_file(part, DONE, block)
    with client_for(service, "alice") as api:
        entry = api.stat("lst/DL1/resume/big.bin")
        warm_up = api.protocol.webdav_request("GET", entry.path, byte_range(0, 1024))
        api.http.send(warm_up).raise_for_status()  # a service that has served a read already
        baseline = rss_kib(service.pid, "VmRSS")
        reset_peak(service.pid)
        meter = Meter("big.bin", None, bar=False)
        api._download(entry, LocalPath.of(target), meter, True, adopt=(part.name, SIZE))
        growth = (rss_kib(service.pid, "VmHWM") - baseline) * 1024
    assert target.stat().st_size == SIZE and not part.exists()
    figure = (
        f"the service's peak RSS grew by {growth / MiB:.0f} MiB while resuming"
        f" {(SIZE - DONE) / MiB:.0f} MiB of a {SIZE / MiB:.0f} MiB file"
        f" (window {DEFAULT_RANGE_WINDOW / MiB:.0f} MiB)"
    )
    print(figure)
    record_property("service_rss_growth_mib", round(growth / MiB))
    warnings.warn(figure, stacklevel=1)
    assert growth < 3 * DEFAULT_RANGE_WINDOW, figure


def test_every_request_waits_the_overhead(spawn_dev_service) -> None:
    service = spawn_dev_service(args=("--request-overhead", "300"))
    alice = service.users["alice"].headers
    with httpx.Client(base_url=service.downloadservice, timeout=30) as http:
        for method, url, headers in [
            ("GET", "health", {}),
            ("GET", "list/lst", alice),
            ("GET", "fetch/lst/none.bin", alice),
            ("PROPFIND", "webdav/lst/", alice | {"Depth": "0"}),
            ("GET", "list/", {}),  # no route: 404, the cost paid all the same
            ("POST", service.certificateservice + "certificate", {}),
        ]:
            start = time.perf_counter()
            http.request(method, url, headers=headers)
            assert time.perf_counter() - start >= 0.3, f"{method} {url}"

"""A job's progress notices: few enough that a GiB in 64 KiB blocks costs nothing to record."""

from __future__ import annotations

import time

from ctadata_lab.transfers.jobs import DONE, SAMPLE_EVERY, Job


def test_progress_is_told_once_per_sample_and_the_end_always() -> None:
    job = Job("browser-upload", "bench/big.bin", None, bytes_total=16_384 * 65_536)
    told: list[tuple[int, bool]] = []
    job.on_change = lambda changed, important: told.append((changed.bytes_done, important))
    job.start()
    started = time.monotonic()
    for _ in range(16_384):
        job.advance(65_536)
    elapsed = time.monotonic() - started
    job.finish(DONE)

    assert job.bytes_done == 16_384 * 65_536
    progress = [done for done, important in told if not important]
    assert len(progress) <= elapsed / SAMPLE_EVERY + 1, "a notice for every block"
    assert told[-1] == (job.bytes_done, True), "the end is told, with the last count"

"""Sizes in one convention (powers of 1024, named KiB, MiB...): the command line and the bars."""

from __future__ import annotations

from ctadata.transfer.progress import Meter
from ctadata.units import format_size


def test_format_size() -> None:
    assert [format_size(n) for n in (None, 0, 1023, 1024, 324_600, 5 * 1024**3)] == [
        "-",
        "0 B",
        "1023 B",
        "1.0 KiB",
        "317.0 KiB",
        "5.0 GiB",
    ]


def test_the_progress_bar_names_sizes_and_rate_as_the_cli_does(capsys) -> None:
    meter = Meter("run1.h5", bar=True)
    meter.start(3 * 1024**2, 1)
    meter.advance(1024**2 + 300 * 1024, "run1.h5")
    meter.close()
    shown = capsys.readouterr().err.split("\r")[-1]
    assert "1.3 MiB/3.0 MiB" in shown and "iB/s]" in shown, shown

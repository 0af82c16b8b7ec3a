"""Sizes as people read them, in one convention everywhere (the command line, progress bars,
the panel): powers of 1024, named as such (KiB, MiB, GiB), one decimal."""

from __future__ import annotations


def format_size(size: float | None) -> str:
    """`317.0 KiB`; whole bytes as `512 B`; `-` for an unknown size."""
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")

"""Progress of a transfer: one thread-safe meter per transfer, shown by callbacks and tqdm."""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import Cancelled
from ..units import format_size
from .local import TempHook

# tqdm's default layout, with sizes in KiB, MiB... (see `byte_bar`).
BAR_FORMAT = "{l_bar}{bar}| {done}/{size} [{elapsed}<{remaining}, {speed}]"


@dataclass(frozen=True)
class Progress:
    """A snapshot handed to progress callbacks: the whole transfer so far (all files)."""

    bytes_done: int
    bytes_total: int | None
    files_done: int
    files_total: int
    path: str
    files_verified: int = 0  # of `files_done`, those checked against the storage's adler32


ProgressCallback = Callable[[Progress], None]


def interactive() -> bool:
    """Bars only where a person watches: a terminal, or a notebook kernel."""
    return sys.stderr.isatty() or "ipykernel" in sys.modules


class Meter:
    """Counts bytes and files of one transfer (shared by its worker threads).

    It also carries the cancel flag: workers call `advance` between chunks, which raises
    `Cancelled` once the caller set the event; and the `on_temp` hook (`local.TempHook`).
    With `suspend` set as well, a cancelled download keeps its temporary file, for a later run
    to continue (a server stopping: `ctadata_lab`).
    """

    def __init__(
        self,
        label: str,
        callback: ProgressCallback | None = None,
        bar: bool | None = None,
        cancel: threading.Event | None = None,
        on_temp: TempHook | None = None,
    ):
        self.label = label
        self.on_temp = on_temp  # told of each temporary file a download creates and removes
        self.callback = callback
        self.cancel = cancel or threading.Event()
        self.suspend: threading.Event | None = None
        self.bytes_done = 0
        self.bytes_total: int | None = None
        self.files_done = 0
        self.files_verified = 0
        self.files_total = 0
        self._lock = threading.Lock()
        self._bar_wanted = interactive() if bar is None else bar
        self._bar: Any = None  # a tqdm bar, made when the first bytes come

    def start(self, bytes_total: int | None, files_total: int) -> None:
        with self._lock:
            self.bytes_total, self.files_total = bytes_total, files_total
            if self._bar_wanted and self._bar is None:
                self._bar = byte_bar()(
                    total=bytes_total, desc=self.label, leave=True, bar_format=BAR_FORMAT
                )
        self._notify(self.label)

    def advance(self, nbytes: int, path: str) -> None:
        if self.cancel.is_set():
            raise Cancelled.of(path)
        with self._lock:
            self.bytes_done += nbytes
            if self._bar is not None:
                self._bar.update(nbytes)
        self._notify(path)

    def rewind(self, nbytes: int) -> None:
        """A restarted or failed file gives back the bytes it had counted."""
        with self._lock:
            self.bytes_done -= nbytes
            if self._bar is not None:
                self._bar.update(-nbytes)

    def file_done(self, path: str, verified: bool = False) -> None:
        """One more file moved; `verified`: its adler32 was compared with the storage's."""
        with self._lock:
            self.files_done += 1
            self.files_verified += verified
        self._notify(path)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def _notify(self, path: str) -> None:
        if self.callback is not None:
            self.callback(
                Progress(
                    self.bytes_done,
                    self.bytes_total,
                    self.files_done,
                    self.files_total,
                    path,
                    self.files_verified,
                )
            )


@functools.cache
def byte_bar() -> type:
    """tqdm (for the terminal or the notebook) that names sizes as the rest of ctadata does:
    tqdm's own scaling divides by 1024 but says kB and MB, and its rate divides by 1000."""
    from tqdm.auto import tqdm  # imported late: `import ctadata` stays fast

    class ByteBar(tqdm):
        @property
        def format_dict(self) -> dict[str, Any]:
            meter = super().format_dict
            elapsed, done = meter["elapsed"], meter["n"] - meter["initial"]
            rate = meter["rate"] or (done / elapsed if elapsed else None)
            return meter | {
                "done": format_size(meter["n"]),
                "size": "?" if meter["total"] is None else format_size(meter["total"]),
                "speed": f"{format_size(rate)}/s" if rate else "?",
            }

    return ByteBar

"""Whether a local file is the storage's file: the one rule of the library, the command line
and the server extension's REST API for what a download may replace.

By content where the storage keeps a checksum (dCache's adler32): a local file of the listed
size is the same file if its adler32 is the storage's. That costs a read of the local file, so
it is computed only when the sizes are equal (and the storage's asked only then: one HEAD).
Where the storage gives none: the same size and the modification time the download gave the
file (the storage's `mtime`); a file touched since is not the same.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import datetime

from ..entry import Entry
from .checksum import adler32_of_file, hex32
from .local import LocalPath

NS = 1_000_000_000


def mtime_ns(mtime: datetime | None) -> int | None:
    """The storage's modification time as a file's `st_mtime_ns` (exact: no float on the way)."""
    if mtime is None:
        return None
    seconds = int(mtime.timestamp())  # listings give whole seconds (HTTP dates)
    return seconds * NS + mtime.microsecond * 1000


def same_file(local: LocalPath, entry: Entry, storage_adler32: Callable[[], str | None]) -> bool:
    """Whether `local` holds the storage's file `entry` (see the module's rule).

    `storage_adler32()` asks the storage's checksum (None: it keeps none); called only when
    `local` is a regular file of the listed size.
    """
    found = local.lstat()
    if found is None or not stat.S_ISREG(found.st_mode) or found.st_size != entry.size:
        return False
    expected = storage_adler32()
    if expected is not None:
        with local.open_regular() as opened:
            return hex32(adler32_of_file(opened)) == expected
    return found.st_mtime_ns == mtime_ns(entry.mtime)

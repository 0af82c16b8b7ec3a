"""The development storage's checksums: `Want-Digest: adler32` answered as dCache does, and,
for tests, a storage that lies about them.

dCache keeps the adler32 of every file and answers it at once; the development storage keeps
each file's once computed (until the file changes), so that asking costs no read of the file.

`lie(path, times)` (or `POST /_digest_lies` with `{"path": ..., "times": N}`, on the storage's
own address, loopback only) makes the next `times` answers for that storage path carry a wrong
checksum: the test facility for corrupted transfers. It is not part of any deployed service.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from ..transfer.checksum import adler32_of_file, hex32

LIES_PATH = "/_digest_lies"


class Digests:
    """Each file's adler32, kept while the file is unchanged; and the lies still to tell."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[Path, tuple[tuple[int, int, int], str]] = {}
        self._lies: dict[str, int] = {}

    def header(self, target: Path, storage_path: str) -> str:
        """The `Digest` header's value for the file `target` (at `storage_path`)."""
        value = self._adler32(target)
        with self._lock:
            left = self._lies.get(storage_path, 0)
            if left:
                self._lies[storage_path] = left - 1
                value = f"{(int(value, 16) + 1) % (1 << 32):08x}"
        return f"adler32={value}"

    def _adler32(self, target: Path) -> str:
        found = os.stat(target)
        version = (found.st_ino, found.st_size, found.st_mtime_ns)
        with self._lock:
            known = self._known.get(target)
        if known is not None and known[0] == version:
            return known[1]
        with target.open("rb") as opened:
            value = hex32(adler32_of_file(opened))
        with self._lock:
            self._known[target] = (version, value)
        return value

    def lie(self, storage_path: str, times: int) -> None:
        """The next `times` answers for `storage_path` (`lst/x.h5`) carry a wrong adler32."""
        with self._lock:
            self._lies[storage_path.strip("/")] = times

    def serve(self, method: str, body: bytes) -> tuple[str, dict[str, Any]]:
        """The control endpoint: `POST` sets a lie, `GET` shows those left."""
        if method == "POST":
            try:
                asked = json.loads(body)
                self.lie(str(asked["path"]), int(asked["times"]))
            except (ValueError, KeyError, TypeError):
                return "400 Bad Request", {"message": 'give {"path": "...", "times": N}'}
        with self._lock:
            return "200 OK", dict(self._lies)

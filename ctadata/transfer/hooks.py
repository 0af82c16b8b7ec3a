"""`TransferHooks`: what a program running transfers for others adds to each of them.

A `TransferClient` given `hooks=` calls them at fixed points of every transfer it runs; the
defaults do nothing. The Jupyter server extension runs each transfer as a job and uses them to
stop a job at once on cancel, to refuse hidden workspace paths file by file, and to record and
take over temporary files across restarts (`ctadata_lab.transfers.jobclient`).

- `before_request(request)`: called before each HTTP request of the client is sent, in the
  thread that sends it. Raise (`ctadata.errors.Cancelled`, say) to refuse it; set httpcore's
  `trace` extension (`request.extensions["trace"]`) to see each connection it opens.
- `suspend`: an event that, set together with the transfer's `cancel`, makes a download keep its
  temporary file (for a later run to continue) instead of removing it.
- `check_local(path)`: called with each local file before a download writes it or an upload
  reads it; raise (a `CtadataError`) to refuse that file.
- `adopt(entry, target)`: an earlier run's temporary file for `target` to continue, as
  `(its name, the most bytes it may hold)` (`ctadata.transfer.local.Adopt`), or None.
- `on_temp(entry, target)`: the hook told of the temporary file of this download as it is made
  (or taken over) and once it is gone (`ctadata.transfer.local.TempHook`), or None for the
  transfer's own `on_temp`.
"""

from __future__ import annotations

import threading

import httpx

from ..entry import Entry
from .local import Adopt, LocalPath, TempHook


class TransferHooks:
    """Hooks into every transfer of a client; subclass it and override what you need."""

    suspend: threading.Event | None = None

    def before_request(self, request: httpx.Request) -> None:
        """Before each request is sent; raising refuses it."""

    def check_local(self, path: LocalPath) -> None:
        """Before a local file is written (download) or read (upload); raising refuses it."""

    def adopt(self, entry: Entry, target: LocalPath) -> Adopt | None:
        """An earlier run's temporary file to continue for the download of `entry` to `target`."""
        return None

    def on_temp(self, entry: Entry, target: LocalPath) -> TempHook | None:
        """The temporary-file hook for the download of `entry` to `target` (None: the
        transfer's own)."""
        return None

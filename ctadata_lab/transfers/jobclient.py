"""`JobClient`: the library's client, as one transfer job of the server uses it.

On top of `APIClient` it
- stops at once on cancel: every socket the job opened (httpcore names each to the request's
  `trace` extension, public httpx/httpcore API) is shut down from the cancelling side, so a
  read or write that waits on a stalled service ends now rather than at its timeout, and no
  request starts after the cancel;
- refuses hidden paths file by file as the job runs (a remote folder may hold `.ipython/...`),
  unless the Jupyter server allows hidden files;
- records each temporary file it writes in the journal, with its target and the remote file's
  size and mtime, so that the next server continues it (or removes it);
- takes over the temporary file an earlier run of the job left for a target (`job.partials`),
  continued if the remote file is unchanged, else emptied and written again.

Local paths are opened from the workspace root (`root=`), never through a link.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
import weakref
from pathlib import Path
from typing import Any

import httpx

from ctadata.client import APIClient
from ctadata.entry import Entry
from ctadata.errors import Cancelled
from ctadata.transfer.checksum import Uploaded
from ctadata.transfer.local import Adopt, LocalPath
from ctadata.transfer.progress import Meter

from ..workspace import Workspace
from .jobs import Job
from .journal import Journal

# httpcore's trace events that hand over a new connection's stream (`return_value`)
OPENED = (".connect_tcp.complete", ".connect_unix_socket.complete", ".start_tls.complete")


class JobClient(APIClient):
    def __init__(self, job: Job, workspace: Workspace, journal: Journal, **kw: Any) -> None:
        super().__init__(**kw)
        self.job = job
        self.workspace = workspace
        self.journal = journal
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._sockets_lock = threading.Lock()
        job.on_cancel = self.abort

    def _http_client(self) -> httpx.Client:
        client = super()._http_client()
        client.event_hooks["request"].append(self._before_request)
        return client

    def _before_request(self, request: httpx.Request) -> None:
        if self.job.cancel.is_set():
            raise Cancelled(f"transfer of {self.job.path!r} cancelled", path=self.job.path)
        # httpcore tells a request's `trace` callback of each connection it opens for it; the
        # job's client opens every connection of its pool, so each is seen once.
        request.extensions["trace"] = self._trace

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's `trace` extension: keeps the socket of each connection opened (and of its
        TLS layer, which takes the socket over)."""
        if not event.endswith(OPENED):
            return
        sock = info["return_value"].get_extra_info("socket")
        if sock is None:
            return
        with self._sockets_lock:
            self._sockets.add(sock)
        if self.job.cancel.is_set():  # opened while `abort` ran: it may not have seen it
            _shut(sock)

    def abort(self) -> None:
        """Shut every socket of the job down (called from the cancelling thread, after
        `job.cancel` is set)."""
        with self._sockets_lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def _meter(self, *args: Any, **kw: Any) -> Meter:
        meter = super()._meter(*args, **kw)
        meter.suspend = self.job.suspend  # a stopping server keeps the temporary files
        return meter

    def options(self) -> dict[str, Any]:
        """What every transfer call of the job is given."""
        return {
            "root": self.workspace.root,
            "progress": self.job.progress,
            "cancel": self.job.cancel,
        }

    def _on_temp(self, about: dict[str, Any], temp: Path, exists: bool) -> None:
        """The engine's `on_temp` hook: a temporary file was created (or taken over), or is gone."""
        if exists:
            self.journal.temp_started(self.job.id, temp, about)
        else:
            self.journal.temp_ended(self.job.id, temp)

    def _download_one(self, entry: Entry, target: LocalPath, meter: Meter, replace: bool) -> int:
        self.workspace.refuse_hidden(target.path)
        mtime = entry.mtime.isoformat() if entry.mtime is not None else None
        about = {"target": str(target.path), "remote": entry.path, "size": entry.size}
        about["mtime"] = mtime
        adopt = adoption(self.job.partials.get(str(target.path)), about)
        hook = functools.partial(self._on_temp, about)
        return self._download(entry, target, meter, replace, adopt=adopt, on_temp=hook)

    def _upload_one(self, source: LocalPath, remote: str, meter: Meter) -> Uploaded:
        self.workspace.refuse_hidden(source.path)
        return super()._upload_one(source, remote, meter)


def _shut(sock: socket.socket) -> None:
    """Wake whatever waits on `sock` (its reads end, its writes fail); its owner closes it."""
    with contextlib.suppress(OSError):  # closed already
        sock.shutdown(socket.SHUT_RDWR)


def adoption(partial: dict[str, Any] | None, about: dict[str, Any]) -> Adopt | None:
    """How to take over an earlier run's temporary file: continued if the remote file is the
    one it was (`about`: same path, size and mtime), else emptied (a limit of 0 bytes)."""
    if partial is None or about["size"] is None:
        return None
    same = all(partial.get(k) == about[k] for k in ("remote", "size", "mtime"))
    return Path(partial["path"]).name, about["size"] if same else 0

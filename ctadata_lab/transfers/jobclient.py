"""The library's client as one transfer job of the server uses it: `job_client(...)`.

A job's client is a plain `ctadata.APIClient` given `JobHooks` (the library's public
`TransferHooks`), which
- stop it at once on cancel: every socket the job opened (httpcore names each to the request's
  `trace` extension, public httpx/httpcore API) is shut down from the cancelling side, so a
  read or write that waits on a stalled service ends now rather than at its timeout, and no
  request starts after the cancel;
- keep its temporary files when the server stops (`suspend`), for the next start;
- refuse hidden paths file by file as the job runs (a remote folder may hold `.ipython/...`),
  unless the Jupyter server allows hidden files;
- record each temporary file it writes in the journal, with its target and the remote file's
  size and mtime, so that the next server continues it (or removes it);
- take over the temporary file an earlier run of the job left for a target (`job.partials`),
  continued if the remote file is unchanged, else emptied and written again.

Local paths are opened from the workspace root (`root=`, `job_options`), never through a link.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from pathlib import Path
from typing import Any

import httpx

from ctadata.client import APIClient
from ctadata.config import Settings
from ctadata.entry import Entry
from ctadata.errors import Cancelled
from ctadata.transfer.hooks import TransferHooks
from ctadata.transfer.local import Adopt, LocalPath, TempHook

from ..workspace import Workspace
from .jobs import Job
from .journal import Journal

# httpcore's trace events that hand over a new connection's stream (`return_value`)
OPENED = (".connect_tcp.complete", ".connect_unix_socket.complete", ".start_tls.complete")


def job_client(
    job: Job, *, settings: Settings, workspace: Workspace, journal: Journal, hub_user: str | None
) -> APIClient:
    """A synchronous client for one transfer job (used in its worker thread)."""
    hooks = JobHooks(job, workspace, journal)
    return APIClient.from_settings(settings, progress_bar=False, hub_user=hub_user, hooks=hooks)


def job_options(job: Job, workspace: Workspace) -> dict[str, Any]:
    """What every transfer call of the job is given."""
    return {"root": workspace.root, "progress": job.progress, "cancel": job.cancel}


class JobHooks(TransferHooks):
    def __init__(self, job: Job, workspace: Workspace, journal: Journal) -> None:
        self.job = job
        self.workspace = workspace
        self.journal = journal
        self.suspend = job.suspend  # a stopping server keeps the temporary files
        self.sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self.sockets_lock = threading.Lock()
        job.on_cancel = self.abort

    def before_request(self, request: httpx.Request) -> None:
        if self.job.cancel.is_set():
            raise Cancelled(f"transfer of {self.job.path!r} cancelled", path=self.job.path)
        # httpcore tells a request's `trace` callback of each connection it opens for it; the
        # job's client opens every connection of its pool, so each is seen once.
        request.extensions["trace"] = self.trace

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's `trace` extension: keeps the socket of each connection opened (and of its
        TLS layer, which takes the socket over)."""
        if not event.endswith(OPENED):
            return
        sock = info["return_value"].get_extra_info("socket")
        if sock is None:
            return
        with self.sockets_lock:
            self.sockets.add(sock)
        if self.job.cancel.is_set():  # opened while `abort` ran: it may not have seen it
            shut(sock)

    def abort(self) -> None:
        """Shut every socket of the job down (called from the cancelling thread, after
        `job.cancel` is set)."""
        with self.sockets_lock:
            sockets = list(self.sockets)
        for sock in sockets:
            shut(sock)

    def check_local(self, path: LocalPath) -> None:
        self.workspace.refuse_hidden(path.path)

    def adopt(self, entry: Entry, target: LocalPath) -> Adopt | None:
        return adoption(self.job.partials.get(str(target.path)), about(entry, target))

    def on_temp(self, entry: Entry, target: LocalPath) -> TempHook:
        """Tells the journal of a temporary file created (or taken over), or gone."""
        recorded = about(entry, target)

        def hook(temp: Path, exists: bool) -> None:
            if exists:
                self.journal.temp_started(self.job.id, temp, recorded)
            else:
                self.journal.temp_ended(self.job.id, temp)

        return hook


def about(entry: Entry, target: LocalPath) -> dict[str, Any]:
    """What the journal keeps of a temporary file: its target, the remote file, its size and
    mtime when the download began."""
    mtime = entry.mtime.isoformat() if entry.mtime is not None else None
    return {"target": str(target.path), "remote": entry.path, "size": entry.size, "mtime": mtime}


def shut(sock: socket.socket) -> None:
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

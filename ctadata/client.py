"""`APIClient`: the synchronous client of the download and certificate services.

Kernels, scripts and the CLI use it. The protocol itself is in `ctadata.protocol`; this module
drives its flows with `httpx.Client`; the transfers on top are `ctadata.transfer.engine`'s.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, TypeVar

import httpx

from .base_client import BaseClient
from .entry import Entry
from .errors import CertificateError, StorageException
from .http import BearerAuth
from .protocol import (
    Flow,
    UnknownUploadFolder,
    missing_parent,
    no_parent_error,
    run_flow,
)
from .retry import TIMEOUT, with_retries
from .transfer.checksum import Uploaded
from .transfer.engine import TransferClient
from .transfer.hooks import TransferHooks
from .transfer.local import LocalPath
from .transfer.one_file import open_source, upload, verify_upload
from .transfer.progress import Meter

T = TypeVar("T")


class APIClient(TransferClient, BaseClient):
    """A client of the CTA data services.

    `APIClient(token, downloadservice, certificateservice, chunk_size, *, hub_user)`: the
    settings of `BaseClient`; `concurrency`, `progress_bar` and `hooks` are the transfers'
    (`TransferClient`).
    """

    parents_on_conflict = True
    _transient = TransferClient._transient | {
        "_parents_lock": threading.Lock,
        "_parents_made": set,
        "_uploads": threading.Condition,
        "_sending": int,
        "_protocol": lambda: None,  # made anew from where the client lands (its environment)
    }

    def __init__(
        self,
        *settings: Any,
        concurrency: int | None = None,
        progress_bar: bool | None = None,
        hooks: TransferHooks | None = None,
        **named_settings: Any,
    ):
        TransferClient.__init__(
            self, concurrency=concurrency, progress_bar=progress_bar, hooks=hooks
        )
        BaseClient.__init__(self, *settings, **named_settings)
        self._parents_lock = threading.Lock()
        self._parents_made: set[str] = set()
        self._uploads = threading.Condition()  # guards `_sending`: uploads under way
        self._sending = 0

    def run(self, flow: Flow[T]) -> T:
        """Drive a protocol flow: send each request it yields (retried after transient
        failures), hand back each response."""
        return run_flow(
            flow, lambda request: with_retries(lambda: self.http.send(request), request.url.path)
        )

    # -- listing ----------------------------------------------------------------------------
    def list_dir(self, path: str) -> list[dict[str, Any]]:
        """The service's listing of `path`: the directory itself first, then its entries."""
        return self.run(self.protocol.list_flow(path))

    def entries(self, path: str) -> list[Entry]:
        return self.run(self.protocol.entries_flow(path))

    def stat(self, path: str) -> Entry:
        return self.run(self.protocol.stat_flow(path))

    # -- one file ---------------------------------------------------------------------------
    def adler32(self, path: str) -> str | None:
        """The storage's adler32 of the file `path` (a HEAD through `webdav/`), or None."""
        return self.run(self.protocol.adler32_flow(path))

    def check(self, response: httpx.Response, action: str, path: str) -> None:
        self.protocol.check(response, action, path)

    def _download_request(self, path: str, offset: int, size: int) -> httpx.Request:
        """`fetch/` for the whole file; the rest of it (a resumed or retried download), window
        after window through `webdav/`, as `fetch/` ignores Range; a small file in one window."""
        return self.protocol.download_request(path, offset, size)

    def _upload_one(self, source: LocalPath, remote: str, meter: Meter) -> Uploaded:
        """Upload first; only if the parent folder is missing (409), make it and upload again."""
        try:
            return self._send_file(source, remote, meter)
        except StorageException as exc:
            parent = missing_parent(exc, remote)
            if parent is None:
                raise
            try:
                self._make_parent(parent)
            except UnknownUploadFolder:
                raise no_parent_error(remote, parent) from exc
            return self._send_file(source, remote, meter)

    def _make_parent(self, parent: str) -> None:
        """Make a missing upload folder once, though several uploads into it report it.

        Uploads still running on this client may name the user folder in their answers: a
        tree upload into an existing folder makes its new subfolders without any hub.
        """
        with self._uploads:
            self._uploads.wait_for(lambda: self._upload_folder is not None or not self._sending)
        with self._parents_lock:
            if parent not in self._parents_made:
                self.mkdirs(parent)
                self._parents_made.add(parent)

    def _send_file(self, source: LocalPath, remote: str, meter: Meter) -> Uploaded:
        """One upload, verified; its answer tells the user folder, if it was not known yet."""
        proto = self.protocol
        with self._uploads:
            self._sending += 1
        try:
            with open_source(source, remote) as (opened, size):
                response, sent = upload(
                    self.http,
                    lambda body: proto.upload_request(remote, body, size),
                    self.check,
                    opened,
                    remote,
                    meter,
                )
            answer = proto.upload_answer(response, remote, size)
            self._learn_upload_folder(answer, remote)
            stored = self.adler32(str(answer["path"]))
            return Uploaded(answer, sent, verify_upload(remote, sent, stored))
        finally:
            with self._uploads:
                self._sending -= 1
                self._uploads.notify_all()

    # -- the user folder --------------------------------------------------------------------
    def upload_folder(self, hub_user: str | None = None) -> str:
        """`<area>/users/<user>/`: the storage folder where this user's uploads land.

        Known from an earlier upload's answer, else found from the hub user (`hub_user`,
        `JUPYTERHUB_USER`) or the hub's API (`JUPYTERHUB_API_URL`); `NotFound` if none is there.
        """
        if self._upload_folder is None:
            self._upload_folder = self.run(self._upload_folder_flow(hub_user))
        return self._upload_folder

    def mkdirs(self, path: str) -> None:
        """Create `path` (relative to the user folder) and its parents, as uploads need."""
        self.run(self.protocol.mkdirs_flow(self.upload_folder(), path))

    # -- certificates -----------------------------------------------------------------------
    def upload_personal_certificate(
        self,
        certificate_file_path: str | os.PathLike[str],
        certificate_key: str,
        user: str | None = None,
    ) -> dict[str, Any]:
        """Store your own short-lived grid proxy certificate for a storage area."""
        pem = _read_pem(certificate_file_path)
        return self.run(self.protocol.personal_certificate_flow(pem, certificate_key, user))

    def upload_certificate(
        self, path: str | os.PathLike[str], certificate_key: str = "cta"
    ) -> dict[str, Any]:
        """The friendly name of `upload_personal_certificate`."""
        return self.upload_personal_certificate(path, certificate_key)

    def upload_shared_certificate(
        self, certificate_file_path: str | os.PathLike[str]
    ) -> dict[str, Any]:
        """Store the shared robot certificate (admins only)."""
        pem = _read_pem(certificate_file_path)
        return self.run(self.protocol.shared_certificate_flow(pem))

    # -- WebDAV -----------------------------------------------------------------------------
    def webdav4_client(self) -> Any:
        """A webdav4 `Client` on the service's `webdav/` pass-through, with the bearer token."""
        from webdav4.client import Client  # late: `import ctadata` stays fast

        return Client(self.protocol.url("webdav"), auth=BearerAuth(self.token), timeout=TIMEOUT)


def _read_pem(path: str | os.PathLike[str]) -> str:
    try:
        return Path(path).read_text()
    except OSError as exc:
        raise CertificateError(
            f"cannot read certificate file {str(path)!r}: {exc.strerror}"
        ) from exc

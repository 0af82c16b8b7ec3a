"""The module-level API that users' notebooks call (`ctadata.list_dir(...)`, ...).

Each function makes an `APIClient` for the call (`_client`) and calls its method of the same
name; the keywords `token`, `downloadservice`, `certificateservice` and `chunk_size` override the
defaults for that call only. `find` returns an iterator: its client stays open while it is used.
The names are listed in `api_names.py`, which `import ctadata` reads without loading this module.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from ._version import __version__
from .client import APIClient
from .entry import Entry
from .errors import CertificateError, CtadataError, StorageException
from .search.finder import closing_after
from .transfer.checksum import Uploaded, Written
from .transfer.plan import OnConflictGiven
from .transfer.progress import ProgressCallback
from .transfer.tree import TransferSummary

CLIENT_KEYWORDS = ("token", "downloadservice", "certificateservice", "chunk_size")


def _client(
    token: str | None,
    downloadservice: str | None,
    certificateservice: str | None,
    chunk_size: int | None,
) -> APIClient:
    """The client of one call: the keywords given, the defaults for the others."""
    return APIClient(token, downloadservice, certificateservice, chunk_size)


def list_dir(
    path: str,
    *,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> list[dict[str, Any]]:
    """The service's listing of `path`: the directory itself first, then its entries."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.list_dir(path)


def entries(
    path: str,
    *,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> list[Entry]:
    """The entries of the directory `path` (without itself), or the file itself."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.entries(path)


def stat(
    path: str,
    *,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> Entry:
    """The entry of `path` itself."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.stat(path)


def find(
    path: str = "",
    name: str | None = None,
    *,
    newer: datetime | date | str | None = None,
    older: datetime | date | str | None = None,
    min_size: int | str | None = None,
    max_size: int | str | None = None,
    maxdepth: int | None = None,
    type: str | None = None,
    ignore_case: bool = False,
    listings: int | None = None,
    on_error: Callable[[CtadataError | OSError], None] | None = None,
    on_listed: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> Iterator[Entry]:
    """The entries below `path` that match, as they are found (`APIClient.find`: `name` a shell
    pattern, `newer`/`older` dates, `min_size`/`max_size` sizes such as `"1G"`, `type`)."""
    client = _client(token, downloadservice, certificateservice, chunk_size)
    try:  # bad arguments raise here, now, and the client is closed
        found = client.find(
            path,
            name,
            newer=newer,
            older=older,
            min_size=min_size,
            max_size=max_size,
            maxdepth=maxdepth,
            type=type,
            ignore_case=ignore_case,
            listings=listings,
            on_error=on_error,
            on_listed=on_listed,
            cancel=cancel,
        )
    except BaseException:
        client.close()
        raise
    return closing_after(found, client.close)


def fetch_and_save_file(
    path: str,
    save_to_fn: str | os.PathLike[str] | None = None,
    *,
    overwrite: bool = False,
    root: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> Written:
    """Download one file to `save_to_fn` (default: its name, here); returns bytes written
    (`APIClient.fetch_and_save_file`)."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.fetch_and_save_file(
            path,
            save_to_fn,
            overwrite=overwrite,
            root=root,
            progress=progress,
            progress_bar=progress_bar,
            cancel=cancel,
        )


def fetch_and_save_file_or_dir(
    path: str,
    recursive: bool = False,
    *,
    to: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    on_conflict: OnConflictGiven = "skip",
    concurrency: int | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> Written | TransferSummary:
    """A file, or with `recursive` a whole directory, mirrored under `to` (default: here)
    (`APIClient.fetch_and_save_file_or_dir`)."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.fetch_and_save_file_or_dir(
            path,
            recursive,
            to=to,
            overwrite=overwrite,
            on_conflict=on_conflict,
            concurrency=concurrency,
            progress=progress,
            progress_bar=progress_bar,
            cancel=cancel,
        )


def download_dir(
    path: str,
    local_dir: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    on_conflict: OnConflictGiven = "skip",
    root: str | os.PathLike[str] | None = None,
    concurrency: int | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> TransferSummary:
    """The contents of the remote directory `path`, concurrently, into `local_dir`
    (`APIClient.download_dir`)."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.download_dir(
            path,
            local_dir,
            overwrite=overwrite,
            on_conflict=on_conflict,
            root=root,
            concurrency=concurrency,
            progress=progress,
            progress_bar=progress_bar,
            cancel=cancel,
        )


def upload_file(
    local_fn: str | os.PathLike[str],
    path: str,
    *,
    root: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> Uploaded:
    """Upload one file into your user folder; a `path` ending in `/` keeps the local name.
    Returns the service's answer (`APIClient.upload_file`)."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.upload_file(
            local_fn, path, root=root, progress=progress, progress_bar=progress_bar, cancel=cancel
        )


def upload_dir(
    local_dir: str | os.PathLike[str],
    path: str,
    *,
    root: str | os.PathLike[str] | None = None,
    concurrency: int | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> TransferSummary:
    """Upload a local tree to `path` in your user folder, with its directories
    (`APIClient.upload_dir`)."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.upload_dir(
            local_dir,
            path,
            root=root,
            concurrency=concurrency,
            progress=progress,
            progress_bar=progress_bar,
            cancel=cancel,
        )


def mkdirs(
    path: str,
    *,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> None:
    """Create `path` (relative to your user folder) and its parents."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        client.mkdirs(path)


def upload_folder(
    hub_user: str | None = None,
    *,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> str:
    """`<area>/users/<user>/`: the storage folder where your uploads land."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.upload_folder(hub_user)


def upload_personal_certificate(
    certificate_file_path: str | os.PathLike[str],
    certificate_key: str,
    user: str | None = None,
    *,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    """Store your own short-lived grid proxy certificate for a storage area (`certificate_key`:
    `"cta"`, `"lst"` or `"arc"`)."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.upload_personal_certificate(certificate_file_path, certificate_key, user)


def upload_certificate(
    path: str | os.PathLike[str],
    certificate_key: str = "cta",
    *,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    """The friendly name of `upload_personal_certificate`."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.upload_certificate(path, certificate_key)


def upload_shared_certificate(
    certificate_file_path: str | os.PathLike[str],
    *,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    """Store the shared robot certificate (admins only)."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.upload_shared_certificate(certificate_file_path)


def webdav4_client(
    *,
    token: str | None = None,
    downloadservice: str | None = None,
    certificateservice: str | None = None,
    chunk_size: int | None = None,
) -> Any:
    """A webdav4 `Client` on the service's `webdav/` pass-through, with the bearer token."""
    with _client(token, downloadservice, certificateservice, chunk_size) as client:
        return client.webdav4_client()


__all__ = [
    "APIClient",
    "CertificateError",
    "StorageException",
    "__version__",
    "download_dir",
    "entries",
    "fetch_and_save_file",
    "fetch_and_save_file_or_dir",
    "find",
    "list_dir",
    "mkdirs",
    "stat",
    "upload_certificate",
    "upload_dir",
    "upload_file",
    "upload_folder",
    "upload_personal_certificate",
    "upload_shared_certificate",
    "webdav4_client",
]

"""The module-level API that users' notebooks call (`ctadata.list_dir(...)`, ...).

Each function makes an `APIClient` for the call and calls its method of the same name
(`calls.call`); the keywords `token`, `downloadservice`, `certificateservice` and `chunk_size`
(`ServiceOptions`) override the defaults for that call only. `find` returns an iterator: its
client stays open while it is used. The names are listed in `api_names.py`, which
`import ctadata` reads without loading this module.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from ._version import __version__
from .api_names import SERVICE_FUNCTIONS
from .calls import call
from .client import APIClient
from .entry import Entry
from .errors import CertificateError, CtadataError, StorageException
from .transfer.checksum import Uploaded, Written
from .transfer.plan import OnConflictGiven
from .transfer.progress import ProgressCallback
from .transfer.tree import TransferSummary

if TYPE_CHECKING:
    from typing_extensions import Unpack


class ServiceOptions(TypedDict, total=False):
    """The client keywords of each function: `APIClient`'s settings, for that call only."""

    token: str | None
    downloadservice: str | None
    certificateservice: str | None
    chunk_size: int | None


def list_dir(path: str, **client: Unpack[ServiceOptions]) -> list[dict[str, Any]]:
    """The service's listing of `path`: the directory itself first, then its entries."""
    return call(APIClient, "list_dir", locals())


def entries(path: str, **client: Unpack[ServiceOptions]) -> list[Entry]:
    """The entries of the directory `path` (without itself), or the file itself."""
    return call(APIClient, "entries", locals())


def stat(path: str, **client: Unpack[ServiceOptions]) -> Entry:
    """The entry of `path` itself."""
    return call(APIClient, "stat", locals())


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
    **client: Unpack[ServiceOptions],
) -> Iterator[Entry]:
    """The entries below `path` that match, as they are found (`APIClient.find`: `name` a shell
    pattern, `newer`/`older` dates, `min_size`/`max_size` sizes such as `"1G"`, `type`)."""
    return call(APIClient, "find", locals())


def fetch_and_save_file(
    path: str,
    save_to_fn: str | os.PathLike[str] | None = None,
    *,
    overwrite: bool = False,
    root: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    **client: Unpack[ServiceOptions],
) -> Written:
    """Download one file to `save_to_fn` (default: its name, here); returns bytes written
    (`APIClient.fetch_and_save_file`)."""
    return call(APIClient, "fetch_and_save_file", locals())


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
    **client: Unpack[ServiceOptions],
) -> Written | TransferSummary:
    """A file, or with `recursive` a whole directory, mirrored under `to` (default: here)
    (`APIClient.fetch_and_save_file_or_dir`)."""
    return call(APIClient, "fetch_and_save_file_or_dir", locals())


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
    **client: Unpack[ServiceOptions],
) -> TransferSummary:
    """The contents of the remote directory `path`, concurrently, into `local_dir`
    (`APIClient.download_dir`)."""
    return call(APIClient, "download_dir", locals())


def upload_file(
    local_fn: str | os.PathLike[str],
    path: str,
    *,
    root: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    **client: Unpack[ServiceOptions],
) -> Uploaded:
    """Upload one file into your user folder; a `path` ending in `/` keeps the local name.
    Returns the service's answer (`APIClient.upload_file`)."""
    return call(APIClient, "upload_file", locals())


def upload_dir(
    local_dir: str | os.PathLike[str],
    path: str,
    *,
    root: str | os.PathLike[str] | None = None,
    concurrency: int | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    **client: Unpack[ServiceOptions],
) -> TransferSummary:
    """Upload a local tree to `path` in your user folder, with its directories
    (`APIClient.upload_dir`)."""
    return call(APIClient, "upload_dir", locals())


def mkdirs(path: str, **client: Unpack[ServiceOptions]) -> None:
    """Create `path` (relative to your user folder) and its parents."""
    call(APIClient, "mkdirs", locals())


def upload_folder(hub_user: str | None = None, **client: Unpack[ServiceOptions]) -> str:
    """`<area>/users/<user>/`: the storage folder where your uploads land."""
    return call(APIClient, "upload_folder", locals())


def upload_personal_certificate(
    certificate_file_path: str | os.PathLike[str],
    certificate_key: str,
    user: str | None = None,
    **client: Unpack[ServiceOptions],
) -> dict[str, Any]:
    """Store your own short-lived grid proxy certificate for a storage area (`certificate_key`:
    `"cta"`, `"lst"` or `"arc"`)."""
    return call(APIClient, "upload_personal_certificate", locals())


def upload_certificate(
    path: str | os.PathLike[str], certificate_key: str = "cta", **client: Unpack[ServiceOptions]
) -> dict[str, Any]:
    """The friendly name of `upload_personal_certificate`."""
    return call(APIClient, "upload_certificate", locals())


def upload_shared_certificate(
    certificate_file_path: str | os.PathLike[str], **client: Unpack[ServiceOptions]
) -> dict[str, Any]:
    """Store the shared robot certificate (admins only)."""
    return call(APIClient, "upload_shared_certificate", locals())


def webdav4_client(**client: Unpack[ServiceOptions]) -> Any:
    """A webdav4 `Client` on the service's `webdav/` pass-through, with the bearer token."""
    return call(APIClient, "webdav4_client", locals())


__all__ = ["APIClient", "CertificateError", "StorageException", "__version__", *SERVICE_FUNCTIONS]

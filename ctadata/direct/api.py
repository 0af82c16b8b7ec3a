"""The module functions of `ctadata.direct`: those of `import ctadata`, on dCache itself.

Each function makes a `DirectClient` for the call and calls its method of the same name
(`calls.call`); the keywords `token`, `dcache_url`, `account` and `base_path` (`DirectOptions`)
override the defaults for that call only. `find` returns an iterator: its client stays open
while it is used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from ..calls import call
from ..entry import Entry
from ..errors import CtadataError
from ..transfer.checksum import Uploaded, Written
from ..transfer.plan import OnConflictGiven
from ..transfer.progress import ProgressCallback
from ..transfer.tree import TransferSummary
from .client import DirectClient
from .tokens import TokenSource

if TYPE_CHECKING:
    from typing_extensions import Unpack


class DirectOptions(TypedDict, total=False):
    """The client keywords of each function: `DirectClient`'s, for that call only."""

    token: str | Callable[[], str | None] | TokenSource | None
    dcache_url: str | None
    account: str | None
    base_path: str | None


def list_dir(path: str = "", **client: Unpack[DirectOptions]) -> list[dict[str, Any]]:
    """The listing of `path` in the shape of the download service's: the directory itself
    first, then its entries."""
    return call(DirectClient, "list_dir", locals())


def entries(path: str, **client: Unpack[DirectOptions]) -> list[Entry]:
    """The entries of the directory `path` (without itself), or the file itself."""
    return call(DirectClient, "entries", locals())


def stat(path: str, **client: Unpack[DirectOptions]) -> Entry:
    """The entry of `path` itself."""
    return call(DirectClient, "stat", locals())


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
    **client: Unpack[DirectOptions],
) -> Iterator[Entry]:
    """The entries below `path` that match, as they are found (`DirectClient.find`: `name` a shell
    pattern, `newer`/`older` dates, `min_size`/`max_size` sizes such as `"1G"`, `type`)."""
    return call(DirectClient, "find", locals())


def fetch_and_save_file(
    path: str,
    save_to_fn: str | os.PathLike[str] | None = None,
    *,
    overwrite: bool = False,
    root: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    **client: Unpack[DirectOptions],
) -> Written:
    """Download one file to `save_to_fn` (default: its name, here); returns bytes written
    (`DirectClient.fetch_and_save_file`)."""
    return call(DirectClient, "fetch_and_save_file", locals())


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
    **client: Unpack[DirectOptions],
) -> Written | TransferSummary:
    """A file, or with `recursive` a whole directory, mirrored under `to` (default: here)
    (`DirectClient.fetch_and_save_file_or_dir`)."""
    return call(DirectClient, "fetch_and_save_file_or_dir", locals())


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
    **client: Unpack[DirectOptions],
) -> TransferSummary:
    """The contents of the remote directory `path`, concurrently, into `local_dir`
    (`DirectClient.download_dir`)."""
    return call(DirectClient, "download_dir", locals())


def upload_file(
    local_fn: str | os.PathLike[str],
    path: str,
    *,
    root: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    **client: Unpack[DirectOptions],
) -> Uploaded:
    """Upload one file to the storage path `path`; a `path` ending in `/` keeps the local name
    (`DirectClient.upload_file`)."""
    return call(DirectClient, "upload_file", locals())


def upload_dir(
    local_dir: str | os.PathLike[str],
    path: str,
    *,
    root: str | os.PathLike[str] | None = None,
    concurrency: int | None = None,
    progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    cancel: threading.Event | None = None,
    **client: Unpack[DirectOptions],
) -> TransferSummary:
    """Upload a local tree to the storage path `path`, with its directories
    (`DirectClient.upload_dir`)."""
    return call(DirectClient, "upload_dir", locals())


def mkdirs(path: str, **client: Unpack[DirectOptions]) -> None:
    """Create the storage directory `path` and its missing parents."""
    call(DirectClient, "mkdirs", locals())

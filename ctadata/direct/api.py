"""The module functions of `ctadata.direct`: those of `import ctadata`, on dCache itself.

Each function makes a `DirectClient` for the call (`_client`) and calls its method of the same
name; the keywords `token`, `dcache_url`, `account` and `base_path` override the defaults for
that call only. `find` returns an iterator: its client stays open while it is used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from ..entry import Entry
from ..errors import CtadataError
from ..search.finder import closing_after
from ..transfer.checksum import Uploaded, Written
from ..transfer.plan import OnConflictGiven
from ..transfer.progress import ProgressCallback
from ..transfer.tree import TransferSummary
from .client import DirectClient
from .tokens import TokenSource

CLIENT_KEYWORDS = ("token", "dcache_url", "account", "base_path")


def _client(
    token: str | Callable[[], str | None] | TokenSource | None,
    dcache_url: str | None,
    account: str | None,
    base_path: str | None,
) -> DirectClient:
    """The client of one call: the keywords given, the defaults for the others."""
    return DirectClient(token, dcache_url, account=account, base_path=base_path)


def list_dir(
    path: str = "",
    *,
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> list[dict[str, Any]]:
    """The listing of `path` in the shape of the download service's: the directory itself
    first, then its entries."""
    with _client(token, dcache_url, account, base_path) as client:
        return client.list_dir(path)


def entries(
    path: str,
    *,
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> list[Entry]:
    """The entries of the directory `path` (without itself), or the file itself."""
    with _client(token, dcache_url, account, base_path) as client:
        return client.entries(path)


def stat(
    path: str,
    *,
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> Entry:
    """The entry of `path` itself."""
    with _client(token, dcache_url, account, base_path) as client:
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
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> Iterator[Entry]:
    """The entries below `path` that match, as they are found (`DirectClient.find`: `name` a shell
    pattern, `newer`/`older` dates, `min_size`/`max_size` sizes such as `"1G"`, `type`)."""
    client = _client(token, dcache_url, account, base_path)
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
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> Written:
    """Download one file to `save_to_fn` (default: its name, here); returns bytes written
    (`DirectClient.fetch_and_save_file`)."""
    with _client(token, dcache_url, account, base_path) as client:
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
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> Written | TransferSummary:
    """A file, or with `recursive` a whole directory, mirrored under `to` (default: here)
    (`DirectClient.fetch_and_save_file_or_dir`)."""
    with _client(token, dcache_url, account, base_path) as client:
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
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> TransferSummary:
    """The contents of the remote directory `path`, concurrently, into `local_dir`
    (`DirectClient.download_dir`)."""
    with _client(token, dcache_url, account, base_path) as client:
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
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> Uploaded:
    """Upload one file to the storage path `path`; a `path` ending in `/` keeps the local name
    (`DirectClient.upload_file`)."""
    with _client(token, dcache_url, account, base_path) as client:
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
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> TransferSummary:
    """Upload a local tree to the storage path `path`, with its directories
    (`DirectClient.upload_dir`)."""
    with _client(token, dcache_url, account, base_path) as client:
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
    token: str | Callable[[], str | None] | TokenSource | None = None,
    dcache_url: str | None = None,
    account: str | None = None,
    base_path: str | None = None,
) -> None:
    """Create the storage directory `path` and its missing parents."""
    with _client(token, dcache_url, account, base_path) as client:
        client.mkdirs(path)

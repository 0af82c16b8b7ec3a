"""What a transfer job does: the library's synchronous engine, run in a worker thread.

Each job gets its own `APIClient` (its own connection pool), reports through the engine's
`progress=` callback and stops through its `cancel=` event; the engine removes partial files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ctadata.errors import InvalidPath
from ctadata.paths import confined

from .jobs import Job, Work

if TYPE_CHECKING:
    from .app import CtadataLab


def download(lab: CtadataLab, path: str, target: Path, *, directory: bool, overwrite: bool) -> Work:
    """Work that fetches the remote file `path` to `target`, or the directory into `target/`."""

    def work(job: Job) -> None:
        with lab.sync_client() as client:
            if directory:
                client.download_dir(
                    path, target, overwrite=overwrite, progress=job.progress, cancel=job.cancel
                )
            else:
                client.fetch_and_save_file(path, target, progress=job.progress, cancel=job.cancel)

    return work


def upload(lab: CtadataLab, source: Path, remote: str) -> Work:
    """Work that uploads the workspace file or folder `source` to `remote` (user-folder relative).

    Missing remote folders are made when the service reports them missing (the library's rule).
    """

    def work(job: Job) -> None:
        with lab.sync_client() as client:
            if source.is_dir():
                refuse_links_outside(lab.root_dir, source)
                client.upload_dir(source, remote, progress=job.progress, cancel=job.cancel)
            else:
                client.upload_file(source, remote, progress=job.progress, cancel=job.cancel)

    return work


def refuse_links_outside(root: Path, folder: Path) -> None:
    """A folder to upload may hold no symbolic link leading out of the workspace."""
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            candidate = Path(dirpath) / name
            if candidate.is_symlink():
                try:
                    confined(root, str(candidate.relative_to(root)))
                except InvalidPath as exc:
                    raise InvalidPath(
                        f"{str(candidate.relative_to(root))!r} links outside the workspace",
                        path=str(candidate),
                    ) from exc

"""What a transfer job does: the library's synchronous engine, run in a worker thread.

Each job gets its own `JobClient` (its own connection pool), reports through the engine's
`progress=` callback and stops through its `cancel=` event, helped by the client, which shuts
the job's sockets; the engine removes partial files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ctadata.errors import ConflictError

from .jobs import Job, Work
from .journal import remove_temporary_files

if TYPE_CHECKING:
    from ..app import CtadataLab


def download(
    lab: CtadataLab, path: str, target: Path, *, directory: bool, on_conflict: str
) -> Work:
    """Work that fetches the remote file `path` to `target`, or the directory into `target/`.

    `on_conflict` "ask": local files that differ make the job end in `conflict`, listed,
    with nothing written; "skip": they are kept and listed; "overwrite": replaced. Every
    local path is opened from the workspace root without following links (checked again
    now, whatever the request found).
    """

    def work(job: Job) -> None:
        try:
            with lab.job_client(job) as client:
                options = client.options()
                if directory:
                    mode = "error" if on_conflict == "ask" else on_conflict
                    summary = client.download_dir(path, target, on_conflict=mode, **options)
                    job.conflicts = [lab.workspace.name(Path(r.local)) for r in summary.conflicts]
                else:
                    overwrite = on_conflict == "overwrite"
                    client.fetch_and_save_file(path, target, overwrite=overwrite, **options)
        except ConflictError as exc:
            job.conflicts = [lab.workspace.name(Path(local)) for local in exc.conflicts]
            if on_conflict != "skip":
                raise
        finally:
            if not job.suspend.is_set():  # a stopping server keeps them for the next start
                drop_partials(lab, job)

    return work


def drop_partials(lab: CtadataLab, job: Job) -> None:
    """Remove an earlier run's temporary files still there as the job ends: those this run did
    not take over (a file the listing no longer has, a conflict, a commit cut short), as the
    journal would have. Those it took over were renamed into place or removed already."""
    remove_temporary_files({"temp": list(job.partials.values())}, lab.root_dir)
    for partial in job.partials.values():
        lab.jobs.journal.temp_ended(job.id, Path(partial["path"]))
    job.partials.clear()


def upload(lab: CtadataLab, source: Path, remote: str) -> Work:
    """Work that uploads the workspace file or folder `source` to `remote` (user-folder relative).

    Missing remote folders are made when the service reports them missing (the library's rule).
    Local files are opened from the workspace root without following links; in a folder, only
    regular files and folders are read, the rest is reported by name.
    """

    def work(job: Job) -> None:
        with lab.job_client(job) as client:
            options = client.options()
            if source.is_dir():
                client.upload_dir(source, remote, **options)
            else:
                client.upload_file(source, remote, **options)

    return work

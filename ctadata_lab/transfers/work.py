"""A transfer job and what it does, built one way per kind: `download_job`, `upload_job`.

The rules (`rules.py`, a new request) and the resume of a restarted server (`resume.py`, a
journal's record) both build their jobs here. The work is the library's synchronous engine,
run in a worker thread: each job gets its own client (its own connection pool, `jobclient`),
reports through the engine's `progress=` callback and stops through its `cancel=` event,
helped by the client, which shuts the job's sockets; the engine removes partial files.
"""

from __future__ import annotations

from pathlib import Path

from ctadata.entry import Entry
from ctadata.errors import ConflictError, TransferError

from .jobclient import job_options
from .jobs import Job, Work
from .journal import remove_temporary_files
from .redo import DownloadRedo, UploadRedo
from .service import TransferService


def download_job(
    service: TransferService,
    remote: str,
    local: str,
    redo: DownloadRedo,
    *,
    directory: bool,
    size: int | None,
    entry: Entry | None = None,
) -> tuple[Job, Work]:
    """The job that downloads the remote file (or, with `directory`, folder) `remote` to the
    workspace path `local`, and its work.

    `entry`: the remote entry as the request found it, which the work downloads without asking
    for it again; None (a resumed job): asked when the work runs, as it may have changed.
    """
    job = _new_job("download", remote, local, redo, directory, size)
    target = service.workspace.path(local)
    return job, _download(service, remote, target, redo, directory, entry)


def _download(
    service: TransferService,
    remote: str,
    target: Path,
    redo: DownloadRedo,
    directory: bool,
    entry: Entry | None,
) -> Work:
    """Work that fetches the file to `target`, or the folder's files into `target/`.

    The conflict decision is the library's, made here, once, in the worker (it reads the local
    files): `redo.on_conflict` "ask": local files that differ make the job end in `conflict`,
    listed, with nothing written; "skip": they are kept and listed; "overwrite": replaced.
    Every local path is opened from the workspace root without following links (checked
    again now, whatever the request found).
    """
    workspace = service.workspace

    def work(job: Job) -> None:
        try:
            with service.job_client(job) as client:
                found = entry if entry is not None else client.stat(remote)
                if found.is_dir != directory:
                    now = "a folder" if found.is_dir else "a file"
                    raise TransferError(f"{remote!r} is {now} now", path=remote)
                summary = client.download_entry(
                    found, target, on_conflict=redo.on_conflict, **job_options(job, workspace)
                )
            if summary.conflicts:
                job.conflicts = [workspace.name(Path(r.local)) for r in summary.conflicts]
        except ConflictError as exc:
            job.conflicts = [workspace.name(Path(local)) for local in exc.conflicts]
            raise
        finally:
            if not job.suspend.is_set():  # a stopping server keeps them for the next start
                drop_partials(service, job)

    return work


def drop_partials(service: TransferService, job: Job) -> None:
    """Remove an earlier run's temporary files still there as the job ends: those this run did
    not take over (a file the listing no longer has, a conflict, a commit cut short), as the
    journal would have. Those it took over were renamed into place or removed already."""
    remove_temporary_files({"temp": list(job.partials.values())}, service.workspace.root)
    for partial in job.partials.values():
        service.jobs.journal.temp_ended(job.id, Path(partial["path"]))
    job.partials.clear()


def upload_job(
    service: TransferService,
    shown: str,
    local: str,
    redo: UploadRedo,
    *,
    directory: bool,
    size: int | None,
) -> tuple[Job, Work]:
    """The job that uploads the workspace file (or, with `directory`, folder) `local` to
    `redo.remote` (relative to the user folder; `shown`: as the job names it), and its work.

    Missing remote folders are made when the service reports them missing (the library's rule).
    Local files are opened from the workspace root without following links; in a folder, only
    regular files and folders are read, the rest is reported by name.
    """
    job = _new_job("upload", shown, local, redo, directory, size)
    source = service.workspace.path(local)

    def work(job: Job) -> None:
        with service.job_client(job) as client:
            options = job_options(job, service.workspace)
            if directory:
                client.upload_dir(source, redo.remote, **options)
            else:
                client.upload_file(source, redo.remote, **options)

    return job, work


def _new_job(
    kind: str,
    path: str,
    local: str,
    redo: DownloadRedo | UploadRedo,
    directory: bool,
    size: int | None,
) -> Job:
    """A job of `kind` between `path` and the workspace path `local`: a folder's totals are
    counted as it goes, a file's are known."""
    job = Job(
        kind,
        path,
        local,
        recursive=directory,
        bytes_total=None if directory else size,
        files_total=0 if directory else 1,
    )
    job.redo = redo
    return job

"""A job is built one way per kind, for a new request as for a restarted server's journal; its
`redo` is typed, and the journals of earlier versions still resume."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from ctadata.aclient import AsyncAPIClient
from ctadata.client import APIClient
from ctadata.config import Settings
from ctadata.errors import Cancelled
from ctadata_lab.transfers.jobclient import job_client
from ctadata_lab.transfers.jobs import FAILED, JobManager
from ctadata_lab.transfers.journal import Journal, stored_records
from ctadata_lab.transfers.redo import DownloadRedo, UploadRedo, redo_from_json
from ctadata_lab.transfers.resume import UNREADABLE, rebuild, resume_jobs
from ctadata_lab.transfers.service import TransferService
from ctadata_lab.workspace import Workspace

# Nothing listens there: a request that started would fail to connect, not be cancelled.
SETTINGS = Settings("http://127.0.0.1:9/", "http://127.0.0.1:9/", "token-of-the-test")


@pytest.fixture
def service(tmp_path: Path):
    root = tmp_path / "root"
    root.mkdir()
    workspace = Workspace(root, allow_hidden=False)
    journal = Journal(tmp_path / "jobs.log")
    journal.open(root)
    jobs = JobManager(1, journal)
    client = functools.partial(
        job_client, settings=SETTINGS, workspace=workspace, journal=journal, hub_user=None
    )
    yield TransferService(workspace, jobs, AsyncAPIClient.from_settings(SETTINGS), client, 10, 1)
    jobs.shutdown()  # its worker threads, and the journal


def record(**fields: Any) -> dict[str, Any]:
    """An unfinished job as an earlier version's journal kept it."""
    return {
        "id": "a" * 32,
        "kind": "download",
        "path": "lst/DL1/run1.h5",
        "local": "data/run1.h5",
        "recursive": False,
        "state": "queued",
        "resumed": True,
        "bytes_total": 3000,
        "files_total": 1,
        "created": "2026-01-01T10:00:00+00:00",
        "redo": {"on_conflict": "ask"},
        "temp": [],
    } | fields


@pytest.mark.parametrize(
    ("kind", "given", "redo"),
    [
        ("download", {"on_conflict": "ask"}, DownloadRedo("ask")),
        ("download", {"on_conflict": "skip"}, DownloadRedo("skip")),
        ("download", {"on_conflict": "overwrite"}, DownloadRedo("overwrite")),
        ("download", {"on_conflict": "error"}, DownloadRedo("ask")),  # the older spelling
        ("upload", {"remote": "dir/name.bin"}, UploadRedo("dir/name.bin")),
    ],
)
def test_the_journals_redo_is_read_into_its_type(kind: str, given: dict, redo: Any) -> None:
    assert redo_from_json(kind, given) == redo
    if given.get("on_conflict") != "error":
        assert redo.to_json() == given  # written back as earlier versions wrote it


@pytest.mark.parametrize(
    ("kind", "given"),
    [
        ("download", {}),
        ("download", {"on_conflict": "maybe"}),
        ("upload", {"remote": 5}),
        ("upload", None),
        ("browser-upload", {}),
    ],
)
def test_a_redo_that_cannot_be_read_is_refused(kind: str, given: Any) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        redo_from_json(kind, given)


def test_an_earlier_versions_download_is_rebuilt_as_a_new_one_is(service) -> None:
    temp = {"path": str(service.workspace.root / "data/.run1.h5.0badc0de.ctadata-part")}
    temp |= {"target": str(service.workspace.root / "data/run1.h5"), "remote": "lst/DL1/run1.h5"}
    job, work = rebuild(service, record(temp=[temp]))
    assert (job.id, job.kind, job.path, job.local) == (
        "a" * 32,
        "download",
        "lst/DL1/run1.h5",
        "data/run1.h5",
    )
    assert job.redo == DownloadRedo("ask") and job.resumed and not job.recursive
    assert (job.bytes_total, job.files_total) == (3000, 1)
    assert job.partials == {temp["target"]: temp}
    assert job.created.isoformat() == "2026-01-01T10:00:00+00:00"
    assert callable(work)


def test_an_earlier_versions_upload_is_rebuilt_and_journaled_alike(service) -> None:
    given = record(kind="upload", path="lst/users/a/x/", local="x", recursive=True)
    given |= {"redo": {"remote": "x"}, "bytes_total": None, "files_total": 3}
    job, _ = rebuild(service, given)
    assert job.redo == UploadRedo("x") and job.recursive and job.files_total == 3
    service.jobs.submit(job, lambda job: None)  # not its work: this test has no service
    assert job.done.wait(60)
    service.jobs.journal.save(force=True)
    (kept,) = [r for r in stored_records(service.jobs.journal.path) if r["id"] == job.id]
    assert kept["redo"] == {"remote": "x"} and json.dumps(kept)


def test_a_record_that_cannot_be_resumed_is_listed_as_failed(service) -> None:
    resume_jobs(service, [record(redo={"remote": 5}, kind="upload")])
    (job,) = service.jobs.jobs()
    assert (job.state, job.error) == (FAILED, UNREADABLE)


def test_a_job_client_uses_the_librarys_public_hooks(service) -> None:
    job, _ = rebuild(service, record())
    with service.job_client(job) as client:
        assert isinstance(client, APIClient)
        assert client.hooks.suspend is job.suspend and job.on_cancel == client.hooks.abort
        job.cancel.set()  # no request starts once the job is cancelled
        with pytest.raises(Cancelled, match="cancelled"):
            client.stat("lst/DL1/run1.h5")

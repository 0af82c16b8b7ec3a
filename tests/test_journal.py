"""The transfer journal records every temporary file before it is made, or it is not made.

A stopping server (SIGTERM) freezes the jobs' states but its downloads may still make a
temporary file until they are stopped: it is recorded all the same. A journal that is closed,
or cannot be written, refuses the file, so that no file exists that the next start misses.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

from ctadata.errors import Cancelled
from ctadata.transfer.local import LocalPath, TempFile, TempHook
from ctadata_lab.transfers import journal_file
from ctadata_lab.transfers.journal import Journal, journal_path, stored_records

JOB = secrets.token_hex(16)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    (tmp_path / "work").mkdir()
    kept = Journal(journal_path(tmp_path / "data", tmp_path / "work"))
    kept.open(tmp_path / "work")
    kept.record(JOB, {"kind": "download", "state": "running"})
    return kept


def hook(journal: Journal) -> TempHook:
    """What a job's client tells the journal (`JobClient._on_temp`)."""

    def told(temp: Path, exists: bool) -> None:
        if exists:
            journal.temp_started(JOB, temp, {"target": str(temp.parent / "a.bin")})
        else:
            journal.temp_ended(JOB, temp)

    return told


def on_disk(journal: Journal) -> list[str]:
    """The temporary files the journal's file records."""
    return [t["path"] for job in stored_records(journal.path) for t in job["temp"]]


def made_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_stopping_server_records_the_temporary_files_still_made(tmp_path, journal) -> None:
    journal.freeze()
    with TempFile(LocalPath(tmp_path / "work", ("a.bin",)), hook(journal)) as temp:
        temp.keep()  # as a download the stopping server suspends
    assert on_disk(journal) == [str(tmp_path / "work" / made_in(tmp_path / "work")[0])]
    journal.record(JOB, {"state": "cancelled"})
    assert stored_records(journal.path)[0]["state"] == "running"  # frozen


def unwritable(journal: Journal) -> None:
    journal.path.unlink()
    (journal.path / "in the way").mkdir(parents=True)


@pytest.mark.parametrize(
    "spoil, error",
    [(Journal.close, Cancelled), (unwritable, OSError)],
    ids=["closed", "unwritable"],
)
def test_no_temporary_file_is_made_off_the_record(
    tmp_path, journal, spoil: Callable[[Journal], None], error: type[Exception]
) -> None:
    spoil(journal)
    with pytest.raises(error):
        TempFile(LocalPath(tmp_path / "work", ("got", "a.bin")), hook(journal))
    assert made_in(tmp_path / "work" / "got") == []


def test_the_log_is_compacted_and_keeps_the_last_records(tmp_path, journal, monkeypatch) -> None:
    """Many changes of few jobs: the file stays within a few times its records (a rewrite
    now and then), and holds each job's last record; a job forgotten is gone."""
    monkeypatch.setattr(journal_file, "COMPACT_MIN", 20_000)
    other = secrets.token_hex(16)
    for n in range(400):
        journal.record(JOB, {"bytes_done": n})
        journal.record(other, {"kind": "upload", "state": "running", "bytes_done": n})
        assert journal.path.stat().st_size < 2 * 20_000
    journal.forget([other])
    assert [(r["id"], r["bytes_done"]) for r in stored_records(journal.path)] == [(JOB, 399)]


def test_a_journal_that_cannot_be_read_is_left_as_it_is(tmp_path) -> None:
    """Not readable (here: a folder in its place): the server keeps no journal, and writes
    nothing over it."""
    path = journal_path(tmp_path / "data", tmp_path / "work")
    (path / "in the way").mkdir(parents=True)
    kept = Journal(path)
    assert kept.open(tmp_path) == []
    kept.record(JOB, {"kind": "download", "state": "running"})
    kept.close()
    assert path.is_dir() and list(path.iterdir()) == [path / "in the way"]

"""One download request, one decision: the right-click "Download to Workspace" of a file stats
the remote file once and decides about the local file once, and a conflict reaches the panel one
way, as a job state, for a file as for a folder.

The storage counts the requests it receives by method: a listing (the stat) is a `PROPFIND`,
the storage's adler32 a `HEAD`, the bytes a `GET`. A real Jupyter server with the extension,
against the development service (see test_lab).
"""

from __future__ import annotations

import os
import re

import httpx
import pytest

from ctadata.protocol import SMALL_FILE
from tests.helpers import put_remote
from tests.lab_harness import Lab, leftovers

SIZE = 40_000


def storage_calls(lab: Lab, reset: bool = False) -> dict[str, int]:
    """The requests the storage received since the last reset, by method."""
    if reset:
        httpx.post(lab.service.stats_url + "/reset").raise_for_status()
    return httpx.get(lab.service.stats_url).json()["methods"]


@pytest.fixture
def remote(lab: Lab, request) -> tuple[str, bytes]:
    """A remote file of its own for each test, and its bytes."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", request.node.name)
    content = os.urandom(SIZE)
    path = f"lst/lab-decide/{name}/a.bin"
    put_remote(lab.service, path, content)
    return path, content


# The local file before the download; the job's end; the HEADs (the decision's adler32); the
# GETs (the bytes moved, or not). A small file's GET carries its adler32 (`Want-Digest` through
# `webdav/`), so the download's check asks no HEAD of its own.
CASES = {
    "new": (None, "done", 0, 1),
    "identical": ("same", "done", 1, 1),  # a file asked for is fetched again, checked by adler32
    "equal size, other bytes": ("other", "conflict", 1, 0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_single_file_download_stats_once_and_decides_once(
    lab: Lab, remote: tuple[str, bytes], case: str
) -> None:
    path, content = remote
    local, state, heads, gets = CASES[case]
    mine = bytes(b ^ 0xFF for b in content)  # the same size: only the content tells them apart
    if local is not None:
        (lab.root / "one").mkdir()
        (lab.root / "one/a.bin").write_bytes(content if local == "same" else mine)
    storage_calls(lab, reset=True)
    job = lab.wait(lab.download(path, "one")["id"])
    calls = storage_calls(lab)
    assert job["state"] == state, job
    # One stat (the request's), at most one adler32 (the decision's), and the bytes.
    expected = {"PROPFIND": 1, "HEAD": heads, "GET": gets}
    assert calls == {method: n for method, n in expected.items() if n}, calls
    if state == "conflict":
        assert (job["conflicts"], job["conflicts_total"]) == (["one/a.bin"], 1)
        assert (lab.root / "one/a.bin").read_bytes() == mine  # nothing written
    else:
        assert (lab.root / "one/a.bin").read_bytes() == content
        assert job["check"] == "verified (adler32)"
    assert leftovers(lab.root) == []


def test_a_bigger_file_comes_from_fetch_and_its_checksum_from_one_head(lab: Lab) -> None:
    """Over SMALL_FILE, the bytes stream from `fetch/` (which passes no header on), and the
    download's check asks the storage's adler32 with one HEAD."""
    content = os.urandom(SMALL_FILE + 1)
    put_remote(lab.service, "lst/lab-decide/bigger/a.bin", content)
    storage_calls(lab, reset=True)
    job = lab.wait(lab.download("lst/lab-decide/bigger/a.bin", "bigger")["id"])
    assert (job["state"], job["check"]) == ("done", "verified (adler32)"), job
    assert storage_calls(lab) == {"PROPFIND": 1, "HEAD": 1, "GET": 1}
    assert (lab.root / "bigger/a.bin").read_bytes() == content


def test_a_single_file_conflict_is_a_job_state_as_for_a_folder(
    lab: Lab, remote: tuple[str, bytes]
) -> None:
    """ "ask": 201, the job ends `conflict` naming the file, nothing written; "skip": `done`,
    the file kept and named; "overwrite": replaced. Never a 409 for a file that differs."""
    path, content = remote
    (lab.root / "own").mkdir()
    (lab.root / "own/a.bin").write_text("mine")
    job = lab.wait(lab.download(path, "own")["id"])
    assert (job["state"], job["conflicts"], job["conflicts_total"]) == (
        "conflict",
        ["own/a.bin"],
        1,
    )
    assert "'own/a.bin'" in job["error"] and str(lab.root) not in job["error"]
    job = lab.wait(lab.download(path, "own", on_conflict="skip")["id"])
    assert (job["state"], job["conflicts"]) == ("done", ["own/a.bin"]), job
    assert (lab.root / "own/a.bin").read_text() == "mine"
    job = lab.wait(lab.download(path, "own", on_conflict="overwrite")["id"])
    assert job["state"] == "done" and (lab.root / "own/a.bin").read_bytes() == content
    assert "conflicts" not in job
    assert leftovers(lab.root) == []

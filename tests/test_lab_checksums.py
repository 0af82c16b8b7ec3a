"""The REST API's transfers are verified and say so; its conflicts are decided by content.

A real Jupyter server with the extension, against the development service (see test_lab).
"""

from __future__ import annotations

import os

import httpx

from tests.helpers import put_remote
from tests.lab_harness import Lab
from tests.test_identity import edit_in_place


def test_jobs_say_how_their_files_were_checked(lab: Lab, request) -> None:
    base = f"lst/lab-ck/{request.node.name}"
    put_remote(lab.service, f"{base}/a.bin", os.urandom(40_000))
    job = lab.wait(lab.download(f"{base}/a.bin", "ck")["id"])
    assert (job["state"], job["check"], job["files_verified"]) == ("done", "verified (adler32)", 1)
    body = {"kind": "upload", "from": "ck/a.bin", "path": f"ck-{request.node.name}.bin"}
    job = lab.wait(lab.call("POST", "transfers", 201, json=body)["id"])
    assert (job["state"], job["check"]) == ("done", "verified (adler32)"), job


def test_a_checksum_lie_twice_fails_the_job_naming_both(lab: Lab, request) -> None:
    path = f"lst/lab-ck/{request.node.name}/a.bin"
    put_remote(lab.service, path, os.urandom(40_000))
    lies = lab.service.stats_url.replace("/_stats", "/_digest_lies")
    httpx.post(lies, json={"path": path, "times": 2}).raise_for_status()
    job = lab.wait(lab.download(path, "lied")["id"])
    assert job["state"] == "failed" and "checksum mismatch" in job["error"], job
    assert not (lab.root / "lied/a.bin").exists()


def test_an_equal_size_edit_is_a_conflict(lab: Lab, request) -> None:
    path = f"lst/lab-ck/{request.node.name}/a.bin"
    put_remote(lab.service, path, os.urandom(40_000))
    for _ in range(2):  # the second time: the same file, no conflict
        assert lab.wait(lab.download(path, "own")["id"])["state"] == "done"
    edit_in_place(lab.root / "own/a.bin")
    edited = (lab.root / "own/a.bin").read_bytes()
    job = lab.wait(lab.download(path, "own")["id"])
    assert (job["state"], job["conflicts"]) == ("conflict", ["own/a.bin"]), job
    assert "'own/a.bin'" in job["error"] and (lab.root / "own/a.bin").read_bytes() == edited

"""The REST API keeps the workspace's files: conflicts, links swapped in late, special files.

A real Jupyter server with the extension, against the development service (see test_lab).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import put_remote, special_folder
from tests.lab_harness import Lab, MiB, leftovers, own, traits, user_dir, write_big


@pytest.fixture
def folder(lab: Lab, request) -> str:
    """`lst/lab-lf/<test>/`: a.bin, coll2/b.bin, coll2/c.bin."""
    base = f"lst/lab-lf/{request.node.name}"
    for name, size in (("a.bin", 5000), ("coll2/b.bin", 3000), ("coll2/c.bin", 7000)):
        put_remote(lab.service, f"{base}/{name}", os.urandom(size))
    return base


def test_a_folder_download_asks_before_replacing_edited_files(lab: Lab, folder: str) -> None:
    name = folder.rsplit("/", 1)[1]
    assert lab.wait(lab.download(folder, "d0", recursive=True)["id"])["state"] == "done"
    edited = lab.root / "d0" / name / "coll2/b.bin"
    edited.write_text("USER EDITED\n")
    (lab.root / "d0" / name / "a.bin").unlink()
    job = lab.wait(lab.download(folder, "d0", recursive=True, overwrite=False)["id"])
    assert job["state"] == "conflict", job
    assert job["conflicts"] == [f"d0/{name}/coll2/b.bin"] and job["conflicts_total"] == 1
    assert str(lab.root) not in job["error"]
    assert edited.read_text() == "USER EDITED\n"
    assert not (lab.root / "d0" / name / "a.bin").exists()  # nothing written
    job = lab.wait(lab.download(folder, "d0", recursive=True, on_conflict="skip")["id"])
    assert (job["state"], job["conflicts"]) == ("done", [f"d0/{name}/coll2/b.bin"])
    assert edited.read_text() == "USER EDITED\n"
    assert (lab.root / "d0" / name / "a.bin").stat().st_size == 5000
    job = lab.wait(lab.download(folder, "d0", recursive=True, on_conflict="overwrite")["id"])
    assert job["state"] == "done" and edited.stat().st_size == 3000
    assert leftovers(lab.root) == []


def test_a_single_file_that_differs_ends_in_conflict(lab: Lab, folder: str) -> None:
    (lab.root / "own").mkdir()
    (lab.root / "own/a.bin").write_text("mine")
    body = {"kind": "download", "path": f"{folder}/a.bin", "to": "own"}
    job = lab.wait(lab.call("POST", "transfers", 201, json=body)["id"])
    assert (job["state"], job["conflicts"], job["conflicts_total"]) == (
        "conflict",
        ["own/a.bin"],
        1,
    )
    assert "'own/a.bin'" in job["error"] and "overwrite" in job["error"]
    assert (lab.root / "own/a.bin").read_text() == "mine"
    job = lab.wait(lab.download(f"{folder}/a.bin", "own", on_conflict="overwrite")["id"])
    assert job["state"] == "done" and (lab.root / "own/a.bin").stat().st_size == 5000
    bad = {**body, "on_conflict": "maybe"}
    assert "on_conflict" in lab.error("POST", "transfers", 400, "bad_request", json=bad)


def test_a_single_file_skipped_is_a_finished_job_that_names_it(lab: Lab, folder: str) -> None:
    """The panel's "Skip": a job the transfers list keeps, the kept file in its conflicts."""
    (lab.root / "kept").mkdir()
    (lab.root / "kept/a.bin").write_text("mine")
    job = lab.wait(lab.download(f"{folder}/a.bin", "kept", on_conflict="skip")["id"])
    assert (job["state"], job["conflicts"], job["conflicts_total"]) == (
        "done",
        ["kept/a.bin"],
        1,
    ), job
    assert (lab.root / "kept/a.bin").read_text() == "mine"
    assert job["id"] in [j["id"] for j in lab.call("GET", "transfers")["transfers"]]


def test_a_users_part_file_survives(lab: Lab, folder: str) -> None:
    (lab.root / "own").mkdir()
    (lab.root / "own/a.bin.part").write_text("my notes")
    assert lab.wait(lab.download(f"{folder}/a.bin", "own")["id"])["state"] == "done"
    assert (lab.root / "own/a.bin.part").read_text() == "my notes"


def block_the_worker(lab: Lab) -> dict:
    """A running download that keeps the only worker busy until it is cancelled."""
    write_big(lab.service.storage_dir / "lst/big/blocker.bin", 300 * MiB)
    running = lab.download("lst/big/blocker.bin", "blocker")
    lab.wait_bytes(running["id"])
    return running


@own()
@traits(max_concurrent_transfers=1)
def test_a_target_swapped_for_a_link_after_queuing_is_refused(
    lab: Lab, folder: str, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (lab.root / "data3").mkdir()
    running = block_the_worker(lab)
    queued = lab.download(f"{folder}/a.bin", "data3")
    queued_dir = lab.download(folder, "data3", recursive=True)
    (lab.root / "data3").rename(lab.root / "data3.orig")
    (lab.root / "data3").symlink_to(outside)
    lab.call("DELETE", f"transfers/{running['id']}")
    for job in (lab.wait(queued["id"]), lab.wait(queued_dir["id"])):
        assert job["state"] == "failed" and "'data3' is a symbolic link" in job["error"], job
        assert str(tmp_path) not in job["error"]
    assert list(outside.iterdir()) == []


@own()
@traits(max_concurrent_transfers=1)
def test_an_upload_source_swapped_for_a_link_after_queuing_is_not_read(
    lab: Lab, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f.txt").write_text("secret outside the workspace")
    (lab.root / "up3").mkdir()
    (lab.root / "up3/f.txt").write_text("fine")
    running = block_the_worker(lab)
    body = {"kind": "upload", "from": "up3", "path": "up3/", "recursive": True}
    queued = lab.call("POST", "transfers", 201, json=body)
    (lab.root / "up3").rename(lab.root / "up3.orig")
    (lab.root / "up3").symlink_to(outside)
    lab.call("DELETE", f"transfers/{running['id']}")
    job = lab.wait(queued["id"])
    assert job["state"] == "failed" and "'up3' is a symbolic link" in job["error"], job
    assert not list(user_dir(lab).rglob("f.txt"))


def test_a_folder_upload_with_special_files_names_them(lab: Lab, tmp_path: Path) -> None:
    server = special_folder(lab.root / "up", tmp_path / "outside")
    body = {"kind": "upload", "from": "up", "path": "special/", "recursive": True}
    try:
        job = lab.wait(lab.call("POST", "transfers", 201, json=body)["id"])
    finally:
        server.close()
    assert job["state"] == "failed", job
    error = job["error"]
    for name in ("'up/pipe' is a FIFO", "'up/sock' is a socket", "'up/dangling'", "'up/sub/out'"):
        assert name in error, error
    assert str(lab.root) not in error and str(tmp_path) not in error
    assert "internal error" not in error
    assert "nothing was" in error and not (user_dir(lab) / "special").exists()

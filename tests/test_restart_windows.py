"""Each moment a killed server can leave behind, left exactly, then a server started on it.

A download's temporary file is recorded in the journal before it is made, and renamed into
place (`os.link`, then `os.unlink`) before its record goes. Each test writes the files and
the journal a SIGKILL at one such moment leaves, starts a Jupyter server
(`tests.jupyter_process`), and checks that the next start finishes the job and leaves no
temporary file, and that it never removes a file that is not one.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ctadata.transfer.local import temp_name
from ctadata_lab.transfers.jobs import FINISHED
from ctadata_lab.transfers.journal import journal_path, stored_records
from tests.helpers import client_for, put_remote, temp_files
from tests.jupyter_process import Server


@dataclass
class Remote:
    """A remote file `x.bin` in its own folder, as the listing gives it."""

    folder: str
    path: str
    size: int
    mtime: str
    data: bytes

    @classmethod
    def make(cls, service) -> Remote:
        folder = f"lst/win{secrets.token_hex(3)}"
        data = os.urandom(300_001)
        put_remote(service, f"{folder}/x.bin", data)
        with client_for(service, "alice") as client:
            entry = client.stat(f"{folder}/x.bin")
        assert entry.mtime is not None and entry.size == len(data)
        return cls(folder, entry.path, entry.size, entry.mtime.isoformat(), data)


def record(remote: Remote, target: Path, temps: list[Path], **fields: Any) -> dict[str, Any]:
    """A download job as the journal keeps it; by default of the file, still running."""
    about = {"target": str(target), "remote": remote.path, "size": remote.size}
    about["mtime"] = remote.mtime
    return {
        "id": secrets.token_hex(16),
        "kind": "download",
        "path": remote.path,
        "local": "got/x.bin",
        "recursive": False,
        "state": "running",
        "bytes_done": 0,
        "bytes_total": remote.size,
        "files_done": 0,
        "files_total": 1,
        "error": None,
        "resumed": False,
        "created": "2026-01-01T00:00:00+00:00",
        "finished": None,
        "redo": {"on_conflict": "ask"},
        "temp": [{"path": str(temp), **about} for temp in temps],
    } | fields


def leave(root: Path, remote: Remote, where: str, holds: bytes, *, linked: bool = False) -> Path:
    """A temporary file for `<where>/x.bin` holding `holds` (or a second name of the target)."""
    target = root / where / "x.bin"
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / temp_name("x.bin")
    if linked:
        target.write_bytes(holds)
        os.link(target, temp)
    else:
        temp.write_bytes(holds)
    return temp


Scene = Callable[[Path, Remote], tuple[dict[str, Any], Path]]


def commit_cut(root: Path, remote: Remote) -> tuple[dict[str, Any], Path]:
    """Killed inside `commit`, between `os.link` and `os.unlink`."""
    temp = leave(root, remote, "got", remote.data, linked=True)
    return record(remote, temp.with_name("x.bin"), [temp]), root / "got/x.bin"


def commit_cut_in_folder(root: Path, remote: Remote) -> tuple[dict[str, Any], Path]:
    """The same in a folder download: the next start skips the file, being complete."""
    name = remote.folder.rsplit("/", 1)[-1]
    temp = leave(root, remote, f"got/{name}", remote.data, linked=True)
    fields = {"path": remote.folder, "local": f"got/{name}", "recursive": True}
    return record(remote, temp.with_name("x.bin"), [temp], **fields), temp.with_name("x.bin")


def written_not_committed(root: Path, remote: Remote) -> tuple[dict[str, Any], Path]:
    """Killed after the last byte was written, before `commit`."""
    temp = leave(root, remote, "got", remote.data)
    return record(remote, temp.with_name("x.bin"), [temp]), root / "got/x.bin"


def recorded_not_made(root: Path, remote: Remote) -> tuple[dict[str, Any], Path]:
    """Killed between the journal's record of the temporary file and its creation."""
    temp = root / "got" / temp_name("x.bin")
    return record(remote, temp.with_name("x.bin"), [temp]), root / "got/x.bin"


def finished_with_temp(root: Path, remote: Remote) -> tuple[dict[str, Any], Path]:
    """A job done whose record still names a temporary file (a journal of an earlier version,
    whose resume took a commit cut short for a foreign file and made another)."""
    temp = leave(root, remote, "got", remote.data[:1000])
    (root / "got/x.bin").write_bytes(remote.data)
    return record(remote, temp.with_name("x.bin"), [temp], state="done"), root / "got/x.bin"


def start_on(start_server, service, jobs: list[dict[str, Any]]) -> Server:
    """A server started on a journal holding `jobs` (as the killed one left it: a line
    for each of its last changes)."""
    path = journal_path(start_server.data_dir, start_server.root.resolve())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"set": job}) + "\n" for job in jobs))
    return start_server(service)


def recorded_temps(start_server) -> list[Any]:
    path = journal_path(start_server.data_dir, start_server.root.resolve())
    return [t for job in stored_records(path) for t in job["temp"]]


@pytest.mark.parametrize(
    "scene",
    [
        commit_cut,
        commit_cut_in_folder,
        written_not_committed,
        recorded_not_made,
        finished_with_temp,
    ],
    ids=lambda scene: scene.__name__,
)
def test_the_next_start_finishes_the_job_and_leaves_no_temporary_file(
    start_server, dev_service, scene: Scene
) -> None:
    remote = Remote.make(dev_service)
    root: Path = start_server.root.resolve()
    job, target = scene(root, remote)
    server = start_on(start_server, dev_service, [job])
    listed = server.until(lambda js: all(j["state"] in FINISHED for j in js))
    assert [(j["id"], j["state"]) for j in listed] == [(job["id"], "done")], listed
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(remote.data).digest()
    assert temp_files(root) == []
    assert recorded_temps(start_server) == []


def test_the_next_start_never_removes_what_is_not_a_temporary_file(
    start_server, dev_service
) -> None:
    """A journal naming a user's file, a link to one and a second name of one as temporary
    files (of a job that cannot be resumed, and of a finished one): all are kept."""
    remote = Remote.make(dev_service)
    root: Path = start_server.root.resolve()
    (root / "got").mkdir()
    precious = root / "got" / "notes.txt"
    precious.write_text("keep me")
    link, hard = (root / "got" / temp_name("x.bin") for _ in range(2))
    link.symlink_to(precious)
    os.link(precious, hard)
    target, named = root / "got/x.bin", [precious, link, hard]
    jobs = [
        record(remote, target, named, kind="browser-upload", redo={}),
        record(remote, target, named, state="done"),
    ]
    server = start_on(start_server, dev_service, jobs)
    listed = {j["id"]: j["state"] for j in server.call("GET", "transfers")["transfers"]}
    assert listed == {jobs[0]["id"]: "failed", jobs[1]["id"]: "done"}
    assert precious.read_text() == "keep me" and link.is_symlink() and hard.read_text() == "keep me"


def test_a_resumed_target_swapped_for_a_link_is_refused(start_server, dev_service, tmp_path):
    """A journalled download whose target folder became a link leading out: the next server
    does not resume it through the link, and writes nothing outside the workspace."""
    remote = Remote.make(dev_service)
    root, outside = start_server.root, tmp_path / "outside"
    outside.mkdir()
    root.mkdir(parents=True, exist_ok=True)
    (root / "data3").symlink_to(outside)
    job = record(remote, root / "data3/x.bin", [], local="data3/x.bin")
    server = start_on(start_server, dev_service, [job])
    listed = server.until(lambda js: bool(js) and js[0]["state"] in FINISHED)
    assert listed[0]["id"] == job["id"] and listed[0]["state"] == "failed", listed
    assert list(outside.iterdir()) == []

"""The transfer journal as the next server finds it: of a wrong shape, or with a long history.

Each test writes a journal (the append log, or the JSON file older versions kept), starts a
Jupyter server on it (`tests.jupyter_process`) and talks to it over HTTP: the extension must
load whatever the journal holds, keep what is valid, set the rest aside with one warning, keep
only the newest finished jobs, and write per change what changed, not the whole history.
"""

from __future__ import annotations

import json
import secrets
import signal
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from ctadata.transfer.local import temp_name
from ctadata_lab.transfers.jobs import FINISHED
from ctadata_lab.transfers.journal import journal_path, stored_records
from tests.helpers import put_remote
from tests.jupyter_process import Server


def finished_job(ago: float = 0.0, **fields: Any) -> dict[str, Any]:
    """A download done `ago` seconds ago, as the journal records it."""
    when = (datetime.now(timezone.utc) - timedelta(seconds=ago)).isoformat()
    return {
        "id": secrets.token_hex(16),
        "kind": "download",
        "path": "lst/done/x.bin",
        "local": "got/x.bin",
        "recursive": False,
        "state": "done",
        "bytes_done": 1000,
        "bytes_total": 1000,
        "files_done": 1,
        "files_total": 1,
        "error": None,
        "resumed": False,
        "created": when,
        "finished": when,
        "redo": {"on_conflict": "ask"},
        "temp": [],
    } | fields


def journal_of(start_server) -> Path:
    return journal_path(start_server.data_dir, start_server.root.resolve())


def write_legacy(start_server, text: str) -> Path:
    """The JSON file of older versions, in place of the log."""
    path = journal_of(start_server).with_suffix(".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def listed(server: Server) -> list[dict[str, Any]]:
    return server.call("GET", "transfers")["transfers"]


def set_aside(start_server) -> str:
    """What the server set aside next to the journal."""
    files = sorted(journal_of(start_server).parent.glob("*.set-aside-*"))
    return "".join(f.read_text() for f in files)


def stops_on_sigterm(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(60) == 0


GOOD = finished_job()
NAIVE = finished_job(finished="2026-01-01T10:00:00")  # no time zone
SHAPES = {
    "jobs-null": ('{"pid": 1, "jobs": null}', [], ['"jobs": null']),
    "jobs-5": ('{"pid": 1, "jobs": 5}', [], ['"jobs": 5']),
    "a-finished-time-without-zone": (
        json.dumps({"pid": 1, "jobs": [GOOD, NAIVE, 5, {"id": 7}]}),
        [GOOD["id"]],
        [NAIVE["id"], "5", '{"id": 7}'],
    ),
}


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_a_legacy_journal_of_a_wrong_shape_is_set_aside(
    start_server, dev_service, tmp_path, shape: str
) -> None:
    text, kept, aside = SHAPES[shape]
    legacy = write_legacy(start_server, text)
    server = start_server(dev_service)
    assert [j["id"] for j in listed(server)] == kept
    assert all(bad in set_aside(start_server) for bad in aside), set_aside(start_server)
    assert not legacy.exists()
    assert [r["id"] for r in stored_records(journal_of(start_server))] == kept
    stops_on_sigterm(server)
    assert (tmp_path / "server0.log").read_text().count("cannot be read; set aside") == 1


def test_a_log_with_lines_of_a_wrong_shape_keeps_the_others(start_server, dev_service) -> None:
    """Lines that are no JSON, no change, or the record of no job: set aside, the rest kept."""
    other = finished_job(ago=5)
    lines = [
        json.dumps({"set": GOOD}),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"set": NAIVE}),
        json.dumps({"set": other | {"bytes_done": "lots"}}),
        json.dumps({"set": other}),  # the last record of a job wins
        json.dumps({"set": finished_job(state="exploded")}),
        json.dumps({"set": finished_job()})[:60],  # a write cut short (a power loss)
    ]
    path = journal_of(start_server)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    server = start_server(dev_service)
    assert [j["id"] for j in listed(server)] == [other["id"], GOOD["id"]]  # newest first
    aside = set_aside(start_server)
    assert "{not json" in aside and "[1, 2]" in aside and NAIVE["id"] in aside
    assert "exploded" in aside and "lots" not in aside and lines[-1] in aside
    stops_on_sigterm(server)


def test_a_long_history_keeps_the_newest_finished_jobs(start_server, dev_service) -> None:
    """5000 finished jobs of the last hour and one of two hours ago: the 100 newest are
    listed and kept (`max_finished_transfers`); a new one pushes the oldest out."""
    history = [finished_job(ago=10 + n) for n in range(5000)]  # newest first
    stale = finished_job(ago=7200)
    write_legacy(start_server, json.dumps({"pid": 1, "jobs": [stale, *history]}))
    server = start_server(dev_service, max_finished_transfers=100)
    newest = [j["id"] for j in history[:100]]
    assert [j["id"] for j in listed(server)] == newest
    assert {r["id"] for r in stored_records(journal_of(start_server))} == set(newest)

    put_remote(dev_service, "lst/history/one.bin", b"x" * 1000)
    job = server.download("lst/history/one.bin", "got")
    server.until(lambda js: js[0]["id"] == job["id"] and js[0]["state"] in FINISHED)
    ids = [j["id"] for j in listed(server)]
    assert ids == [job["id"], *newest[:99]]
    stops_on_sigterm(server)
    assert {r["id"] for r in stored_records(journal_of(start_server))} == set(ids)


def test_a_job_too_old_to_list_still_has_its_temporary_file_removed(start_server, dev_service):
    """A download that ended two hours ago with its temporary file still on record (a stop cut
    its end short): dropped, and the file removed all the same; a user's file kept."""
    root = start_server.root.resolve()
    (root / "got").mkdir()
    temp, mine = root / "got" / temp_name("x.bin"), root / "got" / "notes.txt"
    temp.write_bytes(b"partial")
    mine.write_text("keep me")
    entries = [{"path": str(p), "target": str(root / "got/x.bin")} for p in (temp, mine)]
    write_legacy(start_server, json.dumps({"jobs": [finished_job(ago=7200, temp=entries)]}))
    server = start_server(dev_service)
    assert listed(server) == []
    assert not temp.exists() and mine.read_text() == "keep me"


def written(server: Server) -> int:
    """The bytes the server's process has written so far (write(2) and the like)."""
    io = Path(f"/proc/{server.process.pid}/io").read_text()
    return int(next(line for line in io.splitlines() if line.startswith("wchar:")).split()[1])


def test_a_new_transfer_writes_its_own_records_not_the_history(start_server, dev_service):
    """With 3000 finished jobs on record (2 MB), a download from POST to done writes a few
    kilobytes: its own records and the server's log lines."""
    history = [finished_job(ago=10 + n) for n in range(3000)]
    size = len(write_legacy(start_server, json.dumps({"pid": 1, "jobs": history})).read_bytes())
    server = start_server(dev_service, max_finished_transfers=5000)
    put_remote(dev_service, "lst/history/two.bin", b"y" * 1000)
    before = written(server)
    job = server.download("lst/history/two.bin", "got")
    while server.call("GET", f"transfers/{job['id']}")["state"] not in FINISHED:
        time.sleep(0.05)
    per_post = written(server) - before
    print(f"a download with {len(history)} jobs ({size} bytes) on record: {per_post} bytes written")
    assert per_post < 64 * 1024, per_post
    assert len(listed(server)) == len(history) + 1
    stops_on_sigterm(server)

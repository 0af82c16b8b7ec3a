"""The server extension in a real Jupyter server, against the development service.

The Jupyter server is pytest-jupyter's (in this process, on a port of its own); these tests are
plain functions that drive its event loop (`Lab.run`), so that the server and the test share one
loop. Every request goes over HTTP with httpx; the service is the real development service.
The fixtures (`lab`, `lab_traits`, `lab_service`) are in conftest.py, `Lab` in lab_harness.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.lab_harness import (
    CANCEL_CEILING,
    FINISHED,
    Lab,
    MiB,
    file_sha,
    leftovers,
    own,
    sha,
    traits,
    user_dir,
    write_big,
)

# A handler without Jupyter authentication makes the server warn when it loads: an error here.
pytestmark = pytest.mark.filterwarnings("error::jupyter_server.utils.JupyterServerAuthWarning")


# -- config and listing -----------------------------------------------------------------------
def test_config_tells_where_and_whether_but_never_the_token(lab: Lab) -> None:
    response = lab.request("GET", "config")
    assert response.status_code == 200
    assert lab.service.users["alice"].token not in response.text
    config = response.json()
    assert config == {
        "downloadservice": lab.service.downloadservice,
        "certificateservice": lab.service.certificateservice,
        "token_present": True,
        "user": None,
        "upload_folder": f"lst/users/{lab.service.users['alice'].folder}/",
        "version": config["version"],
    }
    import ctadata

    assert config["version"] == ctadata.__version__


@traits(token=None, hub_user="Somebody")
def test_config_without_token(lab: Lab) -> None:
    config = lab.call("GET", "config")
    assert config["token_present"] is False
    assert config["upload_folder"] is None and config["user"] == "Somebody"
    assert "no token" in lab.error("GET", "list", 401, "not_authenticated", params={"path": ""})


@pytest.fixture
def tree(lab: Lab) -> tuple[str, dict[str, bytes]]:
    """A folder of this test's own in the storage (others write next to the sample tree)."""
    base = f"lst/lab-{secrets.token_hex(4)}/"
    files = {
        "B-dir/deep/x.txt": b"deep\n",
        "a-dir/y.bin": os.urandom(3000),
        "Zeta.txt": b"zeta\n",
        "alpha.bin": os.urandom(MiB),
        "with space.txt": b"space\n",
        "what?.txt": b"question\n",
        "hash#name.txt": b"hash\n",
        "100%25 sure.txt": b"percent\n",
        "empty.dat": b"",
    }
    for name, content in files.items():
        target = lab.service.storage_dir / base / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return base, files


def test_list_is_normalized_for_the_panel(lab: Lab, tree) -> None:
    base, files = tree
    listing = lab.call("GET", "list", params={"path": base.rstrip("/")})
    assert listing["path"] == base
    entries = listing["entries"]
    assert [e["name"] for e in entries] == [
        "a-dir",
        "B-dir",
        "100%25 sure.txt",
        "alpha.bin",
        "empty.dat",
        "hash#name.txt",
        "what?.txt",
        "with space.txt",
        "Zeta.txt",
    ]
    for entry in entries:
        assert set(entry) == {"name", "path", "type", "size", "mtime"}
        assert entry["path"] == base + entry["name"] + ("/" if entry["type"] == "directory" else "")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", entry["mtime"])
        if entry["type"] == "directory":
            assert entry["size"] is None
        else:
            assert entry["size"] == len(files[entry["name"]])  # an int, decoded names
    assert [e["type"] for e in entries] == ["directory"] * 2 + ["file"] * 7

    one = lab.call("GET", "list", params={"path": base + "what?.txt"})
    assert one["path"] == base + "what?.txt"
    assert [e["name"] for e in one["entries"]] == ["what?.txt"]
    root = lab.call("GET", "list", params={"path": ""})
    assert root["path"] == "" and {"lst", "cta"} <= {e["name"] for e in root["entries"]}


def test_list_errors(lab: Lab) -> None:
    message = lab.error("GET", "list", 404, "not_found", params={"path": "lst/missing/"})
    assert "lst/missing" in message
    lab.error("GET", "list", 400, "bad_request", params={"path": "lst/../../cta/"})
    resolved = lab.call("GET", "list", params={"path": "lst/x/../../cta/./"})
    assert resolved["path"] == "cta/"
    root = lab.call("GET", "list", params={"path": ""})
    assert root["path"] == "" and {"lst", "cta"} <= {e["name"] for e in root["entries"]}


@traits(token="wrong-token-0123456789")
def test_refused_token_is_401_and_never_echoed(lab: Lab, caplog, jp_logging_stream) -> None:
    for path in ("list", "config", "transfers"):
        response = lab.request("GET", path, params={"path": "lst/"})
        assert "wrong-token-0123456789" not in response.text
    message = lab.error("GET", "list", 401, "not_authenticated", params={"path": "lst/"})
    assert "token" in message
    body = {"kind": "download", "path": "lst/DL1/big.bin", "to": ""}
    lab.error("POST", "transfers", 401, "not_authenticated", json=body)
    logs = caplog.text + jp_logging_stream.getvalue()
    assert "401" in logs and "wrong-token-0123456789" not in logs


@pytest.mark.parametrize(
    ("lab_traits", "status", "reason"),
    [({"role": "expired"}, 401, "not_authenticated"), ({"role": "noscope"}, 403, "no_access")],
    indirect=["lab_traits"],
)
def test_expired_token_and_missing_scope(lab: Lab, status: int, reason: str) -> None:
    lab.error("GET", "list", status, reason, params={"path": "lst/"})
    body = {"kind": "download", "path": "lst/DL1/big.bin", "to": ""}
    lab.error("POST", "transfers", status, reason, json=body)
    assert lab.call("GET", "transfers") == {"transfers": []}


@own("unreachable")
def test_remote_dotdot_refused_before_any_call(lab: Lab) -> None:
    # The service URL leads nowhere: a 400 (not a 502) proves no call was made.
    assert lab.call("GET", "list", 502, params={"path": "lst/"})["reason"] == "unreachable"
    lab.error("GET", "list", 400, "bad_request", params={"path": "lst/../../etc"})
    lab.error("POST", "transfers", 400, "bad_request", json={"kind": "download", "path": ".."})
    (lab.root / "f.txt").write_text("x")
    body = {"kind": "upload", "from": "f.txt", "path": "a/../../b"}
    lab.error("POST", "transfers", 400, "bad_request", json=body)
    lab.error("PUT", "upload", 400, "bad_request", params={"path": "../x"}, content=b"x")


# -- Jupyter authentication and XSRF ------------------------------------------------------------
ENDPOINTS = [
    ("GET", "config"),
    ("GET", "list?path=lst/"),
    ("GET", "transfers"),
    ("POST", "transfers"),
    ("GET", f"transfers/{'0' * 32}"),
    ("DELETE", f"transfers/{'0' * 32}"),
    ("PUT", "upload?path=noauth.bin"),
    ("POST", "certificate"),
    ("POST", "certificate/shared"),
]


def test_every_endpoint_needs_jupyter_auth(lab: Lab) -> None:
    for method, path in ENDPOINTS:
        response = lab.request(method, path, auth=False, content=b"{}")
        assert response.status_code == 403, (method, path, response.status_code)
        assert response.json()["reason"] == "forbidden"
    assert not (user_dir(lab) / "noauth.bin").exists()


def login(lab: Lab) -> httpx.Cookies:
    """A browser's session: log in with the token, get the session and `_xsrf` cookies."""
    base = lab.url.removesuffix("ctadata/")

    async def go() -> httpx.Cookies:
        async with httpx.AsyncClient(follow_redirects=False) as http:
            page = await http.get(base + "login")
            xsrf = page.cookies["_xsrf"]
            answer = await http.post(base + "login", data={"_xsrf": xsrf, "password": lab.token})
            assert answer.status_code == 302, answer.text
            return httpx.Cookies(http.cookies)

    cookies = lab.run(go())
    assert any(name.startswith("username-") for name in cookies)
    return cookies


def test_xsrf_is_required_with_a_session_cookie(lab: Lab) -> None:
    cookies = login(lab)
    assert lab.request("GET", "transfers", auth=False, cookies=cookies).status_code == 200
    body = {"kind": "download", "path": "lst/DL1/20241114/run1.h5", "to": "xsrf"}
    for method, path, kw in [
        ("POST", "transfers", {"json": body}),
        ("PUT", "upload?path=xsrf.bin", {"content": b"data"}),
        ("DELETE", f"transfers/{'0' * 32}", {}),
        ("POST", "certificate", {"json": {}}),
    ]:
        response = lab.request(method, path, auth=False, cookies=cookies, **kw)
        assert response.status_code == 403 and "_xsrf" in response.json()["message"], path
    assert not (user_dir(lab) / "xsrf.bin").exists()
    assert not (lab.root / "xsrf").exists()
    xsrf = {"X-XSRFToken": cookies["_xsrf"]}
    job = lab.call("POST", "transfers", 201, auth=False, cookies=cookies, headers=xsrf, json=body)
    assert lab.wait(job["id"])["state"] == "done"


# -- local paths ------------------------------------------------------------------------------
def test_local_path_escapes_are_refused(lab: Lab, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (lab.root / "escape").symlink_to(outside)
    (lab.root / "folder").mkdir()
    (lab.root / "folder" / "link.txt").symlink_to(outside / "secret.txt")
    remote = "lst/DL1/20241114/run1.h5"
    for to in ("../", "a/../../b", "/tmp", str(lab.root), "escape", "escape/deeper"):
        message = lab.error("POST", "transfers", 400, "bad_request", json=_dl(remote, to))
        assert to in message or "outside" in message or "relative" in message
    for source in ("../x", "/etc/hostname", "escape/secret.txt", "folder/../../x"):
        body = {"kind": "upload", "from": source, "path": "esc/"}
        lab.error("POST", "transfers", 400, "bad_request", json=body)
    # A folder holding a link out of the workspace uploads nothing.
    body = {"kind": "upload", "from": "folder", "path": "esc/", "recursive": True}
    job = lab.wait(lab.call("POST", "transfers", 201, json=body)["id"])
    assert job["state"] == "failed" and "outside the workspace" in job["error"]
    assert not (user_dir(lab) / "esc").exists()
    assert list(outside.iterdir()) == [outside / "secret.txt"]


def _dl(path: str, to: str = "", **kw: Any) -> dict:
    return {"kind": "download", "path": path, "to": to, **kw}


# -- downloads --------------------------------------------------------------------------------
def test_download_a_file_into_the_workspace(lab: Lab, sample_tree) -> None:
    job = lab.download("lst/DL1/20241114/run1.h5", "data")
    assert job["kind"] == "download" and job["state"] in ("queued", "running", "done")
    assert job["local"] == "data/run1.h5" and job["path"] == "lst/DL1/20241114/run1.h5"
    assert job["bytes_total"] == 3000 and job["files_total"] == 1 and job["error"] is None
    done = lab.wait(job["id"])
    assert done["state"] == "done", done
    assert done["bytes_done"] == 3000 and done["files_done"] == 1 and done["finished"]
    assert (lab.root / "data/run1.h5").read_bytes() == sample_tree.files["lst/DL1/20241114/run1.h5"]
    listed = lab.call("GET", "transfers")["transfers"]
    assert [j["id"] for j in listed] == [job["id"]]
    # Again, onto a file that differs from the storage's: only with overwrite.
    (lab.root / "data/run1.h5").write_text("edited")
    asked = lab.wait(lab.download(job["path"], "data")["id"])
    assert asked["state"] == "conflict" and asked["conflicts"] == ["data/run1.h5"], asked
    assert (lab.root / "data/run1.h5").read_text() == "edited"
    again = lab.download(job["path"], "data", overwrite=True)
    assert lab.wait(again["id"])["state"] == "done"
    listed = [j["id"] for j in lab.call("GET", "transfers")["transfers"]]
    assert listed == [again["id"], asked["id"], job["id"]]


def test_download_a_folder_recursively(lab: Lab, tree) -> None:
    base, files = tree
    message = lab.error("POST", "transfers", 400, "bad_request", json=_dl(base, "d"))
    assert "recursive" in message
    job = lab.wait(lab.download(base, "d", recursive=True)["id"])
    assert job["state"] == "done", job
    folder = base.rstrip("/").rsplit("/", 1)[-1]
    assert job["local"] == f"d/{folder}" and job["recursive"] is True and job["path"] == base
    assert job["files_done"] == job["files_total"] == len(files)
    assert job["bytes_done"] == job["bytes_total"] == sum(map(len, files.values()))
    for name, content in files.items():
        assert (lab.root / "d" / folder / name).read_bytes() == content, name
    assert leftovers(lab.root) == []


def test_transfer_errors(lab: Lab) -> None:
    lab.error("POST", "transfers", 404, "not_found", json=_dl("lst/DL1/missing.h5"))
    lab.error("POST", "transfers", 400, "bad_request", json={"kind": "move"})
    lab.error("POST", "transfers", 400, "bad_request", json={"kind": "download"})
    lab.error("POST", "transfers", 400, "bad_request", content=b"not json")
    lab.error("POST", "transfers", 400, "bad_request", json=_dl("lst/DL1/big.bin", 5))
    body = {"kind": "upload", "from": "nothing-here.txt", "path": ""}
    lab.error("POST", "transfers", 404, "not_found", json=body)
    lab.error("GET", f"transfers/{'f' * 32}", 404, "not_found")
    lab.error("DELETE", f"transfers/{'f' * 32}", 404, "not_found")


# -- uploads ----------------------------------------------------------------------------------
def test_upload_a_workspace_file_and_folder(lab: Lab) -> None:
    folder = user_dir(lab)
    (lab.root / "results/sub").mkdir(parents=True)
    (lab.root / "results/a.txt").write_bytes(b"a" * 1000)
    (lab.root / "results/sub/b.bin").write_bytes(os.urandom(5000))
    body = {"kind": "upload", "from": "results/a.txt", "path": "up1/deeper/"}
    job = lab.wait(lab.call("POST", "transfers", 201, json=body)["id"])
    assert job["state"] == "done", job
    assert (
        job["path"] == f"lst/users/{folder.name}/up1/deeper/a.txt"
        and job["local"] == "results/a.txt"
    )
    assert (folder / "up1/deeper/a.txt").read_bytes() == b"a" * 1000
    lab.error("POST", "transfers", 400, "bad_request", json=body | {"from": "results"})
    job = lab.wait(
        lab.call("POST", "transfers", 201, json=body | {"from": "results", "recursive": True})["id"]
    )
    assert job["state"] == "done", job
    assert job["files_done"] == 2 and job["bytes_done"] == 6000
    for name in ("a.txt", "sub/b.bin"):
        stored = folder / "up1/deeper/results" / name
        assert stored.read_bytes() == (lab.root / "results" / name).read_bytes()


def test_browser_upload_is_streamed_into_new_folders(lab: Lab) -> None:
    chunks = [os.urandom(300_000) for _ in range(20)]
    total = sum(map(len, chunks))

    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    response = lab.request(
        "PUT",
        "upload",
        params={"path": "browser/new/dir/file.bin"},
        content=body(),
        headers={"Content-Length": str(total)},
    )
    assert response.status_code == 200, response.text
    folder = user_dir(lab)
    answer = response.json()
    assert answer == {
        "status": "uploaded",
        "path": f"lst/users/{folder.name}/browser/new/dir/file.bin",
        "total_written": total,
    }
    assert (folder / "browser/new/dir/file.bin").read_bytes() == b"".join(chunks)
    (job,) = lab.call("GET", "transfers")["transfers"]
    assert job["kind"] == "browser-upload" and job["state"] == "done"
    assert job["check"] == "verified (adler32)"
    assert job["bytes_done"] == job["bytes_total"] == total and job["path"] == answer["path"]
    # Without a Content-Length (chunked), and an empty file.
    response = lab.request("PUT", "upload", params={"path": "browser/chunked.bin"}, content=body())
    assert response.status_code == 200 and response.json()["total_written"] == total
    assert file_sha(folder / "browser/chunked.bin") == sha(b"".join(chunks))
    empty = lab.call("PUT", "upload", params={"path": "browser/empty.bin"}, content=b"")
    assert empty["total_written"] == 0 and (folder / "browser/empty.bin").stat().st_size == 0
    lab.error("PUT", "upload", 400, "bad_request", params={"path": "browser/"}, content=b"x")


@traits(hub=False)
def test_uploads_without_a_hub(lab: Lab) -> None:
    """No JUPYTERHUB_USER, no hub API: uploads into existing folders work; a missing folder is
    made once an upload's answer has told the user folder, and before that is a clear error."""
    folder = user_dir(lab)
    (folder / "existing/results").mkdir(parents=True)
    assert lab.call("GET", "config")["upload_folder"] is None
    message = lab.error(
        "PUT", "upload", 404, "not_found", params={"path": "new/x.bin"}, content=b"x" * 1000
    )
    assert "the folder 'new/' does not exist" in message and "JUPYTERHUB_USER" in message
    (lab.root / "results").mkdir()
    for name in ("a.txt", "b.txt"):
        (lab.root / "results" / name).write_bytes(os.urandom(3000))
    body = {"kind": "upload", "from": "results", "path": "existing/", "recursive": True}
    job = lab.wait(lab.call("POST", "transfers", 201, json=body)["id"])
    assert job["state"] == "done" and job["files_done"] == 2, job
    for name in ("a.txt", "b.txt"):
        stored = folder / "existing/results" / name
        assert stored.read_bytes() == (lab.root / "results" / name).read_bytes()
    answer = lab.call("PUT", "upload", params={"path": "existing/c.bin"}, content=b"c" * 10)
    assert answer["path"] == f"lst/users/{folder.name}/existing/c.bin"
    # That answer named the user folder: missing folders can be made from now on.
    assert lab.call("GET", "config")["upload_folder"] == f"lst/users/{folder.name}/"
    lab.call("PUT", "upload", params={"path": "new/x.bin"}, content=b"x" * 1000)
    assert (folder / "new/x.bin").read_bytes() == b"x" * 1000


async def until_still(count: Callable[[], int], quiet: float, ceiling: float) -> int:
    """`count()` once it has not changed for `quiet` seconds; fails after `ceiling` seconds
    of change (a body that keeps flowing while the service reads nothing)."""
    deadline = time.monotonic() + ceiling
    last, since = count(), time.monotonic()
    while time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, "the body kept flowing while the service was stopped"
        await asyncio.sleep(0.05)
        if count() != last:
            last, since = count(), time.monotonic()
    return last


@own()
def test_browser_upload_has_back_pressure(lab: Lab) -> None:
    """While the service takes nothing, the server takes only a bounded part of the body."""
    chunk, count = 256 * 1024, 640  # 160 MiB: far more than all the buffers on the way
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(count):
            yield b"\0" * chunk
            sent += chunk

    async def scenario() -> tuple[int, int, int, httpx.Response]:
        put = asyncio.ensure_future(
            lab.arequest(
                "PUT",
                "upload",
                params={"path": "bp/slow.bin"},
                content=body(),
                headers={"Content-Length": str(chunk * count)},
            )
        )
        # Once bytes flow through to the service, stop its process (SIGSTOP): it reads nothing.
        while True:
            jobs = (await lab.arequest("GET", "transfers")).json()["transfers"]
            if jobs and jobs[0]["bytes_done"] >= 8 * MiB:
                break
            await asyncio.sleep(0.005)
        os.kill(lab.service.pid, signal.SIGSTOP)
        at_stop = sent
        paused_at = await until_still(lambda: sent, 1.0, 60)
        os.kill(lab.service.pid, signal.SIGCONT)
        return at_stop, paused_at, await put

    at_stop, paused_at, response = lab.run(scenario())
    assert response.status_code == 200, response.text
    # Socket buffers (client, server, service) plus our small queue, not the whole body.
    assert paused_at - at_stop < 48 * MiB and paused_at < chunk * count
    assert (user_dir(lab) / "bp/slow.bin").stat().st_size == chunk * count


# -- cancel and failures ----------------------------------------------------------------------
@own()
@traits(max_concurrent_transfers=1)
def test_cancel_removes_partial_files(lab: Lab) -> None:
    write_big(lab.service.storage_dir / "lst/big/cancel.bin", 300 * MiB)
    write_big(lab.service.storage_dir / "lst/big/next.bin", MiB)
    running = lab.download("lst/big/cancel.bin", "c")
    queued = lab.download("lst/big/next.bin", "c")
    assert lab.wait_bytes(running["id"])["rate"] > 0
    assert lab.call("GET", f"transfers/{queued['id']}")["state"] == "queued"
    job = lab.call("DELETE", f"transfers/{queued['id']}")
    assert job["state"] == "cancelled" and job["bytes_done"] == 0
    job = lab.call("DELETE", f"transfers/{running['id']}")
    assert job["state"] == "cancelled" and job["finished"], job
    assert 0 < job["bytes_done"] < 300 * MiB
    assert list((lab.root / "c").iterdir()) == [] and leftovers(lab.root) == []
    # A cancelled job stays listed; cancelling it again changes nothing.
    assert lab.call("DELETE", f"transfers/{running['id']}")["state"] == "cancelled"
    states = {j["id"]: j["state"] for j in lab.call("GET", "transfers")["transfers"]}
    assert states == {running["id"]: "cancelled", queued["id"]: "cancelled"}


@own()
def test_cancel_of_an_upload_the_service_stopped_reading(lab: Lab) -> None:
    """The service's process is stopped (SIGSTOP) mid-upload: the job waits in a write, and a
    cancel still ends it promptly (0.5 s idle; `CANCEL_CEILING` in a test)."""
    write_big(lab.root / "up.bin", 300 * MiB)
    body = {"kind": "upload", "from": "up.bin", "path": f"stopped{secrets.token_hex(3)}.bin"}
    job = lab.call("POST", "transfers", 201, json=body)
    lab.wait_bytes(job["id"], 8 * MiB)
    os.kill(lab.service.pid, signal.SIGSTOP)
    try:
        stalled = lab.call("GET", f"transfers/{job['id']}")["bytes_done"]
        while (now := lab.call("GET", f"transfers/{job['id']}")["bytes_done"]) != stalled:
            stalled = now  # until the socket buffers are full: the job waits in a write
            time.sleep(0.5)
        started = time.monotonic()
        cancelled = lab.call("DELETE", f"transfers/{job['id']}")
        took = time.monotonic() - started
    finally:
        os.kill(lab.service.pid, signal.SIGCONT)
    print(f"cancel of an upload to a stopped service: {took:.2f} s")
    assert cancelled["state"] == "cancelled" and took < CANCEL_CEILING, (took, cancelled)
    assert cancelled["bytes_done"] < 300 * MiB


def test_cancel_a_browser_upload(lab: Lab) -> None:
    cancelled = asyncio.Event()

    async def scenario() -> tuple[dict, httpx.Response]:
        async def body() -> AsyncIterator[bytes]:
            for _ in range(1000):
                if not cancelled.is_set():
                    await asyncio.sleep(0.01)
                yield b"x" * 65536

        put = asyncio.ensure_future(
            lab.arequest("PUT", "upload", params={"path": "cancel/me.bin"}, content=body())
        )
        while True:
            jobs = (await lab.arequest("GET", "transfers")).json()["transfers"]
            if jobs and jobs[0]["bytes_done"] > 0:
                break
            await asyncio.sleep(0.02)
        job = (await lab.arequest("DELETE", f"transfers/{jobs[0]['id']}")).json()
        cancelled.set()
        return job, await put

    job, response = lab.run(scenario())
    assert job["state"] == "cancelled" and job["kind"] == "browser-upload"
    assert response.status_code == 409 and response.json()["reason"] == "cancelled"
    assert lab.call("GET", f"transfers/{job['id']}")["state"] == "cancelled"


def test_browser_going_away_cancels_its_upload(lab: Lab) -> None:
    async def scenario() -> dict:
        async def body() -> AsyncIterator[bytes]:
            while True:
                await asyncio.sleep(0.01)
                yield b"z" * 65536

        put = asyncio.ensure_future(
            lab.arequest("PUT", "upload", params={"path": "gone/away.bin"}, content=body())
        )
        job = None
        while not job:
            jobs = (await lab.arequest("GET", "transfers")).json()["transfers"]
            job = jobs[0] if jobs and jobs[0]["bytes_done"] > 0 else None
            await asyncio.sleep(0.02)
        put.cancel()  # the tab is closed: the connection goes
        return await lab.await_job(job["id"], lambda j: j["state"] in FINISHED, 10)

    job = lab.run(scenario())
    assert job["state"] == "cancelled" and job["error"] == "the browser closed the connection"


@own()
def test_service_killed_mid_download_fails_the_job(lab: Lab) -> None:
    write_big(lab.service.storage_dir / "lst/big/killed.bin", 300 * MiB)
    job = lab.download("lst/big/killed.bin", "k")
    lab.wait_bytes(job["id"])
    lab.service.process.kill()
    job = lab.wait(job["id"])
    assert job["state"] == "failed", job
    assert "lst/big/killed.bin" in job["error"] and job["finished"]
    assert list((lab.root / "k").iterdir()) == [] and leftovers(lab.root) == []


@own()
def test_service_killed_mid_browser_upload_fails_the_job(lab: Lab) -> None:
    seen: list[dict] = []

    async def jobs() -> list[dict]:
        return (await lab.arequest("GET", "transfers")).json()["transfers"]

    async def scenario() -> httpx.Response:
        async def body() -> AsyncIterator[bytes]:
            killed = False
            for i in range(2000):
                yield b"y" * 65536
                if not killed and i >= 20:
                    await asyncio.sleep(0.005)
                    running = await jobs()
                    if running and running[0]["bytes_done"] > 0:
                        lab.service.process.kill()  # bytes flow through to the service: kill
                        killed = True
                elif killed and not seen and i < 1500:  # the job fails while the body comes
                    await asyncio.sleep(0.005)
                    if (await jobs())[0]["state"] == "failed":
                        seen.append((await jobs())[0])

        return await lab.arequest(
            "PUT",
            "upload",
            params={"path": "killed.bin"},
            content=body(),
            headers={"Content-Length": str(2000 * 65536)},
        )

    response = lab.run(scenario())
    assert response.status_code == 502, response.text
    assert response.json()["reason"] == "unreachable" and "killed.bin" in response.json()["message"]
    assert seen, "the job did not fail before the body ended"
    (job,) = lab.call("GET", "transfers")["transfers"]
    assert job["state"] == "failed" and job["error"] == seen[0]["error"], job
    assert "killed.bin" in job["error"]


# -- many at once -----------------------------------------------------------------------------
@traits(max_concurrent_transfers=3)
def test_twenty_concurrent_jobs_with_matching_checksums(lab: Lab) -> None:
    storage, folder = lab.service.storage_dir, user_dir(lab)
    run = secrets.token_hex(4)
    contents = {f"f{i:02d}.bin": os.urandom(MiB + i * 4099) for i in range(20)}
    (lab.root / "src").mkdir()
    for i, (name, data) in enumerate(contents.items()):
        if i % 2:
            (lab.root / "src" / name).write_bytes(data)
        else:
            (storage / f"lst/many{run}").mkdir(exist_ok=True)
            (storage / f"lst/many{run}" / name).write_bytes(data)
    jobs = []
    for i, name in enumerate(contents):
        if i % 2:
            body = {"kind": "upload", "from": f"src/{name}", "path": f"many{run}/"}
            jobs.append(lab.call("POST", "transfers", 201, json=body))
        else:
            jobs.append(lab.download(f"lst/many{run}/{name}", "got"))
    most_running = 0
    while True:
        states = [j["state"] for j in lab.call("GET", "transfers")["transfers"]]
        most_running = max(most_running, states.count("running"))
        if all(s in FINISHED for s in states):
            break
        lab.run(asyncio.sleep(0.01))
    assert most_running <= 3
    assert all(lab.call("GET", f"transfers/{j['id']}")["state"] == "done" for j in jobs)
    for i, (name, data) in enumerate(contents.items()):
        got = folder / f"many{run}" / name if i % 2 else lab.root / "got" / name
        assert file_sha(got) == sha(data), name


# -- certificates -----------------------------------------------------------------------------
def test_certificates_are_passed_through(lab: Lab) -> None:
    from ctadata.devservice.certs import issue_certificate

    pem = issue_certificate(lab.service.ca_cert.parent, days=2)
    answer = lab.call("POST", "certificate", json={"certificate": pem, "certificate_key": "lst"})
    assert answer["message"] == "Certificate stored" and answer["validity"]
    too_long = issue_certificate(lab.service.ca_cert.parent, days=30)
    message = lab.error(
        "POST",
        "certificate",
        400,
        "bad_request",
        json={"certificate": too_long, "certificate_key": "lst"},
    )
    assert "7 days" in message or "too long" in message
    lab.error(
        "POST", "certificate", 400, "bad_request", json={"certificate": pem, "certificate_key": "x"}
    )
    lab.error("POST", "certificate", 400, "bad_request", json={"certificate_key": "lst"})
    # The shared certificate is for admins: the service's refusal comes back as a 400.
    message = lab.error("POST", "certificate/shared", 400, "bad_request", json={"certificate": pem})
    assert "certificate service refused" in message


@traits(role="admin")
def test_shared_certificate_as_admin(lab: Lab) -> None:
    from ctadata.devservice.certs import issue_certificate

    pem = issue_certificate(lab.service.ca_cert.parent, days=2)
    answer = lab.call("POST", "certificate/shared", json={"certificate": pem})
    assert answer["certificateUploaded"] is True


# -- secrets ----------------------------------------------------------------------------------
def test_token_never_in_responses_or_logs(lab: Lab, caplog, jp_logging_stream) -> None:
    token = lab.service.users["alice"].token
    texts = []
    (lab.root / "t.txt").write_text("t")
    for method, path, kw in [
        ("GET", "config", {}),
        ("GET", "list?path=lst/DL1/", {}),
        ("GET", "list?path=lst/nothing/", {}),
        ("POST", "transfers", {"json": _dl("lst/DL1/20241114/run1.h5", "s")}),
        ("POST", "transfers", {"json": _dl("lst/none.h5", "s")}),
        ("POST", "transfers", {"json": {"kind": "upload", "from": "t.txt", "path": ""}}),
        ("PUT", "upload?path=s/t.bin", {"content": b"t"}),
        ("POST", "certificate", {"json": {"certificate": "junk", "certificate_key": "lst"}}),
    ]:
        texts.append(lab.request(method, path, **kw).text)
    for job in lab.call("GET", "transfers")["transfers"]:
        texts.append(json.dumps(lab.wait(job["id"])))
    texts.append(caplog.text + jp_logging_stream.getvalue())
    assert all(token not in text for text in texts)
    assert "lst/nothing" in texts[-1]  # the log did record the calls

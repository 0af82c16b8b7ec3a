"""Fault injection: a misbehaving service over real HTTP, hostile requests, tight limits.

The Jupyter server is pytest-jupyter's, as in test_lab; `hostile` tests put the service of
`tests.hostile_service` behind it, the others the development service.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ctadata import APIClient
from ctadata.config import Settings
from ctadata.errors import AuthenticationError
from tests import hostile_service
from tests.direct_storage import make_tls
from tests.lab_harness import CANCEL_CEILING, FINISHED, Lab, leftovers, traits, user_dir, write_big

# The fixtures of conftest.py (`lab`, `lab_traits`, ...); `lab_service` is this module's own.
pytestmark = pytest.mark.filterwarnings("error::jupyter_server.utils.JupyterServerAuthWarning")

MiB = 1024 * 1024


class HostileServices:
    """The misbehaving services of one test module, each started when a test first asks for it:
    starting one takes about a second, and no test changes what it answers."""

    def __init__(self, tls_dir: Path):
        self.tls_dir = tls_dir
        self.running: dict[str, hostile_service.HostileService] = {}
        self.ca: Path | None = None

    def get(self, which: str) -> hostile_service.HostileService:
        if which not in self.running:
            tls = None
            if which == "hostile-tls":
                self.ca, *tls = make_tls(self.tls_dir)
            self.running[which] = hostile_service.start(secrets.token_hex(16), tls)
        return self.running[which]

    def stop(self) -> None:
        for service in self.running.values():
            service.stop()


@pytest.fixture(scope="module")
def hostile_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileServices]:
    services = HostileServices(tmp_path_factory.mktemp("tls"))
    yield services
    services.stop()


@pytest.fixture
def lab_service(request: pytest.FixtureRequest, dev_service, sample_tree, monkeypatch):
    """The development service; with the parameter "hostile" the misbehaving one, with
    "hostile-tls" the same over HTTPS (its CA trusted through `SSL_CERT_FILE`)."""
    which = getattr(request, "param", None)
    if which not in ("hostile", "hostile-tls"):
        return dev_service
    services = request.getfixturevalue("hostile_services")
    service = services.get(which)
    if which == "hostile-tls":
        monkeypatch.setenv("SSL_CERT_FILE", str(services.ca))
    return service


hostile = pytest.mark.parametrize("lab_service", ["hostile"], indirect=True)


def logs(caplog, jp_logging_stream) -> str:
    return caplog.text + jp_logging_stream.getvalue()


def files_in(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# -- 7: cancel while the service stalls ---------------------------------------------------
@pytest.mark.parametrize("lab_service", ["hostile", "hostile-tls"], indirect=True)
def test_cancel_during_a_stall_takes_effect_promptly(lab: Lab) -> None:
    job = lab.download("stall/big.bin", "st")
    lab.wait_bytes(job["id"], hostile_service.STALL_AFTER)  # stalled: no chunk to come
    started = time.monotonic()
    cancelled = lab.call("DELETE", f"transfers/{job['id']}")
    took = time.monotonic() - started
    scheme = lab.service.downloadservice.split(":")[0]
    print(f"cancel of a download from a stalled service ({scheme}): {took:.2f} s")
    assert cancelled["state"] == "cancelled" and took < CANCEL_CEILING, (took, cancelled)
    assert files_in(lab.root) == []


@hostile
def test_truncated_download_fails_and_leaves_nothing(lab: Lab) -> None:
    job = lab.wait(lab.download("trunc/big.bin", "tr")["id"])
    assert job["state"] == "failed" and "trunc/big.bin" in job["error"], job
    assert files_in(lab.root) == []


# -- 9: an answer that echoes the Authorization header -----------------------------------
@hostile
def test_echoed_authorization_header_is_scrubbed(lab: Lab, caplog, jp_logging_stream) -> None:
    token = lab.service.users["alice"].token
    message = lab.error("GET", "list", 502, "unreachable", params={"path": "echo/"})
    assert "the service sent something unexpected" in message and "Bearer ***" in message
    body = {"kind": "download", "path": "echo/", "to": "e", "recursive": True}
    job = lab.call("POST", "transfers", 502, json=body)
    assert "Bearer ***" in job["message"], job
    assert token not in message + job["message"] + logs(caplog, jp_logging_stream)


# -- 10: malformed listings ---------------------------------------------------------------
@hostile
@pytest.mark.parametrize("tree", ["badsize", "badmtime", "nohref"])
def test_malformed_listing_entries_are_502(lab: Lab, tree: str, caplog, jp_logging_stream):
    message = lab.error("GET", "list", 502, "unreachable", params={"path": f"{tree}/"})
    assert "the service sent something unexpected" in message and tree in message
    job = lab.wait(lab.download(f"{tree}/", "m", recursive=True)["id"])
    assert job["state"] == "failed" and "the service sent something unexpected" in job["error"]
    assert "Traceback" not in logs(caplog, jp_logging_stream)


@hostile
def test_a_listing_naming_a_file_elsewhere_fails_the_download(lab: Lab) -> None:
    # Skipping the stray entry would end the job as done without a file the service listed.
    job = lab.wait(lab.download("stray/", "s", recursive=True)["id"])
    assert job["state"] == "failed" and "outside the folder" in job["error"], job
    assert "away/b.bin" in job["error"] and files_in(lab.root) == []


# -- 11: walks are bounded ----------------------------------------------------------------
# Listings: the stat of the folder, then the walk's. A loop is seen at its third level (a
# legitimate `a/x/x/` may repeat its parent once); a tree ends 64 levels below the folder.
@hostile
@pytest.mark.parametrize(("tree", "words", "most"), [("loop", "repeats", 4), ("deep", "64", 66)])
def test_recursive_walks_are_bounded(lab: Lab, tree: str, words: str, most: int) -> None:
    before = lab.service.requests[f"list {tree}"]
    job = lab.wait(lab.download(f"{tree}/", "w", recursive=True)["id"])
    assert job["state"] == "failed" and words in job["error"], job
    assert "the service sent something unexpected" in job["error"]
    assert lab.service.requests[f"list {tree}"] - before <= most
    assert files_in(lab.root) == []


@hostile
def test_four_huge_listings_keep_the_event_loop_responsive(lab: Lab) -> None:
    """The longest stretch of work on the loop, measured in the loop thread's CPU time (the
    machine's load stretches wall-clock lags; the wall-clock figure is printed too)."""

    async def scenario() -> tuple[float, float, list[int]]:
        busiest, lag = 0.0, 0.0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal busiest, lag
            while not done.is_set():
                cpu, wall = time.thread_time(), time.monotonic()
                await asyncio.sleep(0.005)
                busiest = max(busiest, time.thread_time() - cpu)
                lag = max(lag, time.monotonic() - wall - 0.005)

        tick = asyncio.ensure_future(ticker())
        # The browser's side runs in threads: only the server's work is on this loop.
        answers = await asyncio.gather(
            *(
                asyncio.to_thread(
                    httpx.get,
                    lab.url + "list",
                    params={"path": f"huge{k}/"},
                    headers=lab.auth,
                    timeout=120,
                )
                for k in range(4)
            )
        )
        done.set()
        await tick
        return busiest, lag, [len(a.json()["entries"]) for a in answers]

    busiest, lag, sizes = lab.run(scenario())
    print(
        f"four 100k-entry listings: longest work on the event loop {busiest * 1000:.0f} ms"
        f" of CPU, largest wall-clock lag {lag * 1000:.0f} ms"
    )
    assert sizes == [hostile_service.HUGE] * 4
    assert busiest < 0.25, busiest


# -- 5: hidden paths ----------------------------------------------------------------------
@hostile
def test_a_remote_tree_cannot_plant_hidden_files(lab: Lab) -> None:
    job = lab.wait(lab.download("hidden/", "h", recursive=True)["id"])
    assert job["state"] == "failed" and "hidden" in job["error"], job
    assert "allow_hidden" in job["error"]
    assert files_in(lab.root) == ["h/hidden/ok.txt"]


def test_hidden_workspace_paths_are_refused(lab: Lab) -> None:
    (lab.root / ".ssh").mkdir()
    (lab.root / ".ssh" / "id_rsa").write_text("PRIVATE KEY")
    body = {"kind": "upload", "from": ".ssh/id_rsa", "path": ""}
    assert "allow_hidden" in lab.error("POST", "transfers", 403, "forbidden", json=body)
    to = ".ipython/profile_default/startup"
    message = lab.error(
        "POST", "transfers", 403, "forbidden", json=_dl("lst/DL1/20241114/run1.h5", to)
    )
    assert "hidden" in message
    (lab.root / "tree" / ".git").mkdir(parents=True)
    (lab.root / "tree" / ".git" / "config").write_text("token = x")
    (lab.root / "tree" / "data.txt").write_text("data")
    body = {"kind": "upload", "from": "tree", "path": "hid/", "recursive": True}
    job = lab.wait(lab.call("POST", "transfers", 201, json=body)["id"])
    assert job["state"] == "failed" and "hidden" in job["error"], job
    assert not (user_dir(lab) / "hid/.git").exists()
    assert not (lab.root / ".ipython").exists() and lab.call("GET", "transfers")["transfers"]


def _dl(path: str, to: str = "", **kw) -> dict:
    return {"kind": "download", "path": path, "to": to, **kw}


# -- 3: overlapping targets ---------------------------------------------------------------
@traits(max_concurrent_transfers=1)
def test_overlapping_targets_are_refused(lab: Lab) -> None:
    folder = f"lst/ov{secrets.token_hex(3)}"
    write_big(lab.service.storage_dir / folder / "block.bin", 200 * MiB)
    (lab.service.storage_dir / folder / "f0").mkdir()
    (lab.service.storage_dir / folder / "f0" / "x.txt").write_text("x")
    blocker = lab.download(f"{folder}/block.bin", "elsewhere")
    tree = lab.download("lst/DL1/nested/", "f0", recursive=True)  # queued: unfinished
    for path, to in [
        ("lst/DL1/big.bin", "f0/nested"),  # inside the folder's target
        ("lst/DL1/nested/a/", "f0/nested"),  # a folder inside it
        (f"{folder}/f0/", ""),  # holds it
        ("lst/DL1/nested/", "f0"),  # the same
    ]:
        body = _dl(path, to, recursive=path.endswith("/"), overwrite=True)
        assert "overlaps" in lab.error("POST", "transfers", 409, "busy", json=body)
    # No conflict: no choice about conflicts helps; waiting for it or cancelling it does.
    for choice in ("ask", "skip", "overwrite"):
        body = _dl("lst/DL1/nested/", "f0", recursive=True, on_conflict=choice)
        message = lab.error("POST", "transfers", 409, "busy", json=body)
        assert "'f0/nested'" in message and "being downloaded by an unfinished transfer" in message
        assert "wait" in message and "cancel" in message
    sibling = lab.download("lst/DL1/big.bin", "f0")  # f0/big.bin: beside, not inside
    for job in (blocker, tree, sibling):
        lab.call("DELETE", f"transfers/{job['id']}")
    assert leftovers(lab.root) == []


# -- 8: a token no header can carry -------------------------------------------------------
@pytest.mark.parametrize("bad", ["\n", "\r", "\x00", " "])
def test_a_token_with_control_characters_is_refused_when_loaded(bad: str) -> None:
    token = "secret" + secrets.token_hex(8)
    for given in (token + bad, bad + token, token[:5] + bad + token[5:]):
        with pytest.raises(AuthenticationError) as caught:
            Settings("http://127.0.0.1:9/", "http://127.0.0.1:9/", given)
        assert token[:5] not in str(caught.value) and "token is refused" in str(caught.value)
        with pytest.raises(AuthenticationError) as caught:
            APIClient(token=given, downloadservice="http://127.0.0.1:9/").list_dir("lst/")
        assert token[6:] not in str(caught.value)


@traits(token="tok" + "e" * 20 + "n\n")
def test_the_server_refuses_a_token_with_a_newline(capfd, lab: Lab) -> None:
    # capfd comes first: it captures what the server logs while it starts.
    assert lab.call("GET", "config")["token_present"] is False
    lab.error("GET", "list", 401, "not_authenticated", params={"path": "lst/"})
    text = "".join(capfd.readouterr())
    assert "token is refused" in text and "e" * 20 not in text


# -- 10: hostile request input ------------------------------------------------------------
LONG = "n" * 300
DEEP = "/".join(["d"] * 3000)


@pytest.mark.parametrize("bad", ["\ud800", f"x/{LONG}", DEEP])
def test_impossible_paths_are_400(lab: Lab, bad: str, caplog, jp_logging_stream) -> None:
    (lab.root / "f.txt").write_text("f")
    for body in (
        _dl(bad),
        _dl("lst/DL1/20241114/run1.h5", bad),
        {"kind": "upload", "from": bad, "path": ""},
        {"kind": "upload", "from": "f.txt", "path": bad},
    ):
        # json.dumps escapes the surrogate (httpx's json= cannot encode it)
        lab.error("POST", "transfers", 400, "bad_request", content=json.dumps(body))
    if "\ud800" not in bad:
        lab.error("GET", "list", 400, "bad_request", params={"path": bad})
        lab.error("PUT", "upload", 400, "bad_request", params={"path": bad}, content=b"x")
    assert "Traceback" not in logs(caplog, jp_logging_stream)


def test_other_methods_on_upload_are_405(lab: Lab, caplog, jp_logging_stream) -> None:
    for method in ("POST", "PATCH", "DELETE", "GET"):
        kw = {"params": {"path": "m.bin"}, "content": b"body"}
        lab.error(method, "upload", 405, "method_not_allowed", **kw)
    assert "AttributeError" not in logs(caplog, jp_logging_stream)
    assert not (user_dir(lab) / "m.bin").exists()


# -- 11: bounded queue and folder creation -----------------------------------------------
@traits(max_concurrent_transfers=1, max_queued_transfers=3)
def test_the_queue_is_capped(lab: Lab) -> None:
    folder = f"lst/q{secrets.token_hex(3)}"
    write_big(lab.service.storage_dir / folder / "block.bin", 200 * MiB)
    jobs = [lab.download(f"{folder}/block.bin", "q0")]
    lab.wait_bytes(jobs[0]["id"])
    jobs += [lab.download("lst/DL1/20241114/run1.h5", f"q{i}") for i in range(1, 4)]
    body = _dl(f"{folder}/block.bin", "q9")
    message = lab.error("POST", "transfers", 429, "too_many_transfers", json=body)
    assert "3 transfers are waiting" in message
    for job in jobs:
        lab.call("DELETE", f"transfers/{job['id']}")
    assert lab.download("lst/DL1/20241114/run1.h5", "q9")  # room again


def test_a_deep_put_makes_no_folders_before_the_body(lab: Lab) -> None:
    deep = "/".join(f"l{i}" for i in range(200)) + "/x.bin"
    lab.error("PUT", "upload", 400, "bad_request", params={"path": deep}, content=b"x")
    assert not (user_dir(lab) / "l0").exists()


# -- many at once, beside a stall ---------------------------------------------------------
@hostile
@traits(max_concurrent_transfers=4)
def test_twenty_transfers_beside_a_stalled_one(lab: Lab) -> None:
    stalled = lab.download("stall/big.bin", "stalled")
    sizes = [1 + i * 97_003 for i in range(20)]
    jobs = [lab.download(f"ok/{n}.bin", "many") for n in sizes]
    lab.wait_bytes(stalled["id"])
    assert all(lab.wait(j["id"])["state"] == "done" for j in jobs)
    assert lab.call("DELETE", f"transfers/{stalled['id']}")["state"] == "cancelled"
    for n in sizes:
        got = (lab.root / "many" / f"{n}.bin").read_bytes()
        assert hashlib.sha256(got).digest() == hashlib.sha256(hostile_service.content(n)).digest()
    assert not (lab.root / "stalled").exists() or files_in(lab.root / "stalled") == []
    assert all(j["state"] in FINISHED for j in lab.call("GET", "transfers")["transfers"])

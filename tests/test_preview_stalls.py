"""The preview beside a file whose storage stalls (`stall/h5.h5` of `tests.hostile_service`):
the other files keep answering, a read whose browser left stops at once, a stalled read gives
up with a 504, and SIGTERM still stops the server within 5 s."""

from __future__ import annotations

import asyncio
import multiprocessing
import secrets
import signal
import threading
import time

import httpx
import pytest

from tests import hostile_service
from tests.lab_harness import Lab, traits

pytestmark = pytest.mark.filterwarnings("error::jupyter_server.utils.JupyterServerAuthWarning")

STALLED = "stall/h5.h5"


@pytest.fixture
def lab_service():
    service = hostile_service.start(secrets.token_hex(16))
    yield service
    service.stop()


def readers_of(path: str) -> list[multiprocessing.Process]:
    """The live preview processes of `path` (the Jupyter server runs in this process)."""
    return [p for p in multiprocessing.active_children() if p.name.endswith(" " + path)]


async def abandoned_after(lab: Lab, seconds: float, **params) -> None:
    """A preview request whose browser gives up after `seconds`."""
    async with httpx.AsyncClient(timeout=seconds, headers=lab.auth) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get(lab.url + "h5grove/meta/", params=params)


def test_a_stalled_file_holds_up_no_other_file(lab: Lab) -> None:
    lab.call("GET", "h5grove/meta/", params={"file": "h5/ok.h5", "path": "/group"})

    async def beside_a_stall() -> float:
        stalled = asyncio.ensure_future(abandoned_after(lab, 20, file=STALLED))
        while not readers_of(STALLED):
            await asyncio.sleep(0.05)
        started = time.monotonic()
        for file in ("h5/ok.h5", "h5/other.h5"):  # open already, and a new one
            params = {"file": file, "path": "/group/values", "selection": "0:3"}
            response = await lab.arequest("GET", "h5grove/data/", params=params)
            assert response.status_code == 200 and response.json() == [0, 1, 2], response.text
        took = time.monotonic() - started
        assert not stalled.done()  # still stalled all along
        stalled.cancel()
        return took

    took = lab.run(beside_a_stall())
    print(f"two previews beside a stalled one: {took:.2f} s")
    assert took < 10, took  # on the old code: until the stalled read gave up (minutes)


async def stopped_within(seconds: float, lab: Lab) -> float:
    """How long until no read of the stalled file is left (no preview process, no
    connection to the service), at most `seconds`."""
    started = time.monotonic()
    while readers_of(STALLED) or await asyncio.to_thread(lambda: lab.service.stalling):
        assert time.monotonic() - started < seconds, readers_of(STALLED)
        await asyncio.sleep(0.02)  # the server runs in this loop: let it
    return time.monotonic() - started


def test_a_read_whose_browser_left_stops_within_two_seconds(lab: Lab) -> None:
    lab.run(abandoned_after(lab, 2, file=STALLED))
    took = lab.run(stopped_within(2, lab))
    print(f"stalled read stopped {took:.2f} s after its browser left")


@traits(preview_timeout_seconds=2)
def test_a_stalled_read_gives_up_with_a_504(lab: Lab) -> None:
    started = time.monotonic()
    message = lab.error("GET", "h5grove/meta/", 504, "timeout", params={"file": STALLED})
    took = time.monotonic() - started
    assert STALLED in message and "more than 2 s" in message
    assert 2 <= took < 15, took
    lab.run(stopped_within(2, lab))


@traits(preview_max_open_files=1)
def test_past_the_open_files_busy_at_once_a_new_file_is_429(lab: Lab) -> None:
    async def beside_a_stall() -> None:
        stalled = asyncio.ensure_future(abandoned_after(lab, 20, file=STALLED))
        while not readers_of(STALLED):
            await asyncio.sleep(0.05)
        response = await lab.arequest("GET", "h5grove/meta/", params={"file": "h5/ok.h5"})
        assert response.status_code == 429, response.text
        assert response.json()["reason"] == "too_many_previews"
        stalled.cancel()

    lab.run(beside_a_stall())


def test_sigterm_stops_the_server_within_five_seconds_beside_stalled_previews(
    start_server,
) -> None:
    service = hostile_service.start(secrets.token_hex(16))
    try:
        server = start_server(service)
        url, auth = server.url + "h5grove/meta/", {"Authorization": f"token {server.token}"}

        def preview() -> None:
            try:
                httpx.get(url, params={"file": STALLED}, headers=auth, timeout=60)
            except httpx.HTTPError:
                pass  # the server stopped: no answer

        readers = [threading.Thread(target=preview) for _ in range(3)]
        for reader in readers:
            reader.start()
        deadline = time.monotonic() + 60
        while service.requests["propfind stall"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)  # the reads have begun (and stalled)
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(150)
        took = time.monotonic() - started
        for reader in readers:
            reader.join(60)
    finally:
        service.stop()
    print(f"SIGTERM beside three stalled previews: stopped in {took:.2f} s")
    assert took < 5.0, took

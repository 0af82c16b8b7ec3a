"""`GET ctadata/find`: a search streamed as JSON lines by the server extension."""
# ruff: noqa: F811 (the fixtures of test_find, imported, are arguments here)

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from .lab_harness import Lab, traits
from .test_find import DIRS, ROOT, TREE, expected, tree  # noqa: F401

pytestmark = pytest.mark.filterwarnings("error::jupyter_server.utils.JupyterServerAuthWarning")
BIG = "lst/findbig"
BIG_FOLDERS = 1500  # listing them all takes seconds: long enough to time out or go away


@pytest.fixture(scope="module")
def big_tree(dev_service) -> str:
    base = Path(dev_service.storage_dir) / BIG
    for n in range(BIG_FOLDERS):
        folder = base / f"d{n // 50:02d}" / f"e{n:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"run{n}.h5").write_bytes(b"x")
    return BIG


def lines(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


def search(lab: Lab, **query: Any) -> list[dict[str, Any]]:
    return lines(lab.request("GET", "find", params=query))


def test_results_stream_with_their_folders(lab: Lab, tree):
    got = search(lab, path=ROOT, name="*.h5", newer="2024-11-01")
    entries = [line for line in got if line["kind"] == "entry"]
    assert {e["path"] for e in entries} == expected(
        lambda r, s, d: r.endswith(".h5") and d > "2024-11"
    )
    assert all(e["folder"] == e["path"].rsplit("/", 1)[0] + "/" for e in entries)
    run3 = next(e for e in entries if e["name"] == "run3.h5")
    assert run3["size"] == TREE["20241105/sub/run3.h5"][0] and run3["type"] == "file"
    end = got[-1]
    assert end["kind"] == "end" and end["reason"] == "complete"
    assert end["found"] == len(entries) and end["listed"] == len(DIRS) + 1 and end["errors"] == 0


def test_criteria_of_the_query(lab: Lab, tree):
    got = search(lab, path=ROOT, name="*.H5", ignore_case="true", min_size="1G", type="file")
    assert {line["path"] for line in got if line["kind"] == "entry"} == {
        f"{ROOT}/20241102/run2.h5",
        f"{ROOT}/20241105/RUN4.H5",
    }
    got = search(lab, path=ROOT, type="directory", maxdepth="1")
    assert {line["path"] for line in got if line["kind"] == "entry"} == {
        f"{ROOT}/{d}/" for d in DIRS if "/" not in d
    }


def test_the_count_bound_is_said(lab: Lab, big_tree):
    got = search(lab, path=big_tree, name="*.h5", limit="25")
    assert len([line for line in got if line["kind"] == "entry"]) == 25
    assert got[-1]["kind"] == "end" and got[-1]["reason"] == "limit" and got[-1]["limit"] == 25


def test_the_time_bound_is_said(lab: Lab, big_tree):
    got = search(lab, path=big_tree, name="*.h5", timeout="1")
    end = got[-1]
    assert end["kind"] == "end" and end["reason"] == "timeout" and end["timeout"] == 1
    assert 0 < end["found"] < BIG_FOLDERS and end["found"] == sum(
        1 for g in got if g["kind"] == "entry"
    )


def test_bad_queries_are_json_errors(lab: Lab, tree):
    assert "no such file" in lab.error(
        "GET", "find", 404, "not_found", params={"path": f"{ROOT}/nope"}
    )
    for query in ({"min_size": "big"}, {"newer": "soon"}, {"limit": "0"}, {"maxdepth": "x"},
                  {"path": "../etc"}, {"type": "link"}):  # fmt: skip
        lab.error("GET", "find", 400, "bad_request", params={"path": ROOT, **query})
    assert lab.request("GET", "find", auth=False, params={"path": ROOT}).status_code == 403


def searching() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("ctadata-find")]


def test_the_search_stops_when_the_browser_goes_away(lab: Lab, big_tree):
    async def go_away() -> list[str]:
        async with httpx.AsyncClient(timeout=60) as http:
            query = {"path": big_tree, "name": "*.h5"}
            async with http.stream("GET", lab.url + "find", params=query, headers=lab.auth) as r:
                assert r.status_code == 200
                first = await anext(r.aiter_lines())
                assert json.loads(first)["kind"] in ("entry", "progress")
                assert searching(), "the search runs while the browser reads"
        # The connection is closed: the search (9 s in all here) must end within 2 s.
        for _ in range(40):
            await asyncio.sleep(0.05)
            if not searching():
                return []
        return [t.name for t in searching()]

    assert lab.run(go_away()) == []


@pytest.mark.parametrize("lab_traits", [{"role": "nofolder"}], indirect=True)
def test_folders_that_cannot_be_listed_are_error_lines(lab: Lab):
    # "nofolder" may read arc/ only: from the root, lst/ and cta/ are refused, arc/ is searched.
    response = lab.request("GET", "find", params={"name": "*.txt"})
    got = lines(response)
    assert {g["path"] for g in got if g["kind"] == "entry"} == {"arc/data/arc.txt"}
    errors = [g for g in got if g["kind"] == "error"]
    assert sorted(e["path"] for e in errors) == ["cta", "lst"]
    assert all("HTTP 403" in e["message"] for e in errors)
    assert got[-1]["reason"] == "complete" and got[-1]["errors"] == 2
    assert lab.service.users["nofolder"].token not in response.text


def test_numbers_that_are_no_sizes_or_bounds_are_refused(lab: Lab, tree):
    """Sizes past any file's and non-finite numbers: a 400 each, never a 500 or a search."""
    nines = "9" * 400
    for query in ({"min_size": nines}, {"max_size": nines + "T"}, {"timeout": "nan"},
                  {"timeout": "inf"}, {"timeout": "1e999"}, {"limit": "nan"},
                  {"maxdepth": "-inf"}):  # fmt: skip
        message = lab.error("GET", "find", 400, "bad_request", params={"path": ROOT, **query})
        assert nines not in message, message


def test_a_json_body_with_a_non_finite_number_is_refused(lab: Lab, sample_tree):
    body = '{"kind": "download", "path": "lst/DL1/20241114/empty.dat", "to": "nan", "x": NaN}'
    headers = {"Content-Type": "application/json"}
    assert "not JSON" in lab.error(
        "POST", "transfers", 400, "bad_request", content=body, headers=headers
    )
    assert not (lab.root / "nan").exists()


@traits(max_concurrent_searches=2)
def test_searches_past_the_cap_get_a_429_until_one_ends(lab: Lab, big_tree, tree):
    async def crowd() -> tuple[list[int], int]:
        query = {"path": big_tree, "name": "*.h5"}
        async with httpx.AsyncClient(timeout=60) as http, contextlib.AsyncExitStack() as running:
            first = [
                await running.enter_async_context(
                    http.stream("GET", lab.url + "find", params=query, headers=lab.auth)
                )
                for _ in range(2)
            ]
            refused = await http.get(lab.url + "find", params=query, headers=lab.auth)
            assert refused.json()["reason"] == "too_many_searches", refused.text
            statuses = [r.status_code for r in first]
        # Both went away: their walks wind down and give their places back.
        for _ in range(600):
            again = await lab.arequest("GET", "find", params={"path": ROOT, "name": "*.h5"})
            if again.status_code != 429:
                return [*statuses, refused.status_code], again.status_code
            await asyncio.sleep(0.05)
        return [*statuses, refused.status_code], again.status_code

    assert lab.run(crowd()) == ([200, 200, 429], 200)

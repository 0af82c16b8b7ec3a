"""Finding files: `ctadata.find`, `ctadata://` find and glob, `cta-data find`, local service."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import fsspec
import pytest
from click.testing import CliRunner

import ctadata
from ctadata.cli import cli
from ctadata.entry import Entry
from ctadata.errors import NotFound, PermissionDenied, StorageException
from ctadata.limits import MAX_DEPTH
from ctadata.search.criteria import Criteria, parse_size, parse_time
from ctadata.search.finder import walk

from .helpers import client_for, token_of

GiB = 1024**3
ROOT = "lst/findtest"


def stamp(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()


# path below ROOT -> (size, modification day); sizes of GiB are sparse files (no disk used)
TREE = {
    "20241030/run1.h5": (100, "2024-10-30"),
    "20241102/run2.h5": (2 * GiB, "2024-11-02"),
    "20241102/run2.log": (10, "2024-11-02"),
    "20241105/sub/run3.h5": (5000, "2024-11-05"),
    "20241105/RUN4.H5": (3 * GiB, "2024-11-05"),
    "20241105/sub/deeper/run5.h5": (1, "2024-11-06"),
}
DIRS = ("20241030", "20241102", "20241105", "20241105/sub", "20241105/sub/deeper", "empty")


@pytest.fixture(scope="module")
def tree(dev_service) -> Path:
    base = Path(dev_service.storage_dir) / ROOT
    for rel, (size, day) in TREE.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            f.truncate(size)
        os.utime(path, (stamp(day), stamp(day)))
    (base / "empty").mkdir(exist_ok=True)
    return base


@pytest.fixture
def env(dev_service, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", token_of(dev_service, "alice"))
    monkeypatch.setenv("CTADS_URL", dev_service.downloadservice)
    monkeypatch.setattr(ctadata.APIClient, "downloadservice", dev_service.downloadservice)


def expected(pred) -> set[str]:
    return {f"{ROOT}/{rel}" for rel, (size, day) in TREE.items() if pred(rel, size, day)}


def paths(entries) -> set[str]:
    return {e.path for e in entries}


# -- the library ------------------------------------------------------------------------------
def test_find_by_name_date_and_size(tree, env):
    assert paths(ctadata.find(ROOT, name="*.h5")) == expected(lambda r, s, d: r.endswith(".h5"))
    found = ctadata.find(f"{ROOT}/", name="*.h5", newer="2024-11-01", min_size="1G")
    assert paths(found) == {f"{ROOT}/20241102/run2.h5"}
    found = ctadata.find(ROOT, name="*.h5", ignore_case=True, older="2024-11-06", max_size="4G")
    assert paths(found) == expected(lambda r, s, d: r.lower().endswith(".h5") and d < "2024-11-06")


def test_find_types_and_depth(tree, env):
    assert paths(ctadata.find(ROOT, type="directory")) == {f"{ROOT}/{d}/" for d in DIRS}
    shallow = ctadata.find(ROOT, maxdepth=2, type="file")
    assert paths(shallow) == expected(lambda r, s, d: r.count("/") == 1)
    everything = list(ctadata.find(ROOT))
    assert len(everything) == len(TREE) + len(DIRS)
    run2 = next(e for e in everything if e.name == "run2.h5")
    assert run2.size == 2 * GiB and run2.mtime == datetime(2024, 11, 2, tzinfo=timezone.utc)


def test_find_a_file_and_a_missing_path(tree, env):
    assert paths(ctadata.find(f"{ROOT}/20241102/run2.h5")) == {f"{ROOT}/20241102/run2.h5"}
    assert list(ctadata.find(f"{ROOT}/20241102/run2.h5", name="*.log")) == []
    with pytest.raises(NotFound):
        list(ctadata.find(f"{ROOT}/nothing-here/"))


def test_bad_criteria_are_refused_before_any_request(env):
    for bad in ({"min_size": "lots"}, {"newer": "yesterday"}, {"type": "link"}, {"maxdepth": 0}):
        with pytest.raises(ValueError):
            ctadata.find(ROOT, **bad)


def test_a_folder_that_cannot_be_listed_is_reported_and_the_rest_found(
    dev_service, tree, sample_tree
):
    # "nofolder" may read arc/ only: the walk from the root meets refusals for lst/ and cta/.
    with client_for(dev_service, "nofolder") as client:
        with pytest.raises(PermissionDenied):
            list(client.find("", name="*.txt"))
        refused: list[str] = []
        found = client.find("", name="*.txt", on_error=lambda e: refused.append(e.path))
        assert paths(found) == {"arc/data/arc.txt"}
    assert sorted(refused) == ["cta", "lst"]


def test_listings_run_at_once_within_the_bound(dev_service, tree):
    running = peak = 0
    lock = threading.Lock()
    overlapped = threading.Event()

    with client_for(dev_service, "alice") as client:

        def counted(path: str) -> list[Entry]:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
                if running > 1:
                    overlapped.set()
            try:
                # Below the start, a listing waits until another runs beside it (however loaded
                # the machine): a walk that lists one folder at a time makes it wait in vain.
                if path != "lst":
                    overlapped.wait(10)
                return client.entries(path)
            finally:
                with lock:
                    running -= 1

        found = walk(counted, "lst", Criteria(name="run5.h5"), listings=3)
        assert paths(found) == {f"{ROOT}/20241105/sub/deeper/run5.h5"}
    assert 1 < peak <= 3


def test_stopping_early_stops_the_walk(dev_service, tree):
    with client_for(dev_service, "alice") as client:
        cancel = threading.Event()
        listed: list[str] = []
        found = client.find(ROOT, on_listed=listed.append, cancel=cancel)
        next(iter(found))
        cancel.set()
        assert list(found) == []
        closed = client.find(ROOT, on_listed=listed.append)
        next(iter(closed))
        closed.close()
    assert listed == [ROOT, ROOT]  # the first listing each time, none after the stop


# -- the walk's guards, on listings made up here (the storage hides links) --------------------
def listing_of(tree: dict[str, list[str]]):
    def list_dir(path: str) -> list[Entry]:
        return [Entry(child, "directory" if child.endswith("/") else "file", None, None)
                for child in tree[path]]  # fmt: skip

    return list_dir


def test_a_listing_that_names_itself_or_an_ancestor_is_not_walked_again():
    tree = {"a": ["a/", "a/b/"], "a/b": ["a/", "a/b/", "a/b/f"]}
    assert paths(walk(listing_of(tree), "a")) == {"a/b/", "a/b/f"}


def test_a_listing_that_names_something_elsewhere_is_an_error():
    tree = {"a": ["a/", "a/b/"], "a/b": ["a/b/", "a/b/f", "x/g"]}
    errors: list[Exception] = []
    assert paths(walk(listing_of(tree), "a", on_error=errors.append)) == {"a/b/"}
    assert len(errors) == 1 and "outside the folder, 'x/g'" in str(errors[0])


def test_closing_the_walk_waits_for_the_listings_under_way():
    # A listing that ended after the walk was closed would use a client its owner has closed
    # (and quietly open a new connection pool that nobody closes).
    started: list[str] = []
    ended: list[str] = []

    def list_dir(path: str) -> list[Entry]:
        started.append(path)
        if path == "a":
            children = [Entry(f"a/d{i}/", "directory", None, None) for i in range(8)]
        else:
            time.sleep(0 if path == "a/d7" else 0.5)  # d7 (listed first) ends at once
            children = [Entry(f"{path}/f", "file", 1, None)]
        ended.append(path)
        return children

    found = walk(list_dir, "a")
    first = [next(found) for _ in range(9)]  # the 8 folders, then the file of the first listed
    assert first[-1].path == "a/d7/f" and len(started) == 9
    found.close()
    assert sorted(ended) == sorted(started)


def test_a_link_to_an_enclosing_folder_ends_the_walk():
    # `a/back` links to `a`: every level lists the same names, one level deeper.
    def list_dir(path: str) -> list[Entry]:
        return [Entry(f"{path}/back/", "directory", None, None),
                Entry(f"{path}/f.h5", "file", 10, None)]  # fmt: skip

    errors: list[Exception] = []
    found = list(walk(list_dir, "a", on_error=errors.append))
    assert len(found) < 10 and len(errors) == 1 and "repeats" in str(errors[0])


def test_an_endless_tree_ends_the_walk_at_the_depth_bound():
    # Each folder holds one more, each listing unlike the others: the loop guard cannot see it.
    listed: list[str] = []

    def list_dir(path: str) -> list[Entry]:
        listed.append(path)
        endless = len(listed) < 4 * MAX_DEPTH  # ends after all, should the bound not hold
        return [Entry(f"{path}/d{len(listed)}/", "directory", None, None)] if endless else []

    errors: list[Exception] = []
    found = list(walk(list_dir, "a", on_error=errors.append))
    assert len(errors) == 1 and f"deeper than {MAX_DEPTH} levels" in str(errors[0])
    assert len(listed) == MAX_DEPTH + 1 and len(found) == MAX_DEPTH
    assert len(list(walk(list_dir, "b", maxdepth=3))) == 3  # a maxdepth within it: no error
    with pytest.raises(StorageException, match="the service sent something unexpected"):
        list(walk(list_dir, "c"))  # no `on_error`: the walk raises


def test_sizes_and_dates_as_users_type_them():
    assert parse_size("1G") == GiB and parse_size("1.5k") == 1536 and parse_size("2TiB") == 2 << 40
    assert parse_size("512") == 512 and parse_size(7) == 7
    assert parse_size("0.1k") == 102 and parse_size(str(2**63 - 1)) == 2**63 - 1
    for huge in (str(2**63), "9" * 19, "9" * 400, "9" * 400 + "T", "8388608T"):
        with pytest.raises(ValueError, match="a size is at most"):
            parse_size(huge)
    assert parse_time("2024-11-01") == datetime(2024, 11, 1, tzinfo=timezone.utc)
    assert parse_time("2024-11-01T10:00+01:00").utcoffset().total_seconds() == 3600


# -- ctadata:// -------------------------------------------------------------------------------
def test_fsspec_find_and_glob_use_the_walk(tree, env):
    fs = fsspec.filesystem("ctadata", skip_instance_cache=True)
    assert set(fs.find(ROOT)) == expected(lambda r, s, d: True)
    assert set(fs.find(ROOT, maxdepth=2)) == expected(lambda r, s, d: r.count("/") == 1)
    assert set(fs.glob(f"{ROOT}/*/*.h5")) == {
        f"{ROOT}/20241030/run1.h5",
        f"{ROOT}/20241102/run2.h5",
    }
    assert set(fs.glob(f"{ROOT}/**/run[35].h5")) == expected(
        lambda r, s, d: "run3" in r or "run5" in r
    )
    details = fs.find(f"{ROOT}/20241102", detail=True)
    assert details[f"{ROOT}/20241102/run2.h5"]["size"] == 2 * GiB
    assert fs.find(f"{ROOT}/nothing-here") == []
    with_dirs = fs.find(f"{ROOT}/20241105", withdirs=True)
    assert {f"{ROOT}/20241105", f"{ROOT}/20241105/sub/deeper"} <= set(with_dirs)


# -- the command line -------------------------------------------------------------------------
def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_find(tree, env):
    code, out, _ = run_cli("find", f"{ROOT}/", "--name", "*.h5", "--newer", "2024-11-01",
                           "--min-size", "1G")  # fmt: skip
    assert code == 0 and out.split() == [f"{ROOT}/20241102/run2.h5"]
    code, out, _ = run_cli("find", ROOT, "--iname", "*.h5", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert {line["path"] for line in lines} == expected(lambda r, s, d: r.lower().endswith(".h5"))
    assert {line["size"] for line in lines if line["name"] == "RUN4.H5"} == {3 * GiB}
    code, out, _ = run_cli("find", ROOT, "--type", "d", "--maxdepth", "1", "-l")
    assert code == 0 and sorted(line.split()[-1] for line in out.splitlines()) == [
        f"{ROOT}/{d}/" for d in ("20241030", "20241102", "20241105", "empty")
    ]


def test_cli_find_bad_input(tree, env, dev_service):
    code, _, err = run_cli("find", ROOT, "--min-size", "huge")
    assert code == 2 and "'huge' is not a size" in err
    code, _, err = run_cli("find", ROOT, "--max-size", "9" * 400)
    assert code == 2 and "a size is at most" in err and "Traceback" not in err
    code, _, err = run_cli("find", ROOT, "--newer", "last week")
    assert code == 2 and "not an ISO date" in err
    code, _, err = run_cli("find", f"{ROOT}/nothing-here/")
    assert code == 1 and "no such file or directory" in err and "Traceback" not in err


def test_cli_find_goes_on_past_refused_folders(tree, sample_tree, dev_service, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", token_of(dev_service, "nofolder"))
    code, out, err = run_cli("--downloadservice", dev_service.downloadservice, "find", "",
                             "--name", "*.txt")  # fmt: skip
    assert code == 1 and out.split() == ["arc/data/arc.txt"]
    assert err.count("warning:") == 2 and token_of(dev_service, "nofolder") not in err

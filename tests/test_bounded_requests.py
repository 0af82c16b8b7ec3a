"""No unbounded request through `webdav/`: whole files come from `fetch/`, everything else in
bounded windows (the deployed `webdav/` holds each answer whole in memory; docs/protocol.md).

The services of the tests run with `--refuse-open-ranges` (tests/conftest.py): an open-ended
`Range: bytes=N-` through `webdav/` fails any test that sends one. The tests here check that
test mode, the request builders, and the windows a resumed download and fsspec reads ask.
"""

from __future__ import annotations

import math

import httpx
import pytest

from ctadata.config import RANGE_WINDOW_VARIABLE, Settings
from ctadata.devservice.webdav import open_ended
from ctadata.direct.client import DirectClient
from ctadata.fs.filesystem import CtadataFileSystem
from ctadata.protocol import SMALL_FILE, Protocol
from ctadata.transfer.local import LocalPath, temp_name
from ctadata.transfer.progress import Meter
from tests.helpers import client_for

MiB = 1024 * 1024
WINDOW = 64 * 1024
BIG = "lst/DL1/big.bin"  # 1 MiB of sample_tree


def settings() -> Settings:
    return Settings("http://svc/services/downloadservice/", "http://svc/cs/", "t0ken")


def test_downloads_are_fetch_for_whole_files_and_windows_for_the_rest(monkeypatch) -> None:
    monkeypatch.delenv(RANGE_WINDOW_VARIABLE, raising=False)
    proto = Protocol(settings())
    whole = proto.download_request("a/f.h5", 0)
    assert whole.url.path == "/services/downloadservice/fetch/a/f.h5"
    assert "Range" not in whole.headers
    for offset in (1, 12_345, 10**10):
        rest = proto.download_request("a/f.h5", offset)
        assert rest.url.path == "/services/downloadservice/webdav/a/f.h5"
        assert rest.headers["Range"] == f"bytes={offset}-{offset + 16 * MiB - 1}"
        assert rest.headers["Want-Digest"] == "adler32"  # which fetch/ cannot pass on


def test_a_small_file_comes_in_one_window_with_its_checksum(monkeypatch) -> None:
    """Up to SMALL_FILE, one request through `webdav/` carries the bytes and the adler32, where
    `fetch/` needs a HEAD besides; an empty file (no byte to range over) and a bigger one come
    from `fetch/`."""
    monkeypatch.delenv(RANGE_WINDOW_VARIABLE, raising=False)
    proto = Protocol(settings())
    for size in (1, 64 * 1024, SMALL_FILE):
        small = proto.download_request("a/f.h5", 0, size)
        assert small.url.path == "/services/downloadservice/webdav/a/f.h5"
        assert (small.headers["Range"], small.headers["Want-Digest"]) == (
            f"bytes=0-{16 * MiB - 1}",
            "adler32",
        )
    for size in (0, SMALL_FILE + 1, None):
        whole = proto.download_request("a/f.h5", 0, size)
        assert whole.url.path == "/services/downloadservice/fetch/a/f.h5"
        assert "Range" not in whole.headers


def test_the_window_is_configurable(monkeypatch) -> None:
    monkeypatch.setenv(RANGE_WINDOW_VARIABLE, "1M")
    assert settings().range_window == MiB
    assert Protocol(settings()).range_request("f", 10).headers["Range"] == f"bytes=10-{MiB + 9}"
    for wrong in ("lots", "0"):
        monkeypatch.setenv(RANGE_WINDOW_VARIABLE, wrong)
        with pytest.raises(ValueError, match=r"range_window|CTADATA_RANGE_WINDOW"):
            settings()


def test_direct_mode_asks_dcache_for_the_rest_at_once() -> None:
    """dCache streams (it holds no answer whole) and each request costs a TLS session and a
    token: a download from its door asks the rest in one request. It never passes `webdav/`."""
    client = DirectClient("t0ken", "https://dcache.example:2880")
    assert client._download_request("lst/f", 10, 100).headers["Range"] == "bytes=10-"
    assert "Range" not in client._download_request("lst/f", 0, 100).headers


@pytest.mark.parametrize(
    ("header", "refused"),
    [
        ("bytes=10-", True),
        ("bytes=0-99,200-", True),
        ("bytes = 5 - ", True),
        ("bytes=10-20", False),
        ("bytes=-500", False),  # the last 500 bytes: bounded
        ("", False),
        ("items=1-", False),
    ],
)
def test_what_counts_as_open_ended(header: str, refused: bool) -> None:
    assert open_ended(header) is refused


def test_the_test_mode_refuses_an_open_ended_range(dev_service, sample_tree) -> None:
    headers = dev_service.users["alice"].headers
    with httpx.Client(base_url=dev_service.downloadservice, headers=headers) as http:
        refused = http.get(f"webdav/{BIG}", headers={"Range": "bytes=10-"})
        assert refused.status_code == 400 and "open-ended" in refused.text
        window = http.get(f"webdav/{BIG}", headers={"Range": "bytes=10-19"})
        assert window.status_code == 206 and window.content == sample_tree.files[BIG][10:20]


def storage_stats(service, reset: bool = False) -> dict[str, int]:
    if reset:
        httpx.post(service.stats_url + "/reset").raise_for_status()
    return httpx.get(service.stats_url).json()


def test_a_resumed_download_asks_window_after_window(dev_service, sample_tree, tmp_path) -> None:
    content, done = sample_tree.files[BIG], 100_000
    target = tmp_path / "big.bin"
    part = tmp_path / temp_name(target.name)  # an earlier run's temporary file
    part.write_bytes(content[:done])
    with client_for(dev_service, "alice", range_window=WINDOW) as api:
        entry = api.stat(BIG)
        storage_stats(dev_service, reset=True)
        meter = Meter("big.bin", None, bar=False)
        api._download(entry, LocalPath.of(target), meter, True, adopt=(part.name, len(content)))
    assert target.read_bytes() == content
    stats = storage_stats(dev_service)
    assert stats["bytes_sent"] == len(content) - done
    assert stats["requests"] == math.ceil((len(content) - done) / WINDOW)


def test_fsspec_reads_are_cut_into_windows(dev_service, sample_tree, tmp_path) -> None:
    content = sample_tree.files[BIG]
    fs = CtadataFileSystem(
        dev_service.users["alice"].token,
        dev_service.downloadservice,
        range_window=WINDOW,
        skip_instance_cache=True,
    )
    storage_stats(dev_service, reset=True)
    assert fs.cat_file(BIG) == content
    assert storage_stats(dev_service)["requests"] >= len(content) / WINDOW
    with fs.open(BIG, cache_type="none") as f:
        f.seek(1000)
        assert f.read() == content[1000:]
    assert fs.cat_file(BIG, start=-300_000) == content[-300_000:]
    fs.get_file(BIG, str(tmp_path / "got.bin"))  # the whole file: fetch/
    assert (tmp_path / "got.bin").read_bytes() == content

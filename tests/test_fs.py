"""`ctadata://` and `ctadata.open`: remote files read in place, against the development service.

The byte counts come from the storage itself (`_stats`), behind the service's `webdav/`
pass-through: they prove the Range requests reach the storage and only blocks are sent.
"""

from __future__ import annotations

import io

import fsspec
import h5py
import httpx
import numpy as np
import pytest
from astropy.io import fits

import ctadata
from ctadata.fs.filesystem import DEFAULT_BLOCK_SIZE, CtadataFileSystem
from tests.helpers import temp_files

BIG_ROWS = 5_000_000  # 40 MB of float64: the dataset nobody wants to download
SMALL = np.arange(1000, dtype="<i8") * 3
RUN = "lst/DL1/fstest/run.h5"
TREE = {
    "lst/DL1/fstest/tree/a.h5": b"a" * 10,
    "lst/DL1/fstest/tree/b.fits": b"b" * 20,
    "lst/DL1/fstest/tree/sub/c.h5": b"c" * 30,
    "lst/DL1/fstest/tree/sub/deeper/d.h5": b"d" * 40,
    "lst/DL1/fstest/tree/sub/deeper/e.txt": b"e" * 50,
}


def big_values() -> np.ndarray:
    return np.random.default_rng(7).random(BIG_ROWS)


@pytest.fixture(scope="module")
def storage(dev_service):
    """The files of these tests, written straight into the storage folder."""
    root = dev_service.storage_dir
    run = root / RUN
    run.parent.mkdir(parents=True, exist_ok=True)
    # The big dataset first, the small one after it: its metadata and data sit past 40 MB.
    with h5py.File(run, "w") as f:
        f.create_dataset("dl1/images", data=big_values())
        f.create_dataset("dl1/parameters/intensity", data=SMALL)
        f["dl1"].attrs["telescope"] = "LST-1"
    for rel, content in TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    return root


@pytest.fixture(scope="module")
def alice(dev_service):
    return dev_service.users["alice"]


@pytest.fixture(scope="module", autouse=True)
def in_a_hub_spawned_kernel(alice):
    """`JUPYTERHUB_USER` is set, as in a hub-spawned kernel: it names the user folder."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JUPYTERHUB_USER", alice.name)
        yield


@pytest.fixture(scope="module")
def options(dev_service, alice):
    return {"token": alice.token, "downloadservice": dev_service.downloadservice}


@pytest.fixture(scope="module")
def fs(options):
    return CtadataFileSystem(**options)


@pytest.fixture(scope="module")
def user_folder(alice):
    return f"lst/users/{alice.folder}/"


class Storage:
    """The storage's counter of bytes sent in GET answers."""

    def __init__(self, url: str):
        self.url = url

    def reset(self) -> None:
        httpx.post(self.url + "/reset").raise_for_status()

    def bytes_sent(self) -> int:
        return httpx.get(self.url).json()["bytes_sent"]

    def requests(self) -> int:
        return httpx.get(self.url).json()["requests"]


@pytest.fixture
def counter(dev_service) -> Storage:
    stats = Storage(dev_service.stats_url)
    stats.reset()
    return stats


# -- random access ----------------------------------------------------------------------------
def test_one_dataset_of_an_hdf5_file_transfers_a_small_part(storage, options, counter):
    size = (storage / RUN).stat().st_size
    assert size > 40_000_000
    with ctadata.open(RUN, **options) as f, h5py.File(f, "r") as h5:
        assert h5["dl1"].attrs["telescope"] == "LST-1"
        np.testing.assert_array_equal(h5["dl1/parameters/intensity"][:], SMALL)
    sent = counter.bytes_sent()
    # Only a few 1 MiB blocks: the superblock, the small dataset's header and data.
    assert 0 < sent < size / 10, f"the storage sent {sent} bytes of a {size} byte file"
    assert sent <= 4 * DEFAULT_BLOCK_SIZE


def test_a_slice_of_the_big_dataset_is_exact(storage, options, counter):
    with fsspec.open(f"ctadata://{RUN}", "rb", **options) as f, h5py.File(f, "r") as h5:
        part = h5["dl1/images"][2_000_000:2_000_100]
    np.testing.assert_array_equal(part, big_values()[2_000_000:2_000_100])
    assert counter.bytes_sent() < 5 * DEFAULT_BLOCK_SIZE


def test_a_long_read_is_one_request_and_reading_on_reads_ahead(storage, options, counter):
    """Each request costs the service a fixed overhead: the blocks one read misses come in one
    request, and reading on in order fetches more and more ahead (not a request per block)."""
    with ctadata.open(RUN, **options) as f, h5py.File(f, "r") as h5:
        images = h5["dl1/images"]  # its metadata read
        opened = counter.requests()
        np.testing.assert_array_equal(images[:1_000_000], big_values()[:1_000_000])
        assert counter.requests() - opened == 1  # 8 MB, 8 blocks: one request
        f.seek(10 * DEFAULT_BLOCK_SIZE)
        before = counter.requests()
        while f.tell() < 30 * DEFAULT_BLOCK_SIZE:  # 20 MiB read in order, 64 KiB at a time
            assert f.read(64 * 1024)
        assert counter.requests() - before <= 6  # 1, 2, 4, 8, ... blocks ahead


def test_seek_and_read_match_the_file(storage, fs):
    local = (storage / RUN).read_bytes()
    with fs.open(RUN, "rb") as f:
        assert f.size == len(local)
        f.seek(30_000_123)
        assert f.read(5000) == local[30_000_123:30_005_123]
        f.seek(-10, io.SEEK_END)
        assert f.read() == local[-10:]
        f.seek(0)
        assert f.read(8) == b"\x89HDF\r\n\x1a\n"
    assert fs.cat_file(RUN, start=100, end=200) == local[100:200]


def test_the_block_size_and_cache_are_options(storage, options, counter):
    with ctadata.open(RUN, block_size=64 * 1024, **options) as f:
        f.seek(20_000_000)
        assert len(f.read(10)) == 10
    assert counter.bytes_sent() == 64 * 1024


def test_direct_storage_access(dev_service, storage, counter):
    # The storage of the development service has no authentication: any token passes.
    # `dcache_url` is the door, as for `ctadata.direct`; the base path pnfs/cta.cscs.ch follows.
    door = dev_service.storage_url.split("/pnfs/", 1)[0]
    direct = CtadataFileSystem(direct=True, dcache_url=door, token=lambda: "t")
    assert direct.base_url == dev_service.storage_url
    assert direct.info(RUN)["size"] == (storage / RUN).stat().st_size
    with direct.open(RUN) as f, h5py.File(f, "r") as h5:
        np.testing.assert_array_equal(h5["dl1/parameters/intensity"][:], SMALL)
    assert counter.bytes_sent() < 4 * DEFAULT_BLOCK_SIZE


# -- readers ----------------------------------------------------------------------------------
def test_astropy_fits_reads_only_the_hdus_it_needs(storage, options, counter):
    image = np.arange(3000 * 2000, dtype=">f8").reshape(3000, 2000)  # 48 MB
    events = fits.BinTableHDU.from_columns([fits.Column("energy", "E", array=SMALL / 10)])
    events.name = "EVENTS"
    path = "lst/DL1/fstest/image.fits"
    fits.HDUList([fits.PrimaryHDU(image), events]).writeto(storage / path, overwrite=True)
    counter.reset()
    with ctadata.open(path, **options) as f, fits.open(f) as hdus:
        np.testing.assert_allclose(hdus["EVENTS"].data["energy"], SMALL / 10, rtol=1e-6)
        np.testing.assert_array_equal(hdus[0].section[1234, 10:20], image[1234, 10:20])
    assert counter.bytes_sent() < 4 * DEFAULT_BLOCK_SIZE


# -- listing ----------------------------------------------------------------------------------
def test_ls_info_glob_find(storage, fs):
    base = "lst/DL1/fstest/tree"
    assert sorted(fs.ls(base, detail=False)) == [f"{base}/a.h5", f"{base}/b.fits", f"{base}/sub"]
    entries = {e["name"]: e for e in fs.ls(f"ctadata://{base}/")}
    assert entries[f"{base}/a.h5"]["size"] == 10
    assert entries[f"{base}/sub"]["type"] == "directory"
    assert fs.info(f"{base}/sub/c.h5")["size"] == 30
    assert fs.info(base)["type"] == "directory"
    assert fs.isdir(base) and fs.isfile(f"{base}/a.h5") and not fs.exists(f"{base}/nope")
    assert fs.glob(f"{base}/**/*.h5") == [
        f"{base}/a.h5",
        f"{base}/sub/c.h5",
        f"{base}/sub/deeper/d.h5",
    ]
    assert fs.glob(f"ctadata://{base}/*/*/*.txt") == [f"{base}/sub/deeper/e.txt"]
    assert fs.find(base) == sorted(TREE)
    assert fs.du(base) == sum(len(c) for c in TREE.values())
    with pytest.raises(FileNotFoundError):
        fs.info("lst/DL1/fstest/missing.h5")
    with pytest.raises(FileNotFoundError):
        fs.open("lst/DL1/fstest/missing.h5")


def test_reading_where_the_user_may_not_is_refused(dev_service, storage):
    nofolder = CtadataFileSystem(
        token=dev_service.users["nofolder"].token, downloadservice=dev_service.downloadservice
    )
    with pytest.raises(ctadata.PermissionDenied, match="HTTP 403"):
        nofolder.ls("lst/DL1/fstest")


def test_a_bad_or_missing_token_is_an_authentication_error(dev_service, storage, monkeypatch):
    # The service redirects such requests to the hub's login page: never followed.
    for token in ("not-a-token", dev_service.users["expired"].token):
        bad = CtadataFileSystem(token=token, downloadservice=dev_service.downloadservice)
        with pytest.raises(ctadata.AuthenticationError, match="not authenticated"):
            bad.ls("lst/DL1")
        with pytest.raises(ctadata.AuthenticationError, match="not authenticated"):
            ctadata.open(RUN, token=token, downloadservice=dev_service.downloadservice)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    with pytest.raises(ctadata.AuthenticationError, match="no token"):
        CtadataFileSystem(downloadservice=dev_service.downloadservice).ls("lst/DL1")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", dev_service.users["alice"].token)
    assert CtadataFileSystem(downloadservice=dev_service.downloadservice).isdir("lst/DL1")


# -- get and put ------------------------------------------------------------------------------
def test_get_a_file_and_a_tree(storage, fs, tmp_path):
    fs.get(RUN, str(tmp_path / "run.h5"))
    assert (tmp_path / "run.h5").read_bytes() == (storage / RUN).read_bytes()
    assert temp_files(tmp_path) == []
    fs.get("lst/DL1/fstest/tree/", str(tmp_path / "tree"), recursive=True)
    tree = tmp_path / "tree"
    got = {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    assert got == {rel.removeprefix("lst/DL1/fstest/tree/"): c for rel, c in TREE.items()}


def test_put_and_write_in_the_user_folder(storage, fs, options, user_folder, tmp_path):
    local = tmp_path / "result.h5"
    with h5py.File(local, "w") as f:
        f["x"] = np.arange(10)
    target = f"{user_folder}fs/new/dir/result.h5"  # its parents do not exist yet
    fs.put(str(local), target)
    assert (storage / target).read_bytes() == local.read_bytes()
    with fs.open(f"{user_folder}fs/notes.txt", "wb") as f:
        f.write(b"written through ctadata://\n")
    assert fs.cat(f"ctadata://{user_folder}fs/notes.txt") == b"written through ctadata://\n"
    with ctadata.open(target, **options) as f:
        np.testing.assert_array_equal(h5py.File(f)["x"][:], np.arange(10))


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda fs, local: fs.put(local, "lst/DL1/fstest/put.bin"), id="put"),
        pytest.param(
            lambda fs, local: fs.put(local, "lst/DL1/fstest/newdir/put.bin"), id="put-newdir"
        ),
        pytest.param(lambda fs, local: fs.pipe_file("cta/put.bin", b"x"), id="pipe"),
        pytest.param(lambda fs, local: fs.open("lst/DL1/fstest/put.bin", "wb"), id="open-wb"),
        pytest.param(lambda fs, local: fs.mkdir("lst/DL1/fstest/newdir"), id="mkdir"),
        pytest.param(lambda fs, local: fs.put(local, "lst/users/someone/put.bin"), id="other"),
    ],
)
def test_writes_outside_the_user_folder_are_refused(
    storage, fs, alice, user_folder, tmp_path, write
):
    local = tmp_path / "put.bin"
    local.write_bytes(b"data")
    with pytest.raises(ctadata.PermissionDenied) as refused:
        write(fs, str(local))
    message = str(refused.value)
    assert f"allows writing only under your user folder {user_folder!r}" in message
    assert "ctadata.upload_folder()" in message
    assert alice.token not in message
    assert not (storage / "lst/DL1/fstest/put.bin").exists()
    assert not (storage / "lst/DL1/fstest/newdir").exists()
    assert not (storage / "cta/put.bin").exists()


def test_the_service_itself_refuses_with_403(storage, fs, user_folder):
    # Past the early check of open("wb"): the refusal is the service's answer, mapped.
    upload = fs.client.http.put(fs.client.join_url("lst/DL1/fstest/raw.bin"), content=b"x")
    assert upload.status_code == 403
    with pytest.raises(ctadata.PermissionDenied, match=r"Access denied.*\(HTTP 403\)"):
        fs.pipe_file("lst/DL1/fstest/raw.bin", b"x")


def test_the_filesystem_is_registered_with_fsspec(options):
    assert fsspec.get_filesystem_class("ctadata") is CtadataFileSystem
    fs, path = fsspec.core.url_to_fs(f"ctadata://{RUN}", **options)
    assert isinstance(fs, CtadataFileSystem) and path == RUN


def test_import_ctadata_stays_light():
    import subprocess
    import sys

    # No Jupyter package in kernels and scripts; webdav4 and fsspec only when used.
    heavy = ["webdav4", "fsspec", "jupyter_server", "jupyterlab", "tornado", "ctadata_lab"]
    code = f"import sys, ctadata; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_paths_are_storage_paths():
    strip = CtadataFileSystem._strip_protocol
    assert strip("ctadata://lst/DL1/run.h5") == "lst/DL1/run.h5"
    assert strip("/lst//DL1/") == "lst/DL1"
    assert strip("lst/DL1/../../cta/./x") == "cta/x"
    with pytest.raises(ctadata.InvalidPath):
        strip("lst/../../cta/x")
    assert strip("ctadata://") == ""

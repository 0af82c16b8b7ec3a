"""The preview endpoints (`h5grove/...`, `fits`) in a real Jupyter server, on the local service.

The files are real HDF5 and FITS files in the service's storage; the storage's byte counter
(`_stats`) proves that a preview reads only a small part of a file.
"""

from __future__ import annotations

import asyncio
import time

import h5py
import httpx
import numpy as np
import pytest
from astropy.io import fits

from ctadata.config import Settings
from ctadata.devservice.sample_data import write_dl1_file
from ctadata.fs.filesystem import DEFAULT_BLOCK_SIZE as BLOCK
from ctadata_lab.preview.openfiles import Abandoned, OpenFiles
from ctadata_lab.preview.preview_worker import start

from .lab_harness import Lab, traits

pytestmark = pytest.mark.filterwarnings("error::jupyter_server.utils.JupyterServerAuthWarning")

DIR = "lst/DL1/preview/"
SAMPLE = DIR + "dl1_sample.h5"  # the sample DL1 layout, small
BIG = DIR + "dl1_big.h5"  # the same layout, 2,000 events: 15 MB of images
NOT_HDF5 = DIR + "notes.h5"
TABLE = DIR + "events.fits"
PARAMS = "/dl1/event/telescope/parameters/LST_LSTCam"
IMAGES = "/dl1/event/telescope/image/LST_LSTCam"
FITS_ROWS = 200_000


@pytest.fixture(scope="module")
def files(dev_service):
    root = dev_service.storage_dir
    write_dl1_file(root / SAMPLE, obs_id=16000, n_events=40, seed=1)
    write_dl1_file(root / BIG, obs_id=16001, n_events=2000, seed=2)
    (root / NOT_HDF5).write_text("not an HDF5 file\n")
    energy = np.linspace(0.01, 100.0, FITS_ROWS)
    columns = [
        fits.Column("EVENT_ID", "K", array=np.arange(FITS_ROWS)),
        fits.Column("ENERGY", "E", unit="TeV", array=energy),
        fits.Column("TEL", "8A", array=np.full(FITS_ROWS, "LST-1")),
    ]
    events = fits.BinTableHDU.from_columns(columns, name="EVENTS")
    events.header["OBS_ID"] = 16000
    fits.HDUList([fits.PrimaryHDU(), events]).writeto(root / TABLE, overwrite=True)
    return root


class Counter:
    """The storage's counter of bytes sent."""

    def __init__(self, url: str):
        self.url = url
        httpx.post(url + "/reset").raise_for_status()

    def sent(self) -> int:
        return httpx.get(self.url).json()["bytes_sent"]


def h5grove(lab: Lab, endpoint: str, file: str, status: int = 200, **params) -> httpx.Response:
    response = lab.request("GET", f"h5grove/{endpoint}/", params={"file": file, **params})
    assert response.status_code == status, response.text
    return response


def test_tree_and_attributes(lab: Lab, files) -> None:
    root = h5grove(lab, "meta", SAMPLE, path="/").json()
    assert root["kind"] == "group"
    assert sorted(c["name"] for c in root["children"]) == ["configuration", "dl1"]
    assert {a["name"] for a in root["attributes"]} == {"CTA PRODUCT DATA LEVELS", "OBS_ID"}
    attributes = h5grove(lab, "attr", SAMPLE, path="/").json()
    assert attributes["OBS_ID"] == 16000
    everything = h5grove(lab, "paths", SAMPLE, path="/").json()
    assert PARAMS in everything and IMAGES in everything


def test_dataset_metadata(lab: Lab, files) -> None:
    with h5py.File(files / SAMPLE) as local:
        images = local[IMAGES]
        meta = h5grove(lab, "meta", SAMPLE, path=IMAGES).json()
        assert meta["kind"] == "dataset"
        assert tuple(meta["shape"]) == images.shape
        assert tuple(meta["chunks"]) == images.chunks
        assert meta["type"]["class"] == h5py.h5t.FLOAT and meta["type"]["size"] == 4
        table = h5grove(lab, "meta", SAMPLE, path=PARAMS).json()
        assert [m["name"] for m in table["type"]["members"]] == list(local[PARAMS].dtype.names)


def test_slices_as_json_and_binary(lab: Lab, files) -> None:
    with h5py.File(files / SAMPLE) as local:
        expected = local[IMAGES][3:5, 10:20]
        rows = local[PARAMS][:5]
    got = h5grove(lab, "data", SAMPLE, path=IMAGES, selection="3:5,10:20").json()
    assert np.allclose(np.array(got), expected)
    raw = h5grove(lab, "data", SAMPLE, path=IMAGES, selection="3:5,10:20", format="bin")
    assert raw.headers["content-type"] == "application/octet-stream"
    assert np.array_equal(np.frombuffer(raw.content, "<f4").reshape(2, 10), expected)
    table = h5grove(lab, "data", SAMPLE, path=PARAMS, selection="0:5").json()
    assert [r[1] for r in table] == rows["event_id"].tolist()
    assert np.allclose([r[2] for r in table], rows["intensity"])


def test_tree_and_a_slice_read_a_small_part_of_a_big_file(lab: Lab, files, dev_service) -> None:
    size = (files / BIG).stat().st_size
    assert size > 14_000_000
    counter = Counter(dev_service.stats_url)
    for path in ("/", "/dl1", "/dl1/event/telescope/image", IMAGES, PARAMS):
        h5grove(lab, "meta", BIG, path=path)
    tree_bytes = counter.sent()
    assert 0 < tree_bytes <= 2 * BLOCK  # the metadata sits in the first blocks
    h5grove(lab, "data", BIG, path=IMAGES, selection="0:20", format="bin")
    assert counter.sent() - tree_bytes <= 2 * BLOCK  # 20 images: 150 kB, in one or two blocks
    before = counter.sent()
    h5grove(lab, "meta", BIG, path="/")  # the file stays open: its metadata is cached
    assert counter.sent() == before


@traits(preview_idle_seconds=1)
def test_an_idle_file_is_closed(lab: Lab, files, dev_service) -> None:
    h5grove(lab, "meta", SAMPLE, path="/")
    counter = Counter(dev_service.stats_url)
    h5grove(lab, "meta", SAMPLE, path="/")
    assert counter.sent() == 0
    time.sleep(2.5)  # two sweeps: the file is closed, the next request opens it again
    h5grove(lab, "meta", SAMPLE, path="/")
    assert counter.sent() > 0


def test_errors(lab: Lab, files) -> None:
    message = lab.error("GET", "h5grove/meta/", 404, "not_found", params={"file": DIR + "no.h5"})
    assert "no.h5" in message
    message = lab.error("GET", "h5grove/meta/", 415, "not_hdf5", params={"file": NOT_HDF5})
    assert "not a valid HDF5 file" in message
    params = {"file": SAMPLE, "path": "/nowhere"}
    lab.error("GET", "h5grove/meta/", 404, "not_found", params=params)
    params = {"file": SAMPLE, "path": IMAGES, "selection": "a:b"}
    lab.error("GET", "h5grove/data/", 400, "bad_request", params=params)
    lab.error("GET", "h5grove/data/", 400, "bad_request", params={"file": SAMPLE, "path": "/"})
    lab.error("GET", "h5grove/meta/", 400, "bad_request", params={"file": "lst/../../etc/x.h5"})
    lab.error("GET", "h5grove/meta/", 400, "bad_request", params={"file": DIR})
    lab.error("GET", "fits", 415, "not_fits", params={"file": NOT_HDF5})


@traits(token="wrong-token-0123456789")
def test_refused_token(lab: Lab, files) -> None:
    response = lab.request("GET", "h5grove/meta/", params={"file": SAMPLE})
    assert response.status_code == 401 and response.json()["reason"] == "not_authenticated"
    assert "wrong-token-0123456789" not in response.text
    lab.error("GET", "fits", 401, "not_authenticated", params={"file": TABLE})


def test_jupyter_auth_is_required(lab: Lab, files) -> None:
    for path in ("h5grove/meta/", "h5grove/data/", "fits"):
        response = lab.request("GET", path, auth=False, params={"file": SAMPLE})
        assert response.status_code == 403, path


def test_fits_headers_columns_and_first_rows(lab: Lab, files, dev_service) -> None:
    size = (files / TABLE).stat().st_size
    counter = Counter(dev_service.stats_url)
    answer = lab.call("GET", "fits", params={"file": TABLE, "rows": "5"})
    primary, events = answer["hdus"]
    assert primary["type"] == "PrimaryHDU" and primary["header"][0][0] == "SIMPLE"
    assert events["name"] == "EVENTS" and events["nrows"] == FITS_ROWS
    assert ["OBS_ID", 16000, ""] in events["header"]
    assert [c["name"] for c in events["columns"]] == ["EVENT_ID", "ENERGY", "TEL"]
    assert events["columns"][1]["unit"] == "TeV"
    assert [r[0] for r in events["rows"]] == [0, 1, 2, 3, 4]
    assert events["rows"][1][2] == "LST-1"
    assert events["rows"][4][1] == pytest.approx(np.linspace(0.01, 100.0, FITS_ROWS)[4])
    assert counter.sent() < 0.5 * size  # the headers and the first rows, not the table
    lab.error("GET", "fits", 400, "bad_request", params={"file": TABLE, "rows": "5000"})


def read_forever(h5: h5py.File) -> None:
    time.sleep(600)


def first_events(h5: h5py.File) -> list[int]:
    return h5[PARAMS][:3]["event_id"].tolist()


async def test_a_read_whose_browser_left_stops_and_closes_the_file(files, dev_service) -> None:
    """The browser leaves while a read runs: its file's process is ended, and opened again."""
    settings = Settings(
        dev_service.downloadservice,
        dev_service.certificateservice,
        dev_service.users["alice"].token,
    )
    open_files = OpenFiles(lambda path, kind: start(settings, path, kind, 1 << 30, 1 << 26))
    gone = asyncio.Event()
    asyncio.get_running_loop().call_later(1, gone.set)  # as the handler does once it left
    try:
        with pytest.raises(Abandoned):
            await open_files.use((BIG, "hdf5"), read_forever, gone)
        assert len(open_files) == 0  # the reader may be halfway: its process was ended
        table = await open_files.use((BIG, "hdf5"), first_events, asyncio.Event())
        assert table == [0, 1, 2]  # opened again for the next request
    finally:
        open_files.close_all()

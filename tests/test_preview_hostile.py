"""The preview against files that a stranger put into the shared storage.

Each hostile file is in the development service's storage and previewed through a real
Jupyter server: it must never make the server read its own files, and must stay within the
bounds (`preview_max_answer_bytes`, here 8 MiB), answering a 4xx that says why.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
import numpy as np
import pytest

from ctadata.fs.filesystem import DEFAULT_BLOCK_SIZE as BLOCK
from tests import hostile_files as hf
from tests.lab_harness import Lab, traits

pytestmark = pytest.mark.filterwarnings("error::jupyter_server.utils.JupyterServerAuthWarning")

DIR = "lst/hostile/"
LIMIT = 8 * hf.MiB


@pytest.fixture
def lab_traits(lab_traits, request: pytest.FixtureRequest) -> dict:
    """conftest's, with this module's bound of one answer; a test's own `traits` on top."""
    return lab_traits | {"preview_max_answer_bytes": LIMIT} | getattr(request, "param", {})


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A local file of the server (an HDF5 file, for the links) and the words in it."""
    words = b"the-secret-" + secrets.token_hex(8).encode()
    path = tmp_path_factory.mktemp("server-files") / "secret.h5"
    hf.secret_hdf5(path, words)
    return path, words


@pytest.fixture(scope="module")
def files(dev_service, secret) -> Path:
    root = dev_service.storage_dir / DIR
    root.mkdir(parents=True, exist_ok=True)
    path, _ = secret
    hf.external_storage(root / "external.h5", path)
    hf.external_link(root / "elink.h5", path)
    hf.virtual(root / "vds.h5", path)
    hf.bomb(root / "bomb.h5")
    hf.huge_attribute(root / "attribute.h5", 2 * LIMIT)
    hf.huge_attribute(root / "hugest.h5", 96 * hf.MiB)
    hf.deep(root / "deep.h5")
    hf.corrupt_superblock(root / "corrupt.h5")
    hf.self_link(root / "selflink.h5")
    (root / "small.fits.gz").write_bytes(hf.gzipped(hf.fits_table()))
    (root / "bomb.fits.gz").write_bytes(hf.fits_bomb())
    (root / "heap.fits").write_bytes(hf.heap_table(rows=1000, cell=4096))  # 16 MB heap
    (root / "smallheap.fits").write_bytes(hf.heap_table(rows=10, cell=8))
    for name, make in hf.MALFORMED_FITS.items():
        (root / f"{name}.fits").write_bytes(make())
    return root


@pytest.fixture(scope="module")
def many(dev_service) -> str:
    """The file with a group of a million members (12 s to write: only for its test)."""
    path = dev_service.storage_dir / DIR / "many.h5"
    path.parent.mkdir(parents=True, exist_ok=True)
    hf.many_members(path)
    return DIR + "many.h5"


def get(lab: Lab, endpoint: str, file: str, status: int, **params) -> bytes:
    url = endpoint if endpoint == "fits" else f"h5grove/{endpoint}/"
    response = lab.request("GET", url, params={"file": DIR + file, **params})
    assert response.status_code == status, response.text
    return response.content


def refused(lab: Lab, endpoint: str, file: str, status: int, reason: str, **params) -> str:
    url = endpoint if endpoint == "fits" else f"h5grove/{endpoint}/"
    return lab.error("GET", url, status, reason, params={"file": DIR + file, **params})


# -- other files of the server ---------------------------------------------------------------
def test_external_storage_is_never_read(lab: Lab, files, secret) -> None:
    _, words = secret
    assert b'"kind":"dataset"' in get(lab, "meta", "external.h5", 200, path="/secret")
    for path in ("/secret", "/environ"):
        message = refused(lab, "data", "external.h5", 403, "outside_file", path=path)
        assert "external storage" in message
        message = refused(lab, "stats", "external.h5", 403, "outside_file", path=path)
    body = get(lab, "data", "external.h5", 403, path="/environ", format="bin")
    assert words not in body and lab.token.encode() not in body


def test_external_links_are_shown_never_followed(lab: Lab, files, secret) -> None:
    _, words = secret
    root = get(lab, "meta", "elink.h5", 200, path="/")
    assert b'"kind":"external_link"' in root and b'"name":"here"' in root
    assert b'"kind":"external_link"' in get(lab, "meta", "elink.h5", 200, path="/away")
    for endpoint in ("meta", "data", "attr"):
        body = get(lab, endpoint, "elink.h5", 403, path="/away/secret")
        assert b"leads to another file" in body and words not in body
    assert words not in get(lab, "paths", "elink.h5", 200, path="/")


def test_virtual_datasets_from_other_files_are_refused(lab: Lab, files, secret) -> None:
    _, words = secret
    get(lab, "meta", "vds.h5", 200, path="/vds")
    message = refused(lab, "data", "vds.h5", 403, "outside_file", path="/vds")
    assert "virtual dataset" in message and words.decode() not in message


# -- bounds ----------------------------------------------------------------------------------
def test_a_compression_bomb_is_413_and_a_slice_of_it_is_read(lab: Lab, files) -> None:
    assert (files / "bomb.h5").stat().st_size < 3 * hf.MiB
    for endpoint in ("data", "stats"):
        message = refused(lab, endpoint, "bomb.h5", 413, "too_large", path="/zeros", format="bin")
        assert "2,147,483,648 bytes" in message and "smaller slice" in message
    part = get(lab, "data", "bomb.h5", 200, path="/zeros", selection="0:1000", format="bin")
    assert np.frombuffer(part, "<f8").tolist() == [0.0] * 1000


def test_a_huge_attribute_is_413_the_others_are_read(lab: Lab, files) -> None:
    message = refused(lab, "attr", "attribute.h5", 413, "too_large", path="/")
    assert "attributes of /" in message
    assert lab.call(
        "GET", "h5grove/attr/", params={"file": DIR + "attribute.h5", "attr_keys": "small"}
    ) == {"small": 1}
    assert b'"name":"huge"' in get(lab, "meta", "attribute.h5", 200, path="/")
    refused(lab, "attr", "attribute.h5", 404, "not_found", path="/", attr_keys="nope")


@traits(preview_max_memory=8 * 64 * hf.MiB)  # each open file's process: 64 MiB more at most
def test_an_attribute_past_the_memory_bound_is_413(lab: Lab, files) -> None:
    message = refused(lab, "meta", "hugest.h5", 413, "too_large", path="/")
    assert "more memory than the preview may use" in message
    refused(lab, "attr", "hugest.h5", 413, "too_large", path="/")
    params = {"file": DIR + "hugest.h5", "attr_keys": "small"}
    assert lab.call("GET", "h5grove/attr/", params=params) == {"small": 1}  # the reader lives


def test_deeply_nested_groups(lab: Lab, files) -> None:
    deepest = "/" + "/".join(["g"] * hf.DEPTH)
    assert b'"kind":"group"' in get(lab, "meta", "deep.h5", 200, path=deepest)
    message = refused(lab, "paths", "deep.h5", 413, "too_large", path="/")
    assert "the answer is" in message


def test_a_group_of_a_million_members_is_413(lab: Lab, many) -> None:
    message = refused(lab, "meta", "many.h5", 413, "too_large", path="/many")
    assert "1,000,000 members" in message
    assert b'"name":"many"' in get(lab, "meta", "many.h5", 200, path="/")
    refused(lab, "paths", "many.h5", 413, "too_large", path="/")


def test_a_corrupt_superblock_is_415(lab: Lab, files) -> None:
    refused(lab, "meta", "corrupt.h5", 415, "not_hdf5", path="/")


def test_a_soft_link_to_itself_is_shown_as_a_link(lab: Lab, files) -> None:
    group = lab.call("GET", "h5grove/meta/", params={"file": DIR + "selflink.h5", "path": "/g"})
    kinds = {child["name"]: child["kind"] for child in group["children"]}
    assert kinds == {"loop": "soft_link", "values": "dataset"}
    refused(lab, "data", "selflink.h5", 404, "not_found", path="/g/loop/x")


# -- FITS ------------------------------------------------------------------------------------
def test_fits_gz_opens(lab: Lab, files) -> None:
    answer = lab.call("GET", "fits", params={"file": DIR + "small.fits.gz", "rows": "3"})
    assert answer["hdus"][1]["rows"] == [[0.0, "x"], [1.0, "x"], [2.0, "x"]]


def test_a_fits_gz_bomb_is_413(lab: Lab, files) -> None:
    assert (files / "bomb.fits.gz").stat().st_size < 3 * hf.MiB
    message = refused(lab, "fits", "bomb.fits.gz", 413, "too_large")
    assert "decompresses to more than 8,388,608 bytes" in message


def test_variable_length_columns_read_only_the_first_rows_arrays(
    lab: Lab, files, dev_service
) -> None:
    """`rows=1` of a table with a 16 MB heap reads its first array, not the heap."""
    httpx.post(dev_service.stats_url + "/reset").raise_for_status()
    answer = lab.call("GET", "fits", params={"file": DIR + "heap.fits", "rows": "1"})
    assert answer["hdus"][1]["rows"] == [["<4096 float32>"]]
    assert httpx.get(dev_service.stats_url).json()["bytes_sent"] <= 2 * BLOCK
    message = refused(lab, "fits", "heap.fits", 413, "too_large", rows="1000")
    assert "the arrays of the first 1000 rows" in message
    answer = lab.call("GET", "fits", params={"file": DIR + "smallheap.fits", "rows": "2"})
    assert answer["hdus"][1]["rows"] == [[[0.0] * 8], [[0.0] * 8]]


@pytest.mark.parametrize("name", sorted(hf.MALFORMED_FITS))
def test_malformed_fits_headers_are_415(lab: Lab, files, name: str) -> None:
    message = refused(lab, "fits", f"{name}.fits", 415, "not_fits")
    assert "malformed" in message


@pytest.mark.parametrize("rows", ["²", "①", "-1", "1e3"])
def test_fits_rows_must_be_a_plain_number(lab: Lab, files, rows: str) -> None:
    refused(lab, "fits", "small.fits.gz", 400, "bad_request", rows=rows)

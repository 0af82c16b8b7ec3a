"""The routing facts of the deployed download service (docs/protocol.md, "Routing"), pinned
against the local service so that a difference fails here first.

Each endpoint has exactly two routes, `<endpoint>` (the storage root) and `<endpoint>/<path>`
with a non-empty path. Requests are made without the library: httpx where the URL may be
normalised as every HTTP client does, `http.client` where a literal `..` must reach the server.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import RunningDevService, SampleTree
from tests.helpers import put_remote

DOTDOT_REFUSAL = "Error: path cannot contain '..'"


@pytest.fixture
def alice(dev_service: RunningDevService, sample_tree: SampleTree) -> Iterator[httpx.Client]:
    headers = dev_service.users["alice"].headers
    with httpx.Client(base_url=dev_service.downloadservice, headers=headers, timeout=30) as c:
        yield c


def raw_request(
    svc: RunningDevService, method: str, path: str, body: bytes | None = None
) -> tuple[int, str]:
    """A request whose path goes out byte for byte (no dot-segment removal)."""
    url = urlsplit(svc.downloadservice)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        headers = dict(svc.users["alice"].headers)
        connection.request(method, url.path + path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def test_the_storage_root_is_list_without_a_slash(alice: httpx.Client) -> None:
    for method in ("GET", "POST"):
        root = alice.request(method, "list")
        assert root.status_code == 200
        assert root.json()[0]["href"] == ""  # the listed root first
        assert {"lst/", "cta/"} <= {e["href"] for e in root.json()}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "list/"),
        ("POST", "list/"),
        ("GET", "fetch/"),
        ("POST", "upload/"),
        ("PROPFIND", "webdav/"),
    ],
)
def test_an_endpoint_with_a_slash_and_no_path_is_not_routed(
    dev_service: RunningDevService, method: str, path: str
) -> None:
    """404 before any token check, as for any URL no route matches."""
    status, body = raw_request(dev_service, method, path)
    assert status == 404 and "Not Found" in body
    anonymous = httpx.request(method, dev_service.downloadservice + path, timeout=30)
    assert anonymous.status_code == 404


def test_upload_without_a_path_is_an_internal_error(alice: httpx.Client) -> None:
    answer = alice.post("upload", content=b"x")
    assert answer.status_code == 500 and "Internal Server Error" in answer.text


def test_the_webdav_root_is_webdav_without_a_slash(alice: httpx.Client) -> None:
    answer = alice.request("PROPFIND", "webdav", headers={"Depth": "1"})
    assert answer.status_code == 207
    assert b"/services/downloadservice/webdav/lst/" in answer.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "list/lst/../cta/"),
        ("GET", "list/../lst/"),
        ("GET", "fetch/lst/DL1/../DL1/big.bin"),
        ("POST", "upload/a/../b.txt"),
        ("PROPFIND", "webdav/lst/../cta/"),
    ],
)
def test_a_literal_dotdot_is_refused(
    dev_service: RunningDevService, method: str, path: str
) -> None:
    status, body = raw_request(dev_service, method, path, b"x" if method == "POST" else None)
    assert (status, body) == (400, DOTDOT_REFUSAL)


def test_clients_resolve_dot_segments_before_the_request_leaves(
    dev_service: RunningDevService, alice: httpx.Client
) -> None:
    """What 0.6.0 relied on: a URL's dot segments are gone when the service sees the path."""
    listed = alice.get("list/lst/DL1/nested/../20241114/")
    assert listed.status_code == 200
    assert listed.json()[0]["href"] == "lst/DL1/20241114/"
    folder = f"lst/users/{dev_service.users['alice'].folder}/"
    put_remote(dev_service, folder + "example-files/.keep", b"")
    stored = alice.post("upload/example-files/example-file/../routed.txt", content=b"dots")
    assert stored.status_code == 200
    assert stored.json()["path"] == folder + "example-files/routed.txt"
    assert (dev_service.storage_dir / folder / "example-files/routed.txt").read_bytes() == b"dots"


def test_climbing_above_the_root_never_reaches_an_endpoint(alice: httpx.Client) -> None:
    # `list/../lst/` resolves to `<service>/lst/`: no such route.
    assert alice.get("list/../lst/").status_code == 404


def test_a_missing_parent_folder_is_a_409(dev_service: RunningDevService, alice: httpx.Client):
    answer = alice.post("upload/no-such-folder/f.txt", content=b"x")
    assert answer.status_code == 409 and answer.text.startswith("Error: 409 ")

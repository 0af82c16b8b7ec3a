"""The development service against docs/protocol.md: every endpoint and quirk, over real HTTP.

The service runs as a subprocess (conftest.py); requests are made with plain httpx, so that
these tests say what the wire carries, independently of the client library. Its pure functions
are tested in test_devservice_unit.py, its processes and memory in test_devservice_processes.py.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import socket
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import httpx
import pytest

from ctadata.devservice.certs import (
    issue_certificate,
    make_ca,
)
from tests.conftest import RunningDevService, SampleTree

JSON = {"Content-Type": "application/json"}


def client(svc: RunningDevService, role: str | None = "alice", base: str = "") -> httpx.Client:
    headers = svc.users[role].headers if role else {}
    return httpx.Client(base_url=base or svc.downloadservice, headers=headers, timeout=30)


@pytest.fixture
def alice(dev_service: RunningDevService, sample_tree: SampleTree) -> Iterator[httpx.Client]:
    with client(dev_service) as c:
        yield c


def alice_dir(svc: RunningDevService) -> Path:
    return svc.storage_dir / "lst" / "users" / svc.users["alice"].folder


# -- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "expired", "bad"])
def test_unauthenticated_json_request_gets_401(dev_service: RunningDevService, role: str) -> None:
    headers = {**JSON}
    if role == "bad":
        headers["Authorization"] = "Bearer not-a-token"
    elif role:
        headers.update(dev_service.users[role].headers)
    for url in (
        dev_service.downloadservice + "list/lst/",
        dev_service.certificateservice + "certificate",
    ):
        r = httpx.post(url, headers=headers)
        assert r.status_code == 401
        assert r.json() == {"message": "Invalid or missing Bearer token"}


@pytest.mark.parametrize("role", [None, "expired"])
def test_unauthenticated_other_request_is_redirected_to_login(
    dev_service: RunningDevService, role: str | None
) -> None:
    with client(dev_service, role) as c:
        r = c.get("list/lst/DL1/")
    assert r.status_code == 302
    location = urlsplit(r.headers["Location"])
    assert location.path == "/hub/login"
    assert location.query == "next=" + quote("/services/downloadservice/list/lst/DL1/", safe="")
    login = httpx.get(dev_service.hub_url + "login?" + location.query)
    assert login.status_code == 200 and "<form" in login.text


# The deployed services' words (shared/PROTOCOL.md), also checked against a real hub.
SCOPE_REFUSED = (
    "Access denied, token scopes are insufficient. If you need access to this service, "
    "please contact CTA-CH DC team at EPFL."
)


def test_missing_scope_gets_403_text(dev_service: RunningDevService) -> None:
    with client(dev_service, "noscope") as c:
        r = c.get("list/lst/", headers=JSON)
        assert r.status_code == 403
        assert r.text == SCOPE_REFUSED and r.headers["Content-Type"].startswith("text/")
    r = httpx.post(
        dev_service.certificateservice + "certificate",
        headers=dev_service.users["noscope"].headers,
        json={},
    )
    assert r.status_code == 403 and r.text == SCOPE_REFUSED


def test_token_in_query_and_cookie_are_accepted(dev_service: RunningDevService) -> None:
    token = dev_service.users["alice"].token
    url = dev_service.downloadservice + "list/lst/"
    assert httpx.get(url, params={"token": token}).status_code == 200
    login = httpx.post(dev_service.hub_url + "login", data={"token": token, "next": "/x"})
    assert login.status_code == 302 and login.headers["Location"] == "/x"
    assert httpx.get(url, cookies=login.cookies).status_code == 200
    refused = httpx.post(dev_service.hub_url + "login", data={"token": "nope"})
    assert refused.status_code == 403 and not refused.cookies


def test_hub_api_user(dev_service: RunningDevService) -> None:
    url = dev_service.hub_url + "api/user"
    r = httpx.get(url, headers=dev_service.users["alice"].headers)
    assert r.status_code == 200 and r.json()["name"] == "Alice.Smith01"
    assert (
        httpx.get(url, headers={"Authorization": "token " + dev_service.token}).status_code == 200
    )
    for headers in ({}, dev_service.users["expired"].headers, {"Authorization": "Bearer x"}):
        r = httpx.get(url, headers=headers)
        assert r.status_code == 403 and r.json()["status"] == 403


# -- health -----------------------------------------------------------------------------------


def test_health_and_storage_status(dev_service: RunningDevService) -> None:
    r = httpx.get(dev_service.downloadservice + "health")
    assert (r.status_code, r.text) == (200, "OK - DownloadService is up and running")
    assert httpx.get(dev_service.downloadservice + "storage-status").status_code == 200
    assert httpx.get(dev_service.certificateservice + "health").status_code == 200


# -- list -------------------------------------------------------------------------------------


def test_list_shape(alice: httpx.Client, dev_service: RunningDevService) -> None:
    for method in ("GET", "POST"):
        r = alice.request(method, "list/lst/DL1/20241114")
        assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
        entries = r.json()
        assert entries[0]["href"] == "lst/DL1/20241114/"
        assert entries[0]["type"] == "directory" and "size" not in entries[0]
        names = {unquote(e["href"]): e for e in entries[1:]}
        assert set(names) == {
            p for p in alice_sample_files(dev_service) if p.startswith("lst/DL1/20241114/")
        }
        for entry in entries:
            assert not entry["href"].startswith("/")
            assert entry["url"] == dev_service.downloadservice + "list/" + entry["href"]
            assert email.utils.parsedate_to_datetime(entry["mtime"]).tzinfo is not None
        for path, entry in names.items():
            assert entry["type"] == "file"
            assert entry["size"].isdigit()
            assert int(entry["size"]) == (dev_service.storage_dir / path).stat().st_size
    nested = alice.get("list/lst/DL1/nested/").json()
    assert [(e["href"], e["type"]) for e in nested] == [
        ("lst/DL1/nested/", "directory"),
        ("lst/DL1/nested/a/", "directory"),
    ]


def alice_sample_files(svc: RunningDevService) -> set[str]:
    root = svc.storage_dir
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_list_hrefs_keep_the_storage_encoding(alice: httpx.Client) -> None:
    hrefs = [e["href"] for e in alice.get("list/lst/DL1/20241114/").json()]
    assert "lst/DL1/20241114/with%20space.txt" in hrefs
    assert "lst/DL1/20241114/hash%23name.txt" in hrefs
    assert "lst/DL1/20241114/what%3F.txt" in hrefs
    assert "lst/DL1/20241114/100%2525%20sure.txt" in hrefs


def test_list_of_a_file_gives_the_file(alice: httpx.Client) -> None:
    entries = alice.get("list/" + quote("lst/DL1/20241114/with space.txt")).json()
    assert len(entries) == 1
    assert entries[0]["type"] == "file" and entries[0]["size"] == "20"
    empty = alice.get("list/lst/DL1/20241114/empty.dat").json()
    assert empty[0]["size"] == "0"


def test_list_of_the_storage_root(alice: httpx.Client) -> None:
    entries = alice.get("list").json()
    # As in production: the root's own href is what is left of the base path, "".
    assert entries[0]["href"] == ""
    assert {"lst/", "cta/"} <= {e["href"] for e in entries[1:]}


def test_list_errors(alice: httpx.Client) -> None:
    r = alice.get("list/lst/DL1/missing/")
    assert r.status_code == 404 and r.text.startswith("Error: 404 <")
    r = alice.get("list/arc/data/")  # alice may not read the arc area
    assert r.status_code == 403 and r.text.startswith("Error: 403 ")
    assert alice.get("list/lst/%2E%2E/cta/").status_code == 400


# -- fetch ------------------------------------------------------------------------------------


def test_fetch_streams_the_file(alice: httpx.Client, sample_tree: SampleTree) -> None:
    for path in (
        "lst/DL1/big.bin",
        "lst/DL1/20241114/\u00fcn\u00efc\u00f6d\u00e9 \u65e5\u672c.txt",
    ):
        r = alice.get("fetch/" + quote(path))
        assert r.status_code == 200
        assert r.content == sample_tree.files[path]
        assert r.headers["Content-Type"] == "application/octet-stream"
        assert "Content-Length" not in r.headers
        assert r.headers["Transfer-Encoding"] == "chunked"
    r = alice.post("fetch/lst/DL1/big.bin")
    assert r.headers["Content-Disposition"] == "attachment; filename=big.bin"
    assert r.content == sample_tree.files["lst/DL1/big.bin"]


def test_fetch_of_an_empty_file(alice: httpx.Client) -> None:
    r = alice.get("fetch/lst/DL1/20241114/empty.dat")
    assert r.status_code == 200 and r.content == b"" and "Content-Length" not in r.headers


def test_fetch_ignores_range(alice: httpx.Client, sample_tree: SampleTree) -> None:
    r = alice.get("fetch/lst/DL1/big.bin", headers={"Range": "bytes=0-99"})
    assert r.status_code == 200
    assert r.content == sample_tree.files["lst/DL1/big.bin"]


def test_fetch_quirk_missing_file_is_200_with_the_error_page(alice: httpx.Client) -> None:
    r = alice.get("fetch/lst/DL1/no-such-file.h5")
    assert r.status_code == 200
    assert b"404 Not Found" in r.content
    forbidden = alice.get("fetch/arc/data/arc.txt")
    assert forbidden.status_code == 200 and b"403 Forbidden" in forbidden.content


def test_fetch_refuses_dotdot(dev_service: RunningDevService, alice: httpx.Client) -> None:
    assert alice.get("fetch/lst/%2E%2E/arc/data/arc.txt").status_code == 400
    assert alice.get("fetch/lst/DL1/a..b").status_code == 400  # any "..", as in production
    # Also a literal "..", which httpx would normalise away: send it as written.
    url = urlsplit(dev_service.downloadservice)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", url.path + "fetch/lst/../arc/data/arc.txt", headers=alice.headers)
    assert conn.getresponse().status == 400
    conn.close()


def chunk_sizes(svc: RunningDevService, path: str) -> list[int]:
    """The sizes of the chunks of a chunked response, read off the socket."""
    url = urlsplit(svc.downloadservice)
    token = svc.users["alice"].token
    request = (
        f"GET {url.path}{path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request.encode())
        raw = b"".join(iter(lambda: sock.recv(65536), b""))
    body = raw.split(b"\r\n\r\n", 1)[1]
    sizes = []
    while True:
        line, body = body.split(b"\r\n", 1)
        size = int(line, 16)
        if size == 0:
            return sizes
        sizes.append(size)
        body = body[size + 2 :]


def test_fetch_chunk_size(dev_service: RunningDevService, sample_tree: SampleTree) -> None:
    sizes = chunk_sizes(dev_service, "fetch/lst/DL1/big.bin?chunk_size=100000")
    assert sum(sizes) == 1 << 20
    assert sizes[:-1] == [100000] * (len(sizes) - 1)


# -- upload -----------------------------------------------------------------------------------


def test_upload_goes_to_the_user_folder(
    alice: httpx.Client, dev_service: RunningDevService
) -> None:
    assert dev_service.users["alice"].folder == "alice_smith01"
    r = alice.post("upload/hello.txt", content=b"hello")
    assert r.status_code == 200
    assert r.json() == {
        "status": "uploaded",
        "path": "lst/users/alice_smith01/hello.txt",
        "total_written": 5,
    }
    assert (alice_dir(dev_service) / "hello.txt").read_bytes() == b"hello"


def test_upload_streamed_without_length_and_overwrite(
    alice: httpx.Client, dev_service: RunningDevService
) -> None:
    pieces = [bytes([i]) * 100_000 for i in range(30)]
    r = alice.post("upload/streamed.bin", params={"chunk_size": 65536}, content=iter(pieces))
    assert r.status_code == 200 and r.json()["total_written"] == 3_000_000
    assert (alice_dir(dev_service) / "streamed.bin").read_bytes() == b"".join(pieces)
    again = alice.post("upload/streamed.bin", content=b"shorter")
    assert again.status_code == 200
    assert (alice_dir(dev_service) / "streamed.bin").read_bytes() == b"shorter"


def test_upload_of_an_empty_file(alice: httpx.Client, dev_service: RunningDevService) -> None:
    r = alice.post("upload/empty.txt", content=b"")
    assert r.status_code == 200 and r.json()["total_written"] == 0
    assert (alice_dir(dev_service) / "empty.txt").read_bytes() == b""


def test_upload_into_missing_directory_is_409_until_made(
    alice: httpx.Client, dev_service: RunningDevService
) -> None:
    r = alice.post("upload/new-dir/sub/data.bin", content=b"x" * 1000)
    assert r.status_code == 409
    assert r.text.startswith("Error: 409 <")
    assert not (alice_dir(dev_service) / "new-dir").exists()
    for folder in ("new-dir/", "new-dir/sub/"):
        made = alice.request("MKCOL", "webdav/lst/users/alice_smith01/" + folder)
        assert made.status_code == 201
    r = alice.post("upload/new-dir/sub/data.bin", content=b"x" * 1000)
    assert (
        r.status_code == 200 and r.json()["path"] == "lst/users/alice_smith01/new-dir/sub/data.bin"
    )


def test_upload_refusals(dev_service: RunningDevService, alice: httpx.Client) -> None:
    assert alice.post("upload/a/%2E%2E/b.txt", content=b"x").status_code == 400
    with client(dev_service, "nofolder") as c:
        assert c.post("upload/x.txt", content=b"x").status_code == 403


def test_upload_cut_off_leaves_no_file(dev_service: RunningDevService, alice: httpx.Client) -> None:
    url = urlsplit(dev_service.downloadservice)
    token = dev_service.users["alice"].token
    head = (
        f"POST {url.path}upload/cut.bin HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: 10000000\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode() + b"x" * 2_000_000)
        time.sleep(0.3)
    target = alice_dir(dev_service) / "cut.bin"
    deadline = time.monotonic() + 10
    while target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not target.exists()


# -- webdav pass-through ----------------------------------------------------------------------


def test_webdav_propfind_hrefs_are_rewritten(alice: httpx.Client) -> None:
    r = alice.request("PROPFIND", "webdav/lst/DL1/", headers={"Depth": "1"})
    assert r.status_code == 207
    assert b"/pnfs/" not in r.content
    assert "<ns0:href>/services/downloadservice/webdav/lst/DL1/</ns0:href>" in r.text
    assert "/services/downloadservice/webdav/lst/DL1/nested/" in r.text


def test_webdav_range_head_and_digest(alice: httpx.Client, sample_tree: SampleTree) -> None:
    content = sample_tree.files["lst/DL1/big.bin"]
    r = alice.get("webdav/lst/DL1/big.bin", headers={"Range": "bytes=1000-1999"})
    assert r.status_code == 206
    assert r.content == content[1000:2000]
    assert r.headers["Content-Range"] == f"bytes 1000-1999/{len(content)}"
    head = alice.head("webdav/lst/DL1/big.bin", headers={"Want-Digest": "adler32"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(content))
    assert head.headers["Accept-Ranges"] == "bytes" and "ETag" in head.headers
    assert head.headers["Digest"] == f"adler32={zlib.adler32(content):08x}"
    full = alice.get("webdav/" + quote("lst/DL1/20241114/hash#name.txt"))
    assert full.status_code == 200 and full.content == b"hash\n"


def test_webdav_writes_only_in_own_folder(
    alice: httpx.Client, dev_service: RunningDevService
) -> None:
    own = "webdav/lst/users/alice_smith01/"
    alice.post("upload/seed.txt", content=b"seed")  # makes the user folder
    assert alice.request("MKCOL", own + "dav-dir/").status_code == 201
    put = alice.put(own + "dav-dir/f.txt", content=b"via webdav")
    assert put.status_code == 201
    assert (alice_dir(dev_service) / "dav-dir/f.txt").read_bytes() == b"via webdav"
    proppatch = (
        b'<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:x">'
        b"<D:set><D:prop><Z:note>hi</Z:note></D:prop></D:set></D:propertyupdate>"
    )
    assert alice.request("PROPPATCH", own + "dav-dir/f.txt", content=proppatch).status_code == 207
    for method, path in [
        ("MKCOL", "webdav/lst/DL1/new/"),
        ("PUT", "webdav/lst/DL1/x.txt"),
        ("PROPPATCH", "webdav/lst/DL1/big.bin"),
        ("PUT", "webdav/lst/users/someone_else/x.txt"),
    ]:
        r = alice.request(method, path, content=b"x")
        assert r.status_code == 403, (method, path)
    assert not (dev_service.storage_dir / "lst/DL1/x.txt").exists()


def test_webdav_refusals(alice: httpx.Client) -> None:
    for method in ("DELETE", "MOVE", "COPY", "LOCK"):
        r = alice.request(method, "webdav/lst/users/alice_smith01/seed.txt")
        assert r.status_code == 405, method
    assert alice.get("webdav/arc/data/arc.txt").status_code == 403
    assert alice.get("webdav/lst/%2E%2E/arc/data/arc.txt").status_code == 400
    assert alice.request("PROPFIND", "webdav/arc/", headers={"Depth": "1"}).status_code == 403
    allow = alice.options("webdav/lst/").headers["Allow"]
    assert "DELETE" not in allow and "PROPFIND" in allow


# -- certificate service ----------------------------------------------------------------------


def post_certificate(svc: RunningDevService, role: str, **body: object) -> httpx.Response:
    body.setdefault("certificate_key", "lst")
    body.setdefault("user", None)
    url = svc.certificateservice + "certificate"
    return httpx.post(url, headers=svc.users[role].headers, json=body)


def test_certificate_accepted_and_stored(dev_service: RunningDevService) -> None:
    pem = issue_certificate(dev_service.ca_cert.parent, days=3)
    r = post_certificate(dev_service, "alice", certificate=pem)
    assert r.status_code == 200
    assert r.json()["message"] == "Certificate stored"
    validity = email.utils.parsedate_to_datetime(r.json()["validity"])
    assert dt.timedelta(days=2) < validity - dt.datetime.now(dt.timezone.utc) < dt.timedelta(days=3)
    stored = dev_service.state_dir / "certificates" / "alice_smith01" / "lst.pem"
    assert stored.read_text() == pem


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"days": 1, "not_before_offset": dt.timedelta(days=-2)}, "expired"),
        ({"days": 10}, "too long"),
        ({"not_before_offset": dt.timedelta(hours=1)}, "not yet valid"),
    ],
)
def test_certificate_refused(dev_service: RunningDevService, kwargs: dict, reason: str) -> None:
    pem = issue_certificate(dev_service.ca_cert.parent, **kwargs)
    r = post_certificate(dev_service, "alice", certificate=pem)
    assert r.status_code == 400 and reason in r.text


def test_certificate_of_another_ca_or_bad_input_refused(
    dev_service: RunningDevService, tmp_path: Path
) -> None:
    other = make_ca(tmp_path / "other-ca")
    r = post_certificate(dev_service, "alice", certificate=issue_certificate(other.parent))
    assert r.status_code == 400 and "chain" in r.text
    good = issue_certificate(dev_service.ca_cert.parent)
    bad_key = post_certificate(dev_service, "alice", certificate=good, certificate_key="xyz")
    assert bad_key.status_code == 400
    assert post_certificate(dev_service, "alice", certificate="garbage").status_code == 400


def test_certificate_for_another_user_is_for_admins(dev_service: RunningDevService) -> None:
    pem = issue_certificate(dev_service.ca_cert.parent)
    r = post_certificate(dev_service, "alice", certificate=pem, user="Ed Expired")
    assert r.status_code == 403
    r = post_certificate(dev_service, "admin", certificate=pem, user="Ed Expired")
    assert r.status_code == 200
    assert (dev_service.state_dir / "certificates" / "ed_expired" / "lst.pem").is_file()


def test_main_certificate_is_for_admins(dev_service: RunningDevService) -> None:
    pem = issue_certificate(dev_service.ca_cert.parent)
    url = dev_service.certificateservice + "main-certificate"
    r = httpx.post(url, headers=dev_service.users["alice"].headers, json={"certificate": pem})
    assert r.status_code == 401
    r = httpx.post(url, headers=dev_service.users["admin"].headers, json={"certificate": pem})
    assert r.status_code == 200
    assert r.json() == {"message": "Shared certificate stored", "certificateUploaded": True}


# -- the storage ------------------------------------------------------------------------------


def test_storage_counts_bytes_sent(dev_service: RunningDevService, alice: httpx.Client) -> None:
    reset = httpx.post(dev_service.stats_url + "/reset").json()
    assert reset == {"bytes_sent": 0, "requests": 0, "methods": {}}
    alice.get("webdav/lst/DL1/big.bin", headers={"Range": "bytes=0-99"})
    stats = httpx.get(dev_service.stats_url).json()
    assert stats == {"bytes_sent": 100, "requests": 1, "methods": {"GET": 1}}
    alice.get("fetch/lst/DL1/big.bin")
    alice.get("list/lst/DL1/big.bin")
    alice.head("webdav/lst/DL1/big.bin", headers={"Want-Digest": "adler32"})
    stats = httpx.get(dev_service.stats_url).json()
    assert stats["bytes_sent"] == 100 + (1 << 20) and stats["requests"] == 2
    assert stats["methods"] == {"GET": 2, "PROPFIND": 1, "HEAD": 1}


def test_storage_is_plain_webdav(dev_service: RunningDevService, sample_tree: SampleTree) -> None:
    base = dev_service.storage_url
    assert base.endswith("/pnfs/cta.cscs.ch/")
    assert httpx.get(base + "cta/DL3/readme.txt").content == b"cta data\n"
    assert httpx.put(base + "cta/DL3/tmp.txt", content=b"t").status_code == 201
    moved = httpx.request(
        "MOVE", base + "cta/DL3/tmp.txt", headers={"Destination": base + "cta/DL3/t2.txt"}
    )
    assert moved.status_code == 201
    assert httpx.delete(base + "cta/DL3/t2.txt").status_code == 204


def test_webdav_mkcol_at_once_makes_one_folder(alice: httpx.Client) -> None:
    """As dCache: of MKCOLs of one folder at the same moment, one makes it (201) and the others
    find it made (405), never a 500 (two browser uploads into a new folder do this)."""
    alice.post("upload/seed.txt", content=b"seed")  # makes the user folder
    own = "webdav/lst/users/alice_smith01/"
    with ThreadPoolExecutor(8) as pool:
        for attempt in range(20):
            folders = [f"{own}race-{attempt}/"] * 8
            answers = pool.map(lambda folder: alice.request("MKCOL", folder), folders)
            statuses = sorted(r.status_code for r in answers)
            assert statuses == [201] + [405] * 7, statuses

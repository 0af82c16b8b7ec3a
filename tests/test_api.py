"""The library against the local service over a real WebDAV storage."""

from __future__ import annotations

import hashlib
import os
import ssl
import threading
import zlib
from pathlib import Path

import pytest

import ctadata
from ctadata import (
    APIClient,
    AuthenticationError,
    Cancelled,
    InvalidPath,
    NoServiceAccess,
    NotFound,
    PermissionDenied,
    StorageException,
    TransferError,
)
from ctadata.entry import Entry
from ctadata.protocol import SMALL_FILE
from ctadata.transfer.local import LocalPath
from ctadata.transfer.progress import Meter
from tests.helpers import client_for, put_remote, temp_files, token_of

WEIRD_NAMES = ["with space.h5", "ünïcødé-ß.h5", "hash#1.h5", "per%25cent.h5", "what?.h5"]


@pytest.fixture
def tree(dev_service, request) -> str:
    """A fresh remote tree per test: `lst/t/<test name>/...`."""
    base = f"lst/t/{request.node.name}"
    put_remote(dev_service, f"{base}/a.bin", os.urandom(100_000))
    put_remote(dev_service, f"{base}/empty.bin", b"")
    put_remote(dev_service, f"{base}/sub/b.bin", os.urandom(3_000))
    put_remote(dev_service, f"{base}/sub/deeper/c.bin", os.urandom(70_000))
    for name in WEIRD_NAMES:
        put_remote(dev_service, f"{base}/weird/{name}", name.encode())
    return base


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_list_dir_keeps_the_service_shape(client, tree) -> None:
    listing = client.list_dir(tree + "/")
    assert listing[0]["href"] == tree + "/" and listing[0]["type"] == "directory"
    files = {e["href"]: e for e in listing[1:]}
    assert files[f"{tree}/a.bin"]["size"] == "100000"
    assert files[f"{tree}/sub/"]["type"] == "directory"


def test_an_http_service_costs_no_tls_context(client, tree, monkeypatch) -> None:
    """Making a TLS context loads the CA bundle (most of a client's set-up time): a client of
    an http service never makes one."""
    made = []
    real = ssl.create_default_context

    def counted(*args, **kwargs) -> ssl.SSLContext:
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counted)
    assert client.downloadservice.startswith("http://")
    assert client.list_dir(tree)[0]["href"] == f"{tree}/"
    assert made == []


def test_entries_and_stat(client, tree) -> None:
    names = {e.name for e in client.entries(tree)}
    assert names == {"a.bin", "empty.bin", "sub", "weird"}
    entry = client.stat(f"{tree}/a.bin")
    assert (entry.size, entry.is_dir, entry.mtime is not None) == (100_000, False, True)
    assert client.entries(f"{tree}/a.bin") == [entry]


def test_missing_path_is_not_found_and_named(client) -> None:
    with pytest.raises(NotFound, match="lst/no/such/dir"):
        client.list_dir("lst/no/such/dir/")


def test_dotdot_is_refused_before_any_call(dev_service) -> None:
    # No token and an unreachable service: only a check made before any call can answer.
    api = APIClient(token="unused", downloadservice="http://127.0.0.1:9/")
    for call in (api.list_dir, api.fetch_and_save_file):
        for path in ("../etc/passwd", "lst/../../etc/passwd"):
            with pytest.raises(InvalidPath, match="climbs above the storage root") as refused:
                call(path)
            assert repr(path) in str(refused.value)


def test_fetch_file_default_name_in_cwd(client, tree, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert client.fetch_and_save_file(f"{tree}/a.bin") == 100_000
    assert (tmp_path / "a.bin").stat().st_size == 100_000
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("name", WEIRD_NAMES)
def test_fetch_names_that_need_quoting(client, tree, tmp_path, name) -> None:
    target = tmp_path / "x"
    client.fetch_and_save_file(f"{tree}/weird/{name}", target)
    assert target.read_bytes() == name.encode()


def test_zero_byte_file(client, tree, tmp_path) -> None:
    assert client.fetch_and_save_file(f"{tree}/empty.bin", tmp_path / "e") == 0
    assert (tmp_path / "e").read_bytes() == b""


def test_missing_file_leaves_nothing(client, tmp_path) -> None:
    with pytest.raises(NotFound):
        client.fetch_and_save_file("lst/t/missing.h5", tmp_path / "m.h5")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("size", "error"),
    [
        (SMALL_FILE + 1, TransferError),  # `fetch/`'s quirk: 200 and an error page
        (SMALL_FILE, NotFound),  # a small file comes through `webdav/`, which says 404
    ],
)
def test_error_page_instead_of_file_is_caught(client, tmp_path, size: int, error: type) -> None:
    """A file that vanished after `list` fails its download, named, and leaves nothing."""
    meter = Meter("x", bar=False)
    ghost = Entry("lst/t/vanished.h5", "file", size, None)
    with pytest.raises(error, match=r"vanished\.h5"):
        client._download_one(ghost, LocalPath.of(tmp_path / "v.h5"), meter, False)
    assert list(tmp_path.iterdir()) == []


def test_short_body_is_caught(client, tree, tmp_path) -> None:
    """A listing that promised more bytes than came: no file under the target name."""
    lying = Entry(f"{tree}/a.bin", "file", 100_001, None)
    with pytest.raises(TransferError, match="100000 of 100001"):
        client._download_one(lying, LocalPath.of(tmp_path / "a.bin"), Meter("x", bar=False), False)
    assert list(tmp_path.iterdir()) == []


def test_directory_needs_recursive(client, tree, tmp_path) -> None:
    with pytest.raises(InvalidPath, match="recursive"):
        client.fetch_and_save_file(tree, tmp_path / "d")


def test_recursive_download_mirrors_the_tree(client, dev_service, tree, tmp_path) -> None:
    summary = client.fetch_and_save_file_or_dir(tree + "/", recursive=True, to=tmp_path)
    local = tmp_path / tree
    remote = dev_service.storage_dir / tree
    expected = sorted(p.relative_to(remote) for p in remote.rglob("*") if p.is_file())
    assert sorted(p.relative_to(local) for p in local.rglob("*") if p.is_file()) == expected
    for rel in expected:
        assert sha(local / rel) == sha(remote / rel)
    assert (summary.files, summary.skipped, summary.failed) == (len(expected), 0, [])
    assert summary.bytes == sum((remote / rel).stat().st_size for rel in expected)


def test_recursive_download_skips_unchanged_and_overwrites_on_request(client, tree, tmp_path):
    client.download_dir(tree, tmp_path)
    (tmp_path / "a.bin").write_bytes(b"changed size")
    (tmp_path / "empty.bin").unlink()
    again = client.download_dir(tree, tmp_path)
    assert (again.files, again.skipped, len(again.conflicts)) == (1, len(WEIRD_NAMES) + 2, 1)
    assert (tmp_path / "a.bin").read_bytes() == b"changed size"  # a conflict: kept
    forced = client.download_dir(tree, tmp_path, overwrite=True)
    assert (forced.files, forced.skipped) == (len(WEIRD_NAMES) + 4, 0)


def test_progress_callback_and_cancel(client, dev_service, tmp_path) -> None:
    put_remote(dev_service, "lst/t/cancel/big.bin", os.urandom(30_000_000))
    cancel = threading.Event()
    seen = []

    def progress(p: ctadata.Progress) -> None:
        seen.append(p.bytes_done)
        if p.bytes_done > 5_000_000:
            cancel.set()

    with pytest.raises(Cancelled):
        client.fetch_and_save_file(
            "lst/t/cancel/big.bin", tmp_path / "big.bin", progress=progress, cancel=cancel
        )
    assert seen and seen == sorted(seen)
    assert list(tmp_path.iterdir()) == []


def test_upload_file_into_user_folder(client, dev_service, tmp_path) -> None:
    source = tmp_path / "latest.txt"
    source.write_bytes(os.urandom(123_456))
    answer = client.upload_file(source, "")
    folder = client.upload_folder()
    assert folder == "lst/users/alice_smith01/"
    assert answer == {"status": "uploaded", "path": folder + "latest.txt", "total_written": 123_456}
    assert answer.adler32 == f"{zlib.adler32(source.read_bytes()):08x}" and answer.verified
    assert (dev_service.storage_dir / folder / "latest.txt").read_bytes() == source.read_bytes()


@pytest.fixture
def no_hub(monkeypatch) -> None:
    """Outside a hub-spawned server: nothing tells the user's name."""
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_URL", raising=False)


def test_upload_missing_parent_without_a_hub_is_a_clear_error(client, tmp_path, no_hub) -> None:
    source = tmp_path / "f.txt"
    source.write_text("x")
    with pytest.raises(NotFound) as caught:
        client.upload_file(source, "no/such/parent/")
    message = str(caught.value)
    assert "the folder 'no/such/parent/' does not exist" in message
    assert "JUPYTERHUB_USER" in message and "mkdir(" in message
    assert isinstance(caught.value, StorageException) and caught.value.status == 409


@pytest.mark.parametrize("source", ["JUPYTERHUB_USER", "JUPYTERHUB_API_URL", "earlier upload"])
def test_upload_dir_creates_parents_and_keeps_the_tree(
    client, dev_service, tmp_path, no_hub, monkeypatch, source
) -> None:
    """Missing folders are made once the service reports them (409), from any source of the
    user folder: the hub user, the hub's API, or the answer to an earlier upload."""
    alice = dev_service.users["alice"]
    if source == "JUPYTERHUB_USER":
        monkeypatch.setenv("JUPYTERHUB_USER", alice.name)
    elif source == "JUPYTERHUB_API_URL":
        monkeypatch.setenv("JUPYTERHUB_API_URL", dev_service.hub_url.rstrip("/") + "/api")
    else:
        (tmp_path / "first.txt").write_text("first")
        answer = client.upload_file(tmp_path / "first.txt", "")
        assert answer["path"] == f"lst/users/{alice.folder}/first.txt"
    local = tmp_path / "results"
    for rel in ("a.txt", "x/b.txt", "x/y/z/c.txt", "ü n/d.txt"):
        (local / rel).parent.mkdir(parents=True, exist_ok=True)
        (local / rel).write_bytes(os.urandom(5000))
    (local / "empty").mkdir()
    remote = f"runs/{source.replace(' ', '-')}/"
    summary = client.upload_dir(local, remote)
    assert (summary.files, summary.failed) == (4, [])
    stored = dev_service.storage_dir / f"lst/users/{alice.folder}" / remote
    for rel in ("a.txt", "x/b.txt", "x/y/z/c.txt", "ü n/d.txt"):
        assert (stored / rel).read_bytes() == (local / rel).read_bytes()
    assert (stored / "empty").is_dir()


def test_upload_missing_local_file(client, tmp_path) -> None:
    with pytest.raises(InvalidPath, match="not a file"):
        client.upload_file(tmp_path / "nope.txt", "x/")


@pytest.mark.parametrize("role", ["bad", "expired"])
def test_refused_tokens(dev_service, role) -> None:
    token = token_of(dev_service, role)
    with client_for(dev_service, role) as api, pytest.raises(AuthenticationError) as caught:
        api.list_dir("lst/")
    assert token not in str(caught.value)
    assert "not authenticated" in str(caught.value)


def test_missing_scope_is_no_service_access(dev_service) -> None:
    """A token without the service's scope may do nothing there; a 403 about one path (an area
    the user may not read) is a plain PermissionDenied."""
    with client_for(dev_service, "noscope") as api, pytest.raises(NoServiceAccess):
        api.list_dir("lst/")
    with client_for(dev_service, "alice") as api, pytest.raises(PermissionDenied) as refused:
        api.list_dir("arc/data/")
    assert not isinstance(refused.value, NoServiceAccess), refused.value


def test_no_token_at_all(dev_service, monkeypatch) -> None:
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    api = APIClient(downloadservice=dev_service.downloadservice)
    with pytest.raises(AuthenticationError, match="JUPYTERHUB_API_TOKEN"):
        api.list_dir("lst/")


def test_module_functions_take_per_call_keywords(dev_service, tree, tmp_path) -> None:
    token = token_of(dev_service, "alice")
    listing = ctadata.list_dir(tree, token=token, downloadservice=dev_service.downloadservice)
    assert listing[0]["href"] == tree + "/"
    written = ctadata.fetch_and_save_file(
        f"{tree}/a.bin",
        tmp_path / "a",
        token=token,
        downloadservice=dev_service.downloadservice,
        chunk_size=4096,
    )
    assert written == 100_000


def test_class_attribute_sets_the_default(dev_service, tree, monkeypatch) -> None:
    monkeypatch.setattr(APIClient, "downloadservice", dev_service.downloadservice)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", token_of(dev_service, "alice"))
    assert ctadata.list_dir(tree)[0]["href"] == tree + "/"


def test_unreachable_service(tmp_path) -> None:
    api = APIClient(token="t", downloadservice="http://127.0.0.1:9/services/downloadservice/")
    with pytest.raises(ctadata.ServiceUnreachable, match=r"127\.0\.0\.1"):
        api.list_dir("lst/")


def test_webdav4_client_lists_through_the_pass_through(client, tree) -> None:
    names = {Path(item["name"]).name for item in client.webdav4_client().ls(tree, detail=True)}
    assert {"a.bin", "sub", "weird"} <= names

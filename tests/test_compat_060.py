"""Code written for ctadata 0.6.0, run unchanged against the local service, which routes and
answers as the deployed one does (docs/protocol.md): outside a hub (no JUPYTERHUB_USER, no hub
API), the service and the token set the 0.6.0 way."""

from __future__ import annotations

from pathlib import Path

import pytest

import ctadata
import ctadata.api
from tests.conftest import RunningDevService, SampleTree


@pytest.fixture
def user_folder(
    dev_service: RunningDevService,
    sample_tree: SampleTree,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Path:
    """The storage folder of this user, with an `example-files/tmpdir/` made earlier."""
    monkeypatch.setattr(ctadata.APIClient, "downloadservice", dev_service.downloadservice)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", dev_service.users["alice"].token)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    folder = dev_service.storage_dir / "lst/users" / dev_service.users["alice"].folder
    (folder / "example-files/tmpdir").mkdir(parents=True, exist_ok=True)
    return folder


def test_the_storage_root_and_directories_list(user_folder: Path) -> None:
    root = ctadata.list_dir("")
    assert root[0]["href"] == ""
    assert {"lst/", "cta/"} <= {entry["href"] for entry in root}
    listing = ctadata.api.list_dir("lst/DL1/")
    assert listing[0]["href"] == "lst/DL1/" and listing[0]["type"] == "directory"


def test_fetch_and_save_file_with_chunk_size_and_save_to_fn(
    user_folder: Path, sample_tree: SampleTree
) -> None:
    written = ctadata.fetch_and_save_file(
        "lst/DL1/20241114/run1.h5", chunk_size=1000, save_to_fn="copy.h5"
    )
    assert written == 3000
    assert Path("copy.h5").read_bytes() == sample_tree.files["lst/DL1/20241114/run1.h5"]


def test_uploads_without_any_hub(user_folder: Path, dev_service: RunningDevService) -> None:
    Path("example-file.txt").write_text("0.6.0")
    stored = f"lst/users/{user_folder.name}/example-files/example-file.txt"
    assert ctadata.upload_file("example-file.txt", "example-files/")["path"] == stored
    # Dot segments go as a URL resolves them: into example-files/, with the local name.
    again = ctadata.upload_file("example-file.txt", "example-files/example-file/../")
    assert again == {"status": "uploaded", "path": stored, "total_written": 5}
    renamed = ctadata.upload_file("example-file.txt", "example-files/./x/../renamed.txt")
    assert renamed["path"].endswith("/example-files/renamed.txt")
    assert (user_folder / "example-files/renamed.txt").read_text() == "0.6.0"

    # Into the existing folder; its new subfolder is made once an answer named the user folder.
    local = Path("tmpdir")
    names = ("a.txt", "b.txt", "c.txt", "new/d.txt")
    for name in names:
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_text(name)
    ctadata.upload_dir(str(local), "example-files/tmpdir")
    for name in names:
        assert (user_folder / "example-files/tmpdir" / name).read_text() == name


def test_webdav4_client(user_folder: Path) -> None:
    (user_folder / "example-files/seen.txt").write_text("x")
    client = ctadata.webdav4_client()
    names = {entry["name"] for entry in client.ls(f"lst/users/{user_folder.name}/example-files")}
    assert f"lst/users/{user_folder.name}/example-files/seen.txt" in names
    assert {entry["name"] for entry in client.ls("")} >= {"lst", "cta"}


def test_every_failure_is_a_storage_exception(user_folder: Path) -> None:
    assert ctadata.StorageException is ctadata.api.StorageException
    Path("f.txt").write_text("x")
    failures = {
        "missing path": lambda: ctadata.list_dir("lst/fake-temp"),
        "refused token": lambda: ctadata.list_dir("lst/", token="not-a-valid-token"),
        "above the root": lambda: ctadata.list_dir("lst/../../x"),
        "not readable": lambda: ctadata.list_dir("arc/data/"),
        "missing file": lambda: ctadata.fetch_and_save_file("lst/DL1/nothing.h5"),
        "missing folder": lambda: ctadata.upload_file("f.txt", "no/such/folder/"),
        "unreachable": lambda: ctadata.list_dir("lst/", downloadservice="http://127.0.0.1:9/"),
    }
    caught = {}
    for what, call in failures.items():
        try:
            call()
        except ctadata.api.StorageException as exc:  # what 0.6.0's users wrote
            caught[what] = type(exc).__name__
    assert caught == {
        "missing path": "NotFound",
        "refused token": "AuthenticationError",
        "above the root": "InvalidPath",
        "not readable": "PermissionDenied",
        "missing file": "NotFound",
        "missing folder": "NotFound",
        "unreachable": "ServiceUnreachable",
    }

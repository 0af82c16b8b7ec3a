"""'The same file' is decided by content (the storage's adler32 against the local file's), or,
where the storage keeps no checksum, by size and the modification time the download gave it."""

from __future__ import annotations

import os

import pytest

from ctadata import ConflictError
from ctadata.transfer.identity import mtime_ns, same_file
from ctadata.transfer.local import LocalPath
from tests.helpers import put_remote


@pytest.fixture
def remote(dev_service, request) -> str:
    base = f"lst/t/{request.node.name}"
    put_remote(dev_service, f"{base}/a.bin", os.urandom(50_000))
    put_remote(dev_service, f"{base}/b.bin", os.urandom(20_000))
    return base


def edit_in_place(path, offset: int = 1000) -> None:
    """Change 4 bytes, keeping the size (and set the old mtime back, as a careful tool would)."""
    before = path.stat()
    with open(path, "r+b") as f:
        f.seek(offset)
        old = f.read(4)
        f.seek(offset)
        f.write(bytes(b ^ 0xFF for b in old))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_an_edit_that_keeps_the_size_is_a_conflict(client, remote, tmp_path) -> None:
    client.download_dir(remote, tmp_path)
    edited = tmp_path / "a.bin"
    edit_in_place(edited)
    mine = edited.read_bytes()
    summary = client.download_dir(remote, tmp_path)
    assert [r.local for r in summary.conflicts] == [str(edited)]
    assert summary.skipped == 1  # b.bin: the storage's adler32 is its own
    with pytest.raises(ConflictError):
        client.fetch_and_save_file(f"{remote}/a.bin", edited)
    assert edited.read_bytes() == mine


def test_a_download_takes_the_storage_mtime(client, remote, tmp_path) -> None:
    entry = client.stat(f"{remote}/a.bin")
    client.fetch_and_save_file(entry.path, tmp_path / "a.bin")
    assert (tmp_path / "a.bin").stat().st_mtime_ns == mtime_ns(entry.mtime)


def test_without_a_storage_checksum_a_touched_file_differs(client, remote, tmp_path) -> None:
    entry = client.stat(f"{remote}/a.bin")
    client.fetch_and_save_file(entry.path, tmp_path / "a.bin")
    local = LocalPath.of(tmp_path / "a.bin")
    no_checksum = lambda: None  # noqa: E731
    assert same_file(local, entry, no_checksum)
    os.utime(tmp_path / "a.bin")  # touched: now
    assert not same_file(local, entry, no_checksum)


def test_the_storage_checksum_is_asked_only_for_equal_sizes(client, remote, tmp_path) -> None:
    entry = client.stat(f"{remote}/a.bin")
    (tmp_path / "a.bin").write_bytes(b"shorter")
    asked: list[str] = []
    assert not same_file(LocalPath.of(tmp_path / "a.bin"), entry, lambda: asked.append("x"))
    assert asked == []

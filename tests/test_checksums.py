"""Verified transfers: the storage's adler32 against the bytes moved, by every face of the library.

The local storage answers `Want-Digest: adler32` as dCache does, and lies about it on request
(`POST /_digest_lies`): once (the file is fetched again and lands) and twice (the transfer
fails, naming both checksums, and nothing lands).
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import fsspec
import httpx
import pytest
from click.testing import CliRunner

from ctadata import ChecksumMismatch
from ctadata.cli import cli
from ctadata.transfer.checksum import SIZE_ONLY, VERIFIED
from ctadata.transfer.local import LocalPath
from ctadata.transfer.one_file import download
from ctadata.transfer.progress import Meter
from tests.helpers import put_remote, temp_files, token_of


def adler(data: bytes) -> str:
    return f"{zlib.adler32(data):08x}"


def lie(dev_service, path: str, times: int) -> None:
    url = dev_service.stats_url.replace("/_stats", "/_digest_lies")
    httpx.post(url, json={"path": path, "times": times}).raise_for_status()


@pytest.fixture
def remote(dev_service, request) -> tuple[str, bytes]:
    path = f"lst/t/{request.node.name}/data.bin"
    data = os.urandom(300_000)
    put_remote(dev_service, path, data)
    return path, data


def test_download_is_verified(client, remote, tmp_path) -> None:
    path, data = remote
    written = client.fetch_and_save_file(path, tmp_path / "data.bin")
    assert written == len(data) and written.verified and written.check == VERIFIED
    assert (tmp_path / "data.bin").read_bytes() == data


def test_a_lie_once_is_fetched_again(client, dev_service, remote, tmp_path) -> None:
    path, data = remote
    lie(dev_service, path, 1)
    written = client.fetch_and_save_file(path, tmp_path / "data.bin")
    assert written.verified
    assert (tmp_path / "data.bin").read_bytes() == data
    assert temp_files(tmp_path) == []


def test_a_lie_twice_fails_naming_both_checksums(client, dev_service, remote, tmp_path) -> None:
    path, data = remote
    lie(dev_service, path, 2)
    wrong = f"{(zlib.adler32(data) + 1) % (1 << 32):08x}"
    with pytest.raises(ChecksumMismatch) as failed:
        client.fetch_and_save_file(path, tmp_path / "data.bin")
    assert wrong in str(failed.value) and adler(data) in str(failed.value)
    assert path in str(failed.value)
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary one


def test_folder_download_summary_says_verified(client, dev_service, request, tmp_path) -> None:
    base = f"lst/t/{request.node.name}"
    put_remote(dev_service, f"{base}/a.bin", os.urandom(1000))
    put_remote(dev_service, f"{base}/sub/b.bin", os.urandom(2000))
    lie(dev_service, f"{base}/sub/b.bin", 2)
    with pytest.raises(Exception) as failed:
        client.download_dir(base, tmp_path / "out")
    summary = failed.value.summary
    assert [r.path for r in summary.failed] == [f"{base}/sub/b.bin"]
    assert "checksum mismatch" in summary.failed[0].error
    summary = client.download_dir(base, tmp_path / "again")
    assert summary.files == 2 and summary.check == VERIFIED
    assert VERIFIED in str(summary)


def test_resumed_file_is_verified_with_its_prefix(client, remote, tmp_path) -> None:
    """A download that continues a temporary file checks the whole file, prefix included: a
    prefix that is not the storage's is caught, and the file fetched again from nothing."""
    path, data = remote
    entry = client.stat(path)
    for prefix in (data[:100_000], os.urandom(100_000)):
        target = tmp_path / "data.bin"
        target.unlink(missing_ok=True)
        temp = tmp_path / ".data.bin.0123abcd.ctadata-part"
        temp.write_bytes(prefix)
        meter = Meter("x", bar=False)
        written = client._download(
            entry, LocalPath.of(target), meter, True, adopt=(temp.name, len(data))
        )
        assert written.verified and target.read_bytes() == data
        assert meter.bytes_done == len(data)  # what was fetched twice is counted once
        assert temp_files(tmp_path) == []


def test_without_a_storage_checksum_the_size_check_stands(client, remote, tmp_path) -> None:
    path, data = remote
    http = client.http
    written = download(
        http,
        lambda offset: client.protocol.download_request(path, offset),
        client.check,
        path,
        tmp_path / "data.bin",
        len(data),
        Meter("x", bar=False),
        digest=lambda: None,
    )
    assert not written.verified and written.check == SIZE_ONLY
    assert (tmp_path / "data.bin").read_bytes() == data


def test_upload_is_verified(client, dev_service, tmp_path) -> None:
    source = tmp_path / "up.bin"
    source.write_bytes(os.urandom(200_000))
    answer = client.upload_file(source, "checksums-up.bin")
    assert answer.verified and answer.check == VERIFIED
    assert answer.adler32 == adler(source.read_bytes())


def test_upload_mismatch_fails_naming_both(client, dev_service, tmp_path) -> None:
    source = tmp_path / "up.bin"
    data = os.urandom(10_000)
    source.write_bytes(data)
    folder = client.upload_folder(dev_service.users["alice"].name)
    lie(dev_service, f"{folder}checksums-lied.bin", 1)
    with pytest.raises(ChecksumMismatch, match=adler(data)):
        client.upload_file(source, "checksums-lied.bin")


def test_cli_says_how_files_were_checked(dev_service, remote, tmp_path, monkeypatch) -> None:
    path, _ = remote
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", token_of(dev_service, "alice"))
    monkeypatch.setenv("CTADS_URL", dev_service.downloadservice)
    result = CliRunner().invoke(cli, ["get", path, "--to", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert VERIFIED in result.output
    folder = path.rpartition("/")[0]
    result = CliRunner().invoke(cli, ["get", "-r", folder, "--to", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert f"1 files, 293.0 KiB, 0 skipped, {VERIFIED}" in result.output


def test_fsspec_get_is_verified(dev_service, remote, tmp_path) -> None:
    path, data = remote
    fs = fsspec.filesystem(
        "ctadata",
        token=token_of(dev_service, "alice"),
        downloadservice=dev_service.downloadservice,
        skip_instance_cache=True,
    )
    lie(dev_service, path, 1)
    fs.get(path, str(tmp_path / "once.bin"))
    assert (tmp_path / "once.bin").read_bytes() == data
    lie(dev_service, path, 2)
    with pytest.raises(ChecksumMismatch):
        fs.get(path, str(tmp_path / "twice.bin"))
    assert not Path(tmp_path / "twice.bin").exists()


def test_fsspec_put_is_verified(client, dev_service, tmp_path) -> None:
    fs = fsspec.filesystem(
        "ctadata",
        token=token_of(dev_service, "alice"),
        downloadservice=dev_service.downloadservice,
        skip_instance_cache=True,
    )
    folder = client.upload_folder(dev_service.users["alice"].name)
    source = tmp_path / "put.bin"
    source.write_bytes(os.urandom(150_000))
    fs.put(str(source), f"{folder}fs-put.bin")
    stored = dev_service.storage_dir / folder / "fs-put.bin"
    assert stored.read_bytes() == source.read_bytes()
    lie(dev_service, f"{folder}fs-put-lied.bin", 1)
    with pytest.raises(ChecksumMismatch, match=adler(source.read_bytes())):
        fs.put(str(source), f"{folder}fs-put-lied.bin")

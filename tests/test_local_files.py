"""A user's local files are never lost, and nothing is read or written outside where asked.

The library and the CLI against the local service: conflicts with edited files, temporary
names that collide with nothing, links and special files in folders.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from ctadata import ConflictError, InvalidPath
from ctadata.cli import cli
from ctadata.transfer.local import (
    NAME_MAX,
    TEMP_SUFFIX,
    LocalPath,
    TempFile,
    is_temp_name,
    remove_leftover,
    temp_name,
)
from tests.helpers import put_remote, special_folder, temp_files, token_of


@pytest.fixture
def remote(dev_service, request) -> str:
    """`lst/lf/<test>/`: a.bin, coll2/b.bin, coll2/c.bin."""
    base = f"lst/lf/{request.node.name}"
    for name, size in (("a.bin", 5000), ("coll2/b.bin", 3000), ("coll2/c.bin", 7000)):
        put_remote(dev_service, f"{base}/{name}", os.urandom(size))
    return base


def storage_bytes(service, path: str) -> bytes:
    return (Path(service.storage_dir) / path).read_bytes()


# -- conflicts --------------------------------------------------------------------------------
def test_a_folder_download_keeps_an_edited_file_and_reports_it(
    dev_service, client, remote, tmp_path
) -> None:
    client.download_dir(remote, tmp_path / "d0")
    edited = tmp_path / "d0/coll2/b.bin"
    edited.write_text("USER EDITED\n")
    (tmp_path / "d0/coll2/c.bin").unlink()
    summary = client.download_dir(remote, tmp_path / "d0")
    assert edited.read_text() == "USER EDITED\n"
    assert [r.local for r in summary.conflicts] == [str(edited)]
    assert (summary.files, summary.skipped) == (1, 1)  # c.bin again; a.bin unchanged
    assert str(edited) in str(summary) and "1 conflicts" in str(summary)
    summary = client.download_dir(remote, tmp_path / "d0", on_conflict="overwrite")
    assert edited.read_bytes() == storage_bytes(dev_service, f"{remote}/coll2/b.bin")
    assert summary.conflicts == [] and temp_files(tmp_path) == []


def test_on_conflict_error_writes_nothing(client, remote, tmp_path) -> None:
    client.download_dir(remote, tmp_path / "d0")
    (tmp_path / "d0/coll2/b.bin").write_text("mine")
    (tmp_path / "d0/a.bin").unlink()
    with pytest.raises(ConflictError) as refused:
        client.download_dir(remote, tmp_path / "d0", on_conflict="error")
    assert refused.value.conflicts == [str(tmp_path / "d0/coll2/b.bin")]
    assert isinstance(refused.value, FileExistsError) and "b.bin" in str(refused.value)
    assert not (tmp_path / "d0/a.bin").exists()  # planned first: nothing was written
    assert (tmp_path / "d0/coll2/b.bin").read_text() == "mine"


def test_a_single_file_onto_a_different_file_is_a_conflict(client, remote, tmp_path) -> None:
    target = tmp_path / "a.bin"
    target.write_text("my own notes")
    with pytest.raises(ConflictError, match=r"a\.bin.*overwrite=True"):
        client.fetch_and_save_file(f"{remote}/a.bin", target)
    assert target.read_text() == "my own notes"
    assert client.fetch_and_save_file(f"{remote}/a.bin", target, overwrite=True) == 5000
    assert target.stat().st_size == 5000
    assert client.fetch_and_save_file(f"{remote}/a.bin", target) == 5000  # identical: fine


def storage_calls(service, reset: bool = False) -> dict[str, int]:
    if reset:
        httpx.post(service.stats_url + "/reset").raise_for_status()
    return httpx.get(service.stats_url).json()["methods"]


def test_one_entry_point_one_vocabulary_for_a_file_and_a_folder(
    dev_service, client, remote, tmp_path
) -> None:
    """`download_entry` takes what a stat gave; "ask", "skip", "overwrite" mean the same for a
    file as for a folder's files ("error": the older spelling of "ask")."""
    entry, folder = client.stat(f"{remote}/a.bin"), client.stat(remote)
    target = tmp_path / "a.bin"
    target.write_text("mine")
    for ask in ("ask", "error"):
        with pytest.raises(ConflictError) as refused:
            client.download_entry(entry, target, on_conflict=ask)
        assert refused.value.conflicts == [str(target)] and target.read_text() == "mine"
    (kept,) = client.download_entry(entry, target, on_conflict="skip").conflicts
    assert kept.local == str(target) and target.read_text() == "mine"
    storage_calls(dev_service, reset=True)
    summary = client.download_entry(entry, target, on_conflict="overwrite")
    assert (summary.files, summary.bytes, summary.check) == (1, 5000, "verified (adler32)")
    # no stat (the entry is given), no HEAD (a small file's GET carries its adler32)
    assert storage_calls(dev_service) == {"GET": 1}
    assert target.read_bytes() == storage_bytes(dev_service, f"{remote}/a.bin")
    summary = client.download_entry(folder, tmp_path / "d", on_conflict="skip")
    assert summary.files == 3 and summary.conflicts == []
    with pytest.raises(ValueError, match="'ask', 'skip' or 'overwrite'"):
        client.download_entry(entry, target, on_conflict="maybe")  # type: ignore[arg-type]


def test_a_recursive_get_of_a_file_stats_it_once(dev_service, client, remote, tmp_path) -> None:
    storage_calls(dev_service, reset=True)
    written = client.fetch_and_save_file_or_dir(f"{remote}/a.bin", recursive=True, to=tmp_path)
    assert written == 5000 and storage_calls(dev_service)["PROPFIND"] == 1


def test_a_folder_download_of_a_file_is_refused(client, remote, tmp_path) -> None:
    with pytest.raises(InvalidPath, match=r"a\.bin' is a file, not a folder"):
        client.download_dir(f"{remote}/a.bin", tmp_path / "d")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_appears_during_the_download_is_kept(client, remote, tmp_path) -> None:
    """The rename into place never replaces what the user created meanwhile."""
    target = tmp_path / "a.bin"

    def user_writes(temp: Path, created: bool) -> None:
        if created:
            target.write_text("written while downloading")

    with pytest.raises(ConflictError):
        client.fetch_and_save_file(f"{remote}/a.bin", target, on_temp=user_writes)
    assert target.read_text() == "written while downloading" and temp_files(tmp_path) == []


def test_cli_get_reports_conflicts_and_downloads_the_rest(
    dev_service, remote, tmp_path, monkeypatch
) -> None:
    env = {"JUPYTERHUB_API_TOKEN": token_of(dev_service, "alice")}
    args = ["--downloadservice", dev_service.downloadservice, "get", "-r", remote + "/"]
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, args, env=env).exit_code == 0
    Path(remote, "coll2/b.bin").write_text("USER EDITED")
    Path(remote, "a.bin").unlink()
    result = runner.invoke(cli, args, env=env)
    assert result.exit_code == 1, result.output
    assert f"conflict: {remote}/coll2/b.bin differs" in result.stderr
    assert "--overwrite" in result.stderr
    assert Path(remote, "coll2/b.bin").read_text() == "USER EDITED"
    assert Path(remote, "a.bin").stat().st_size == 5000
    result = runner.invoke(cli, [*args, "--overwrite"], env=env)
    assert result.exit_code == 0 and Path(remote, "coll2/b.bin").stat().st_size == 3000


# -- temporary names --------------------------------------------------------------------------
def test_temporary_names_are_hidden_unique_and_fit() -> None:
    for name in ("a.bin", "x" * 255, "é" * 127, "ünï" * 60):
        names = {temp_name(name) for _ in range(50)}
        assert len(names) == 50
        for temp in names:
            assert temp.startswith(".") and temp.endswith(TEMP_SUFFIX)
            assert len(os.fsencode(temp)) <= NAME_MAX
            temp.encode()  # no multi-byte character was cut in half


def test_a_users_part_file_survives_a_download(client, remote, tmp_path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "a.bin.part").write_text("my notes")
    client.fetch_and_save_file(f"{remote}/a.bin", own / "a.bin")
    assert (own / "a.bin.part").read_text() == "my notes"
    assert sorted(p.name for p in own.iterdir()) == ["a.bin", "a.bin.part"]


def test_a_remote_folder_with_b_and_b_part_downloads_completely(
    dev_service, client, tmp_path
) -> None:
    base = "lst/lf/with-part"
    files = {"b.bin": os.urandom(400_000), "b.bin.part": os.urandom(300_000)}
    for name, data in files.items():
        put_remote(dev_service, f"{base}/{name}", data)
    for run in range(6):
        summary = client.download_dir(base, tmp_path / str(run), concurrency=2)
        assert summary.files == 2
        got = {p.name: p.read_bytes() for p in (tmp_path / str(run)).iterdir()}
        assert got == files


@pytest.mark.parametrize("length", [251, 255])
def test_a_remote_name_of_up_to_255_bytes_downloads(dev_service, client, tmp_path, length) -> None:
    name = "é" * ((length - 5) // 2) + "x" * (1 + (length - 5) % 2) + ".bin"
    assert len(name.encode()) == length
    put_remote(dev_service, f"lst/lf/long/{name}", b"long name")
    client.fetch_and_save_file(f"lst/lf/long/{name}", tmp_path / name)
    assert (tmp_path / name).read_bytes() == b"long name"


def test_the_temporary_file_is_announced_before_it_exists(client, remote, tmp_path) -> None:
    """Told before it is made: a server killed right after making it has it in its journal."""
    seen: list[tuple[Path, bool, bool]] = []
    client.fetch_and_save_file(
        f"{remote}/a.bin",
        tmp_path / "a.bin",
        on_temp=lambda p, created: seen.append((p, created, p.exists())),
    )
    (temp, created, existed), (same, gone, still) = seen
    assert (created, existed, gone, still) == (True, False, False, False) and temp == same
    assert temp.parent == tmp_path and temp.name.startswith(".a.bin.")


# -- taking over an earlier run's temporary file ---------------------------------------------
def test_temporary_names_are_recognised_as_the_targets_only() -> None:
    for name in ("a.bin", "x" * 255, "é" * 127):
        assert is_temp_name(temp_name(name), name)
    assert not is_temp_name(temp_name("a.bin"), "b.bin")
    assert not is_temp_name(".a.bin.notes", "a.bin")
    assert not is_temp_name(f"a.bin.0123abcd{TEMP_SUFFIX}", "a.bin")  # not hidden


def adopted(target: LocalPath, name: str, limit: int) -> tuple[str, bytes]:
    """The temporary file `TempFile` uses when asked to take `name` over, and what it holds."""
    with TempFile(target, adopt=(name, limit)) as temp:
        assert temp.file is not None
        temp.file.seek(0)
        return temp.name, temp.file.read()


def test_a_temporary_file_is_taken_over_or_emptied(tmp_path) -> None:
    target = LocalPath.of(tmp_path / "a.bin")
    name = temp_name("a.bin")
    (tmp_path / name).write_bytes(b"12345")
    assert adopted(target, name, 10) == (name, b"12345")
    (tmp_path / name).write_bytes(b"12345")
    assert adopted(target, name, 4) == (name, b"")  # more than the remote file: from zero
    assert not (tmp_path / name).exists()  # left without commit: removed, as any


def test_a_link_or_a_foreign_file_is_never_taken_over(tmp_path) -> None:
    target = LocalPath.of(tmp_path / "a.bin")
    precious = tmp_path / "precious"
    precious.write_bytes(b"keep me")
    link, hard, other = temp_name("a.bin"), temp_name("a.bin"), temp_name("b.bin")
    (tmp_path / link).symlink_to(precious)
    os.link(precious, tmp_path / hard)
    (tmp_path / other).write_bytes(b"not a.bin's")
    for name in (link, hard, other, "precious"):
        made, content = adopted(target, name, 100)
        assert made != name and content == b""
    assert precious.read_bytes() == b"keep me" and (tmp_path / link).is_symlink()
    assert (tmp_path / other).read_bytes() == b"not a.bin's"


def test_a_commit_cut_between_link_and_unlink_is_finished_not_taken_over(tmp_path) -> None:
    """A server killed inside `commit` (the target linked, the temporary name not yet gone)."""
    target = LocalPath.of(tmp_path / "a.bin")
    name = temp_name("a.bin")
    (tmp_path / "a.bin").write_bytes(b"complete")
    os.link(tmp_path / "a.bin", tmp_path / name)
    made, content = adopted(target, name, 100)
    assert made != name and content == b""
    assert not (tmp_path / name).exists() and (tmp_path / "a.bin").read_bytes() == b"complete"


def test_only_a_leftover_temporary_file_is_removed(tmp_path) -> None:
    """`remove_leftover`: a journal naming anything else (a user's file, a link, a second name
    of a user's file) removes nothing."""
    precious = tmp_path / "precious"
    precious.write_bytes(b"keep me")
    leftover, commit_cut, link, hard = (temp_name("a.bin") for _ in range(4))
    (tmp_path / leftover).write_bytes(b"partial")
    (tmp_path / "a.bin").write_bytes(b"complete")
    os.link(tmp_path / "a.bin", tmp_path / commit_cut)
    (tmp_path / link).symlink_to(precious)
    os.link(precious, tmp_path / hard)
    kept = [link, hard, "precious", "a.bin"]
    assert [remove_leftover(LocalPath.of(tmp_path / n), "a.bin") for n in kept] == [False] * 4
    assert not remove_leftover(LocalPath.of(tmp_path / leftover), "b.bin")  # not b.bin's
    assert remove_leftover(LocalPath.of(tmp_path / leftover), "a.bin")
    assert remove_leftover(LocalPath.of(tmp_path / commit_cut), "a.bin")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
    assert precious.read_bytes() == b"keep me" and (tmp_path / "a.bin").read_bytes() == b"complete"
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / leftover).write_bytes(b"partial")
    (tmp_path / "through").symlink_to(tmp_path / "sub")
    assert not remove_leftover(LocalPath(tmp_path, ("through", leftover)), "a.bin")
    assert (tmp_path / "sub" / leftover).exists()  # never through a link


# -- links and special files ------------------------------------------------------------------
def test_a_download_below_root_never_follows_a_link(client, remote, tmp_path) -> None:
    workspace, outside = tmp_path / "ws", tmp_path / "outside"
    (workspace / "d").mkdir(parents=True)
    outside.mkdir()
    (workspace / "d/coll2").symlink_to(outside)
    with pytest.raises(InvalidPath, match="'d/coll2' is a symbolic link"):
        client.download_dir(remote, workspace / "d", root=workspace)
    with pytest.raises(InvalidPath, match="symbolic link"):
        client.fetch_and_save_file(f"{remote}/a.bin", workspace / "d/coll2/a.bin", root=workspace)
    assert list(outside.iterdir()) == []


def test_a_folder_upload_refuses_special_files_and_names_them(
    dev_service, client, tmp_path
) -> None:
    workspace = tmp_path / "ws"
    server = special_folder(workspace / "up", tmp_path / "outside")
    result: dict[str, BaseException] = {}

    def upload() -> None:
        try:
            client.upload_dir(workspace / "up", "lf-special/", root=workspace)
        except BaseException as exc:
            result["error"] = exc

    worker = threading.Thread(target=upload, daemon=True)
    worker.start()
    worker.join(60)
    server.close()
    assert not worker.is_alive(), "the upload hangs on a special file"
    error = result["error"]
    assert isinstance(error, InvalidPath), error
    message = str(error)
    assert "'up/pipe' is a FIFO" in message and "'up/sock' is a socket" in message
    assert "'up/dangling' is a symbolic link to nothing" in message
    assert "'up/sub/out' is a symbolic link leading outside the workspace" in message
    assert str(tmp_path) not in message
    uploaded = Path(dev_service.storage_dir) / "lst/users" / dev_service.users["alice"].folder
    assert not (uploaded / "lf-special").exists()


def test_a_swapped_upload_source_is_not_read(client, tmp_path) -> None:
    """A file below the root replaced by a link to outside after it was chosen: refused."""
    workspace = tmp_path / "ws"
    (workspace / "up").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("secret")
    (workspace / "up/f.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(InvalidPath, match=r"'up/f\.txt' is a symbolic link"):
        client.upload_file(workspace / "up/f.txt", "lf-swapped/f.txt", root=workspace)


def test_local_paths_refuse_dotdot() -> None:
    with pytest.raises(InvalidPath):
        LocalPath(Path("/tmp"), ("a", "..", "b"))

"""The path rules, as pure functions."""

from pathlib import Path

import pytest

from ctadata.errors import InvalidPath
from ctadata.paths import (
    clean_remote,
    complete_upload_path,
    confined,
    remote_join,
    remote_name,
    user_folder_name,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("lst/DL1/", "lst/DL1/"),
        ("/lst/DL1/run.h5", "lst/DL1/run.h5"),
        ("lst//DL1/./run.h5", "lst/DL1/run.h5"),
        ("", ""),
        ("/", ""),
        ("a b/ü#%?.h5", "a b/ü#%?.h5"),
    ],
)
def test_clean_remote(given: str, expected: str) -> None:
    assert clean_remote(given) == expected


@pytest.mark.parametrize("bad", ["../etc/passwd", "lst/../../x", "lst/..", "a\x00b"])
def test_clean_remote_refuses(bad: str) -> None:
    with pytest.raises(InvalidPath):
        clean_remote(bad)


def test_user_folder_name_keeps_only_0_and_1_among_digits() -> None:
    assert user_folder_name("Alice.Smith01") == "alice_smith01"
    assert user_folder_name("user23") == "user__"
    assert user_folder_name("Jörg-Müller") == "j_rg_m_ller"


def test_complete_upload_path() -> None:
    assert complete_upload_path("/tmp/x/latest.txt", "your-folder/") == "your-folder/latest.txt"
    assert complete_upload_path("latest.txt", "") == "latest.txt"
    assert complete_upload_path("latest.txt", "a/b.txt") == "a/b.txt"


def test_remote_join_and_name() -> None:
    assert remote_join("lst/users/u/", "sub", "f.txt") == "lst/users/u/sub/f.txt"
    assert remote_join("a", "b/") == "a/b/"
    assert remote_name("lst/DL1/") == "DL1"
    assert remote_name("lst/DL1/run.h5") == "run.h5"


def test_confined(tmp_path: Path) -> None:
    assert confined(tmp_path, "a/b.txt") == tmp_path.resolve() / "a" / "b.txt"
    assert confined(tmp_path, "") == tmp_path.resolve()
    for escape in ("../x", "a/../../x", "/etc/passwd"):
        with pytest.raises(InvalidPath):
            confined(tmp_path, escape)
    (tmp_path / "link").symlink_to("/etc")
    with pytest.raises(InvalidPath):
        confined(tmp_path, "link/passwd")

"""The path rules, as pure functions."""

from pathlib import Path

import pytest

from ctadata.errors import InvalidPath, StorageException
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
        (".", ""),
        ("a b/ü#%?.h5", "a b/ü#%?.h5"),
        # Dot segments go as RFC 3986 (5.2.4) removes them from a URL's path.
        ("a/b/../c", "a/c"),
        ("example-files/x/../", "example-files/"),
        ("example-files/x/..", "example-files/"),
        ("a/b/.", "a/b/"),
        ("a/./b/./", "a/b/"),
        ("a/b/../../c/d", "c/d"),
        ("lst/..", ""),
        ("a/../..x/y", "..x/y"),  # `..x` is a name, not a dot segment
        ("a/.../b", "a/.../b"),
    ],
)
def test_clean_remote(given: str, expected: str) -> None:
    assert clean_remote(given) == expected


def test_clean_remote_agrees_with_the_url_parser_of_0_6_0() -> None:
    """The answers of urllib3's RFC 3986 resolver (requests, which 0.6.0 used, relies on it)."""
    from urllib3.util.url import parse_url

    for given in ("a/b/../c", "x/y/../", "a/./b", "a/b/..", "a/b/.", "a/b/c/../../d/./e"):
        resolved = parse_url("http://host/base/" + given).path or ""
        assert clean_remote(given) == resolved.removeprefix("/base/")


@pytest.mark.parametrize("bad", ["../etc/passwd", "lst/../../x", "..", "/a/../..", "a\x00b"])
def test_clean_remote_refuses(bad: str) -> None:
    with pytest.raises(InvalidPath) as refused:
        clean_remote(bad)
    assert isinstance(refused.value, StorageException)
    assert repr(bad) in str(refused.value)


def test_upload_path_with_dot_segments_keeps_the_local_name() -> None:
    """0.6.0: `upload_file(f, "example-files/example-file/../")` stored `example-files/<f>`."""
    assert complete_upload_path("/tmp/x/f.txt", "example-files/example-file/../") == (
        "example-files/f.txt"
    )
    assert complete_upload_path("f.txt", "a/./b/..") == "a/f.txt"


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

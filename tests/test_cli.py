"""`cta-data` as a user runs it: a real process against the local service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ctadata import __version__
from tests.helpers import put_remote, token_of


def cta_data(service, *args: str, role: str = "alice", cwd: Path | None = None, **more_env: str):
    """`cta-data` outside a hub: no JUPYTERHUB_USER, no hub API, unless `more_env` sets them."""
    outside = ("JUPYTERHUB_USER", "JUPYTERHUB_API_URL")
    env = {k: v for k, v in os.environ.items() if k not in outside} | {
        "CTADS_URL": service.downloadservice,
        "CTACS_URL": service.certificateservice,
        "JUPYTERHUB_API_TOKEN": token_of(service, role),
        **more_env,
    }
    return subprocess.run(
        [sys.executable, "-m", "ctadata.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(dev_service, request) -> str:
    base = f"lst/cli/{request.node.name}"
    put_remote(dev_service, f"{base}/one.bin", b"1" * 2048)
    put_remote(dev_service, f"{base}/d/two.bin", b"2" * 10)
    return base


def test_version(dev_service) -> None:
    done = cta_data(dev_service, "--version")
    assert done.returncode == 0 and __version__ in done.stdout


def test_start_up_loads_no_http_client() -> None:
    """`import ctadata`, `cta-data --version` and `--help` load no HTTP client: httpx (and its
    TLS set-up) is most of their start-up time, and they make no request."""
    code = (
        "import sys, ctadata, ctadata.cli\n"
        "from click.testing import CliRunner\n"
        "for args in (['--version'], ['--help'], ['get', '--help']):\n"
        "    assert CliRunner().invoke(ctadata.cli.cli, args).exit_code == 0, args\n"
        "print(sorted(m for m in ('httpx', 'httpcore', 'certifi') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


def test_list_short_and_long(dev_service, tree) -> None:
    short = cta_data(dev_service, "list", tree)
    assert short.returncode == 0
    assert short.stdout.split() == [f"{tree}/d/", f"{tree}/one.bin"]
    long = cta_data(dev_service, "list", "-l", tree)
    lines = long.stdout.splitlines()
    assert lines[0].startswith("d ") and lines[0].endswith(f"{tree}/d/")
    assert "2.0 KiB" in lines[1] and lines[1].endswith(f"{tree}/one.bin")


def test_get_file_and_tree(dev_service, tree, tmp_path) -> None:
    one = cta_data(dev_service, "get", f"{tree}/one.bin", cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    assert (tmp_path / "one.bin").read_bytes() == b"1" * 2048
    many = cta_data(dev_service, "get", "-r", "-j", "2", tree, "--to", str(tmp_path / "out"))
    assert many.returncode == 0, many.stderr
    assert "2 files" in many.stdout
    assert (tmp_path / "out" / tree / "d" / "two.bin").read_bytes() == b"2" * 10


def test_put_file_and_tree(dev_service, tmp_path) -> None:
    (tmp_path / "up" / "sub").mkdir(parents=True)
    (tmp_path / "up" / "a.txt").write_text("a")
    (tmp_path / "up" / "sub" / "b.txt").write_text("b")
    single = cta_data(dev_service, "put", str(tmp_path / "up" / "a.txt"), "")
    assert single.returncode == 0, single.stderr
    assert "lst/users/alice_smith01/a.txt" in single.stdout
    refused = cta_data(dev_service, "put", str(tmp_path / "up"), "cli-tree/")
    assert refused.returncode == 2 and "-r" in refused.stderr
    # cli-tree/ is missing: it can be made only knowing the hub user.
    without_hub = cta_data(dev_service, "put", "-r", str(tmp_path / "up"), "cli-tree/")
    assert without_hub.returncode == 1 and "the folder 'cli-tree/' does not exist" in (
        without_hub.stderr
    )
    user = dev_service.users["alice"].name
    tree = cta_data(
        dev_service, "put", "-r", str(tmp_path / "up"), "cli-tree/", JUPYTERHUB_USER=user
    )
    assert tree.returncode == 0, tree.stderr
    stored = dev_service.storage_dir / "lst/users/alice_smith01/cli-tree"
    assert (stored / "sub" / "b.txt").read_text() == "b"
    # Into that existing folder, with dot segments, and no hub again.
    again = cta_data(dev_service, "put", str(tmp_path / "up" / "a.txt"), "cli-tree/sub/x/../")
    assert again.returncode == 0, again.stderr
    assert "lst/users/alice_smith01/cli-tree/sub/a.txt" in again.stdout


def test_list_the_storage_root_and_dot_segments(dev_service, tree) -> None:
    root = cta_data(dev_service, "list")
    assert root.returncode == 0, root.stderr
    assert {"lst/", "cta/"} <= set(root.stdout.split())
    dotted = cta_data(dev_service, "list", f"{tree}/d/../")
    assert dotted.stdout.split() == [f"{tree}/d/", f"{tree}/one.bin"]


@pytest.mark.parametrize(
    ("args", "role", "message"),
    [
        (("list", "lst/nothing/here/"), "alice", "no such file"),
        (("get", "lst/../../x"), "alice", "climbs above the storage root"),
        (("list", "lst/"), "bad", "not authenticated"),
        (("list", "lst/"), "noscope", "HTTP 403"),
    ],
)
def test_expected_failures_are_one_line(dev_service, args, role, message) -> None:
    done = cta_data(dev_service, *args, role=role)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert message.lower() in done.stderr.lower()
    assert len(done.stderr.strip().splitlines()) == 1
    assert token_of(dev_service, role) not in done.stderr + done.stdout

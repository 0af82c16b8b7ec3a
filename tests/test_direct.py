"""Direct access to dCache: a real WebDAV storage that checks signed, expiring JWTs, and
Debian's real oidc-agent, set up by `ctadata.direct.agent.start_agent` through the device flow
against a test OpenID provider, handing out the tokens through its socket.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cloudpickle
import pytest

from ctadata import direct
from ctadata.direct import DirectClient, OidcAgentTokens, StaticToken
from ctadata.direct.agent import AgentSettings, start_agent, stop_agent
from ctadata.errors import (
    AuthenticationError,
    ChecksumMismatch,
    NotFound,
    ServiceUnreachable,
    StorageException,
)
from ctadata.transfer.progress import Progress
from tests.direct_storage import Issuer, Storage, make_tls, verify_jwt
from tests.helpers import temp_files

CLIENT_ID = "dcache-test-users"
SECRET = "client-secret-for-tests-7f3a"
ACCOUNT = "kk-dcache-test"
MiB = 1024 * 1024


@dataclass
class World:
    issuer: Issuer
    storage: Storage
    root: Path
    files: dict[str, bytes]


def make_tree(root: Path) -> dict[str, bytes]:
    files = {
        "lst/DL1/20241114/run1.h5": os.urandom(3 * MiB),
        "lst/DL1/20241114/run2.h5": os.urandom(200_000),
        "lst/DL1/20241114/sub dir/näme #1.txt": b"unicode and spaces\n",
        "lst/DL1/20241114/empty.dat": b"",
        "lst/users/alice/.keep": b"",
        "cta/big/a.bin": os.urandom(MiB),
        "cta/big/b.bin": os.urandom(MiB),
        "cta/big/c.bin": os.urandom(MiB),
    }
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("direct")
    issuer = Issuer(CLIENT_ID, SECRET, lifetime=300)
    files = make_tree(base / "storage")
    storage = Storage(base / "storage", issuer.public_keys)
    with pytest.MonkeyPatch.context() as env:
        for name in ("OIDC_SOCK", "OIDCD_PID", "CTADATA_TOKEN"):
            env.delenv(name, raising=False)
        env.setenv("CTADATA_CONFIG_DIR", str(base / "config"))
        env.setenv("OIDC_CONFIG_DIR", str(base / "oidc-agent"))
        env.setenv("OIDC_ENCRYPTION_PW", "test-encryption-password")
        env.setenv("CTADATA_OIDC_ISSUER", issuer.url)
        env.setenv("CTADATA_OIDC_CLIENT_ID", CLIENT_ID)
        env.setenv("CTADATA_OIDC_ACCOUNT", ACCOUNT)
        env.setenv("CTADATA_DCACHE_URL", storage.url)
        shown: list[str] = []
        try:
            start_agent(AgentSettings.from_env(), SECRET, out=shown.append)
            assert Issuer.user_code in "".join(shown)  # the device flow ran
            yield World(issuer, storage, base / "storage", files)
        finally:
            stop_agent()
            storage.close()
            issuer.close()


@pytest.fixture
def dcache(world: World) -> Iterator[World]:
    world.issuer.lifetime = 300
    world.storage.throttle = None
    world.storage.seen.clear()
    yield world
    world.issuer.lifetime = 300
    world.storage.throttle = None


def agent_refreshes_now() -> None:
    """Make the agent drop the token it holds and get one of the issuer's current lifetime."""
    OidcAgentTokens(min_valid=3600).current()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_listing_has_the_services_shape(dcache: World) -> None:
    client = DirectClient(progress_bar=False)
    listing = client.list_dir("lst/DL1/20241114/")
    assert listing[0]["href"] == "lst/DL1/20241114/"
    assert listing[0]["type"] == "directory"
    by_href = {raw["href"]: raw for raw in listing[1:]}
    assert set(by_href) == {
        "lst/DL1/20241114/run1.h5",
        "lst/DL1/20241114/run2.h5",
        "lst/DL1/20241114/sub dir/",
        "lst/DL1/20241114/empty.dat",
    }
    assert by_href["lst/DL1/20241114/run2.h5"]["size"] == "200000"
    assert by_href["lst/DL1/20241114/run2.h5"]["mtime"].endswith("GMT")
    assert "size" not in by_href["lst/DL1/20241114/sub dir/"]
    assert by_href["lst/DL1/20241114/sub dir/"]["url"] == (
        f"{dcache.storage.url}/pnfs/cta.cscs.ch/lst/DL1/20241114/sub%20dir/"
    )
    # The storage path with the base path in front (as davix users wrote it) is the same.
    assert client.list_dir("/pnfs/cta.cscs.ch/lst/DL1/20241114") == listing
    [entry] = client.entries("lst/DL1/20241114/sub dir/näme #1.txt")
    assert (entry.path, entry.size, entry.is_dir) == (
        "lst/DL1/20241114/sub dir/näme #1.txt",
        19,
        False,
    )
    with pytest.raises(NotFound) as missing:
        client.stat("lst/DL1/nothing-here")
    assert missing.value.status == 404


def test_downloads_are_verified_by_the_digest_of_their_gets(dcache: World, tmp_path: Path) -> None:
    """The door's GET carries the adler32 (no HEAD); a lie once is fetched again, twice fails."""
    path = "lst/DL1/20241114/run2.h5"
    client = DirectClient(progress_bar=False)
    dcache.storage.lie_about_digest(path, 1)
    assert client.fetch_and_save_file(path, tmp_path / "once.h5").verified
    assert (tmp_path / "once.h5").read_bytes() == dcache.files[path]
    asked = [s.method for s in dcache.storage.seen if s.path.endswith(path)]
    assert asked == ["PROPFIND", "GET", "GET"]  # its entry, then two fetches, no HEAD
    dcache.storage.lie_about_digest(path, 2)
    with pytest.raises(ChecksumMismatch, match="checksum mismatch"):
        client.fetch_and_save_file(path, tmp_path / "twice.h5")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["once.h5"]


def test_module_functions_download_and_upload(
    dcache: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ctadata import direct as ctadata

    monkeypatch.chdir(tmp_path)
    assert ctadata.fetch_and_save_file("lst/DL1/20241114/run2.h5") == 200_000
    assert Path("run2.h5").read_bytes() == dcache.files["lst/DL1/20241114/run2.h5"]

    summary = ctadata.fetch_and_save_file_or_dir("lst/DL1/20241114/", recursive=True)
    assert (summary.files, summary.skipped, summary.check) == (4, 0, "verified (adler32)")
    for relative, data in dcache.files.items():
        if relative.startswith("lst/DL1/20241114/"):
            assert (tmp_path / relative).read_bytes() == data
    assert temp_files(tmp_path) == []
    again = ctadata.fetch_and_save_file_or_dir("lst/DL1/20241114/", recursive=True)
    assert (again.files, again.skipped) == (0, 4)

    answer = ctadata.upload_file("run2.h5", "lst/users/alice/")  # dir/: keeps the local name
    assert answer == {
        "status": "uploaded",
        "path": "lst/users/alice/run2.h5",
        "total_written": 200_000,
    }
    # dCache's checksum, asked with the stored size (one HEAD)
    assert answer.adler32 == f"{zlib.adler32(Path('run2.h5').read_bytes()):08x}"
    assert answer.verified
    stored = dcache.root / "lst/users/alice/run2.h5"
    assert stored.read_bytes() == dcache.files["lst/DL1/20241114/run2.h5"]

    tree = ctadata.upload_dir(tmp_path / "lst/DL1/20241114", "lst/users/alice/copy/of run")
    assert (tree.files, tree.bytes) == (4, 3 * MiB + 200_000 + 19)
    copy = dcache.root / "lst/users/alice/copy/of run"
    assert (copy / "sub dir/näme #1.txt").read_bytes() == b"unicode and spaces\n"
    assert (copy / "empty.dat").read_bytes() == b""
    assert digest((copy / "run1.h5").read_bytes()) == digest(
        dcache.files["lst/DL1/20241114/run1.h5"]
    )
    made = [s.path for s in dcache.storage.seen if s.method == "MKCOL"]
    assert made == [
        "/pnfs/cta.cscs.ch/lst/users/alice/copy/",
        "/pnfs/cta.cscs.ch/lst/users/alice/copy/of run/",
        "/pnfs/cta.cscs.ch/lst/users/alice/copy/of run/sub dir/",
    ]
    # Every request carried a bearer token in its header, none in a URL.
    assert all(s.token for s in dcache.storage.seen)
    assert not any("token" in s.path for s in dcache.storage.seen)


def test_upload_into_a_missing_directory_fails_as_with_the_service(
    dcache: World, tmp_path: Path
) -> None:
    local = tmp_path / "x.txt"
    local.write_text("x")
    with pytest.raises(StorageException) as refused:
        DirectClient(progress_bar=False).upload_file(local, "lst/users/alice/no/such/dir/")
    assert refused.value.status == 409
    assert "lst/users/alice/no/such/dir/x.txt" in str(refused.value)


def test_tokens_refresh_during_a_long_tree_download(dcache: World, tmp_path: Path) -> None:
    """Tokens live 2 s; the tree takes about 3 s: later files go out with fresh tokens."""
    dcache.issuer.lifetime = 2
    agent_refreshes_now()
    dcache.storage.throttle = MiB  # bytes per second
    client = DirectClient(min_valid=1, progress_bar=False)
    summary = client.fetch_and_save_file_or_dir(
        "cta/big/", recursive=True, to=tmp_path, concurrency=1
    )
    assert summary.files == 3
    for name in ("a.bin", "b.bin", "c.bin"):
        assert (tmp_path / "cta/big" / name).read_bytes() == dcache.files[f"cta/big/{name}"]
    gets = [s for s in dcache.storage.seen if s.method == "GET"]
    assert [s.status for s in gets] == [200, 200, 200]
    assert len({s.token for s in gets}) >= 2, "a 2 s token served a 3 s transfer?"
    # The token of the first file had expired before the last file started.
    with pytest.raises(ValueError, match="expired"):
        verify_jwt(gets[0].token or "", dcache.issuer.public_keys())


def test_resume_after_a_lost_connection_sends_a_fresh_token(dcache: World, tmp_path: Path) -> None:
    """The connection drops after the token expired: the Range resume goes with a fresh one."""
    dcache.issuer.lifetime = 2
    agent_refreshes_now()
    dcache.storage.throttle = 1.5 * MiB
    dcache.storage.cut_once("lst/DL1/20241114/run1.h5", int(2.4 * MiB))
    client = DirectClient(min_valid=1, progress_bar=False)
    target = tmp_path / "run1.h5"
    assert client.fetch_and_save_file("lst/DL1/20241114/run1.h5", target) == 3 * MiB
    assert digest(target.read_bytes()) == digest(dcache.files["lst/DL1/20241114/run1.h5"])
    first, resumed = [s for s in dcache.storage.seen if s.method == "GET"]
    assert (first.status, first.range) == (200, None)
    assert (resumed.status, resumed.range) == (206, f"bytes={int(2.4 * MiB)}-")
    assert resumed.token != first.token
    with pytest.raises(ValueError, match="expired"):
        verify_jwt(first.token or "", dcache.issuer.public_keys())


def test_a_fixed_token_that_expires_mid_transfer_fails_cleanly(
    dcache: World, tmp_path: Path
) -> None:
    """The same drop with a token that cannot be refreshed: an authentication error, no file."""
    dcache.storage.throttle = 1.5 * MiB
    dcache.storage.cut_once("lst/DL1/20241114/run1.h5", int(2.4 * MiB))
    token = dcache.issuer.mint(lifetime=1.5)
    client = DirectClient(token=token, progress_bar=False)
    target = tmp_path / "run1.h5"
    with pytest.raises(AuthenticationError) as refused:
        client.fetch_and_save_file("lst/DL1/20241114/run1.h5", target)
    assert token not in str(refused.value)
    assert not target.exists() and temp_files(tmp_path) == []
    assert [s.status for s in dcache.storage.seen if s.method == "GET"] == [200, 401]


def test_a_token_refused_early_is_refreshed_and_the_transfer_goes_on(
    dcache: World, tmp_path: Path
) -> None:
    """The storage stops trusting the agent's cached token (keys rotated) between two files of
    a download and of an upload: the 401 brings a fresh token from the agent and a retry."""
    rotated = threading.Event()

    def rotate_after_first_file(progress: Progress) -> None:
        if progress.files_done == 1 and not rotated.is_set():
            rotated.set()
            dcache.issuer.rotate()

    client = DirectClient(progress_bar=False)
    summary = client.download_dir(
        "cta/big/", tmp_path / "big", concurrency=1, progress=rotate_after_first_file
    )
    assert summary.files == 3 and rotated.is_set()
    for name in ("a.bin", "b.bin", "c.bin"):
        assert (tmp_path / "big" / name).read_bytes() == dcache.files[f"cta/big/{name}"]
    assert [s.status for s in dcache.storage.seen if s.method == "GET"] == [200, 401, 200, 200]

    dcache.storage.seen.clear()
    rotated.clear()
    summary = client.upload_dir(
        tmp_path / "big", "lst/users/alice/big", concurrency=1, progress=rotate_after_first_file
    )
    assert summary.files == 3 and rotated.is_set()
    for name in ("a.bin", "b.bin", "c.bin"):
        assert (dcache.root / "lst/users/alice/big" / name).read_bytes() == dcache.files[
            f"cta/big/{name}"
        ]
    statuses = [s.status for s in dcache.storage.seen if s.method in ("PUT", "PROPFIND")]
    assert statuses.count(401) == 1


@pytest.mark.parametrize("kind", ["garbage", "foreign key", "expired"])
def test_a_wrong_token_is_a_clear_authentication_error(dcache: World, kind: str) -> None:
    token = {
        "garbage": "not-a-jwt-but-a-secret-value",
        "foreign key": Issuer(CLIENT_ID, SECRET).mint(),
        "expired": dcache.issuer.mint(lifetime=-10),
    }[kind]
    with pytest.raises(AuthenticationError) as refused:
        DirectClient(token=token, progress_bar=False).list_dir("lst/")
    message = str(refused.value)
    assert token not in message
    assert "dCache" in message and "refused the token" in message
    assert refused.value.status == 401
    assert len(dcache.storage.seen) == 1  # a fixed token is not retried


def test_the_token_from_the_environment_is_used(
    dcache: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = dcache.issuer.mint()
    monkeypatch.setenv("CTADATA_TOKEN", token)
    client = DirectClient(progress_bar=False)
    assert isinstance(client.tokens, StaticToken)
    assert client.entries("cta/big/")[0].path == "cta/big/a.bin"
    assert dcache.storage.seen[-1].token == token


def test_without_an_agent_the_error_says_what_to_do(
    dcache: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CTADATA_CONFIG_DIR", str(tmp_path))  # nothing recorded there
    with pytest.raises(AuthenticationError, match="start-agent"):
        DirectClient(progress_bar=False).list_dir("lst/")
    monkeypatch.setenv("OIDC_SOCK", str(tmp_path / "no-such-socket"))
    with pytest.raises(AuthenticationError, match="cannot talk to oidc-agent"):
        DirectClient(progress_bar=False).list_dir("lst/")
    assert dcache.storage.seen == []


def test_an_account_the_agent_does_not_have(dcache: World) -> None:
    with pytest.raises(AuthenticationError, match="no token for account 'someone-else'"):
        DirectClient(account="someone-else", progress_bar=False).list_dir("lst/")


def test_https_door_with_its_own_ca(dcache: World, tmp_path: Path) -> None:
    """The real door speaks HTTPS; a CA bundle of its own can be given (CTADATA_DCACHE_CA)."""
    ca, cert, key = make_tls(tmp_path)
    door = Storage(dcache.root, dcache.issuer.public_keys, tls=(cert, key))
    try:
        client = DirectClient(dcache_url=door.url, ca=ca, progress_bar=False)
        assert sorted(e.name for e in client.entries("cta/big/")) == ["a.bin", "b.bin", "c.bin"]
        assert client.fetch_and_save_file("cta/big/a.bin", tmp_path / "a.bin") == MiB
        with pytest.raises(ServiceUnreachable, match="CERTIFICATE_VERIFY_FAILED"):
            DirectClient(dcache_url=door.url, progress_bar=False).list_dir("cta/")
    finally:
        door.close()


def test_fsspec_direct_mode_has_the_settings_of_ctadata_direct(
    dcache: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`fsspec.filesystem("ctadata", direct=True)` and `ctadata.open(..., direct=True)` go where
    `ctadata.direct` goes (the door of CTADATA_DCACHE_URL, base path pnfs/cta.cscs.ch), with
    its tokens (oidc-agent's; a refused one refreshed and the request sent again) and its CA."""
    import fsspec

    import ctadata

    fs = fsspec.filesystem("ctadata", direct=True, skip_instance_cache=True)
    assert fs.base_url == DirectClient().url("") == f"{dcache.storage.url}/pnfs/cta.cscs.ch/"
    assert fs.info("lst/DL1/20241114/run2.h5")["size"] == 200_000
    assert sorted(fs.ls("cta/big/", detail=False)) == [f"cta/big/{n}.bin" for n in "abc"]
    dcache.issuer.rotate()  # the token the agent holds is refused from now on
    dcache.storage.seen.clear()
    data = dcache.files["lst/DL1/20241114/run1.h5"]
    with ctadata.open("lst/DL1/20241114/run1.h5", direct=True, block_size=MiB) as f:
        f.seek(MiB + 5)
        assert f.read(1000) == data[MiB + 5 : MiB + 1005]
    statuses = [s.status for s in dcache.storage.seen]
    assert statuses[0] == 401 and 401 not in statuses[1:] and statuses[-1] == 206
    verify_jwt(dcache.storage.seen[-1].token or "", dcache.issuer.public_keys())

    ca, cert, key = make_tls(tmp_path)
    door = Storage(dcache.root, dcache.issuer.public_keys, tls=(cert, key))
    try:
        monkeypatch.setenv("CTADATA_DCACHE_URL", door.url)
        monkeypatch.setenv("CTADATA_DCACHE_CA", str(ca))
        https = fsspec.filesystem("ctadata", direct=True, skip_instance_cache=True)
        assert https.cat_file("cta/big/a.bin", 0, 10) == dcache.files["cta/big/a.bin"][:10]
    finally:
        door.close()


def test_find_walks_the_door_itself(dcache: World) -> None:
    found = direct.find("lst/DL1/", name="*.h5", min_size=300_000)
    assert [e.path for e in found] == ["lst/DL1/20241114/run1.h5"]


def test_an_oidc_agent_token_is_not_pickled_for_dask_workers(dcache: World) -> None:
    tokens = OidcAgentTokens()
    secret = tokens.token().encode()  # asked from the real agent, now cached in `tokens`
    client = DirectClient(tokens)
    assert client.stat("lst/DL1/20241114/run2.h5").size == 200_000
    for blob in (pickle.dumps(tokens), cloudpickle.dumps(client)):
        assert secret not in blob
    again = pickle.loads(cloudpickle.dumps(client))  # noqa: S301 (a worker asks its agent)
    assert again.stat("lst/DL1/20241114/run2.h5").size == 200_000

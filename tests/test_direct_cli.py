"""`cta-data-direct`: the agent commands with Debian's real oidc-agent (device flow against a
test OpenID provider), and list/get/put against a WebDAV storage that checks the tokens.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ctadata.direct.cli import cli
from tests.direct_storage import Issuer, Storage, verify_jwt

CLIENT_ID = "dcache-test-users"
SECRET = "the-client-secret-9c1e"
ACCOUNT = "kk-dcache-cli"


class Env:
    def __init__(self, base: Path, issuer: Issuer, storage: Storage):
        self.base = base
        self.config = base / "config"
        self.issuer = issuer
        self.storage = storage
        self.vars = {
            "CTADATA_CONFIG_DIR": str(self.config),
            "OIDC_CONFIG_DIR": str(base / "oidc-agent"),
            "OIDC_ENCRYPTION_PW": "test-encryption-password",
            "CTADATA_OIDC_ISSUER": issuer.url,
            "CTADATA_OIDC_CLIENT_ID": CLIENT_ID,
            "CTADATA_OIDC_ACCOUNT": ACCOUNT,
            "CTADATA_DCACHE_URL": storage.url,
            "OIDC_SOCK": None,
            "OIDCD_PID": None,
            "CTADATA_TOKEN": None,
        }

    def run(self, *args: str, **env: str | None) -> Result:
        # CliRunner applies `env` to os.environ for the call (None unsets), as a shell would.
        return CliRunner().invoke(cli, list(args), env=self.vars | env, prog_name="cta-data-direct")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    base = tmp_path_factory.mktemp("direct-cli")
    issuer = Issuer(CLIENT_ID, SECRET, lifetime=300)
    root = base / "storage"
    (root / "lst/DL1/night 1/sub").mkdir(parents=True)
    (root / "lst/DL1/night 1/run1.h5").write_bytes(os.urandom(500_000))
    (root / "lst/DL1/night 1/sub/log.txt").write_text("log\n")
    (root / "lst/users/alice").mkdir(parents=True)
    storage = Storage(root, issuer.public_keys)
    env = Env(base, issuer, storage)
    try:
        yield env
    finally:
        env.run("stop-agent")
        storage.close()
        issuer.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_agent_lifecycle_and_transfers(env: Env, tmp_path: Path) -> None:
    # Nothing set up yet: the commands say what to do.
    status = env.run("status")
    assert status.exit_code == 1 and "start-agent" in status.output
    missing = env.run("start-agent")
    assert missing.exit_code == 1
    assert (
        "give the client secret once with `cta-data-direct start-agent -s SECRET`" in missing.output
    )

    # First use: the device flow shows the URL and the code; the secret is kept, privately.
    started = env.run("start-agent", "-s", SECRET)
    assert started.exit_code == 0, started.output
    assert f"{env.issuer.url}device" in started.output
    assert Issuer.user_code in started.output
    assert f"token for '{ACCOUNT}' available, valid until" in started.output
    assert SECRET not in started.output
    secret_file = env.config / "client-secret"
    assert secret_file.read_text().strip() == SECRET
    assert mode(secret_file) == 0o600
    assert mode(env.config / "oidc-agent.json") == 0o600
    assert sorted(p.name for p in env.config.iterdir()) == ["client-secret", "oidc-agent.json"]
    assert env.issuer.device_polls == 2

    # get-token prints a token the storage accepts; status says until when, without it.
    token = env.run("get-token")
    assert token.exit_code == 0
    value = token.output.strip()
    assert verify_jwt(value, env.issuer.public_keys())["iss"] == env.issuer.url
    status = env.run("status")
    assert status.exit_code == 0, status.output
    assert f"oidc-agent account '{ACCOUNT}'" in status.output and "valid until" in status.output
    assert value not in status.output

    # A second start-agent finds the running agent and the loaded account.
    again = env.run("start-agent")
    assert again.exit_code == 0 and "started oidc-agent" not in again.output
    assert env.issuer.device_polls == 2

    # list, get -r, put -r: cta-data's commands on the storage itself.
    listed = env.run("list", "-l", "lst/DL1/night 1/")
    assert listed.exit_code == 0, listed.output
    assert "lst/DL1/night 1/run1.h5" in listed.output and "488.3 KiB" in listed.output
    assert "d " in listed.output and "lst/DL1/night 1/sub/" in listed.output

    got = env.run("get", "-r", "-j", "2", "lst/DL1/night 1/", "--to", str(tmp_path))
    assert got.exit_code == 0, got.output
    assert got.output.startswith("2 files")
    assert (tmp_path / "lst/DL1/night 1/sub/log.txt").read_text() == "log\n"
    original = env.storage.root / "lst/DL1/night 1/run1.h5"
    assert (tmp_path / "lst/DL1/night 1/run1.h5").read_bytes() == original.read_bytes()

    put = env.run("put", "-r", "-j", "2", str(tmp_path / "lst/DL1/night 1"), "lst/users/alice/back")
    assert put.exit_code == 0, put.output
    assert put.output.startswith("2 files")
    assert (env.storage.root / "lst/users/alice/back/sub/log.txt").read_text() == "log\n"
    one = env.run("put", str(tmp_path / "lst/DL1/night 1/sub/log.txt"), "lst/users/alice/")
    assert one.exit_code == 0 and one.output.startswith("lst/users/alice/log.txt: 4 B")
    not_recursive = env.run("put", str(tmp_path / "lst"), "lst/users/alice/")
    assert not_recursive.exit_code == 2 and "use -r" in not_recursive.output

    absent = env.run("get", "lst/DL1/nothing.h5", "--to", str(tmp_path))
    assert absent.exit_code == 1
    assert absent.output.startswith("cta-data-direct: error: list 'lst/DL1/nothing.h5'")
    assert all(s.token for s in env.storage.seen)

    # A wrong token (here from CTADATA_TOKEN) is an error that does not show it.
    wrong = env.run("list", "lst/", CTADATA_TOKEN="wrong-token-value-123")
    assert wrong.exit_code == 1
    assert "refused the token" in wrong.output and "wrong-token-value-123" not in wrong.output
    assert "CTADATA_TOKEN" in wrong.output

    # stop-agent stops it; then no token; start-agent brings the saved account back (oidc-add).
    stopped = env.run("stop-agent")
    assert stopped.exit_code == 0 and stopped.output.startswith("stopped oidc-agent")
    assert env.run("status").exit_code == 1
    assert env.run("list", "lst/").exit_code == 1
    restarted = env.run("start-agent")
    assert restarted.exit_code == 0, restarted.output
    assert "started oidc-agent" in restarted.output and Issuer.user_code not in restarted.output
    assert env.issuer.device_polls == 2
    assert sorted(env.run("list", "lst/").output.split()) == ["lst/DL1/", "lst/users/"]


def test_a_wrong_client_secret_is_reported(env: Env) -> None:
    result = env.run("start-agent", "-s", "not-the-secret", CTADATA_OIDC_ACCOUNT="kk-other")
    assert result.exit_code == 1
    assert "oidc-gen could not create the account 'kk-other'" in result.output
    assert "not-the-secret" not in result.output
    # A secret that did not work does not replace the one that did.
    assert (env.config / "client-secret").read_text().strip() == SECRET

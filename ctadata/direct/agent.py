"""Setting up and running oidc-agent for direct access (`cta-data-direct start-agent`, ...).

Debian's (or any) `oidc-agent`, `oidc-gen` and `oidc-add` do the OIDC work; this module starts
the agent when none runs, records its socket in the config directory (so that notebooks and
later commands find it without `eval $(oidc-agent)`), makes the account on first use (device
flow: `oidc-gen` prints the URL and the code to visit) or loads it, and stops the agent it
started.

The client secret is kept in `<config dir>/client-secret`, mode 0600, and handed to `oidc-gen`
in a client-configuration file of the same mode that is removed right after: never on a command
line, never printed. The encryption password of the account is `oidc-gen`'s and `oidc-add`'s
business: they prompt for it, or read `OIDC_ENCRYPTION_PW` when it is set.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import AuthenticationError, CtadataError
from .tokens import (
    AGENT_FILE,
    OidcAgentTokens,
    Token,
    agent_reachable,
    config_dir,
    default_account,
    recorded_agent,
)

DEFAULT_ISSUER = "https://keycloak.cta.cscs.ch/realms/master/"
DEFAULT_CLIENT_ID = "dcache-cta-cscs-ch-users"
DEFAULT_SCOPE = "openid profile offline_access"
SECRET_FILE = "client-secret"  # noqa: S105 (a file name)
PASSWORD_ENV = "OIDC_ENCRYPTION_PW"  # noqa: S105 (a variable name)
COMMAND_TIMEOUT_SECONDS = 60


class AgentError(CtadataError):
    """oidc-agent could not be started, set up or stopped."""


@dataclass(frozen=True)
class AgentSettings:
    """Which account of which issuer; every field has an environment variable."""

    account: str
    issuer: str = DEFAULT_ISSUER
    client_id: str = DEFAULT_CLIENT_ID
    scope: str = DEFAULT_SCOPE

    @classmethod
    def from_env(cls, account: str | None = None) -> AgentSettings:
        return cls(
            account=account or default_account(),
            issuer=os.environ.get("CTADATA_OIDC_ISSUER") or DEFAULT_ISSUER,
            client_id=os.environ.get("CTADATA_OIDC_CLIENT_ID") or DEFAULT_CLIENT_ID,
            scope=os.environ.get("CTADATA_OIDC_SCOPE") or DEFAULT_SCOPE,
        )


@dataclass(frozen=True)
class AgentInfo:
    socket: str
    pid: int | None
    started_here: bool  # recorded by start-agent (else: the user's own, from OIDC_SOCK)


# -- private files ----------------------------------------------------------------------------
def _private_dir() -> Path:
    directory = config_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner can read (mode 0600 from the start)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an older file may have had a wider mode
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def secret_path() -> Path:
    return config_dir() / SECRET_FILE


def save_secret(secret: str) -> Path:
    secret = secret.strip()
    if not secret:
        raise AgentError("the client secret is empty")
    path = _private_dir() / SECRET_FILE
    write_private(path, secret + "\n")
    return path


def load_secret() -> str | None:
    try:
        return secret_path().read_text().strip() or None
    except FileNotFoundError:
        return None


# -- the agent process ------------------------------------------------------------------------
def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise AgentError(
            f"{name} is not installed: install oidc-agent (Debian/Ubuntu: apt install"
            " oidc-agent-cli; macOS: brew install oidc-agent)"
        )
    return found


def running_agent() -> AgentInfo | None:
    """The agent to use: `OIDC_SOCK`'s if it answers, else the one start-agent recorded."""
    from_env = os.environ.get("OIDC_SOCK")
    if from_env and agent_reachable(from_env):
        pid = os.environ.get("OIDCD_PID")
        return AgentInfo(from_env, int(pid) if pid and pid.isdigit() else None, False)
    info = recorded_agent()
    if info is not None and agent_reachable(info["socket"]):
        return AgentInfo(info["socket"], int(info["pid"]) if info.get("pid") else None, True)
    return None


def launch_agent() -> AgentInfo:
    """Start oidc-agent (it puts itself in the background) and record its socket and pid."""
    try:
        done = _run_tool("oidc-agent", "--json", "--quiet")
        info = json.loads(done.stdout)
        agent = AgentInfo(str(info["socket"]), int(info["dpid"]), True)
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError) as exc:
        raise AgentError(f"could not start oidc-agent: {exc}") from exc
    write_private(
        _private_dir() / AGENT_FILE, json.dumps({"socket": agent.socket, "pid": agent.pid})
    )
    return agent


def _agent_env(agent: AgentInfo) -> dict[str, str]:
    env = dict(os.environ, OIDC_SOCK=agent.socket)
    if agent.pid is not None:
        env["OIDCD_PID"] = str(agent.pid)
    return env


def _run_tool(
    name: str, *args: str, agent: AgentInfo | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one of oidc-agent's tools (of `agent`, if given) to its end, its output captured."""
    return subprocess.run(
        [_tool(name), *args],
        env=_agent_env(agent) if agent is not None else None,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )


def _password_options() -> list[str]:
    return ["--pw-env"] if os.environ.get(PASSWORD_ENV) else []


def configured_accounts(agent: AgentInfo) -> list[str]:
    """The account configurations oidc-agent has on disk (`oidc-add -l`)."""
    done = _run_tool("oidc-add", "-l", agent=agent)
    lines = done.stdout.splitlines()
    return [line.strip() for line in lines[1:] if line.strip()]


def _run_shown(command: list[str], env: dict[str, str], out: Callable[[str], None]) -> int:
    """Run an oidc-agent tool with its output shown as it comes (prompts, URL and code).

    Its stdin is ours when that is a terminal (it may ask for a password), else empty.
    """
    stdin = None if sys.stdin is not None and sys.stdin.isatty() else subprocess.DEVNULL
    with subprocess.Popen(
        command, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as process:
        assert process.stdout is not None
        while chunk := process.stdout.read1(4096):  # type: ignore[attr-defined]
            out(chunk.decode(errors="replace"))
        return process.wait()


@contextlib.contextmanager
def _client_config(settings: AgentSettings, secret: str) -> Iterator[Path]:
    """oidc-gen's client configuration, secret included, in a 0600 file removed afterwards."""
    path = _private_dir() / f"oidc-gen-{os.getpid()}.json"
    config = {
        "client_id": settings.client_id,
        "client_secret": secret,
        "issuer_url": settings.issuer,
        "scope": settings.scope,
        "redirect_uris": [],
    }
    try:
        write_private(path, json.dumps(config))
        yield path
    finally:
        path.unlink(missing_ok=True)


def start_agent(
    settings: AgentSettings,
    secret: str | None = None,
    out: Callable[[str], None] = print,
) -> Token:
    """Make a fresh token available: start the agent, load or create the account.

    A new account goes through the device flow: `oidc-gen` prints the URL and the code to
    visit, and waits until the login is done. Returns the first token (for its expiry).
    """
    agent = running_agent()
    if agent is None:
        agent = launch_agent()
        out(f"started oidc-agent (pid {agent.pid})\n")
    token = _load_account(settings, agent, secret, out)
    if secret:
        save_secret(secret)  # once it worked: a mistyped secret does not replace a good one
    return token


def _load_account(
    settings: AgentSettings, agent: AgentInfo, secret: str | None, out: Callable[[str], None]
) -> Token:
    tokens = OidcAgentTokens(settings.account, agent.socket)
    try:
        return tokens.current()
    except AuthenticationError:
        pass  # not loaded yet
    env = _agent_env(agent)
    if settings.account in configured_accounts(agent):
        command = [_tool("oidc-add"), *_password_options(), settings.account]
        if _run_shown(command, env, out) != 0:
            raise AgentError(f"oidc-add could not load the account {settings.account!r}")
    else:
        secret = secret or load_secret()
        if not secret:
            raise AgentError(
                f"the account {settings.account!r} does not exist yet: give the client secret"
                " once with `cta-data-direct start-agent -s SECRET`"
            )
        out(f"creating the oidc-agent account {settings.account!r} at {settings.issuer}\n")
        with _client_config(settings, secret) as client_file:
            command = [
                _tool("oidc-gen"),
                f"--file={client_file}",
                "--flow=device",
                "--prompt=none",
                "--no-url-call",
                *_password_options(),
                settings.account,
            ]
            status = _run_shown(command, env, out)
        if status != 0:
            raise AgentError(
                f"oidc-gen could not create the account {settings.account!r} (exit {status})"
            )
    return tokens.current()


def stop_agent() -> str:
    """Stop the agent that start-agent started; an agent of the user's own is left alone."""
    info = recorded_agent()
    record = config_dir() / AGENT_FILE
    if info is None:
        if os.environ.get("OIDC_SOCK"):
            return "the oidc-agent in OIDC_SOCK was not started by cta-data-direct: left running"
        return "no oidc-agent started by cta-data-direct"
    agent = AgentInfo(info["socket"], int(info["pid"]) if info.get("pid") else None, True)
    if agent.pid is not None and agent_reachable(agent.socket):
        _run_tool("oidc-agent", "--kill", agent=agent)
    record.unlink(missing_ok=True)
    for _ in range(50):
        if not agent_reachable(agent.socket):
            return f"stopped oidc-agent (pid {agent.pid})"
        time.sleep(0.1)
    raise AgentError(f"oidc-agent (pid {agent.pid}) is still running")

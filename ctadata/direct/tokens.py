"""Where direct access gets its short-lived OIDC access tokens from.

- `OidcAgentTokens`: a running `oidc-agent`, through its UNIX socket (`OIDC_SOCK`, or the agent
  that `cta-data-direct start-agent` started, recorded in the config directory). The request is
  the agent's own JSON protocol (what liboidc-agent and `oidc-token` send); no subprocess, so
  the token never appears on a command line.
- `StaticToken`: a token given by the caller or in `CTADATA_TOKEN` (scripts, CI, tests).

The request is written here rather than through `liboidcagent` (oidc-agent's own Python
library), for what it does not offer: it finds the agent only through `OIDC_SOCK` (the agent
that `start-agent` recorded, or a socket given, would need the process's environment changed),
it sets no timeout (measured: a request to an agent that accepts and never answers was still
waiting after 75 s, where this module gives up after `AGENT_TIMEOUT_SECONDS`), and when the
local agent cannot be reached it tries a remote one over TCP (`OIDC_REMOTE_SOCK`). Its
encrypted exchange would add PyNaCl for a socket only its owner can open.

`TokenSource.token()` is what `ctadata.http.BearerAuth` calls before every request: it hands
out a cached token while that one stays valid for `min_valid` seconds more, and asks the agent
for a fresh one otherwise, so a long transfer never sends a token about to expire.
"""

from __future__ import annotations

import base64
import json
import math
import os
import socket
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import AuthenticationError

DEFAULT_ACCOUNT = "kk-dcache-prod"
MIN_VALID_SECONDS = 60
AGENT_TIMEOUT_SECONDS = 60
APPLICATION_HINT = "ctadata"
AGENT_FILE = "oidc-agent.json"


def config_dir() -> Path:
    """`$CTADATA_CONFIG_DIR`, else `~/.config/ctadata`: the client secret and the agent's socket."""
    configured = os.environ.get("CTADATA_CONFIG_DIR")
    return Path(configured) if configured else Path.home() / ".config" / "ctadata"


def default_account() -> str:
    return os.environ.get("CTADATA_OIDC_ACCOUNT") or DEFAULT_ACCOUNT


@dataclass(frozen=True)
class Token:
    """An access token and when it expires (seconds since the epoch; None if unknown).

    `repr` and `str` hide the value, so a Token can be logged or shown safely.
    """

    value: str
    expires_at: float | None

    def remaining(self) -> float | None:
        return None if self.expires_at is None else self.expires_at - time.time()

    def valid_for(self, seconds: float) -> bool:
        remaining = self.remaining()
        return remaining is None or remaining >= seconds

    def __repr__(self) -> str:
        return f"Token(expires_at={self.expires_at!r})"

    __str__ = __repr__


def jwt_expiry(value: str) -> float | None:
    """The `exp` claim of a JWT, read without verifying it (for display and caching only)."""
    try:
        payload = value.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return None


class TokenSource(ABC):
    """Hands out access tokens; thread-safe (a tree transfer asks from several threads)."""

    min_valid: float = MIN_VALID_SECONDS

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: Token | None = None

    def __getstate__(self) -> dict[str, object]:
        """Pickled (for Dask workers, ...) without the cached token: a worker asks its own
        source (its oidc-agent) for one. Given tokens (`StaticToken`) travel: they are the source.
        """
        state = self.__dict__.copy()
        del state["_lock"], state["_cached"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._cached = None

    @abstractmethod
    def fetch(self, min_valid_period: float) -> Token:
        """Ask the source itself for a token valid for at least `min_valid_period` seconds."""

    @abstractmethod
    def describe(self) -> str:
        """Where the tokens come from, for messages (never the token)."""

    def refusal_hint(self) -> str:
        """What to do when the storage refuses this source's tokens."""
        return f"{self.describe()}: give a fresh token"

    @property
    def refreshable(self) -> bool:
        return True

    def current(self, *, force_refresh: bool = False) -> Token:
        """A token valid for `min_valid` seconds more, cached while it stays so.

        `force_refresh`: the server refused the cached token before its time (revoked, keys
        rotated, clocks apart): ask for a new one even if it looks valid.
        """
        with self._lock:
            cached = self._cached
            if cached is not None and not force_refresh and cached.valid_for(self.min_valid):
                return cached
            wanted = self.min_valid
            if force_refresh and cached is not None:
                # oidc-agent refreshes when the token it holds is valid for less than asked.
                wanted = max(wanted, (cached.remaining() or 0) + 1)
            self._cached = self.fetch(wanted)
            return self._cached

    def token(self) -> str:
        """The value of `current()`: what `BearerAuth` calls before every request."""
        return self.current().value

    def refresh_after_refusal(self, refused: str | None) -> bool:
        """The server refused `refused`: is there now a different token worth a retry?"""
        if not self.refreshable:
            return False
        return self.current(force_refresh=True).value != refused


class StaticToken(TokenSource):
    """One token, as given: it cannot be refreshed, so a refusal is final."""

    def __init__(self, value: str, origin: str = "the token given"):
        super().__init__()
        if not value:
            raise AuthenticationError(f"not authenticated: {origin} is empty")
        self._token = Token(value, jwt_expiry(value))
        self._origin = origin

    def fetch(self, min_valid_period: float) -> Token:
        return self._token

    def current(self, *, force_refresh: bool = False) -> Token:
        return self._token

    @property
    def refreshable(self) -> bool:
        return False

    def describe(self) -> str:
        return self._origin


class CallableToken(TokenSource):
    """Tokens from a function of the caller's, called before every request."""

    def __init__(self, function: Callable[[], str | None]):
        super().__init__()
        self._function = function

    def fetch(self, min_valid_period: float) -> Token:
        value = self._function()
        if not value:
            raise AuthenticationError("not authenticated: the token function gave no token")
        return Token(value, jwt_expiry(value))

    def current(self, *, force_refresh: bool = False) -> Token:
        return self.fetch(self.min_valid)

    def describe(self) -> str:
        return "the token function given"


class OidcAgentTokens(TokenSource):
    """Tokens of one account of a running oidc-agent, asked for through its socket."""

    def __init__(
        self,
        account: str | None = None,
        socket_path: str | os.PathLike[str] | None = None,
        min_valid: float | None = None,
    ):
        super().__init__()
        self.account = account or default_account()
        self._socket_path = str(socket_path) if socket_path is not None else None
        if min_valid is not None:
            self.min_valid = min_valid

    @property
    def socket_path(self) -> str:
        if self._socket_path is not None:
            return self._socket_path
        found = find_agent_socket()
        if found is None:
            raise AuthenticationError(
                "not authenticated: no oidc-agent is running (OIDC_SOCK is not set and"
                " `cta-data-direct start-agent` started none); run `cta-data-direct start-agent`"
            )
        return found

    def describe(self) -> str:
        return f"oidc-agent account {self.account!r}"

    def refusal_hint(self) -> str:
        return (
            f"it came from {self.describe()}: check `cta-data-direct status`, or run"
            " `cta-data-direct start-agent`"
        )

    def fetch(self, min_valid_period: float) -> Token:
        answer = agent_request(
            self.socket_path,
            {
                "request": "access_token",
                "account": self.account,
                "min_valid_period": max(0, math.ceil(min_valid_period)),
                "application_hint": APPLICATION_HINT,
            },
        )
        if answer.get("status") != "success" or not answer.get("access_token"):
            error = str(answer.get("error") or answer.get("status") or "no token")
            raise AuthenticationError(
                f"not authenticated: oidc-agent has no token for account {self.account!r}:"
                f" {error}; run `cta-data-direct start-agent`"
            )
        expires_at = answer.get("expires_at")
        return Token(str(answer["access_token"]), float(str(expires_at)) if expires_at else None)


def agent_request(socket_path: str, request: dict[str, object]) -> dict[str, object]:
    """One request to oidc-agent over its UNIX socket: a JSON object out, a JSON object back."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(AGENT_TIMEOUT_SECONDS)
            sock.connect(socket_path)
            sock.sendall(json.dumps(request).encode())
            received = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
                try:
                    return json.loads(received)
                except ValueError:
                    continue  # not all of it yet
    except OSError as exc:
        raise AuthenticationError(
            f"not authenticated: cannot talk to oidc-agent at {socket_path!r}:"
            f" {exc.strerror or exc}; run `cta-data-direct start-agent`"
        ) from exc
    raise AuthenticationError(
        f"not authenticated: oidc-agent at {socket_path!r} closed the connection without an answer"
    )


def agent_reachable(socket_path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(socket_path)
        return True
    except OSError:
        return False


def recorded_agent() -> dict[str, str] | None:
    """The agent `start-agent` started and recorded (`{"socket": ..., "pid": ...}`), if any."""
    try:
        info = json.loads((config_dir() / AGENT_FILE).read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and info.get("socket") else None


def find_agent_socket() -> str | None:
    """`OIDC_SOCK` if set, else the socket of the agent `start-agent` recorded, if it answers."""
    from_env = os.environ.get("OIDC_SOCK")
    if from_env:
        return from_env
    info = recorded_agent()
    if info is not None and agent_reachable(info["socket"]):
        return info["socket"]
    return None


def token_source(
    token: str | Callable[[], str | None] | TokenSource | None = None,
    account: str | None = None,
    min_valid: float | None = None,
) -> TokenSource:
    """The token source for a client: `token` if given, else `CTADATA_TOKEN`, else oidc-agent."""
    if isinstance(token, TokenSource):
        return token
    if callable(token):
        return CallableToken(token)
    if token is not None:
        return StaticToken(token)
    from_env = os.environ.get("CTADATA_TOKEN")
    if from_env:
        return StaticToken(from_env, "CTADATA_TOKEN")
    return OidcAgentTokens(account, min_valid=min_valid)

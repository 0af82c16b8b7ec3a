"""Shared fixtures: the development service, run as a subprocess like a real deployment.

- `dev_service` (session): one service for everybody, with the users of `USERS` by role.
- `client` (function): alice's library client of `dev_service`.
- `spawn_dev_service(**kw)` (function): a service of one's own, e.g. to kill it mid-transfer.
- `sample_tree` (session): a small tree written into `dev_service`'s storage.
- `lab` (function): the server extension in pytest-jupyter's Jupyter server, in front of
  `lab_service` (`dev_service`; "own" or "unreachable" as an indirect parameter), with the
  `CtadataLab` traits of `lab_traits`; `tests.lab_harness` has `Lab` and its helpers.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

import ctadata.devservice
from ctadata import APIClient
from ctadata.devservice.users import ALL_SCOPES, user_folder_name
from tests.helpers import client_for
from tests.lab_harness import Lab

pytest_plugins = ["pytest_jupyter.jupyter_server", "tests.jupyter_process"]

# The code under test: the subprocess runs the same copy of ctadata as the tests import.
SOURCE_ROOT = Path(ctadata.devservice.__file__).resolve().parents[2]
START_TIMEOUT = 30


@dataclass(frozen=True)
class ServiceUser:
    role: str
    name: str  # the hub user name
    token: str = field(repr=False)

    @property
    def folder(self) -> str:
        """The user's folder name in `<area>/users/`, by the services' rule."""
        return user_folder_name(self.name)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class RunningDevService:
    """What `--ready-json` printed, plus the users by role and the process."""

    downloadservice: str
    certificateservice: str
    storage_url: str
    hub_url: str
    storage_dir: Path
    state_dir: Path
    ca_cert: Path
    ca_key: Path
    token: str = field(repr=False)
    pid: int
    users: dict[str, ServiceUser]
    process: subprocess.Popen[str] = field(repr=False)

    @property
    def stats_url(self) -> str:
        """The storage's byte counter: `GET` it, `POST` to `+ "/reset"`."""
        return self.storage_url.split("/pnfs/", 1)[0] + "/_stats"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()  # the pipe its address came through


def make_users(expired_at: float | None = None) -> list[dict[str, Any]]:
    """The test users, with fresh random tokens, as the users file wants them."""
    both = list(ALL_SCOPES)

    def user(role: str, name: str, **kw: Any) -> dict[str, Any]:
        entry = {"role": role, "name": name, "token": secrets.token_hex(16), "scopes": both}
        entry.update({"areas": ["lst", "cta"], "admin": False, "expires": None, **kw})
        return entry

    return [
        user("alice", "Alice.Smith01"),
        user("noscope", "Nora Scope", scopes=[]),
        user("admin", "admin", admin=True),
        user("nofolder", "Nico Folder", areas=["arc"]),  # arc has no users/ folder
        user("expired", "Ed Expired", expires=expired_at or time.time() - 3600),
    ]


def spawn(
    storage_dir: Path,
    state_dir: Path,
    users: list[dict[str, Any]],
    *args: str,
    refuse_open_ranges: bool = True,
) -> RunningDevService:
    """Start `python -m ctadata.devservice` and wait for its JSON line.

    With `refuse_open_ranges` (the default) the service refuses an open-ended Range through
    `webdav/` (400): every test that downloads, resumes or reads in place pins that none is
    ever sent (the deployed service would hold the whole rest of the file in memory)."""
    users_file = state_dir.parent / f"{state_dir.name}-users.json"
    state_dir.mkdir(parents=True, exist_ok=True)
    users_file.write_text(json.dumps({"users": users}), encoding="utf-8")
    python_path = [str(SOURCE_ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in python_path if p)}
    command = [sys.executable, "-m", "ctadata.devservice", "--storage", str(storage_dir)]
    command += ["--state", str(state_dir), "--port", "0", "--users", str(users_file)]
    if refuse_open_ranges:
        command.append("--refuse-open-ranges")
    process = subprocess.Popen(
        [*command, "--ready-json", *args], stdout=subprocess.PIPE, text=True, env=env
    )
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
    line = process.stdout.readline() if ready and process.stdout else ""
    if not line:
        process.kill()
        raise RuntimeError(f"the development service did not start (exit code {process.poll()})")
    info = json.loads(line)
    paths = ("storage_dir", "state_dir", "ca_cert", "ca_key")
    return RunningDevService(
        **{k: info[k] for k in ("downloadservice", "certificateservice", "storage_url")},
        hub_url=info["hub_url"],
        **{k: Path(info[k]) for k in paths},
        token=info["token"],
        pid=info["pid"],
        users={u["role"]: ServiceUser(u["role"], u["name"], u["token"]) for u in users},
        process=process,
    )


@pytest.fixture(scope="session")
def dev_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDevService]:
    base = tmp_path_factory.mktemp("devservice")
    service = spawn(base / "storage", base / "state", make_users())
    yield service
    service.stop()


@pytest.fixture
def client(dev_service: RunningDevService) -> Iterator[APIClient]:
    """Alice's library client of `dev_service` (no progress bars)."""
    with client_for(dev_service, "alice") as api:
        yield api


@pytest.fixture
def spawn_dev_service(tmp_path: Path) -> Iterator[Callable[..., RunningDevService]]:
    """`spawn_dev_service(storage_dir=None, users=None, args=(), refuse_open_ranges=True)`:
    a private service."""
    started: list[RunningDevService] = []

    def start(
        storage_dir: Path | None = None,
        users: list[dict[str, Any]] | None = None,
        args: tuple[str, ...] = (),
        refuse_open_ranges: bool = True,
    ) -> RunningDevService:
        n = len(started)
        storage = storage_dir or tmp_path / f"storage{n}"
        state = tmp_path / f"state{n}"
        service = spawn(
            storage, state, users or make_users(), *args, refuse_open_ranges=refuse_open_ranges
        )
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()


@dataclass(frozen=True)
class SampleTree:
    root: Path  # the storage folder
    files: dict[str, bytes]  # storage path (decoded) -> content
    dirs: tuple[str, ...]


def write_sample_tree(storage_dir: Path) -> SampleTree:
    """A small tree with awkward names: spaces, unicode, `#`, `%`, `?`, a 0-byte file."""
    rng = random.Random(42)
    files = {
        "lst/DL1/20241114/run1.h5": rng.randbytes(3000),
        "lst/DL1/20241114/with space.txt": b"a name with a space\n",
        "lst/DL1/20241114/\u00fcn\u00efc\u00f6d\u00e9 \u65e5\u672c.txt": b"unicode\n",
        "lst/DL1/20241114/hash#name.txt": b"hash\n",
        "lst/DL1/20241114/100%25 sure.txt": b"percent\n",
        "lst/DL1/20241114/what?.txt": b"question\n",
        "lst/DL1/20241114/empty.dat": b"",
        "lst/DL1/nested/a/b/deep.txt": b"deep\n",
        "lst/DL1/big.bin": rng.randbytes(1 << 20),
        "cta/DL3/readme.txt": b"cta data\n",
        "arc/data/arc.txt": b"arc data\n",
    }
    for rel, content in files.items():
        path = storage_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    dirs = ("lst/DL1/", "lst/DL1/20241114/", "lst/DL1/nested/", "lst/DL1/nested/a/")
    return SampleTree(storage_dir, files, dirs)


@pytest.fixture(scope="session")
def sample_tree(dev_service: RunningDevService) -> SampleTree:
    return write_sample_tree(dev_service.storage_dir)


# -- the server extension in a Jupyter server ----------------------------------------------
@pytest.fixture
def lab_service(request: pytest.FixtureRequest, dev_service, sample_tree):
    """The session's service; with the parameter "own" a private one that a test may kill or
    stop; with "unreachable" the same users at addresses where nothing listens."""
    which = getattr(request, "param", None)
    if which == "own":
        return request.getfixturevalue("spawn_dev_service")()
    if which == "unreachable":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            nowhere = f"http://127.0.0.1:{s.getsockname()[1]}/services/"
        return replace(
            dev_service,
            downloadservice=nowhere + "downloadservice/",
            certificateservice=nowhere + "certificateservice/",
        )
    return dev_service


@pytest.fixture
def lab_traits(request: pytest.FixtureRequest, lab_service, monkeypatch) -> dict[str, Any]:
    """The `CtadataLab` traits; a test changes some with an indirect parameter.

    The token comes from `JUPYTERHUB_API_TOKEN`, as on the hub (Jupyter logs its configuration
    at debug level, so a token is never given as configuration here). `role` says whose token
    it is; `token` replaces it (None: no token at all). The hub's API is at
    `JUPYTERHUB_API_URL` (not the user's name), unless `hub` is False: then neither is set.
    """
    changes = dict(getattr(request, "param", {}))
    role = changes.pop("role", "alice")
    token = changes.pop("token", lab_service.users[role].token)
    if token is None:
        monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    else:
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", token)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    if changes.pop("hub", True):
        monkeypatch.setenv("JUPYTERHUB_API_URL", lab_service.hub_url.rstrip("/") + "/api")
    else:
        monkeypatch.delenv("JUPYTERHUB_API_URL", raising=False)
    traits = {
        "downloadservice_url": lab_service.downloadservice,
        "certificateservice_url": lab_service.certificateservice,
        "max_concurrent_transfers": 4,
    }
    return traits | changes


@pytest.fixture
def jp_server_config(lab_traits: dict[str, Any]) -> Config:
    return Config(
        {
            "ServerApp": {
                "jpserver_extensions": {"ctadata_lab": True, "jupyter_server_terminals": False},
                "allow_unauthenticated_access": False,
            },
            "CtadataLab": lab_traits,
        }
    )


@pytest.fixture
def lab(
    jp_serverapp, http_server, jp_asyncio_loop, jp_http_port, jp_base_url, jp_root_dir, lab_service
) -> Lab:
    """The extension in pytest-jupyter's server (`http_server` listens on `jp_http_port`)."""
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}ctadata/"
    token = jp_serverapp.identity_provider.token
    return Lab(jp_asyncio_loop, url, token, Path(jp_root_dir).resolve(), lab_service)

"""A real JupyterHub (`python -m ctadata.devservice.hub`) for the tests, and tokens made by it.

The hub, its configurable-http-proxy and the development services in hub-auth mode run as
subprocesses; the hub's REST API (with the launcher's admin token) makes users' tokens with
the scopes a test asks for. Needs jupyterhub and configurable-http-proxy (scripts/test.sh
installs both); without them the tests that use it are skipped, saying why.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import SOURCE_ROOT

START_TIMEOUT = 180
DATA_USERS = "alice,bob,dr.who2"  # dr.who2's folder is dr_who_ (only 0 and 1 survive)
DOWNLOAD_SCOPE = "access:services!service=downloadservice"
CERTIFICATE_SCOPE = "access:services!service=certificateservice"


@dataclass
class RunningHub:
    url: str  # the proxy's public URL, ending in /
    storage_dir: Path
    admin_token: str = field(repr=False)
    process: subprocess.Popen[str] = field(repr=False)

    @property
    def downloadservice(self) -> str:
        return self.url + "services/downloadservice/"

    @property
    def certificateservice(self) -> str:
        return self.url + "services/certificateservice/"

    def token(self, user: str, scopes: list[str]) -> str:
        """A new API token of `user` with these scopes (the hub keeps only those user holds)."""
        answer = httpx.post(
            f"{self.url}hub/api/users/{user}/tokens",
            headers={"Authorization": f"token {self.admin_token}"},
            json={"scopes": scopes, "expires_in": 3600},
            timeout=30,
        )
        answer.raise_for_status()
        return answer.json()["token"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # it stops the hub and the services
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_hub(folder: Path) -> RunningHub:
    pytest.importorskip("jupyterhub", reason="the hub tests need `pip install jupyterhub`")
    python_path = [str(SOURCE_ROOT), os.environ.get("PYTHONPATH", "")]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in python_path if p),
        "CTADATA_HUB_DATA_USERS": DATA_USERS,
    }
    command = [sys.executable, "-m", "ctadata.devservice.hub", "--dir", str(folder)]
    process = subprocess.Popen(
        [*command, "--no-large-file", "--ready-json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        error = process.stderr.read()
        if "configurable-http-proxy not found" in error:
            pytest.skip("the hub tests need configurable-http-proxy (scripts/test.sh installs it)")
        raise RuntimeError(f"the hub did not start: {error} (logs in {folder})")
    process.stderr.close()
    info = json.loads(line)
    return RunningHub(info["url"], Path(info["storage_dir"]), info["admin_token"], process)

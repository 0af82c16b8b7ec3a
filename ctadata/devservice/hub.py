"""`python -m ctadata.devservice.hub`: a real JupyterHub in front of the development services.

The multi-user topology of production, on one machine: JupyterHub with configurable-http-proxy,
the development download and certificate services as hub services (every token checked with
the hub, `--hub-auth`), and single-user JupyterLab servers with the ctadata panel, whose
tokens the hub gives the services' scopes (jupyterhub_config.py). Logins: `alice` and `bob`
(the CTA data role) and `carol` (without it), any password. Needs `pip install jupyterhub`
and `configurable-http-proxy` (npm). Ctrl-C (or SIGTERM) stops the hub, every user's server
and the services.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import click
import httpx

CONFIG = Path(__file__).with_name("jupyterhub_config.py")
# Where scripts/run.sh --hub and scripts/test.sh install the proxy in a checkout (npm package).
CHECKOUT_PROXY = (
    Path(__file__).parents[2] / "scripts/proxy/node_modules/.bin/configurable-http-proxy"
)
START_TIMEOUT = 120
STOP_TIMEOUT = 30


def find_proxy(given: str | None) -> str:
    """configurable-http-proxy: the one given, else the PATH's, else the checkout's."""
    found = given or shutil.which("configurable-http-proxy")
    if not found and CHECKOUT_PROXY.exists():
        found = str(CHECKOUT_PROXY)
    if not found:
        raise click.UsageError(
            "configurable-http-proxy not found: `npm install configurable-http-proxy` (or"
            " `jlpm install` in scripts/proxy/), or give it with --proxy"
        )
    return found


def free_port() -> int:
    """A port nobody listens on now (the hub and its proxy need their ports before they start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_services(
    folder: Path, api_url: str, api_token: str, log: IO[str], options: list[str]
) -> Any:
    """The development services in hub-auth mode; returns (process, their ready JSON)."""
    command = [sys.executable, "-m", "ctadata.devservice", "--storage", str(folder / "storage")]
    command += ["--state", str(folder / "state"), "--sample-data", "--hub-auth", "--ready-json"]
    command += options
    env = {**os.environ, "JUPYTERHUB_API_URL": api_url, "JUPYTERHUB_API_TOKEN": api_token}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # the services print it once they serve
    if not line:
        raise click.ClickException(f"the development services did not start (see {log.name})")
    return process, json.loads(line)


def service_options(no_large_file: bool, throttle: float | None) -> list[str]:
    options = ["--no-large-file"] if no_large_file else []
    return [*options, f"--throttle={throttle}"] if throttle else options


def wait_for_hub(url: str, hub: subprocess.Popen[bytes], log_name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if hub.poll() is not None:
            raise click.ClickException(f"JupyterHub stopped while starting (see {log_name})")
        try:
            if httpx.get(url + "hub/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise click.ClickException(f"JupyterHub did not answer within {START_TIMEOUT} s")


def stop(process: subprocess.Popen[Any] | None) -> None:
    """SIGTERM (the hub then stops its proxy and the users' servers), SIGKILL if it lingers.

    The hub and the services run in sessions of their own, so that a terminal's Ctrl-C reaches
    only this launcher, and each of them gets one signal: a second one while the hub stops
    would start its shutdown again, cutting the first short.
    """
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_signal(*processes: subprocess.Popen[Any]) -> None:
    """Until Ctrl-C or SIGTERM, or until one of the processes ends by itself."""
    stop = threading.Event()

    def handler(signum: int, frame: object) -> None:
        stop.set()

    # Set here, not inherited: a shell's background job starts with SIGINT ignored.
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    while not stop.wait(1.0) and all(p.poll() is None for p in processes):
        pass


BANNER = """\
A JupyterHub for ctadata on this machine (a DEMO: any password, no isolation between users)

  hub log              {folder}/jupyterhub.log
  services             {url}services/downloadservice/, .../certificateservice/
                       (log: {folder}/services.log)
  storage (shared)     {storage}
  users' homes         {folder}/home/<user>

Press Ctrl-C to stop the hub, the users' servers and the services.
Open:
{url}
Log in as alice or bob (they may use the CTA data services), or as carol (who may not);
any password.
"""


@click.command()
@click.option(
    "--dir",
    "folder",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the hub keeps its database, the storage, the services' state and the homes.",
)
@click.option("--port", default=0, show_default=True, help="The hub's public port; 0 picks one.")
@click.option(
    "--proxy",
    envvar="CTADATA_HUB_PROXY",
    help="configurable-http-proxy's command (default: the PATH's, else scripts/proxy/'s).",
)
@click.option("--no-large-file", is_flag=True, help="Skip the ~50 MB sample file.")
@click.option(
    "--throttle",
    type=click.FloatRange(min=1),
    help="Bytes per second at most of each download from the storage (default: no limit).",
)
@click.option(
    "--ready-json",
    is_flag=True,
    help="Print one JSON line when ready: URLs, folders and this demo hub's admin token"
    " (for the process that started it, as the tests do).",
)
def main(
    folder: Path,
    port: int,
    proxy: str | None,
    no_large_file: bool,
    throttle: float | None,
    ready_json: bool,
) -> None:
    """Run JupyterHub with the development services as hub services."""
    proxy = find_proxy(proxy)
    folder = folder.resolve()
    (folder / "home").mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    hub_port, tokens = free_port(), {n: secrets.token_hex(32) for n in ("ds", "cs", "admin")}
    url = f"http://127.0.0.1:{port}/"
    services = hub = None
    with (folder / "services.log").open("a") as services_log:
        try:
            services, ready = start_services(
                folder,
                f"http://127.0.0.1:{hub_port}/hub/api",
                tokens["ds"],
                services_log,
                service_options(no_large_file, throttle),
            )
            env = {
                **os.environ,
                "CTADATA_HUB_DIR": str(folder),
                "CTADATA_HUB_PORT": str(port),
                "CTADATA_HUB_API_PORT": str(hub_port),
                "CTADATA_HUB_PROXY_API_PORT": str(free_port()),
                "CTADATA_HUB_PROXY": proxy,
                "CTADATA_HUB_SERVICE_URL": ready["downloadservice"].split("/services/")[0],
                "CTADATA_HUB_DOWNLOADSERVICE_TOKEN": tokens["ds"],
                "CTADATA_HUB_CERTIFICATESERVICE_TOKEN": tokens["cs"],
                "CTADATA_HUB_ADMIN_TOKEN": tokens["admin"],
                "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(32),
            }
            with (folder / "jupyterhub.log").open("a") as hub_log:
                hub = subprocess.Popen(
                    [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
                    cwd=folder,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=hub_log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # see stop()
                )
            wait_for_hub(url, hub, str(folder / "jupyterhub.log"))
            if ready_json:
                info = {"url": url, "dir": str(folder), "storage_dir": ready["storage_dir"]}
                # The admin token is for the tests; a pipe only, never the banner.
                print(json.dumps({**info, "admin_token": tokens["admin"]}), flush=True)
            else:
                print(
                    BANNER.format(
                        folder=folder,
                        storage=ready["storage_dir"],
                        url=url,
                    ),
                    flush=True,
                )
            wait_for_signal(hub, services)
        finally:
            stop(hub)
            stop(services)


if __name__ == "__main__":
    main()

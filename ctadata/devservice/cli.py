"""`cta-data dev-service` / `python -m ctadata.devservice`: run the development services."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click

from .server import DevService
from .users import ADMIN_TOKEN, DEMO_TOKEN, TokenChecker

BANNER = """\
ctadata development services (a DEVELOPMENT server, not the CTA-CH production services)

  download service     {downloadservice}
  certificate service  {certificateservice}
  hub login page       {hub_url}login
  WebDAV storage       {storage_url}  (serving {storage_dir})
  state (CA, certs)    {state_dir}

{tokens}
Point ctadata at it (in the shell where you run scripts or Jupyter):

  export CTADS_URL={downloadservice}
  export CTACS_URL={certificateservice}
  export JUPYTERHUB_API_TOKEN={token}

Press Ctrl-C to stop.
"""


def _tokens_text(service: DevService) -> str:
    if not service.users:
        return "Users: the hub's; every token is checked with the hub.\n"
    if {u.token for u in service.users} == {DEMO_TOKEN, ADMIN_TOKEN}:
        return (
            f"Users: the built-in demo users, token {DEMO_TOKEN} (user 'CTA Demo')\n"
            f"       and {ADMIN_TOKEN} (user 'admin', an admin).\n"
        )
    names = ", ".join(u.name for u in service.users)
    return f"Users: from the users file ({names}); the token below is {service.users[0].name}'s.\n"


def _wait_for_signal() -> None:
    """Block until Ctrl-C or SIGTERM."""
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    while not stop.wait(1.0):  # a timeout keeps the main thread responsive to signals
        pass


def _hub_tokens() -> TokenChecker:
    """The hub's token check, configured as JupyterHub configures its services: by environment."""
    from .hubauth import HubTokens  # needs jupyterhub, which only this mode does

    api_url = os.environ.get("JUPYTERHUB_API_URL")
    api_token = os.environ.get("JUPYTERHUB_API_TOKEN")
    if not api_url or not api_token:
        raise click.UsageError("--hub-auth needs JUPYTERHUB_API_URL and JUPYTERHUB_API_TOKEN")
    return HubTokens(api_url, api_token)


@click.command("dev-service")
@click.option(
    "--storage",
    "storage_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder served as the storage (created if missing).",
)
@click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the CA and stored certificates (default: a temporary one).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=0, show_default=True, help="Port of the services; 0 picks one.")
@click.option(
    "--users",
    "users_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="JSON users file (default: the built-in demo users).",
)
@click.option("--sample-data", is_flag=True, help="Fill the storage with sample files first.")
@click.option("--no-large-file", is_flag=True, help="With --sample-data: skip the ~50 MB file.")
@click.option(
    "--request-overhead",
    "request_overhead_ms",
    type=click.FloatRange(min=0),
    default=0,
    show_default=True,
    envvar="CTADATA_DEV_REQUEST_OVERHEAD",
    show_envvar=True,
    metavar="MS",
    help="Milliseconds every request waits first: the deployed service's fixed cost per request"
    " (token check, certificate, a new TLS session to the storage).",
)
@click.option(
    "--refuse-open-ranges",
    is_flag=True,
    help="Tests: answer 400 to a GET through webdav/ with an open-ended Range (bytes=N-),"
    " which the deployed service would hold whole in memory.",
)
@click.option(
    "--throttle",
    type=click.FloatRange(min=1),
    help="Bytes per second at most of each download from the storage (default: no limit).",
)
@click.option(
    "--hub-auth",
    is_flag=True,
    help="Run as JupyterHub services: check every token with the hub at $JUPYTERHUB_API_URL,"
    " as the service whose API token is $JUPYTERHUB_API_TOKEN (no user table).",
)
@click.option("--ready-json", is_flag=True, help="Print one JSON line with the URLs once serving.")
def dev_service(
    storage_dir: Path,
    state_dir: Path | None,
    host: str,
    port: int,
    users_file: Path | None,
    sample_data: bool,
    no_large_file: bool,
    request_overhead_ms: float,
    refuse_open_ranges: bool,
    throttle: float | None,
    hub_auth: bool,
    ready_json: bool,
) -> None:
    """Run local development versions of the download and certificate services.

    They serve the --storage folder through a local WebDAV server, check tokens against a small
    user table, and behave like the CTA-CH services, quirks included. For development and
    tests only.
    """
    if hub_auth and users_file is not None:
        raise click.UsageError("--hub-auth and --users exclude each other: the hub has the users")
    service = DevService(
        storage_dir,
        state_dir,
        host=host,
        port=port,
        users=_hub_tokens() if hub_auth else users_file,
        sample_data=sample_data,
        large_file=not no_large_file,
        request_overhead_ms=request_overhead_ms,
        refuse_open_ranges=refuse_open_ranges,
        throttle=throttle,
    )
    service.start()
    try:
        info = service.info()
        if ready_json:
            sys.stdout.write(json.dumps({**info, "pid": os.getpid()}) + "\n")
        else:
            sys.stdout.write(BANNER.format(tokens=_tokens_text(service), **info))
        sys.stdout.flush()
        _wait_for_signal()
    finally:
        service.stop()

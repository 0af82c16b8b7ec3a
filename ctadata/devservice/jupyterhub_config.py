"""The demo hub's configuration: JupyterHub in front of the development services, on one machine.

Loaded by `python -m ctadata.devservice.hub` (`jupyterhub -f` this file), which sets the
environment read below. Everything a CTA hub needs for ctadata is here (docs/deploy.md says
it for a real hub): the two services with their API tokens, a role that grants their scopes,
and single-user servers whose tokens carry those scopes and whose environment points ctadata
at the services through the hub. What makes it a demo: DummyAuthenticator (any password) and
SimpleLocalProcessSpawner (no system users, no isolation), never for production.
"""

import os
import sys
from pathlib import Path
from typing import Any

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - given by traitlets when it loads this file

env = os.environ
home = Path(env["CTADATA_HUB_DIR"])
public_url = f"http://127.0.0.1:{env['CTADATA_HUB_PORT']}"
SERVICES = ("downloadservice", "certificateservice")
SERVICE_SCOPES = [f"access:services!service={name}" for name in SERVICES]
# Users with the CTA data role; the others log in, but their tokens cannot use the services.
DATA_USERS = env.get("CTADATA_HUB_DATA_USERS", "alice,bob").split(",")
NO_DATA_USERS = [u for u in env.get("CTADATA_HUB_OTHER_USERS", "carol").split(",") if u]

# -- the hub, its proxy and its files ---------------------------------------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(env["CTADATA_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["CTADATA_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['CTADATA_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [env["CTADATA_HUB_PROXY"]]
c.JupyterHub.db_url = f"sqlite:///{home / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(home / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(home / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # Ctrl-C on the hub stops every user's server

# -- who logs in ------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "dummy"  # any password
c.Authenticator.allow_all = False
c.Authenticator.allowed_users = set(DATA_USERS + NO_DATA_USERS)

# -- the services: external (started by the launcher), reached at /services/<name>/ ------------
c.JupyterHub.services = [
    {
        "name": name,
        "url": env["CTADATA_HUB_SERVICE_URL"],
        "api_token": env[f"CTADATA_HUB_{name.upper()}_TOKEN"],
        "display": False,
    }
    for name in SERVICES
]
c.JupyterHub.load_roles = [
    # The scopes that let a user's tokens use the CTA data services.
    {
        "name": "cta-data",
        "description": "Use the CTA download and certificate services",
        "scopes": SERVICE_SCOPES,
        "users": DATA_USERS,
    },
    # The launcher's own token (tests and the demo's admin): start and stop servers, make tokens.
    {
        "name": "demo-admin",
        "scopes": ["admin:servers", "admin:users", "tokens"],
        "services": ["demo-admin"],
    },
]
c.JupyterHub.services.append({"name": "demo-admin", "api_token": env["CTADATA_HUB_ADMIN_TOKEN"]})

# -- the single-user servers ------------------------------------------------------------------
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(home / "home" / "{username}")
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.args = ["--allow-root"]  # the demo runs as root, without system users
c.Spawner.default_url = "/lab"


def quiet_lab(spawner: Any) -> None:
    """No "Jupyter news?" prompt, no update check: JupyterLab settings in the new home."""
    folder = Path(spawner.home_dir, ".jupyter/lab/user-settings/@jupyterlab/apputils-extension")
    folder.mkdir(parents=True, exist_ok=True)
    settings = folder / "notification.jupyterlab-settings"
    if not settings.exists():
        settings.write_text('{"fetchNews": "false", "checkForUpdates": false}\n')


c.Spawner.pre_spawn_hook = quiet_lab
c.Spawner.http_timeout = 120  # a loaded machine starts JupyterLab slowly
c.Spawner.start_timeout = 120
# The server's JUPYTERHUB_API_TOKEN gets the default scopes of a server's token and the
# services' scopes; the hub keeps only those its user holds (so not the services' for others).
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", *SERVICE_SCOPES]
c.Spawner.environment = {
    "CTADS_URL": f"{public_url}/services/downloadservice/",
    "CTACS_URL": f"{public_url}/services/certificateservice/",
}

"""`RemoteServices`: where the CTA data services are, and the server's way to them.

`app.py` builds one when the extension starts and hands it to the handlers through the tornado
settings (`RemoteServices.SETTINGS_KEY`): the listing, search, certificate and configuration
handlers use it; the transfers have their own (`transfers.service.TransferService`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import ClassVar

from ctadata.aclient import AsyncAPIClient
from ctadata.config import Settings


@dataclass(frozen=True)
class RemoteServices:
    settings: Settings  # the services' URLs and the token (never shown)
    aclient: AsyncAPIClient  # the server's client of the services, on its event loop
    hub_user: str | None  # the JupyterHub user name, if known
    search_slots: threading.BoundedSemaphore  # one per search (`find`) that may run at once

    SETTINGS_KEY: ClassVar[str] = "ctadata_remote"

"""A local development implementation of the CTA-CH download and certificate services.

It runs both services of docs/protocol.md, quirks included, in front of a real WebDAV storage
serving a local folder, so that the library, the CLI, the JupyterLab panel and every test can
run against the same contract as production. It is a development server: tokens come from a
small local table (see `users.py`), and nothing here is meant to face a network.

    from ctadata.devservice import DevService
    with DevService("/tmp/storage", sample_data=True) as svc:
        ...  # svc.downloadservice, svc.certificateservice, svc.token

or from a terminal: `python -m ctadata.devservice --storage /tmp/storage --sample-data`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .server import DevService

__all__ = ["DevService"]


def __getattr__(name: str) -> object:
    # Imported on first use: the server pulls in tornado, wsgidav and cryptography, which a
    # user of the client library alone does not need.
    if name == "DevService":
        from .server import DevService

        return DevService
    raise AttributeError(name)

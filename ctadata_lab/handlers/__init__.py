"""The REST API of docs/rest-api.md, one handler module per concern."""

from __future__ import annotations

from typing import Any

from .certificate import CertificateHandler, SharedCertificateHandler
from .config import ConfigHandler
from .find import FindHandler
from .listing import ListHandler
from .preview import FitsHandler, H5GroveHandler
from .transfers import TransferHandler, TransfersHandler
from .upload import BrowserUploadHandler


def routes(prefix: str = "ctadata") -> list[tuple[str, type, dict[str, Any]]]:
    """URL patterns below the server's base_url (the extension app prepends it)."""
    table: list[tuple[str, type]] = [
        ("config", ConfigHandler),
        ("list", ListHandler),
        ("find", FindHandler),
        ("transfers", TransfersHandler),
        (r"transfers/([0-9a-f]{32})", TransferHandler),
        ("upload", BrowserUploadHandler),
        ("certificate", CertificateHandler),
        ("certificate/shared", SharedCertificateHandler),
        (r"h5grove/(attr|data|meta|paths|stats)/?", H5GroveHandler),
        ("fits", FitsHandler),
    ]
    return [(f"{prefix}/{pattern}", handler, {}) for pattern, handler in table]

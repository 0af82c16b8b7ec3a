"""ctadata_lab: the Jupyter server extension behind the CTA storage panel of JupyterLab.

It serves `<base_url>/ctadata/...` (docs/rest-api.md) and calls the `ctadata` library.
"""

from __future__ import annotations

from typing import Any

from ctadata import __version__

from .app import CtadataLab

__all__ = ["CtadataLab", "__version__"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "ctadata-lab"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    return [{"module": "ctadata_lab", "app": CtadataLab}]

"""Direct access to the dCache storage with OIDC tokens from oidc-agent (no download service).

    from ctadata import direct as ctadata
    ctadata.list_dir("lst/DL1/")
    ctadata.fetch_and_save_file_or_dir("lst/DL1/20241114/", recursive=True)
    ctadata.upload_file("result.h5", "lst/users/me/analysis/")   # the storage path itself

The functions are those of `import ctadata`, on the storage instead of the service. Tokens come
from oidc-agent (`cta-data-direct start-agent` sets it up) or `CTADATA_TOKEN`; the storage is
`CTADATA_DCACHE_URL` (default `https://dcache.cta.cscs.ch:2880`). Each function also takes the
keywords `token`, `dcache_url`, `account` and `base_path` for that call (`api.py`).
"""

from ..errors import AuthenticationError, CtadataError, StorageException
from .api import (
    download_dir,
    entries,
    fetch_and_save_file,
    fetch_and_save_file_or_dir,
    find,
    list_dir,
    mkdirs,
    stat,
    upload_dir,
    upload_file,
)
from .client import DEFAULT_BASE_PATH, DEFAULT_DCACHE_URL, DirectClient
from .tokens import OidcAgentTokens, StaticToken, Token, TokenSource

__all__ = [
    "DEFAULT_BASE_PATH",
    "DEFAULT_DCACHE_URL",
    "AuthenticationError",
    "CtadataError",
    "DirectClient",
    "OidcAgentTokens",
    "StaticToken",
    "StorageException",
    "Token",
    "TokenSource",
    "download_dir",
    "entries",
    "fetch_and_save_file",
    "fetch_and_save_file_or_dir",
    "find",
    "list_dir",
    "mkdirs",
    "stat",
    "upload_dir",
    "upload_file",
]

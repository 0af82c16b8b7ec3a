"""Direct access to the dCache storage with OIDC tokens from oidc-agent (no download service).

    from ctadata import direct as ctadata
    ctadata.list_dir("lst/DL1/")
    ctadata.fetch_and_save_file_or_dir("lst/DL1/20241114/", recursive=True)
    ctadata.upload_file("result.h5", "lst/users/me/analysis/")   # the storage path itself

The functions are those of `import ctadata`, on the storage instead of the service. Tokens come
from oidc-agent (`cta-data-direct start-agent` sets it up) or `CTADATA_TOKEN`; the storage is
`CTADATA_DCACHE_URL` (default `https://dcache.cta.cscs.ch:2880`). Each function also takes the
keywords `token`, `dcache_url`, `account` and `base_path` for that call.
"""

from collections.abc import Callable
from typing import Any

from ..api import _module_function
from ..errors import AuthenticationError, CtadataError, StorageException
from .client import DEFAULT_BASE_PATH, DEFAULT_DCACHE_URL, DirectClient
from .tokens import OidcAgentTokens, StaticToken, Token, TokenSource

CLIENT_KEYWORDS = ("token", "dcache_url", "account", "base_path")


def _direct(name: str, iterator: bool = False) -> Callable[..., Any]:
    return _module_function(name, DirectClient, CLIENT_KEYWORDS, iterator=iterator)


list_dir = _direct("list_dir")
entries = _direct("entries")
stat = _direct("stat")
find = _direct("find", iterator=True)
fetch_and_save_file = _direct("fetch_and_save_file")
fetch_and_save_file_or_dir = _direct("fetch_and_save_file_or_dir")
download_dir = _direct("download_dir")
upload_file = _direct("upload_file")
upload_dir = _direct("upload_dir")
mkdirs = _direct("mkdirs")

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

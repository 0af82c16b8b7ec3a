"""ctadata: the client of the CTA data services at CTAO-CH (download and certificate services).

    import ctadata
    ctadata.list_dir("lst/DL1/")
    for entry in ctadata.find("lst/DL1/", name="*.h5", newer="2024-11-01", min_size="1G"): ...
    ctadata.fetch_and_save_file("lst/DL1/20241114/run1.h5")
    ctadata.upload_file("result.h5", "analysis/")      # lands in <area>/users/<you>/analysis/

    with ctadata.open("lst/DL1/20241114/run1.h5") as f:   # read in place, by HTTP Range
        h5py.File(f)["dl1/..."][:10]                    # (also: fsspec.open("ctadata://..."))

Configuration: `CTADS_URL`, `CTACS_URL`, `JUPYTERHUB_API_TOKEN`, or keywords on each call.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .api_names import SERVICE_FUNCTIONS
from .errors import (
    AuthenticationError,
    Cancelled,
    CertificateError,
    ChecksumMismatch,
    ConflictError,
    CtadataError,
    InvalidPath,
    NoServiceAccess,
    NotFound,
    PermissionDenied,
    ServiceUnreachable,
    StorageException,
    TransferError,
)

# The rest is loaded when first used, from the module that defines it: the client and the
# module functions (`ctadata.list_dir`, ...) bring httpx, the others the standard library's
# mail and thread-pool modules, and `cta-data --version` needs none of it.
LAZY = {
    "Entry": "entry",
    "Progress": "transfer.progress",
    "FileResult": "transfer.tree",
    "TransferSummary": "transfer.tree",
    "APIClient": "api",
    **dict.fromkeys(SERVICE_FUNCTIONS, "api"),
}
if TYPE_CHECKING:  # what the lazy names are, for type checkers and IDEs
    from . import api as api
    from .api import *  # noqa: F403 (the module functions: api.__all__)
    from .api import APIClient
    from .entry import Entry
    from .transfer.progress import Progress
    from .transfer.tree import FileResult, TransferSummary


def __getattr__(name: str) -> Any:
    if name == "api" or name in LAZY:
        # Not `from . import api`: that asks this module for `api` first, and so calls us again.
        module = importlib.import_module(f"{__name__}.{LAZY.get(name, name)}")
        value = module if name == "api" else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def open(path: str, mode: str = "rb", **kwargs: Any) -> Any:
    """Open a storage file in place, without downloading it: a seekable binary file object.

    Reads are HTTP Range requests for 1 MiB blocks, cached per file (the blocks one read misses
    in one request, more ahead while reading goes on in order), so `h5py.File(f)` reading one
    dataset of a 10 GB file transfers only the blocks it touches. Keywords: `token`,
    `downloadservice`, `direct`, `dcache_url`, `account` (which storage; direct access has the
    settings of `ctadata.direct`), `block_size`, `cache_type`,
    `cache_options` (how it is read). Writing (`mode="wb"`) works only in your user folder.
    See `ctadata.fs.CtadataFileSystem`, also registered as fsspec's `ctadata://`.
    """
    from .fs.filesystem import open_file  # late: webdav4 and fsspec are imported only when used

    return open_file(path, mode, **kwargs)


__all__ = [
    "APIClient",
    "AuthenticationError",
    "Cancelled",
    "CertificateError",
    "ChecksumMismatch",
    "ConflictError",
    "CtadataError",
    "Entry",
    "FileResult",
    "InvalidPath",
    "NoServiceAccess",
    "NotFound",
    "PermissionDenied",
    "Progress",
    "ServiceUnreachable",
    "StorageException",
    "TransferError",
    "TransferSummary",
    "__version__",
    "open",
    *SERVICE_FUNCTIONS,
]

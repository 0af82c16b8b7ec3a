"""The module-level API that users' notebooks call (`ctadata.list_dir(...)`, ...).

Each function makes an `APIClient` for the call; the keywords `token`, `downloadservice`,
`certificateservice` and `chunk_size` override the defaults for that call only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from ._version import __version__
from .client import APIClient
from .errors import CertificateError, StorageException

CLIENT_KEYWORDS = ("token", "downloadservice", "certificateservice", "chunk_size")


def _module_function(
    name: str,
    client_class: type = APIClient,
    keywords: tuple[str, ...] = CLIENT_KEYWORDS,
    *,
    iterator: bool = False,
) -> Callable[..., Any]:
    """The method `name` as a module function: a client of `client_class` for each call.

    `keywords` are the call's keywords that go to the client's constructor instead. With
    `iterator`, the method returns an iterator and the client stays open while it is used.
    """
    method = getattr(client_class, name)

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        options = {key: kwargs.pop(key) for key in keywords if key in kwargs}
        client = client_class(**options)
        if not iterator:
            with client:
                return getattr(client, name)(*args, **kwargs)
        try:
            items = getattr(client, name)(*args, **kwargs)  # bad arguments raise here, now
        except BaseException:
            client.close()
            raise
        return _closing(client, items)

    return call


def _closing(client: Any, items: Iterator[Any]) -> Iterator[Any]:
    with client:
        yield from items


list_dir = _module_function("list_dir")
entries = _module_function("entries")
stat = _module_function("stat")
find = _module_function("find", iterator=True)
fetch_and_save_file = _module_function("fetch_and_save_file")
fetch_and_save_file_or_dir = _module_function("fetch_and_save_file_or_dir")
download_dir = _module_function("download_dir")
upload_file = _module_function("upload_file")
upload_dir = _module_function("upload_dir")
upload_folder = _module_function("upload_folder")
mkdirs = _module_function("mkdirs")
upload_personal_certificate = _module_function("upload_personal_certificate")
upload_certificate = _module_function("upload_certificate")
upload_shared_certificate = _module_function("upload_shared_certificate")
webdav4_client = _module_function("webdav4_client")

__all__ = [
    "APIClient",
    "CertificateError",
    "StorageException",
    "__version__",
    "download_dir",
    "entries",
    "fetch_and_save_file",
    "fetch_and_save_file_or_dir",
    "find",
    "list_dir",
    "mkdirs",
    "stat",
    "upload_certificate",
    "upload_dir",
    "upload_file",
    "upload_folder",
    "upload_personal_certificate",
    "upload_shared_certificate",
    "webdav4_client",
]

"""The module-level API that users' notebooks call (`ctadata.list_dir(...)`, ...).

Each function makes an `APIClient` for the call; the keywords `token`, `downloadservice`,
`certificateservice` and `chunk_size` override the defaults for that call only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from ._version import __version__
from .api_names import ITERATOR_FUNCTIONS, SERVICE_FUNCTIONS
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


def module_functions(
    names: tuple[str, ...],
    client_class: type = APIClient,
    keywords: tuple[str, ...] = CLIENT_KEYWORDS,
) -> dict[str, Callable[..., Any]]:
    """`_module_function` of each name, for a module's namespace (`globals().update`)."""
    return {
        name: _module_function(name, client_class, keywords, iterator=name in ITERATOR_FUNCTIONS)
        for name in names
    }


globals().update(module_functions(SERVICE_FUNCTIONS))

__all__ = [
    "APIClient",
    "CertificateError",
    "StorageException",
    "__version__",
    *SERVICE_FUNCTIONS,
]

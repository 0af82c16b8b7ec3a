"""One call of a module function (`ctadata.list_dir(...)`, `ctadata.direct.find(...)`, ...): a
client made for it from the client keywords given, its method of the function's name, and the
client closed after; for an iterator (`api_names.ITERATOR_FUNCTIONS`), once the iteration ends
or is dropped. `api.py` and `direct/api.py` write out the functions' signatures for IDEs and
mypy; their bodies are one call of `call`."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar

from .api_names import ITERATOR_FUNCTIONS

T = TypeVar("T")


def call(client_class: Callable[..., Any], name: str, arguments: dict[str, Any]) -> Any:
    """`client_class(**arguments["client"]).<name>(**the other arguments)`: `arguments` are the
    function's parameters by name (its `locals()` on entry), `client` its `**client` keywords;
    each parameter has the name of the method's (tests/test_imports_unit.py)."""
    arguments = dict(arguments)
    client = client_class(**arguments.pop("client"))
    try:  # bad arguments raise here, now, and the client is closed
        result = getattr(client, name)(**arguments)
    except BaseException:
        client.close()
        raise
    if name in ITERATOR_FUNCTIONS:
        return closing_after(result, client.close)
    client.close()
    return result


def closing_after(found: Iterator[T], close: Callable[[], None]) -> Generator[T, None, None]:
    """The items of `found`, then `close()` once the iteration ends or is dropped: what the
    module functions' `find` returns, whose client stays open while its results are read."""
    try:
        yield from found
    finally:
        close()

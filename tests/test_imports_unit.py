"""Which modules an import brings: each face loads what it uses, not what sits beside it."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

import ctadata
import ctadata.api
import ctadata.direct.api
from ctadata.api_names import ITERATOR_FUNCTIONS, SERVICE_FUNCTIONS, TRANSFER_FUNCTIONS
from ctadata.base_client import BaseClient
from ctadata.direct.client import DirectClient

PACKAGE = Path(ctadata.__file__).parent


def modules_after(statement: str, names: list[str]) -> list[str]:
    """Those of `names` in `sys.modules` after `statement`, in a fresh interpreter."""
    code = f"import sys\n{statement}\nprint([m for m in {names!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout)  # noqa: S307 (a list of names printed by the line above)


def test_the_async_client_loads_no_synchronous_engine() -> None:
    """The server extension's event loop uses `AsyncAPIClient`: its timeouts and retries come
    from `ctadata.retry`, not from the engine of the synchronous transfers."""
    sync = ["ctadata.transfer.engine", "ctadata.client", "ctadata.search.finder"]
    assert modules_after("import ctadata.aclient", sync) == []
    assert modules_after("import ctadata.client", sync) == sync  # the check can fail


def module_functions(path: Path) -> list[str]:
    """The public functions a module defines (`def` at its top level)."""
    tree = ast.parse(path.read_text())
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


def test_the_module_functions_are_those_named_in_api_names() -> None:
    """`import ctadata` finds the module functions by `api_names` without loading `ctadata.api`:
    the names there and the functions written out in `api.py` must be the same."""
    assert sorted(module_functions(PACKAGE / "api.py")) == sorted(SERVICE_FUNCTIONS)
    assert sorted(module_functions(PACKAGE / "direct" / "api.py")) == sorted(TRANSFER_FUNCTIONS)
    assert set(SERVICE_FUNCTIONS) <= set(ctadata.__all__)


# Each module's functions, its client, the client keywords and where the client names them.
FACES = [
    (ctadata.api, SERVICE_FUNCTIONS, "APIClient", "ServiceOptions", BaseClient.__init__),
    (
        ctadata.direct.api,
        TRANSFER_FUNCTIONS,
        "DirectClient",
        "DirectOptions",
        DirectClient.__init__,
    ),
]
CLIENT_KEYWORDS = {
    "ServiceOptions": ["token", "downloadservice", "certificateservice", "chunk_size"],
    "DirectOptions": ["token", "dcache_url", "account", "base_path"],
}


@pytest.mark.parametrize(("module", "names", "client", "options", "init"), FACES)
def test_each_module_function_is_its_method_and_the_client_keywords(
    module, names, client, options, init
) -> None:
    """Each function takes what the client's method of its name takes (with its defaults; not
    the server extension's `on_temp` hook), and the client keywords, keyword-only (`**client`,
    typed by the module's `TypedDict` of them, each optional and typed as the client takes it);
    and says what it returns."""
    keywords = getattr(module, options)
    assert list(keywords.__annotations__) == CLIENT_KEYWORDS[options]
    assert keywords.__required_keys__ == frozenset()
    assert keywords.__optional_keys__ == frozenset(CLIENT_KEYWORDS[options])
    taken_by_client = inspect.signature(init).parameters
    for keyword, annotation in keywords.__annotations__.items():
        assert annotation.__forward_arg__ == taken_by_client[keyword].annotation, keyword
        assert taken_by_client[keyword].default is None, keyword
    client_class = getattr(module, client)
    for name in names:
        function = inspect.signature(getattr(module, name))
        method = inspect.signature(getattr(client_class, name))
        taken = [p for p in method.parameters.values() if p.name not in ("self", "on_temp")]
        own = list(function.parameters.values())
        assert own[:-1] == taken, name
        assert own[-1].kind is own[-1].VAR_KEYWORD, name
        assert own[-1].annotation == f"Unpack[{options}]", name
        returns = function.return_annotation
        assert returns is not inspect.Signature.empty, name
        # An iterator's client stays open while it is used (`api_names.ITERATOR_FUNCTIONS`).
        assert str(returns).startswith("Iterator[") == (name in ITERATOR_FUNCTIONS), name


class RecordingClient:
    """A client that records how it was made and what was called on it."""

    made: ClassVar[list[RecordingClient]] = []

    def __init__(self, **options: object):
        self.options = options
        self.called: tuple[str, dict[str, object]] | None = None
        self.closed = False
        RecordingClient.made.append(self)

    def __getattr__(self, name: str):
        def method(**arguments: object) -> object:
            self.called = (name, arguments)
            if arguments.get("path") == "raise":
                raise ValueError(name)
            return iter(["found"]) if name in ITERATOR_FUNCTIONS else "result"

        return method

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(("module", "names", "client", "options", "init"), FACES)
def test_each_module_function_calls_its_method_on_a_client_of_its_own(
    module, names, client, options, init, monkeypatch
) -> None:
    """All its arguments to the method of its name, its client keywords to the client, which is
    closed after the call (after the iteration for an iterator, at once if the call fails)."""
    monkeypatch.setattr(module, client, RecordingClient)
    given = {keyword: f"{keyword} given" for keyword in CLIENT_KEYWORDS[options]}
    for name in names:
        function = getattr(module, name)
        parameters = list(inspect.signature(function).parameters)[:-1]
        arguments = {parameter: object() for parameter in parameters}
        result = function(**arguments, **given)
        made = RecordingClient.made[-1]
        assert (made.options, made.called) == (given, (name, arguments)), name
        if name in ITERATOR_FUNCTIONS:
            assert not made.closed, name
            assert list(result) == ["found"], name
        else:  # what the method returned, or None (`mkdirs`)
            returns_none = inspect.signature(function).return_annotation == "None"
            assert result == (None if returns_none else "result"), name
        assert made.closed, name
        if "path" in parameters:
            with pytest.raises(ValueError, match=name):
                function(**(arguments | {"path": "raise"}))
            assert RecordingClient.made[-1].options == {}, name
            assert RecordingClient.made[-1].closed, name


def test_import_ctadata_loads_the_functions_with_their_first_use() -> None:
    loaded = ["ctadata.api", "httpx"]
    assert modules_after("import ctadata", loaded) == []
    assert modules_after("import ctadata\nctadata.list_dir", loaded) == loaded

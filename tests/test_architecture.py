"""The shape of the code, read from its source with `ast` (nothing imported, no network).

- No import cycle among the modules of `ctadata/`, nor among those of `ctadata_lab/`: every
  import counts, at module level, under `if TYPE_CHECKING:` and inside functions alike. An
  import of a package's submodule (`from . import x`, `import a.b.x`, `from a.b.x import y`) is
  an arrow to that submodule, not to the package's `__init__`.
- The server extension uses the library's public names only: no `from ctadata... import _x`,
  and no attribute `._x` whose name the library defines (a function, method or class, or a
  `self._x` attribute) unless `ctadata_lab` defines that name itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ctadata", "ctadata_lab")


@dataclass(frozen=True)
class Module:
    name: str
    path: Path

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    def tree(self) -> ast.Module:
        return ast.parse(self.path.read_text(), str(self.path))


def modules(package: str, root: Path = ROOT) -> dict[str, Module]:
    """The modules of `package` by dotted name (a package by its own name, not `__init__`)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = Module(".".join(parts), path)
    return found


def imported(module: Module, known: dict[str, Module]) -> Iterator[str]:
    """The modules of `known` that `module` imports: `import a.b` and `from a.b import name`
    give `a.b`, `from a import b` gives `a.b` if that is a module, else `a`."""
    package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
    for node in ast.walk(module.tree()):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                for alias in node.names
            ]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]  # a module outside, or a name in a module
            if target and target != module.name:
                yield target


def arrows(known: dict[str, Module]) -> dict[str, set[str]]:
    """The import graph of the modules `known`: each module to those it imports."""
    return {name: set(imported(module, known)) for name, module in known.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of `graph` that hold a cycle (more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for after in sorted(graph[node]):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in on_stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the first module of `component` (breadth first, inside it)."""
    start, inside = component[0], set(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for after in sorted(graph[node] & inside):
                if after == start:
                    return [*paths[node], start]
                if after not in paths:
                    paths[after] = [*paths[node], after]
                    following.append(after)
        frontier = following
    raise AssertionError(f"no cycle through {start}")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_the_cycle_search_counts_every_import(tmp_path: Path) -> None:
    """The search itself, on a small package: imports under TYPE_CHECKING and in functions
    count, `from . import x` is an arrow to `x`, a submodule's import not one to its package."""
    write(
        tmp_path,
        {
            "p/__init__.py": "from . import a\n",
            "p/a.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub import b\n"
            ),
            "p/sub/__init__.py": "",
            "p/sub/b.py": "def late():\n    import p.c\n",
            "p/c.py": "from .a import name\n",
            "p/d.py": "from p.sub.b import late\n",
        },
    )
    graph = arrows(modules("p", tmp_path))
    assert graph == {
        "p": {"p.a"},
        "p.a": {"p.sub.b"},
        "p.sub": set(),
        "p.sub.b": {"p.c"},
        "p.c": {"p.a"},
        "p.d": {"p.sub.b"},
    }
    assert strongly_connected(graph) == [["p.a", "p.c", "p.sub.b"]]
    assert one_cycle(graph, ["p.a", "p.c", "p.sub.b"]) == ["p.a", "p.sub.b", "p.c", "p.a"]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package: str) -> None:
    graph = arrows(modules(package))
    cycles = [
        f"{' -> '.join(one_cycle(graph, component))} (in the circle of {', '.join(component)})"
        for component in strongly_connected(graph)
    ]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def private_definitions(package: str, root: Path = ROOT) -> set[str]:
    """The private names `package` defines: functions, methods, classes, `self._x` attributes."""
    names: set[str] = set()
    for module in modules(package, root).values():
        for node in ast.walk(module.tree()):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id == "self":
                    names.add(node.attr)
    return {name for name in names if _private(name)}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(library: str, user: str, root: Path = ROOT) -> list[str]:
    """Where `user` imports or uses a private name of `library` (file:line and the name)."""
    theirs = private_definitions(library, root) - private_definitions(user, root)
    uses = []
    for module in modules(user, root).values():
        where = module.path.relative_to(root)
        for node in ast.walk(module.tree()):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                if node.module.split(".")[0] == library:
                    for alias in node.names:
                        if _private(alias.name):
                            uses.append(f"{where}:{node.lineno}: imports {alias.name}")
            elif isinstance(node, ast.Attribute) and node.attr in theirs:
                uses.append(f"{where}:{node.lineno}: uses .{node.attr}")
    return uses


def test_the_private_use_check_sees_imports_and_attributes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "lib/__init__.py": "def _helper(): ...\n",
            "lib/core.py": (
                "class Client:\n"
                "    def __init__(self):\n        self._state = 1\n"
                "    def _hook(self): ...\n    def _shared(self): ...\n"
            ),
            "app/__init__.py": (
                "from lib import _helper\nfrom lib.core import Client\n"
                "class Mine(Client):\n    def _shared(self): ...\n"
                "    def go(self):\n        self._hook()\n        return self._state,"
                " self._shared(), self.__init__\n"
            ),
        },
    )
    assert private_definitions("lib", tmp_path) == {"_helper", "_state", "_hook", "_shared"}
    assert private_uses("lib", "app", tmp_path) == [
        "app/__init__.py:1: imports _helper",
        "app/__init__.py:6: uses ._hook",
        "app/__init__.py:7: uses ._state",
    ]


def test_the_server_extension_uses_only_public_names_of_the_library() -> None:
    uses = private_uses("ctadata", "ctadata_lab")
    assert not uses, "ctadata_lab uses private members of ctadata:\n" + "\n".join(uses)

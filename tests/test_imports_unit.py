"""Which modules an import brings: each face loads what it uses, not what sits beside it."""

from __future__ import annotations

import subprocess
import sys


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

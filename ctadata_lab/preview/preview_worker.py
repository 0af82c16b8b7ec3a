"""One remote file opened for the preview in a process of its own.

A file in the shared storage is a stranger's input, and HDF5 reads hold h5py's one global lock
for the whole process: a read that stalls there would freeze every other file's preview, and a
crafted file can make the HDF5 library use gigabytes or crash. So each open file lives in a
child process (forked from a forkserver that has the readers imported), with its address space
bounded; the Jupyter server only sends it work and waits for the answer, and kills it when the
browser leaves, when the read stalls past the deadline, or on shutdown.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from ctadata.config import Settings
from ctadata.errors import CtadataError

from ..errors import ApiError, from_ctadata

# The readers, imported once in the forkserver: a new file's process starts in milliseconds.
# (Windows has no forkserver: there each process imports them itself.)
_FORKSERVER = "forkserver" in multiprocessing.get_all_start_methods()
_context = multiprocessing.get_context("forkserver" if _FORKSERVER else "spawn")
if _FORKSERVER:
    _context.set_forkserver_preload(
        [
            "ctadata.fs",
            "ctadata_lab.preview.remote_readers",
            "ctadata_lab.preview.h5content",
            "ctadata_lab.preview.fitsinfo",
        ]
    )


@dataclass(frozen=True)
class Failure:
    """An error answer, as it crosses the pipe (exceptions with keywords do not pickle)."""

    status: int
    message: str
    reason: str

    def error(self) -> ApiError:
        return ApiError(self.status, self.message, self.reason)


def prepare() -> None:
    """Have the forkserver running, its readers imported (seconds, blocking): one process that
    does nothing is forked once it is ready."""
    ready = _context.Process(target=int, name="ctadata-preview warm-up", daemon=True)
    ready.start()
    ready.join()


def start(
    settings: Settings, path: str, kind: str, memory: int, limit: int
) -> tuple[Any, Connection]:
    """A process opening `path` with the reader of `kind`, that may use `memory` more bytes
    (`limit`: the bound of one answer); the process and its end of the pipe."""
    parent, child = _context.Pipe()
    process = _context.Process(
        target=_serve,
        args=(child, settings, path, kind, memory, limit),
        name=f"ctadata-preview {kind} {path}",
        daemon=True,
    )
    process.start()
    child.close()
    return process, parent


def _serve(
    conn: Connection, settings: Settings, path: str, kind: str, memory: int, limit: int
) -> None:
    """The child: open the file, then answer each work item sent, until the pipe closes."""
    from .remote_readers import open_remote

    _bound_memory(memory)
    handle, failure = _run(lambda: open_remote(settings, path, kind, limit))
    conn.send(failure or ("ok", None))
    if failure:
        return
    try:
        while True:
            try:
                work: Callable[[Any], Any] = conn.recv()
            except EOFError:
                return
            handle.source.error = None
            result, failure = _run(partial(work, handle.value), handle.source)
            conn.send(failure or ("ok", result))
    finally:
        handle.close()


def _run(call: Callable[[], Any], source: Any = None) -> tuple[Any, Failure | None]:
    """call()'s result, or its error as the answer to send. `source.error`, why the last read
    of the file failed, is the reason worth giving when the reader only says that it failed."""
    try:
        return call(), None
    except MemoryError:
        return None, Failure(413, _MEMORY_MESSAGE, "too_large")
    except (ApiError, CtadataError) as exc:
        return None, _failure(exc)
    except Exception as exc:
        # The reader's own error: the storage's failure or a refusal under it, if there was one,
        # else the file's content.
        cause = getattr(source, "error", None)
        if isinstance(cause, ApiError | CtadataError):
            return None, _failure(cause)
        if isinstance(exc, OSError | RuntimeError):  # HDF5's errors, as h5py raises them
            if "memory allocation failed" in str(exc):  # HDF5 past the process's bound
                return None, Failure(413, _MEMORY_MESSAGE, "too_large")
            return None, Failure(415, f"the file cannot be read there: {exc}", "damaged_file")
        traceback.print_exc()  # into the server's log: a bug of ours, not the file's fault
        return None, Failure(500, "internal error of the ctadata preview", "internal_error")


def _failure(exc: ApiError | CtadataError) -> Failure:
    error = exc if isinstance(exc, ApiError) else from_ctadata(exc)
    return Failure(error.status, error.message, error.reason)


_MEMORY_MESSAGE = (
    "reading this needs more memory than the preview may use: ask for a smaller slice"
    " (selection), or download the file"
)


def _bound_memory(extra: int) -> None:
    """Let the process grow by `extra` bytes of address space at most (MemoryError past it)."""
    try:
        import resource  # Unix

        with open("/proc/self/statm") as statm:  # Linux; elsewhere the process is not bounded
            used = int(statm.read().split()[0]) * resource.getpagesize()
    except (ImportError, OSError):
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + extra if hard == resource.RLIM_INFINITY else min(used + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))

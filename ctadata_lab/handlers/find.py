"""`GET find?path=&name=&...`: entries below a folder, streamed as JSON lines as they are found.

The walk is the library's (`APIClient.find`, listings in threads), run in a thread of its own;
its results cross to the event loop through a queue and go out one line each, flushed. The
search ends when it is complete, when `limit` entries went out, when `timeout` seconds have
passed (the last line says which), or when the browser goes away. At most
`max_concurrent_searches` walks run at once (a walk lists several folders at once, each in a
thread): past that, a 429 until one has ended.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from typing import Any

from tornado import web
from tornado.iostream import StreamClosedError

from ctadata.client import APIClient
from ctadata.errors import CtadataError
from ctadata.search.finder import entry_json, parent_folder

from ..errors import ApiError, bad_request
from .base import CtadataHandler

DEFAULT_LIMIT, MAX_LIMIT = 1000, 10000
DEFAULT_TIMEOUT, MAX_TIMEOUT = 60.0, 600.0
PROGRESS_SECONDS = 0.5  # a progress line at most this often: a long search shows it works
CRITERIA = ("name", "type", "newer", "older", "min_size", "max_size")


class _Search:
    """One walk, iterated in a thread of its own, posting `(kind, value)` events to the loop."""

    def __init__(
        self, client: APIClient, path: str, query: dict[str, Any], on_end: Callable[[], None]
    ):
        self.loop = asyncio.get_running_loop()
        self.client = client
        self.on_end = on_end  # the walk's thread and its listings are over
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.cancel = threading.Event()
        self.listed = 0  # written by the walk's thread only
        # Bad criteria raise ValueError here, before any thread or request.
        self._found = client.find(
            path,
            on_error=self._on_error,
            on_listed=self._on_listed,
            cancel=self.cancel,
            **query,
        )

    def start(self) -> None:
        threading.Thread(target=self._drain, name="ctadata-find-search", daemon=True).start()

    def _on_listed(self, path: str) -> None:
        self.listed += 1

    def _on_error(self, error: CtadataError | OSError) -> None:
        self._post("error", error)

    def _post(self, kind: str, value: Any = None) -> None:
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.events.put_nowait, (kind, value))

    def _drain(self) -> None:
        try:
            for entry in self._found:
                if self.cancel.is_set():
                    break
                self._post("entry", entry)
            self._post("end")
        except Exception as exc:  # the handler answers with it
            self._post("failed", exc)
        finally:
            self._found.close()  # waits for the listings under way, which use the client
            self.client.close()
            self.on_end()


class FindHandler(CtadataHandler):
    _search: _Search | None = None

    @web.authenticated
    async def get(self) -> None:
        path = self.remote_path(self.get_query_argument("path", ""))
        limit = self.number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT, int)
        timeout = self.number("timeout", DEFAULT_TIMEOUT, 1, MAX_TIMEOUT, float)
        query = {key: self.get_query_argument(key, None) or None for key in CRITERIA}
        query["maxdepth"] = self.number("maxdepth", None, 1, None, int)
        query["ignore_case"] = self.get_query_argument("ignore_case", "false") == "true"
        slots = self.remote.search_slots
        if not slots.acquire(blocking=False):
            message = "too many searches run at once: try again when one has ended"
            raise ApiError(429, message, "too_many_searches")
        client = APIClient.from_settings(self.remote.settings, progress_bar=False)
        try:
            search = self._search = _Search(client, path, query, on_end=slots.release)
        except ValueError as exc:
            client.close()
            slots.release()
            raise bad_request(str(exc)) from exc
        search.start()
        try:
            await self._stream(search, limit, timeout)
        finally:
            search.cancel.set()

    def on_connection_close(self) -> None:
        super().on_connection_close()
        if self._search is not None:
            self._search.cancel.set()  # the browser went away: stop listing

    async def _stream(self, search: _Search, limit: int, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        found = errors = 0
        reason = "timeout"
        while (left := deadline - loop.time()) > 0:
            try:
                wait = min(left, PROGRESS_SECONDS)
                kind, value = await asyncio.wait_for(search.events.get(), wait)
            except TimeoutError:
                kind, value = "progress", None
            if not self._started(kind, value, search):
                continue
            if kind == "end":
                reason = "complete"
                break
            if kind == "entry":
                found += 1
                line = {"kind": "entry", "folder": parent_folder(value.path), **entry_json(value)}
            elif kind == "progress":
                line = {"kind": "progress", "listed": search.listed, "found": found}
            else:  # "error" (a folder below) or "failed" (the walk itself)
                errors += 1
                line = {"kind": "error", "path": _path_of(value), "message": _message(value)}
            if not await self._send(line):
                return
            if kind == "failed" or found >= limit:
                reason = "failed" if kind == "failed" else "limit"
                break
        end = {"kind": "end", "reason": reason, "found": found, "listed": search.listed}
        if await self._send({**end, "errors": errors, "limit": limit, "timeout": timeout}):
            self.finish()

    def _started(self, kind: str, value: Any, search: _Search) -> bool:
        """Commit to a 200 once the folder itself was listed; its failure is an HTTP error."""
        if self._headers_written:
            return True
        if kind == "failed":
            raise value
        if kind == "progress" and search.listed == 0:
            return False  # the folder's own listing is still on its way
        self.set_header("Content-Type", "application/x-ndjson; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        return True

    async def _send(self, line: dict[str, Any] | None) -> bool:
        """Write one line and flush it; False when the browser has gone away."""
        try:
            self.write(json.dumps(line) + "\n")
            await self.flush()
        except StreamClosedError:
            return False
        return True


def _path_of(error: BaseException) -> str | None:
    return getattr(error, "path", None) or getattr(error, "filename", None)


def _message(error: BaseException) -> str:
    """What the browser may see of an error: a library error's words (free of the token)."""
    if isinstance(error, CtadataError | ApiError):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return f"{error.filename!r}: no such file or directory"
    return "the search failed (see the server's log)"

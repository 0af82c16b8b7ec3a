"""`GET list?path=`: a remote directory, normalized for the panel."""

from __future__ import annotations

import asyncio
import json

from tornado import web

from ctadata.entry import Entry
from ctadata.paths import with_slash
from ctadata.search.finder import entry_json

from .base import CtadataHandler

PIECE = 2000  # entries per piece of a listing's answer


class ListHandler(CtadataHandler):
    @web.authenticated
    async def get(self) -> None:
        path = self.remote_path(self.get_query_argument("path", ""))
        entries = await self.remote.aclient.entries(path)
        # Sorting and encoding a long listing takes a while: in a thread, off the event loop;
        # and it is sent in pieces, so that the server compresses a piece at a time.
        self.set_header("Content-Type", "application/json")
        for piece in await asyncio.to_thread(answer, path, entries):
            self.write(piece)
            await self.flush()
        self.finish()


def answer(path: str, entries: list[Entry]) -> list[str]:
    """The JSON answer for the listing of `path`, in pieces of `PIECE` entries."""
    if len(entries) == 1 and not entries[0].is_dir and entries[0].path == path.rstrip("/"):
        shown = entries[0].path  # the path names a file: its listing is the file itself
    else:
        shown = with_slash(path) if path.strip("/") else ""
    entries.sort(key=lambda e: (not e.is_dir, e.name.lower(), e.name))
    # One entry at a time: a single dumps() of it all would hold the GIL, and the loop, long.
    items = [json.dumps(entry_json(e)) for e in entries]
    pieces = [",".join(items[i : i + PIECE]) for i in range(0, len(items), PIECE)]
    return [
        f'{{"path": {json.dumps(shown)}, "entries": [',
        ",".join(pieces[:1]),
        *("," + piece for piece in pieces[1:]),
        "]}",
    ]

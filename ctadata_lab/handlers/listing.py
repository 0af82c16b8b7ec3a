"""`GET list?path=`: a remote directory, normalized for the panel."""

from __future__ import annotations

from typing import Any

from tornado import web

from ctadata.entry import Entry
from ctadata.paths import with_slash

from .base import CtadataHandler


def entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "path": entry.path,
        "type": "directory" if entry.is_dir else "file",
        "size": entry.size,
        "mtime": entry.mtime.isoformat() if entry.mtime else None,
    }


class ListHandler(CtadataHandler):
    @web.authenticated
    async def get(self) -> None:
        path = self.remote_path(self.get_query_argument("path", ""))
        entries = await self.lab.aclient.entries(path)
        if len(entries) == 1 and not entries[0].is_dir and entries[0].path == path.rstrip("/"):
            shown = entries[0].path  # the path names a file: its listing is the file itself
        else:
            shown = with_slash(path) if path.strip("/") else ""
        entries.sort(key=lambda e: (not e.is_dir, e.name.lower(), e.name))
        self.finish({"path": shown, "entries": [entry_json(e) for e in entries]})

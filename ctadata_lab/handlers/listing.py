"""`GET list?path=`: a remote directory, normalized for the panel."""

from __future__ import annotations

from tornado import web

from ctadata.finder import entry_json

from .base import CtadataHandler


class ListHandler(CtadataHandler):
    @web.authenticated
    async def get(self) -> None:
        path = self.remote_path(self.get_query_argument("path", ""))
        entries = await self.lab.aclient.entries(path)
        if len(entries) == 1 and not entries[0].is_dir and entries[0].path == path.rstrip("/"):
            shown = entries[0].path  # the path names a file: its listing is the file itself
        else:
            shown = path.rstrip("/") + "/" if path.strip("/") else ""
        entries.sort(key=lambda e: (not e.is_dir, e.name.lower(), e.name))
        self.finish({"path": shown, "entries": [entry_json(e) for e in entries]})

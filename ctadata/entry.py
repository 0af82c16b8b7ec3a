"""`Entry`: one entry of a storage listing, whichever endpoint listed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import unquote


@dataclass(frozen=True)
class Entry:
    """One entry of a listing: the download service's JSON or a WebDAV `PROPFIND`."""

    path: str
    type: str
    size: int | None
    mtime: datetime | None

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    @property
    def is_dir(self) -> bool:
        return self.type == "directory"

    @classmethod
    def from_service(cls, raw: dict[str, Any]) -> Entry:
        size = raw.get("size")
        mtime = raw.get("mtime")
        return cls(
            # The storage's hrefs come percent-encoded (`with%20space.h5`).
            path=unquote(str(raw["href"])).lstrip("/"),
            type=str(raw.get("type", "file")),
            size=_size(size) if size not in (None, "") else None,
            mtime=parsedate_to_datetime(mtime) if mtime else None,
        )

    def as_listing(self) -> dict[str, Any]:
        """The entry in the shape of the download service's `list` answer (`list_dir`)."""
        raw: dict[str, Any] = {"href": self.path, "type": self.type}
        if self.size is not None:
            raw["size"] = str(self.size)
        if self.mtime is not None:
            mtime = self.mtime if self.mtime.tzinfo else self.mtime.replace(tzinfo=timezone.utc)
            raw["mtime"] = format_datetime(mtime.astimezone(timezone.utc), usegmt=True)
        return raw


def _size(value: Any) -> int:
    size = int(value)
    if size < 0 or (size != value and str(size) != str(value)):
        raise ValueError("not a size")
    return size


def http_date(text: str) -> datetime | None:
    """An HTTP date (`getlastmodified`), or None when it cannot be read."""
    try:
        return parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError):
        return None

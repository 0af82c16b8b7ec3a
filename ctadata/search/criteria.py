"""What a search matches: a name pattern, a type, modification times and sizes.

`Criteria.parse` turns what a user gives (`"*.h5"`, `"2024-11-01"`, `"1G"`) into a test of
one `Entry`; `cta-data find`, `find()` and the server extension's `find` endpoint share it.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..entry import Entry

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
MAX_SIZE = 2**63 - 1  # bytes: no file is larger (a file system's offsets are signed 64-bit)
TYPES = ("file", "directory")


def parse_size(value: int | str | None) -> int | None:
    """Bytes from `1500`, `"1500"`, `"10K"`, `"1.5G"`, `"2TiB"` (powers of 1024, as GNU find)."""
    if value is None or isinstance(value, int):
        return value
    match = _SIZE.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a size: give bytes, or a number with K, M, G or T")
    number, unit = match.groups()
    size = int(Decimal(number) * _UNITS[unit.lower()])  # exact: no float to overflow or round
    if size > MAX_SIZE:
        raise ValueError(f"a size is at most {MAX_SIZE} bytes (8 EiB)")
    return size


def parse_time(value: datetime | date | str | None) -> datetime | None:
    """An aware datetime from an ISO date or date-time (`2024-11-01`, `2024-11-01T10:00Z`).

    Dates and times without a zone are UTC, the storage's clock.
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO date: give e.g. 2024-11-01 or 2024-11-01T10:00"
            ) from None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Criteria:
    """What an entry must be to be found; `None` accepts anything.

    `name`: a shell pattern (`*.h5`, `run[0-9]*`) on the entry's name. `type`: `"file"` or
    `"directory"`. `newer`/`older`: modified at or after / before that time. `min_size`/
    `max_size`: bytes, inclusive; entries without a size (directories) never match them.
    """

    name: str | None = None
    ignore_case: bool = False
    type: str | None = None
    newer: datetime | None = None
    older: datetime | None = None
    min_size: int | None = None
    max_size: int | None = None

    @classmethod
    def parse(
        cls,
        name: str | None = None,
        *,
        ignore_case: bool = False,
        type: str | None = None,
        newer: datetime | date | str | None = None,
        older: datetime | date | str | None = None,
        min_size: int | str | None = None,
        max_size: int | str | None = None,
    ) -> Criteria:
        """Criteria from what users type (sizes with units, ISO dates); ValueError if bad."""
        if type is not None and type not in TYPES:
            raise ValueError(f"type must be 'file' or 'directory', not {type!r}")
        return cls(
            name=name or None,
            ignore_case=ignore_case,
            type=type,
            newer=parse_time(newer),
            older=parse_time(older),
            min_size=parse_size(min_size),
            max_size=parse_size(max_size),
        )

    def matches(self, entry: Entry) -> bool:
        if self.type is not None and (entry.type == "directory") != (self.type == "directory"):
            return False
        if self.name is not None and not self._name_matches(entry.name):
            return False
        if self.newer is not None or self.older is not None:
            if entry.mtime is None:
                return False
            if self.newer is not None and entry.mtime < self.newer:
                return False
            if self.older is not None and entry.mtime >= self.older:
                return False
        if self.min_size is not None or self.max_size is not None:
            if entry.size is None or entry.is_dir:
                return False
            if self.min_size is not None and entry.size < self.min_size:
                return False
            if self.max_size is not None and entry.size > self.max_size:
                return False
        return True

    def _name_matches(self, name: str) -> bool:
        assert self.name is not None
        if self.ignore_case:
            return fnmatch.fnmatchcase(name.lower(), self.name.lower())
        return fnmatch.fnmatchcase(name, self.name)

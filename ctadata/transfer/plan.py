"""What a transfer does with each local file, decided once, before anything moves.

Downloads: a file not there is new; the same file (`identity.py`: by adler32, or else size and
modification time) is skipped in a folder (a single file asked for is fetched again); any other
is a conflict, never replaced unless overwriting was asked for (`OnConflict`). The rename into
place enforces that decision: a file that appears meanwhile is not replaced. Uploads: the walk
of a local folder opens only regular files and folders, and reports everything else by name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Literal

from ..entry import Entry
from ..errors import ConflictError, InvalidPath
from .identity import same_file
from .local import LocalPath

OnConflict = Literal["ask", "skip", "overwrite"]
"""What a download does with local files that differ from the storage's: "ask" writes nothing
and reports them (`ConflictError` listing them); "skip" keeps and lists them, and downloads the
rest; "overwrite" replaces them. The library, the command line and the REST API say it alike."""
ON_CONFLICT: tuple[OnConflict, ...] = ("ask", "skip", "overwrite")
OnConflictGiven = OnConflict | Literal["error"]  # "error": the older spelling of "ask"
SHOWN_CONFLICTS = 5  # named in a ConflictError's message; `.conflicts` has them all


class Plan(Enum):
    NEW = "new"  # nothing there: written, and never replaces what appears meanwhile
    REPLACE = "replace"  # overwriting was asked for (or it is the same file)
    SKIP = "skipped"
    CONFLICT = "conflict"


def conflict_mode(on_conflict: str, overwrite: bool = False) -> OnConflict:
    """The one place an `on_conflict` is read: "ask", "skip" or "overwrite" (`OnConflict`);
    "error" is the older spelling of "ask"; `overwrite=True` (0.6.0's) means "overwrite"."""
    mode = "ask" if on_conflict == "error" else on_conflict
    if mode not in ON_CONFLICT:
        raise ValueError(f"on_conflict must be 'ask', 'skip' or 'overwrite', not {on_conflict!r}")
    return "overwrite" if overwrite else mode


class AskedOnce:
    """The storage's adler32 of one file, for the plan and then the download's check: what the
    plan asked (calling it) the download's check reuses (`reuse`), so the two cost one HEAD.
    Reused once: a download that fetches again after a mismatch asks the storage anew."""

    def __init__(self, ask: Callable[[], str | None]):
        self._ask = ask
        self._kept: list[str | None] = []

    def __call__(self) -> str | None:
        answer = self._ask()
        self._kept = [answer]
        return answer

    def reuse(self) -> str | None:
        """The plan's answer, the first time (if it asked); else the storage's, asked now."""
        return self._kept.pop() if self._kept else self._ask()


def local_path(
    root: str | os.PathLike[str] | None, path: str | os.PathLike[str], *, new_file: bool = False
) -> LocalPath:
    """`path` beneath `root` (no link below it followed), or else as the user names it:
    trusted as a whole, but for the name of a `new_file` (a link there is replaced, not used).
    """
    if root is not None:
        return LocalPath.beneath(Path(root), path)
    return LocalPath.of(path) if new_file else LocalPath(Path(path))


def plan_file(
    target: LocalPath, entry: Entry, overwrite: bool, storage_adler32: Callable[[], str | None]
) -> Plan:
    """What a download of `entry` does at `target`: the one decision about the local file.

    `storage_adler32()` asks the storage's checksum (only if there is a local file of the
    listed size, and not `overwrite`)."""
    if target.lstat() is None:
        return Plan.NEW
    if overwrite:
        return Plan.REPLACE
    return Plan.SKIP if same_file(target, entry, storage_adler32) else Plan.CONFLICT


def refuse_conflicts(conflicts: Sequence[LocalPath], where: LocalPath) -> None:
    """Raise `ConflictError` naming the local files that differ, and how to replace them."""
    if len(conflicts) == 1 and conflicts[0] == where:
        message = f"{str(where)!r} exists and differs from the storage's file"
    else:
        names = ", ".join(repr(str(c)) for c in conflicts[:SHOWN_CONFLICTS])
        more = len(conflicts) - SHOWN_CONFLICTS
        names += f" and {more} more" if more > 0 else ""
        message = f"{len(conflicts)} files in {str(where)!r} differ from the storage's: {names}"
    raise ConflictError(
        f"{message}; nothing was downloaded; overwrite=True replaces them",
        conflicts=[str(c.path) for c in conflicts],
        path=str(where),
    )


def refuse_unreadable(folder: LocalPath, reasons: Sequence[str]) -> None:
    if reasons:
        raise InvalidPath(
            f"{str(folder)!r} cannot be uploaded as it is, nothing was: " + "; ".join(reasons),
            path=str(folder),
        )


@dataclass(frozen=True)
class Found:
    """One entry of a local folder to upload: a file or folder to read, or why it is refused."""

    relative: str  # below the uploaded folder, `/`-separated ("" for the folder itself)
    source: LocalPath
    is_dir: bool = False
    size: int = 0
    error: str | None = None


def walk_upload(folder: LocalPath) -> Iterator[Found]:
    """Every folder (parents first) and file below `folder`, links resolved, nothing opened.

    A link is followed to what it names if that stays in the workspace (with a workspace
    root; anywhere otherwise); folders are visited once, so a link loop ends.
    """
    top = os.stat(folder.path)
    seen = {(top.st_dev, top.st_ino)}
    pending = [Found("", folder, True)]
    while pending:
        directory = pending.pop()
        yield directory
        for name in _names(directory.source):
            relative = f"{directory.relative}/{name}".lstrip("/")
            found = _classify(directory.source.child(name), relative, folder)
            if found.is_dir and not found.error:
                key = _identity(found.source)
                if key in seen:
                    found = _refused(found, "leads to a folder already uploaded (a link loop?)")
                else:
                    seen.add(key)
                    pending.append(found)
                    continue
            yield found


def _names(directory: LocalPath) -> list[str]:
    with directory.open_dir() as fd:
        return sorted(os.listdir(fd), reverse=True)


def _identity(path: LocalPath) -> tuple[int, int]:
    found = os.stat(path.path)
    return found.st_dev, found.st_ino


def _classify(entry: LocalPath, relative: str, folder: LocalPath) -> Found:
    found = entry.lstat()
    if found is not None and stat.S_ISLNK(found.st_mode):
        return _through_link(entry, relative, folder)
    return _by_mode(Found(relative, entry), found)


def _by_mode(found: Found, status: os.stat_result | None) -> Found:
    if status is None:
        return _refused(found, "disappeared during the upload")
    if stat.S_ISDIR(status.st_mode):
        return Found(found.relative, found.source, True)
    if stat.S_ISREG(status.st_mode):
        return Found(found.relative, found.source, False, status.st_size)
    return _refused(found, f"is {_kind(status.st_mode)}, not a regular file: refused")


def _through_link(entry: LocalPath, relative: str, folder: LocalPath) -> Found:
    here = Found(relative, entry)
    real = Path(os.path.realpath(entry.path))
    if not real.exists():
        return _refused(here, "is a symbolic link to nothing (a broken link): refused")
    if not entry.relative_names:
        target = LocalPath(real)
    else:
        try:
            target = LocalPath.beneath(entry.root, real.relative_to(entry.root))
        except ValueError:
            return _refused(here, "is a symbolic link leading outside the workspace: refused")
    return _by_mode(Found(relative, target), os.stat(real))


def _refused(found: Found, why: str) -> Found:
    return Found(found.relative, found.source, False, 0, f"{str(found.source)!r} {why}")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"


def require(local: LocalPath, is_dir: bool) -> os.stat_result:
    """What is at `local`, which must be a folder (or a regular file)."""
    found = local.lstat()
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise InvalidPath(f"{str(local)!r} is a symbolic link: refused", path=str(local))
    check = stat.S_ISDIR if is_dir else stat.S_ISREG
    if found is None or not check(found.st_mode):
        kind = "a directory" if is_dir else "a file"
        raise InvalidPath(f"{str(local)!r} is not {kind}", path=str(local))
    return found

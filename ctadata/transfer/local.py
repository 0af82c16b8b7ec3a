"""Local files, touched safely: beneath a trusted root, never through a link swapped in later.

A `LocalPath` is a trusted root (opened as its caller named it) and the names beneath it.
Every use walks from the root one directory descriptor at a time with `O_NOFOLLOW`, so a
folder replaced by a symbolic link after the request was checked is refused, not followed.
Downloads write to a temporary file of their own (hidden, unique, created exclusively) and
rename it into place; only that file is ever removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import ConflictError, InvalidPath

NAME_MAX = 255  # bytes, on every file system we write to
TEMP_SUFFIX = ".ctadata-part"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
# link(2) is refused by some file systems; there the no-replace rename is a check, then a rename
_NO_HARD_LINKS = (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK)

_TEMP_TAIL = re.compile(r"\.[0-9a-f]{8}" + re.escape(TEMP_SUFFIX) + r"\Z")
Adopt = tuple[str, int]
"""A temporary file to take over (its name) and the most bytes it may hold to be continued."""

TempHook = Callable[[Path, bool], None]
"""Called with (temporary file, True) just before it is made (or when taken over), and with
(same path, False) once it is gone, or when that name could not be had."""


@dataclass(frozen=True)
class LocalPath:
    """`root` (trusted, links in it followed) and `parts` beneath it (links never followed).

    `relative_names`: messages name the path relative to the root (a workspace), not in full.
    """

    root: Path
    parts: tuple[str, ...] = ()
    relative_names: bool = False

    def __post_init__(self) -> None:
        for part in self.parts:
            if part in ("", ".", "..") or "/" in part or "\x00" in part:
                raise InvalidPath(f"{'/'.join(self.parts)!r} is not a valid local path")

    @classmethod
    def beneath(cls, root: Path, path: str | os.PathLike[str]) -> LocalPath:
        """`path` (absolute, or relative to `root`) as names beneath `root`."""
        full = root / path
        try:
            relative = full.relative_to(root)
        except ValueError:
            raise InvalidPath(f"{str(path)!r} is not inside {str(root)!r}") from None
        return cls(root, relative.parts, relative_names=True)

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> LocalPath:
        """A path as a user names it: its folder trusted, the name itself never followed."""
        path = Path(path)
        return cls(path.parent, (path.name,)) if path.name else cls(path)

    def child(self, relative: str) -> LocalPath:
        return LocalPath(self.root, self.parts + tuple(relative.split("/")), self.relative_names)

    @property
    def parent(self) -> LocalPath:
        return LocalPath(self.root, self.parts[:-1], self.relative_names)

    @property
    def name(self) -> str:
        return self.parts[-1] if self.parts else self.root.name

    @property
    def path(self) -> Path:
        return self.root.joinpath(*self.parts)

    def __str__(self) -> str:
        """How messages name it: workspace-relative, or as the caller gave it."""
        if self.relative_names:
            return "/".join(self.parts) or "."
        return str(self.path)

    @contextlib.contextmanager
    def open_dir(self, *, create: bool = False) -> Iterator[int]:
        """A descriptor of this directory, reached from the root without following a link."""
        if create:
            self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root, _DIR_FLAGS)
        try:
            for n, part in enumerate(self.parts):
                if create:
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(part, dir_fd=fd)
                try:
                    child = os.open(part, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=fd)
                except OSError as exc:
                    if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                        raise
                    prefix = LocalPath(self.root, self.parts[: n + 1], self.relative_names)
                    raise InvalidPath(
                        f"{str(prefix)!r} is a symbolic link or not a folder: refused",
                        path=str(prefix),
                    ) from None
                os.close(fd)
                fd = child
            yield fd
        finally:
            os.close(fd)

    def lstat(self) -> os.stat_result | None:
        """What is there now (a link is not followed), or None."""
        try:
            if not self.parts:
                return os.stat(self.root)
            with self.parent.open_dir() as fd:
                return os.stat(self.name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def open_regular(self) -> BinaryIO:
        """Open for reading; anything but a regular file (link, FIFO, device) is refused.

        Checked before opening, so a FIFO or device is never opened; and again once open
        (`O_NONBLOCK`: even a FIFO swapped in between is not waited on).
        """
        flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
        self._require_regular(self.lstat())
        try:
            if self.parts:
                with self.parent.open_dir() as dir_fd:
                    fd = os.open(self.name, flags | os.O_NOFOLLOW, dir_fd=dir_fd)
            else:
                fd = os.open(self.root, flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InvalidPath(f"{str(self)!r} is a symbolic link: refused") from None
            raise
        try:
            self._require_regular(os.fstat(fd))
        except BaseException:
            os.close(fd)
            raise
        return os.fdopen(fd, "rb")

    def _require_regular(self, found: os.stat_result | None) -> None:
        if found is None:
            raise FileNotFoundError(errno.ENOENT, "no such file", str(self))
        if stat.S_ISLNK(found.st_mode):
            raise InvalidPath(f"{str(self)!r} is a symbolic link: refused", path=str(self))
        if not stat.S_ISREG(found.st_mode):
            raise InvalidPath(f"{str(self)!r} is not a regular file: refused", path=str(self))


def temp_name(name: str) -> str:
    """`.<name>.<random>.ctadata-part`, the visible part shortened to fit NAME_MAX bytes."""
    token = secrets.token_hex(4)
    room = NAME_MAX - len(f"..{token}{TEMP_SUFFIX}")
    visible = name
    while len(os.fsencode(visible)) > room:
        visible = visible[:-1]
    return f".{visible}.{token}{TEMP_SUFFIX}"


def is_temp_name(name: str, target_name: str | None = None) -> bool:
    """Whether `name` is one `temp_name(target_name)` (of any name, if None) could have given."""
    tail = _TEMP_TAIL.search(name)
    if tail is None or not name.startswith("."):
        return False
    visible = name[1 : tail.start()]
    return bool(visible) and (target_name is None or target_name.startswith(visible))


class TempFile:
    """The transfer's own temporary file next to `target`: written, then renamed into place.

    Leaving the `with` block without `commit` removes it (and nothing else).

    `adopt=(name, limit)` takes over a temporary file an earlier run of the same transfer left
    (a server killed mid-download): only a regular file of the temporary-name pattern of
    `target`, not a link, not linked elsewhere; one holding more than `limit` bytes is emptied
    (the remote file changed: it starts again). One that is also the target (that run's commit
    was cut between link and unlink) loses its name. Anything else is left alone; a new file
    is made.
    """

    file: BinaryIO | None = None  # open while the transfer writes it (`_create`, `_adopt`)

    def __init__(
        self, target: LocalPath, hook: TempHook | None = None, *, adopt: Adopt | None = None
    ):
        self.target = target
        self._hook = hook
        self._dirs = target.parent.open_dir(create=True)
        self._dir_fd = self._dirs.__enter__()
        self.name = ""
        try:
            if adopt is None or not self._adopt(*adopt):
                self._create()
        except BaseException:
            if self.file is not None:
                self.file.close()
            self._dirs.__exit__(None, None, None)
            raise

    def _adopt(self, name: str, limit: int) -> bool:
        if not is_temp_name(name, self.target.name):
            return False
        flags = os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(name, flags, dir_fd=self._dir_fd)
        except OSError:  # gone, a link (ELOOP), ...: not ours to use
            return False
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or found.st_nlink != 1:
            os.close(fd)
            if _committed(self._dir_fd, found, self.target.name):
                os.unlink(name, dir_fd=self._dir_fd)  # the last step of that commit
            return False
        if found.st_size > limit:
            os.ftruncate(fd, 0)
        self.name, self.file = name, os.fdopen(fd, "r+b", buffering=0)
        self._tell(name, True)
        return True

    def _create(self) -> None:
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        for _ in range(100):
            name = temp_name(self.target.name)
            # Told before it exists: a process killed right after creating it still left word
            # of it (for the cleanup at the next start), never a file nobody knows about.
            self._tell(name, True)
            try:
                fd = os.open(name, flags, 0o666, dir_fd=self._dir_fd)
            except FileExistsError:
                self._tell(name, False)
                continue
            self.name, self.file = name, os.fdopen(fd, "r+b", buffering=0)
            return
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(self.target))

    @property
    def path(self) -> Path:
        """Where it is, for whoever must clean up after a crash."""
        return self.target.parent.path / self.name

    def _tell(self, name: str, exists: bool) -> None:
        if self._hook is not None:
            self._hook(self.target.parent.path / name, exists)

    def size(self) -> int:
        assert self.file is not None
        return os.fstat(self.file.fileno()).st_size

    def commit(self, replace: bool) -> None:
        """Move into place; without `replace`, a file that appeared meanwhile is kept."""
        assert self.file is not None
        self.file.close()
        fd, name, target = self._dir_fd, self.target.name, self.target
        if replace:
            os.replace(self.name, name, src_dir_fd=fd, dst_dir_fd=fd)
        else:
            try:
                os.link(self.name, name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
            except FileExistsError:
                raise _conflict(target) from None
            except OSError as exc:
                if exc.errno not in _NO_HARD_LINKS:
                    raise
                if target.lstat() is not None:
                    raise _conflict(target) from None
                os.replace(self.name, name, src_dir_fd=fd, dst_dir_fd=fd)
            else:
                os.unlink(self.name, dir_fd=fd)
        self._gone()

    def keep(self) -> None:
        """Leave the file where it is, for a later run of the transfer to take over."""
        if self.file is not None:
            self.file.close()
        self.name = ""

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.name, dir_fd=self._dir_fd)
        self._gone()

    def _gone(self) -> None:
        if self.name:
            self._tell(self.name, False)
        self.name = ""

    def __enter__(self) -> TempFile:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.name:
                self.discard()
        finally:
            self._dirs.__exit__(None, None, None)


def _committed(dir_fd: int, found: os.stat_result, target_name: str) -> bool:
    """Whether the temporary file `found` is also its target, beside it in `dir_fd`: a `commit`
    cut between its link and its unlink (the target holds the bytes; only the name is left)."""
    if not stat.S_ISREG(found.st_mode) or found.st_nlink != 2:
        return False
    try:
        there = os.stat(target_name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        return False
    return (there.st_dev, there.st_ino) == (found.st_dev, found.st_ino)


def remove_leftover(temp: LocalPath, target_name: str | None = None) -> bool:
    """Remove a temporary file an earlier run left (for `target_name` beside it, if known).

    Only if it still is one: of the temporary-name pattern, a regular file, linked nowhere
    else, or else only at its target (a cut `commit`). Never through a link; anything else
    is left alone. True if it was removed.
    """
    name = temp.name
    if not is_temp_name(name, target_name):
        return False
    try:
        with temp.parent.open_dir() as fd:
            found = os.stat(name, dir_fd=fd, follow_symlinks=False)
            ours = stat.S_ISREG(found.st_mode) and found.st_nlink == 1
            if ours or (target_name is not None and _committed(fd, found, target_name)):
                os.unlink(name, dir_fd=fd)
                return True
    except (OSError, InvalidPath):
        pass
    return False


def _conflict(target: LocalPath) -> ConflictError:
    return ConflictError(
        f"{str(target)!r} appeared during the download and was kept; overwrite it to replace it",
        conflicts=[str(target.path)],
        path=str(target),
    )

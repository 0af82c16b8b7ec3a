"""The workspace: the Jupyter server's root directory, as transfer requests and the journal
name it.

Its refusals are the library's errors (`InvalidPath`, `PermissionDenied`); the handlers answer
them as every library error (`errors.from_ctadata`: 400, 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from ctadata.errors import InvalidPath, PermissionDenied
from ctadata.limits import check_path
from ctadata.paths import confined


@dataclass(frozen=True)
class Workspace:
    root: Path
    allow_hidden: bool  # the Jupyter server's own setting

    def path(self, relative: str) -> Path:
        """A workspace path: relative, no `..`, and (symlinks followed) inside the root."""
        check_path(relative, "workspace path")
        if "\x00" in relative:
            raise InvalidPath("a workspace path may not contain a NUL character")
        relative = relative.replace("\\", "/")
        if relative.startswith("/") or PureWindowsPath(relative).drive:
            raise InvalidPath(f"{relative!r}: give a path relative to the workspace")
        if ".." in PurePosixPath(relative).parts:
            raise InvalidPath(f"{relative!r}: '..' is not allowed in workspace paths")
        return confined(self.root, relative)

    def refuse_hidden(self, path: Path) -> None:
        """Refuse a hidden workspace path (a name starting with '.'), unless the Jupyter
        server allows hidden files."""
        if self.allow_hidden:
            return
        relative = path.relative_to(self.root)
        if any(part.startswith(".") for part in relative.parts):
            raise PermissionDenied(
                f"{relative.as_posix()!r} is a hidden path: this Jupyter server does not allow"
                " hidden files (ContentsManager.allow_hidden)",
                path=relative.as_posix(),
            )

    def name(self, path: Path) -> str:
        """`path` as the panel shows it: relative to the workspace root."""
        relative = path.relative_to(self.root).as_posix()
        return "" if relative == "." else relative

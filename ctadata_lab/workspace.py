"""The workspace: the Jupyter server's root directory, as transfer requests may name it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from ctadata.limits import check_path
from ctadata.paths import confined

from .errors import bad_request
from .jobclient import hidden_refusal


@dataclass(frozen=True)
class Workspace:
    root: Path
    allow_hidden: bool  # the Jupyter server's own setting

    def path(self, relative: str) -> Path:
        """A workspace path: relative, no `..`, and (symlinks followed) inside the root."""
        check_path(relative, "workspace path")
        if "\x00" in relative:
            raise bad_request("a workspace path may not contain a NUL character")
        relative = relative.replace("\\", "/")
        if relative.startswith("/") or PureWindowsPath(relative).drive:
            raise bad_request(f"{relative!r}: give a path relative to the workspace")
        if ".." in PurePosixPath(relative).parts:
            raise bad_request(f"{relative!r}: '..' is not allowed in workspace paths")
        return confined(self.root, relative)

    def refuse_hidden(self, path: Path) -> None:
        """403 for a hidden workspace path, unless the Jupyter server allows hidden files."""
        if not self.allow_hidden:
            refusal = hidden_refusal(path.relative_to(self.root))
            if refusal is not None:
                raise refusal

    def name(self, path: Path) -> str:
        """`path` as the panel shows it: relative to the workspace root."""
        relative = path.relative_to(self.root).as_posix()
        return "" if relative == "." else relative

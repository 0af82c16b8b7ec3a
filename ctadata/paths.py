"""Path rules: remote paths as the services take them, local paths confined to a root."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from .errors import InvalidPath

_OUTSIDE_USER_ALPHABET = re.compile(r"[^0-1a-z]")


def clean_remote(path: str) -> str:
    """The remote path as the services take it: dot segments resolved as a URL resolves them.

    `.` and `..` are removed as RFC 3986 (5.2.4) removes them from a URL's path, which is what
    happened to 0.6.0's paths before a request left: `a/b/../c` is `a/c`, and `x/y/..` or
    `x/y/../` is the directory `x/`. A path that climbs above the storage root is refused.
    Empty segments and a leading slash go; a trailing slash (a directory, or "keep the local
    file name" on upload) is kept.
    """
    if "\x00" in path:
        raise InvalidPath(f"remote path {path!r} contains a NUL character", path=path)
    kept: list[str] = []
    segments = path.split("/")
    for segment in segments:
        if segment == "..":
            if not kept:
                raise InvalidPath(
                    f"remote path {path!r} climbs above the storage root ('..' too many)",
                    path=path,
                )
            kept.pop()
        elif segment not in ("", "."):
            kept.append(segment)
    cleaned = "/".join(kept)
    # As in a URL, a path ending in a dot segment names a directory.
    if cleaned and (path.endswith("/") or segments[-1] in (".", "..")):
        cleaned += "/"
    return cleaned


def with_slash(path: str) -> str:
    """`path` as a directory (or a URL as a base): ending in one slash."""
    return path.rstrip("/") + "/"


def remote_name(path: str) -> str:
    """The last segment of a remote path, whether it names a file or a directory."""
    return PurePosixPath(path.rstrip("/")).name


def remote_join(*parts: str) -> str:
    """Join remote path segments with single slashes; keeps a trailing slash of the last part."""
    joined = "/".join(p.strip("/") for p in parts if p.strip("/"))
    if parts and parts[-1].endswith("/") and joined:
        joined += "/"
    return joined


def user_folder_name(hub_user: str) -> str:
    """The storage folder name of a hub user, by the service's rule (sic: only 0 and 1 survive)."""
    return _OUTSIDE_USER_ALPHABET.sub("_", hub_user.lower())


def complete_upload_path(local_file: str | os.PathLike[str], remote: str) -> str:
    """`dir/` (or an empty path) means "this directory, keep the local file name"."""
    remote = clean_remote(remote)
    if remote == "" or remote.endswith("/"):
        return remote + Path(local_file).name
    return remote


def confined(root: Path, relative: str) -> Path:
    """`root / relative`, refused if it would land outside `root` (`..`, absolute, symlinks)."""
    root = root.resolve()
    candidate = (root / relative).resolve()
    if candidate != root and root not in candidate.parents:
        raise InvalidPath(f"{relative!r} points outside {str(root)!r}", path=relative)
    return candidate

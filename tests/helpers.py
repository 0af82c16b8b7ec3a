"""Small helpers shared by the tests that talk to the local service."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from ctadata import APIClient
from ctadata.transfer.local import TEMP_SUFFIX


def token_of(service, role: str) -> str:
    if role == "bad":
        return "not-a-valid-token"
    return service.users[role].token


def client_for(service, role: str, **options) -> APIClient:
    return APIClient(
        token=token_of(service, role),
        downloadservice=service.downloadservice,
        certificateservice=service.certificateservice,
        progress_bar=False,
        **options,
    )


def put_remote(service, path: str, data: bytes) -> Path:
    """Place a file straight into the storage's folder, as another user's upload would."""
    target = Path(service.storage_dir) / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def temp_files(root: Path) -> list[str]:
    """Temporary download files left below `root` (there should be none)."""
    return [p.name for p in root.rglob(f"*{TEMP_SUFFIX}")]


def special_folder(folder: Path, outside: Path) -> socket.socket:
    """A folder with a regular file, a FIFO, a socket, a dangling link, a link leading out."""
    (folder / "sub").mkdir(parents=True)
    (folder / "sub/ok.txt").write_text("fine")
    os.mkfifo(folder / "pipe")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock"))
    (folder / "dangling").symlink_to(folder / "no-such-file")
    outside.mkdir()
    (outside / "secret.txt").write_text("not for upload")
    (folder / "sub/out").symlink_to(outside)
    return server

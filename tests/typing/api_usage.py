"""Typed uses of the public API as users' notebooks write them: checked by mypy (scripts/test.sh,
`[tool.mypy]` in pyproject.toml), never run. A changed signature or result type of a module
function that would break such a call fails the test command."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import ctadata
import ctadata.api
from ctadata import direct


def service(out: Path, cancel: threading.Event) -> None:
    keywords: dict[str, Any] = {"token": "t0ken-of-a-user"}
    listing: list[dict[str, Any]] = ctadata.list_dir(
        "lst/DL1/",
        token="t0ken-of-a-user",
        downloadservice="https://hub/services/downloadservice/",
        certificateservice="https://hub/services/certificateservice/",
        chunk_size=1024 * 1024,
    )
    listing = ctadata.api.list_dir("lst/DL1/", **keywords)
    entry: ctadata.Entry = ctadata.stat("lst/DL1/run1.h5", token="t0ken-of-a-user")
    children: list[ctadata.Entry] = ctadata.entries("lst/DL1/")
    found: list[str] = [
        e.path
        for e in ctadata.find("lst/", "*.h5", newer="2024-11-01", min_size="1G", chunk_size=1)
    ]
    size: int = ctadata.fetch_and_save_file(
        "lst/DL1/run1.h5",
        out / "run1.h5",
        overwrite=True,
        progress_bar=False,
        cancel=cancel,
        token="t0ken-of-a-user",
        downloadservice="https://hub/services/downloadservice/",
    )
    verified: bool = ctadata.fetch_and_save_file("lst/DL1/run1.h5").verified
    either: int | ctadata.TransferSummary = ctadata.fetch_and_save_file_or_dir(
        "lst/DL1/", recursive=True, to=out, on_conflict="overwrite", concurrency=8
    )
    tree: ctadata.TransferSummary = ctadata.download_dir(
        "lst/DL1/", out, progress=lambda p: print(p.bytes_done), token="t0ken-of-a-user"
    )
    answer: dict[str, Any] = ctadata.upload_file(out / "result.h5", "analysis/", chunk_size=1)
    tree = ctadata.upload_dir(out, "analysis/", concurrency=2, certificateservice="https://c/")
    ctadata.mkdirs("analysis/2024/", token="t0ken-of-a-user")
    folder: str = ctadata.upload_folder(downloadservice="https://hub/services/downloadservice/")
    stored: dict[str, Any] = ctadata.upload_personal_certificate(out / "proxy.pem", "lst")
    stored = ctadata.upload_certificate(out / "proxy.pem", token="t0ken-of-a-user")
    stored = ctadata.upload_shared_certificate(str(out / "robot.pem"))
    ctadata.webdav4_client(token="t0ken-of-a-user").ls("lst/")
    with ctadata.APIClient(token="t0ken-of-a-user") as client:
        listing = client.list_dir("lst/")
    print(listing, entry, children, found, size, verified, either, tree, answer, folder, stored)


def direct_access(out: Path) -> None:
    listing: list[dict[str, Any]] = direct.list_dir()
    listing = direct.list_dir(
        "lst/DL1/",
        token=lambda: "t0ken-of-a-user",
        dcache_url="https://dcache.cta.cscs.ch:2880",
        account="kk-dcache-prod",
        base_path="pnfs/cta.cscs.ch",
    )
    entry: ctadata.Entry = direct.stat("lst/DL1/run1.h5", token="t0ken-of-a-user")
    found = [e.size for e in direct.find("lst/", "*.h5", max_size="2G", account="other")]
    size: int = direct.fetch_and_save_file("lst/DL1/run1.h5", out / "run1.h5", overwrite=True)
    either = direct.fetch_and_save_file_or_dir("lst/DL1/", recursive=True, to=out)
    tree: ctadata.TransferSummary = direct.download_dir("lst/DL1/", out, concurrency=4)
    answer: dict[str, Any] = direct.upload_file(out / "a.h5", "lst/users/me/", token="t")
    tree = direct.upload_dir(out, "lst/users/me/run/", dcache_url="https://door:2880")
    direct.mkdirs("lst/users/me/run/", base_path="pnfs/cta.cscs.ch")
    print(listing, entry, found, size, either, tree, answer)

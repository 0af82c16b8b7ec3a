"""Library and CLI transfers against curl/rclone on the same files, in the same run.

    python bench/bench_transfer.py [--size-mb 1024] [--files 1000]

Prints, for each case, seconds, MB/s and the ratio against its reference (higher is better
for the library: ratio = reference time / library time), and the library's peak RSS.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import (
    REPEAT,
    Service,
    digest,
    have,
    header_file,
    library,
    local_service,
    pair,
    python,
    report,
    timed,
    write_random_file,
)

SMALL_FILE = 64 * 1024


def big_file(svc: Service, work: Path, size: int) -> None:
    remote = "lst/bench/big.bin"
    write_random_file(svc.storage_dir / remote, size)
    expected = digest(svc.storage_dir / remote)
    env = svc.env()
    lib_path, curl_file, cli_file = work / "lib.bin", work / "curl.bin", work / "cli" / "big.bin"
    lib_file = str(lib_path)
    print(f"\n== one file of {size / 1e6:.0f} MB (curl and ctadata alternating, best of {REPEAT})")
    with header_file(svc.token) as hdr:
        curl = ["curl", "-sS", "-f", "-H", f"@{hdr}"]
        cases = [
            (
                "download, fetch/",
                [*curl, "-o", str(curl_file), svc.downloadservice + "fetch/" + remote],
                python(
                    f"ctadata.fetch_and_save_file({remote!r}, {lib_file!r}, progress_bar=False)"
                ),
                [curl_file, lib_path],
            ),
            (
                "download, cta-data get",
                [*curl, "-o", str(curl_file), svc.downloadservice + "fetch/" + remote],
                ["cta-data", "get", remote, "--to", str(cli_file.parent)],
                [curl_file, cli_file],
            ),
            (
                "download, webdav/ (fsspec get)",
                [*curl, "-o", str(curl_file), svc.downloadservice + "webdav/" + remote],
                python(
                    "import ctadata.fs\n"
                    f"ctadata.fs.CtadataFileSystem().get({remote!r}, {lib_file!r})"
                ),
                [curl_file, lib_path],
            ),
            (
                "upload, upload/",
                [*curl, "-X", "POST", "-T", lib_file, svc.downloadservice + "upload/curl-up.bin"],
                python(f"ctadata.upload_file({lib_file!r}, 'lib-up.bin', progress_bar=False)"),
                [],
            ),
        ]
        for name, reference, ours, outputs in cases:
            t_curl, t_ours = pair(reference, ours, env, size, outputs)
            report(f"curl, {name}", t_curl, size)
            report(f"ctadata, {name}", t_ours, size, t_curl)
        stored = [*svc.storage_dir.glob("*/users/*/lib-up.bin"), lib_path]
        for copy in [*stored, cli_file]:
            assert digest(copy) == expected, f"{copy} corrupted"
        for name, code in (
            (
                "download",
                f"ctadata.fetch_and_save_file({remote!r}, {lib_file!r}, progress_bar=False)",
            ),
            ("upload", f"ctadata.upload_file({lib_file!r}, 'lib-up.bin', progress_bar=False)"),
        ):
            _, rss = library(code, env, repeat=1)
            print(f"{'  peak RSS of the library process, ' + name:<46} {rss:8.1f} MB")
        # Where the CLI's time goes: its start-up (interpreter, imports) is paid once per call.
        start_up, _ = timed(["cta-data", "--version"], env)
        print(f"{'  cta-data start-up (cta-data --version)':<46} {start_up:8.2f} s")


def many_files(svc: Service, work: Path, count: int) -> None:
    base = "lst/bench/many"
    for i in range(count):
        write_random_file(
            svc.storage_dir / base / f"run{i // 100:03d}" / f"f{i:05d}.bin", SMALL_FILE
        )
    size = count * SMALL_FILE
    env = svc.env()
    print(f"\n== {count} files of {SMALL_FILE // 1024} KB in {count // 100 + 1} directories")
    # The old client: one list and one fetch per file, one at a time, a new connection each.
    old_loop = f"""
import httpx, os
h = {{"Authorization": "Bearer " + os.environ["JUPYTERHUB_API_TOKEN"]}}
svc = os.environ["CTADS_URL"]
def walk(p):
    for e in httpx.get(svc + "list/" + p, headers=h).json()[1:]:
        if e["type"] == "directory":
            yield from walk(e["href"])
        else:
            yield e["href"]
for href in walk({base + "/"!r}):
    os.makedirs(os.path.join({str(work / "old")!r}, os.path.dirname(href)), exist_ok=True)
    httpx.get(svc + "list/" + href, headers=h)
    with open(os.path.join({str(work / "old")!r}, href), "wb") as f:
        f.write(httpx.get(svc + "fetch/" + href, headers=h).content)
"""
    # Runs once each: a second run would find the files there already and skip them.
    t_old, _ = library(old_loop, env, repeat=1)
    report("sequential loop like the old client", t_old, size)
    for jobs in (4, 8):
        t_lib, _ = library(
            f"ctadata.APIClient(concurrency={jobs}, progress_bar=False).fetch_and_save_file_or_dir("
            f"{base + '/'!r}, recursive=True, to={str(work / f'lib{jobs}')!r})",
            env,
            repeat=1,
        )
        report(f"ctadata recursive, {jobs} at once", t_lib, size, t_old)
    if have("rclone"):
        remote = f":webdav,url='{svc.downloadservice}webdav/':{base}"
        t_rclone, _ = timed(
            ["rclone", "copy", "--transfers", "8", remote, str(work / "rclone")],
            env | {"RCLONE_WEBDAV_BEARER_TOKEN": svc.token},
            repeat=1,
        )
        report("rclone copy (webdav/, 8 transfers)", t_rclone, size)
        print(f"{'  ctadata (8 at once) vs rclone':<46} {t_rclone / t_lib:8.2f} x")
    else:
        print("rclone is not installed: no rclone comparison")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    with local_service() as svc, tempfile.TemporaryDirectory(prefix="ctadata-work-") as tmp:
        big_file(svc, Path(tmp), args.size_mb * 1024 * 1024)
        if args.files:  # --files 0 measures the one big file only
            many_files(svc, Path(tmp), args.files)


if __name__ == "__main__":
    main()

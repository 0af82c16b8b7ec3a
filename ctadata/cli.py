"""`cta-data`: the command line of the CTA data services."""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

from ._version import __version__
from .errors import ConflictError, CtadataError, TransferError
from .search.criteria import parse_size, parse_time
from .units import format_size

# Commands import what they use when they run: `cta-data --version` and `--help` load neither
# the HTTP client nor the walk and transfer modules.
if TYPE_CHECKING:
    from .client import APIClient
    from .entry import Entry
    from .transfer.tree import TransferSummary


def long_line(entry: Entry) -> str:
    mtime = entry.mtime.strftime("%Y-%m-%d %H:%M") if entry.mtime else "-"
    name = entry.path + ("" if entry.path.endswith("/") or not entry.is_dir else "/")
    return f"{'d' if entry.is_dir else '-'} {format_size(entry.size):>10}  {mtime}  {name}"


PROG_KEY = "ctadata.prog"


def prog_name() -> str:
    """The command's name in messages: `cta-data`, or what the group put in `ctx.meta`."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(PROG_KEY, "cta-data") if ctx is not None else "cta-data"


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Expected failures end in one line on stderr and exit status 1, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CtadataError as exc:
            click.echo(f"{prog_name()}: error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(f"{prog_name()}: interrupted; no partial file was left", err=True)
            sys.exit(130)

    return wrapper


def pass_client(command: Callable[..., Any]) -> Callable[..., Any]:
    """`click.pass_obj` for the client that the group's `ctx.obj` makes: made when the command
    runs, so that `COMMAND --help` makes none (and loads no HTTP client)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        client = ctx.obj()
        ctx.call_on_close(client.close)
        return command(client, *args, **kwargs)

    return run


def print_summary(summary: TransferSummary) -> None:
    checked = f", {summary.check}" if summary.files else ""
    click.echo(
        f"{summary.files} files, {format_size(summary.bytes)}, {summary.skipped} skipped{checked}"
    )
    report_conflicts([r.local for r in summary.conflicts])


def report_conflicts(local_paths: list[str]) -> None:
    """Each local file kept because it differs from the storage's, then how to replace them."""
    if not local_paths:
        return
    for local in local_paths:
        click.echo(f"conflict: {os.path.relpath(local)} differs from the storage; kept", err=True)
    click.echo(
        f"{prog_name()}: error: {len(local_paths)} local files differ from the storage and"
        " were kept; use --overwrite to replace them",
        err=True,
    )


jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Files transferred at once.",
)


class CommandGroup(click.Group):
    """`dev-service` is loaded when it runs: it needs the `local` extra (tornado, wsgidav, h5py),
    and `--help` lists it by its short help alone, without loading the services."""

    lazy: ClassVar[dict[str, tuple[str, str, str]]] = {
        "dev-service": (
            "ctadata.devservice.cli",
            "dev_service",
            "Run local development versions of the download and certificate services.",
        )
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        return click.Command(name, short_help=self.lazy[name][2])  # for listings only

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name not in self.lazy:
            return name, command, rest
        module, attribute, _ = self.lazy[name]
        try:
            return name, getattr(importlib.import_module(module), attribute), rest
        except ImportError as exc:
            raise click.UsageError(
                f"{name} needs the local extra: pip install 'ctadata[local]' ({exc})"
            ) from exc


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ctadata")
@click.option("--downloadservice", envvar="CTADS_URL", help="Download service URL [CTADS_URL].")
@click.option(
    "--certificateservice", envvar="CTACS_URL", help="Certificate service URL [CTACS_URL]."
)
@click.pass_context
def cli(ctx: click.Context, downloadservice: str | None, certificateservice: str | None) -> None:
    """The CTA data services at CTAO-CH. The token comes from JUPYTERHUB_API_TOKEN."""

    def make_client() -> APIClient:
        from .client import APIClient  # late: `--version` and `--help` need no HTTP client

        return APIClient(downloadservice=downloadservice, certificateservice=certificateservice)

    ctx.obj = make_client


@cli.command("list")
@click.argument("path", default="")
@click.option("-l", "long", is_flag=True, help="Type, size and modification time too.")
@pass_client
@reports_errors
def list_path(api: APIClient, path: str, long: bool) -> None:
    """List a remote directory (or show one file)."""
    for entry in sorted(api.entries(path), key=lambda e: e.path):
        click.echo(long_line(entry) if long else entry.path)


class _Parsed(click.ParamType):
    """A click type from one of `ctadata.search.finder`'s parsers (ValueError: a usage error)."""

    def __init__(self, name: str, parse: Callable[[str], Any]):
        self.name = name
        self._parse = parse

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return self._parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


SIZE = _Parsed("size", parse_size)
DATE = _Parsed("date", parse_time)


@cli.command("find")
@click.argument("path", default="")
@click.option("--name", help="Shell pattern on the name, e.g. '*.h5'.")
@click.option("--iname", help="As --name, ignoring case.")
@click.option("--type", "kind", type=click.Choice(["f", "d"]), help="Files or directories only.")
@click.option("--newer", type=DATE, help="Modified at or after (ISO date, UTC), e.g. 2024-11-01.")
@click.option("--older", type=DATE, help="Modified before (ISO date, UTC).")
@click.option("--min-size", type=SIZE, help="At least this size: bytes, or 10K, 5M, 1G, 2T.")
@click.option("--max-size", type=SIZE, help="At most this size.")
@click.option("--maxdepth", type=click.IntRange(min=1), help="1: the children of PATH only.")
@click.option("-l", "long", is_flag=True, help="Type, size and modification time too.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.option(
    "-j", "--listings", type=click.IntRange(1, 64), default=8, show_default=True,
    help="Directories listed at once.",
)  # fmt: skip
@pass_client
@reports_errors
def find_entries(
    api: APIClient,
    path: str,
    name: str | None,
    iname: str | None,
    kind: str | None,
    long: bool,
    as_json: bool,
    **criteria: Any,
) -> None:
    """Find files and directories below PATH, as they are found (in no set order).

    A folder that cannot be listed is reported on stderr; the search goes on and ends
    with exit status 1.
    """
    from .search.finder import entry_json

    if name and iname:
        raise click.UsageError("give --name or --iname, not both")
    failed: list[str] = []

    def report(error: Exception) -> None:
        failed.append(str(error))
        click.echo(f"{prog_name()}: warning: {error}", err=True)

    found = api.find(
        path,
        iname or name,
        ignore_case=iname is not None,
        type={"f": "file", "d": "directory"}.get(kind or ""),
        on_error=report,
        **criteria,
    )
    for entry in found:
        if as_json:
            click.echo(json.dumps(entry_json(entry)))
        else:
            click.echo(long_line(entry) if long else entry.path)
    if failed:
        sys.exit(1)


@cli.command("get")
@click.argument("path")
@click.option("-r", "--recursive", is_flag=True, help="Download a directory and all below it.")
@jobs_option
@click.option(
    "--to",
    "to",
    type=click.Path(file_okay=False),
    default=".",
    help="Local directory; a remote tree is mirrored below it by its full path.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace local files that differ from the storage's (and download identical ones).",
)
@pass_client
@reports_errors
def get_path(
    api: APIClient, path: str, recursive: bool, jobs: int, to: str, overwrite: bool
) -> None:
    """Download a file or (with -r) a directory."""
    from .transfer.tree import TransferSummary

    try:
        result = api.fetch_and_save_file_or_dir(
            path, recursive=recursive, to=to, overwrite=overwrite, concurrency=jobs
        )
    except ConflictError as exc:
        report_conflicts(exc.conflicts)
        sys.exit(1)
    except TransferError as exc:
        if hasattr(exc, "summary"):
            print_summary(exc.summary)
        raise
    if isinstance(result, TransferSummary):
        print_summary(result)
        if result.conflicts:
            sys.exit(1)
    else:
        name = Path(to) / Path(path.rstrip("/")).name
        click.echo(f"{name}: {format_size(result)}, {result.check}")


@cli.command("put")
@click.argument("local_path", type=click.Path(exists=True))
@click.argument("path", default="")
@click.option("-r", "--recursive", is_flag=True, help="Upload a directory and all below it.")
@jobs_option
@pass_client
@reports_errors
def put_path(api: APIClient, local_path: str, path: str, recursive: bool, jobs: int) -> None:
    """Upload into your user folder; PATH ending in / keeps the local name."""
    if Path(local_path).is_dir():
        if not recursive:
            raise click.UsageError(f"{local_path} is a directory: use -r")
        print_summary(api.upload_dir(local_path, path, concurrency=jobs))
    else:
        answer = api.upload_file(local_path, path)
        size = format_size(int(answer["total_written"]))
        click.echo(f"{answer['path']}: {size}, {answer.check}")


def _show_certificate_answer(answer: dict[str, Any]) -> None:
    message = answer.get("message", "stored")
    validity = answer.get("validity")
    click.echo(f"{message} (valid until {validity})" if validity else message)


@cli.command("upload-certificate")
@click.argument("pem", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--key",
    "certificate_key",
    type=click.Choice(["cta", "lst", "arc"]),
    default="cta",
    show_default=True,
    help="The storage area it is for.",
)
@pass_client
@reports_errors
def upload_certificate(api: APIClient, pem: str, certificate_key: str) -> None:
    """Store your short-lived grid proxy certificate (PEM)."""
    _show_certificate_answer(api.upload_certificate(pem, certificate_key))


@cli.command("upload-personal-certificate")
@click.argument("local_cert_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("certificate_key", type=click.Choice(["cta", "lst", "arc"]))
@click.option("-u", "--user", default=None, help="Another user's (admins only).")
@pass_client
@reports_errors
def upload_personal_certificate(
    api: APIClient, local_cert_path: str, certificate_key: str, user: str | None
) -> None:
    """Store a grid proxy certificate for a storage area."""
    _show_certificate_answer(
        api.upload_personal_certificate(local_cert_path, certificate_key, user)
    )


@cli.command("upload-shared-certificate")
@click.argument("local_cert_path", type=click.Path(exists=True, dir_okay=False))
@pass_client
@reports_errors
def upload_shared_certificate(api: APIClient, local_cert_path: str) -> None:
    """Store the shared robot certificate (admins only)."""
    _show_certificate_answer(api.upload_shared_certificate(local_cert_path))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()

"""`cta-data-direct`: the dCache storage itself, with OIDC tokens from oidc-agent.

`list`, `get` and `put` are `cta-data`'s own commands (same options, output and errors) on a
`DirectClient`; `start-agent`, `stop-agent`, `get-token` and `status` manage the tokens.
"""

from __future__ import annotations

import copy
import functools
import time
from datetime import datetime, timezone

import click

from .. import cli as base
from .._version import __version__
from ..errors import AuthenticationError
from .agent import AgentSettings, start_agent, stop_agent
from .client import DirectClient
from .tokens import Token

PROG = "cta-data-direct"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ctadata")
@click.option(
    "--dcache-url",
    envvar="CTADATA_DCACHE_URL",
    help="The dCache WebDAV door [CTADATA_DCACHE_URL; default https://dcache.cta.cscs.ch:2880].",
)
@click.option(
    "--account",
    envvar="CTADATA_OIDC_ACCOUNT",
    help="The oidc-agent account [CTADATA_OIDC_ACCOUNT; default kk-dcache-prod].",
)
@click.pass_context
def cli(ctx: click.Context, dcache_url: str | None, account: str | None) -> None:
    """The CTA storage at CSCS, directly (dCache WebDAV), with OIDC tokens from oidc-agent.

    First `cta-data-direct start-agent -s SECRET` (once; later without -s). A token in
    CTADATA_TOKEN is used instead of the agent's when set.
    """
    ctx.meta[base.PROG_KEY] = PROG
    ctx.obj = functools.partial(DirectClient, dcache_url=dcache_url, account=account)


cli.add_command(base.list_path)
cli.add_command(base.get_path)
put_path = copy.copy(base.put_path)
put_path.help = (
    "Upload to the storage path PATH (no user folder here); PATH ending in / keeps the local name."
)
cli.add_command(put_path)


def _expiry(token: Token) -> str:
    if token.expires_at is None:
        return "expiry unknown"
    when = datetime.fromtimestamp(token.expires_at, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    left = int(token.expires_at - time.time())
    if left <= 0:
        return f"expired at {when} UTC"
    return f"valid until {when} UTC ({left // 60} min {left % 60} s left)"


def _agent_settings(client: DirectClient) -> AgentSettings:
    account = getattr(client.tokens, "account", None)
    return AgentSettings.from_env(account)


@cli.command("start-agent")
@click.option(
    "-s",
    "--secret",
    default=None,
    help="The client secret, needed once: it is kept in the config directory (mode 0600).",
)
@base.pass_client
@base.reports_errors
def start_agent_command(client: DirectClient, secret: str | None) -> None:
    """Start oidc-agent and make a fresh token available (sets the account up on first use)."""
    settings = _agent_settings(client)
    token = start_agent(settings, secret, out=lambda text: click.echo(text, nl=False))
    click.echo(f"token for {settings.account!r} available, {_expiry(token)}")


@cli.command("stop-agent")
@base.reports_errors
def stop_agent_command() -> None:
    """Stop the oidc-agent that start-agent started."""
    click.echo(stop_agent())


@cli.command("get-token")
@base.pass_client
@base.reports_errors
def get_token(client: DirectClient) -> None:
    """Print a fresh access token (for other tools; keep it to yourself)."""
    click.echo(client.tokens.current().value)


@cli.command("status")
@base.pass_client
@base.reports_errors
def status(client: DirectClient) -> None:
    """Say whether a token is available, from where, and until when (never the token)."""
    source = client.tokens.describe()
    try:
        token = client.tokens.current()
    except AuthenticationError as exc:
        click.echo(f"no token from {source}: {exc}")
        raise SystemExit(1) from None
    click.echo(f"token from {source}: {_expiry(token)}")
    click.echo(f"storage: {client.dcache_url}/{client.base_path}/")
    if not token.valid_for(0):
        raise SystemExit(1)


def main() -> None:
    cli(prog_name=PROG)


if __name__ == "__main__":
    main()

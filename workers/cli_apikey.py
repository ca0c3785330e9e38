"""``sohoa apikey create|list|revoke``: keys for intake systems and staff tools."""

from __future__ import annotations

import getpass
import json
import sys

import click
from rich.console import Console
from rich.table import Table

from storage import apikeys
from workers.context import Context

out = Console()
err = Console(stderr=True)


@click.group()
def apikey() -> None:
    """Create, list and revoke API keys."""


def _scopes(values: tuple[str, ...]) -> list[str]:
    scopes = [s.strip() for v in values for s in v.split(",") if s.strip()]
    unknown = sorted(set(scopes) - set(apikeys.SCOPES))
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}; choose among {', '.join(apikeys.SCOPES)}", param_hint="--scope"
        )
    return scopes


@apikey.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scope_values",
    multiple=True,
    required=True,
    help="intake, staff, admin or sensitive (repeat, or separate with commas).",
)
@click.option(
    "--rate-limit", type=click.FloatRange(min=0.01), help="Requests per second (default SOHOA_API_RATE_LIMIT)."
)
@click.option("--json", "as_json", is_flag=True, help="An object with name, scopes and secret.")
@click.pass_obj
def create(obj: Context, name: str, scope_values: tuple[str, ...], rate_limit: float | None, as_json: bool) -> None:
    """Create a key; its secret is printed once, alone on the last line (only a hash is kept)."""
    try:
        key, token = apikeys.create_key(
            obj.index, name, _scopes(scope_values), created_by=getpass.getuser(), rate_limit=rate_limit
        )
    except apikeys.ApiKeyError as exc:
        raise click.ClickException(exc.message) from None
    if as_json:
        sys.stdout.write(json.dumps({**key.as_json(), "scopes": sorted(key.scopes), "secret": token}) + "\n")
        return
    err.print(
        f"API key [bold]{key.name}[/bold] (id {key.key_id}, scopes {' '.join(sorted(key.scopes))}). "
        "The secret below is shown once and cannot be recovered; send it as 'Authorization: Bearer <secret>'."
    )
    sys.stdout.write(token + "\n")


@apikey.command("list")
@click.option("--json", "as_json", is_flag=True, help="One object per key (never the secret).")
@click.pass_obj
def list_(obj: Context, as_json: bool) -> None:
    keys = apikeys.list_keys(obj.index)
    if as_json:
        for key in keys:
            sys.stdout.write(json.dumps(key.as_json()) + "\n")
        return
    table = Table(header_style="bold")
    for col in ("name", "id", "scopes", "rate limit", "created", "by", "state"):
        table.add_column(col)
    for k in keys:
        state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
        table.add_row(
            k.name,
            k.key_id,
            " ".join(sorted(k.scopes)),
            f"{k.rate_limit:g}/s" if k.rate_limit else "default",
            f"{k.created_at:%Y-%m-%d %H:%M}",
            k.created_by,
            state,
        )
    out.print(table)


@apikey.command("revoke")
@click.argument("name")
@click.pass_obj
def revoke(obj: Context, name: str) -> None:
    """Revoke a key: every later request with it is refused (401)."""
    try:
        key = apikeys.revoke(obj.index, name)
    except apikeys.ApiKeyError as exc:
        raise click.ClickException(exc.message) from None
    err.print(f"API key {key.name} revoked at {key.revoked_at:%Y-%m-%d %H:%M:%S} UTC")


COMMANDS = [apikey]

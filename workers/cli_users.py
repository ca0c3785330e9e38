"""``sohoa user``: staff accounts for the records office's page (Argon2 password hashes)."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.table import Table

from storage.users import ROLES, LoginPolicy, UserError, Users, WeakPasswordError
from workers.context import Context

out = Console()
err = Console(stderr=True)


def _users(obj: Context) -> Users:
    return Users(obj.index, LoginPolicy.from_settings(obj.settings))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise click.UsageError("no terminal to read the password from: pipe it in with --password-stdin")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


def _fail(exc: UserError) -> None:
    if isinstance(exc, WeakPasswordError) or exc.code in ("invalid_user_name", "invalid_role"):
        raise click.UsageError(exc.message)
    raise click.ClickException(exc.message)


@click.group()
def user() -> None:
    """Manage staff accounts (log in to the page served by sohoa serve)."""


@user.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="staff", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.pass_obj
def user_create(obj: Context, name, role, password_stdin) -> None:
    """Create an account; the password is read from the terminal (or stdin) and stored as an Argon2 hash."""
    users = _users(obj)
    try:
        created = users.create(name, _read_password(password_stdin), role)
    except UserError as exc:
        _fail(exc)
    err.print(f"user {created.name} created ({created.role})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="One account per line.")
@click.pass_obj
def user_list(obj: Context, as_json) -> None:
    accounts = _users(obj).list_users()
    if as_json:
        for account in accounts:
            sys.stdout.write(json.dumps(account.as_json()) + "\n")
        return
    table = Table(header_style="bold")
    for col in ("name", "role", "state", "created", "last login"):
        table.add_column(col)
    for a in accounts:
        state = "disabled" if a.disabled else (f"locked until {a.locked_until:%Y-%m-%d %H:%M}" if a.locked_until
                                                else "active")
        last = f"{a.last_login_at:%Y-%m-%d %H:%M}" if a.last_login_at else "never"
        table.add_row(a.name, a.role, state, f"{a.created_at:%Y-%m-%d %H:%M}", last)
    out.print(table)


@user.command("disable")
@click.argument("name")
@click.pass_obj
def user_disable(obj: Context, name) -> None:
    """Refuse every login of this account (nothing is deleted)."""
    try:
        _users(obj).set_disabled(name, True)
    except UserError as exc:
        _fail(exc)
    err.print(f"user {name.lower()} disabled")


@user.command("enable")
@click.argument("name")
@click.pass_obj
def user_enable(obj: Context, name) -> None:
    try:
        _users(obj).set_disabled(name, False)
    except UserError as exc:
        _fail(exc)
    err.print(f"user {name.lower()} enabled")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of stdin.")
@click.pass_obj
def user_password(obj: Context, name, password_stdin) -> None:
    """Set a new password (and lift a lockout)."""
    try:
        _users(obj).set_password(name, _read_password(password_stdin))
    except UserError as exc:
        _fail(exc)
    err.print(f"password of {name.lower()} changed")


@user.command("unlock")
@click.argument("name")
@click.pass_obj
def user_unlock(obj: Context, name) -> None:
    """Lift a lockout after failed logins before it runs out."""
    try:
        _users(obj).unlock(name)
    except UserError as exc:
        _fail(exc)
    err.print(f"user {name.lower()} unlocked")


COMMANDS = [user]

"""``pressroom user``: one account's password, sessions and deletion, for the operator.

Exit codes as for the content commands: 0 done, 1 declined (or no terminal to ask on),
2 bad input (an unknown user, an unusable password) or a database that cannot be used.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from pressroom.accounts import service as accounts
from pressroom.accounts.service import Account, UnknownUser
from pressroom.cli.content import REFUSED, USAGE_ERROR, fail, print_json, stdin_is_terminal
from pressroom.cli.context import open_database
from pressroom.db.session import transaction
from pressroom.users.schemas import PASSWORD_MAX, Password
from pressroom.users.security import new_password_hash

user_app = typer.Typer(
    help="One account: a new password, signing out everywhere, deleting it.",
    no_args_is_help=True,
)
out = Console()

Username = Annotated[str, typer.Argument(help="The username, as the site spells it.")]
_PASSWORD = TypeAdapter(Password)


def _say(text: str) -> None:
    """Plain text: names are printed as they are, never read as markup, nor wrapped."""
    out.print(text, highlight=False, markup=False, soft_wrap=True)


def _account(factory: sessionmaker[Session], username: str) -> Account:
    with transaction(factory) as session:
        try:
            return accounts.find(session, username)
        except UnknownUser as exc:
            raise fail(str(exc), USAGE_ERROR) from None


def _new_password(from_stdin: bool) -> str:
    """The password typed twice on the terminal, or the first line of standard input."""
    if from_stdin:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    elif stdin_is_terminal():
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        raise fail("no terminal to type the password on: pass --password-stdin", USAGE_ERROR)
    try:
        return _PASSWORD.validate_python(password)
    except ValidationError:
        raise fail(
            f"the password must be 1 to {PASSWORD_MAX} characters, without control characters",
            USAGE_ERROR,
        ) from None


@user_app.command()
def password(
    username: Username,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password (asked twice, hidden). It signs the user out everywhere, and the
    failed sign-ins counted against the account are forgotten."""
    with open_database() as factory:
        account = _account(factory, username)
        password_hash = new_password_hash(_new_password(password_stdin))
        with transaction(factory, writes=True) as session:
            accounts.set_password(session, account, password_hash)
    _say(f"New password set for {account.username}.")


@user_app.command("sign-out")
def sign_out(username: Username) -> None:
    """Sign the user out everywhere: every token issued to them so far stops working."""
    with open_database() as factory:
        account = _account(factory, username)
        with transaction(factory, writes=True) as session:
            accounts.sign_out_everywhere(session, account)
    _say(f"Signed {account.username} out everywhere.")


def _many(count: int, thing: str) -> str:
    return f"{count} {thing}" if count == 1 else f"{count} {thing}s"


def _summary(account: Account, held: accounts.Holdings) -> str:
    return (
        f"{account.username}: {held.published} published, {held.scheduled} scheduled and "
        f"{_many(held.drafts, 'draft')}, {_many(held.comments, 'comment')}, "
        f"{_many(held.favorites, 'favorite')}, {_many(held.followers, 'follower')}, "
        f"following {held.following}"
    )


@user_app.command()
def delete(
    username: Username,
    dry_run: Annotated[bool, typer.Option(help="Count what would go, change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Delete the user with their articles (and the comments and favorites on them), their
    comments, favorites and follows; the maintained counts move with them."""
    with open_database() as factory:
        account = _account(factory, username)
        with transaction(factory) as session:
            held = accounts.holdings(session, account.id)
        summary = _summary(account, held)
        if not dry_run and not yes:
            if not stdin_is_terminal():
                raise fail(
                    f"deleting {account.username} needs confirmation and there is no terminal "
                    "to ask on: pass --yes",
                    REFUSED,
                )
            _say(summary)
            if not typer.confirm(f"Delete {account.username} and all of this?", default=False):
                out.print("Nothing changed.")
                raise typer.Exit(REFUSED)
        if not dry_run:
            try:
                with transaction(factory, writes=True) as session:
                    held = accounts.delete_account(session, account)
            except UnknownUser as exc:
                raise fail(str(exc), USAGE_ERROR) from None
            summary = _summary(account, held)
    if as_json:
        print_json({"user": account.username, "deleted": not dry_run, **held.as_dict()})
    elif dry_run:
        _say(f"Would delete {summary} (dry run: nothing changed).")
    else:
        _say(f"Deleted {summary}.")

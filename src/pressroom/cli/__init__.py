"""The ``pressroom`` command line."""

from __future__ import annotations

import logging

import typer

from pressroom.cli.accounts import user_app
from pressroom.cli.content import publish, purge, recount, seed, stats
from pressroom.cli.db import db_app
from pressroom.cli.serve import serve
from pressroom.cli.transfer import export, import_
from pressroom.config import get_settings

app = typer.Typer(
    name="pressroom",
    help="Run and operate a pressroom publication.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.command()(serve)
app.command()(seed)
app.command()(publish)
app.command()(purge)
app.command()(recount)
app.command()(stats)
app.command()(export)
app.command("import")(import_)


@app.callback()
def _setup() -> None:
    logging.basicConfig(
        level=get_settings().log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def main() -> None:
    """Console-script entry point."""
    app()

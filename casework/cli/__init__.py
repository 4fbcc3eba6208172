"""The `casework` command line: the first interface of the product.

Each feature has its own module with a Typer sub-app; this module only assembles them and turns
domain errors into one Dutch sentence and a non-zero exit code.
"""

from __future__ import annotations

import sys

import typer

from casework.cli import (  # notifications (issue 3)
    adviseurs,
    database,
    kennismaking,
    mail,
    organisaties,
    outbox,
    programmas,
    trajecten,
)
from casework.cli import budget as _budget  # finance (issue 7)
from casework.cli import dagdelen as _dagdelen  # finance (issue 7)
from casework.cli import facturen as _facturen  # finance (issue 7)
from casework.cli import matching as _matching  # matching (issue 6)
from casework.cli import rapport as _rapport  # reports (issue 8)
from casework.cli import up as up
from casework.cli import users as users
from casework.cli.common import console_err
from casework.errors import CaseworkError

app = typer.Typer(
    name="casework",
    help="Casework: trajecten van Goed worden, goed blijven en Leren verbeteren.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(database.app, name="db")
app.add_typer(organisaties.bestuur_app, name="bestuur")
app.add_typer(organisaties.school_app, name="school")
app.add_typer(trajecten.app, name="traject")
app.add_typer(adviseurs.app, name="adviseur")
app.add_typer(programmas.app, name="programma")
app.add_typer(users.app, name="user")
app.command("verify")(trajecten.verify_command)
app.command("demo-data")(trajecten.demo_command)
app.add_typer(mail.app, name="mail")
app.add_typer(outbox.app, name="outbox")
app.command("mailcatcher")(mail.mailcatcher_command)
trajecten.app.command("kennismaking")(kennismaking.kennismaking_command)
app.command("up")(up.up_command)
app.add_typer(up.flows_app, name="flows")
app.add_typer(_matching.app, name="match")  # matching (issue 6)
app.add_typer(_dagdelen.app, name="dagdeel")  # finance (issue 7)
app.add_typer(_facturen.app, name="factuur")  # finance (issue 7)
app.add_typer(_facturen.tarief_app, name="tarief")  # finance (issue 7)
app.command("grootboek")(_facturen.grootboek_command)  # finance (issue 7)
trajecten.app.command("budget")(_budget.budget_command)  # finance (issue 7)
app.add_typer(_rapport.app, name="rapport")  # reports (issue 8)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a refusal prints one Dutch sentence and exits 1."""
    try:
        app(args=argv, prog_name="casework", standalone_mode=True)
    except CaseworkError as exc:
        console_err.print(f"[bold red]Fout:[/] {exc}", highlight=False, soft_wrap=True)
        return 1
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


def entrypoint() -> None:
    code = main()
    from casework import orchestration

    # a step that queued mail asked for a delivery run in the background: let it finish
    orchestration.flush_pending()
    sys.exit(code)

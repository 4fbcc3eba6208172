"""`casework db`: schema migrations."""

from __future__ import annotations

import typer
from rich.progress import Progress

from casework.cli.common import console, db
from casework.db import migrate
from casework.reports import bijhouden

app = typer.Typer(help="De database: aanmaken en bijwerken.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Maak de database aan of werk het schema bij tot de nieuwste versie."""
    database = db(check=False)
    todo = migrate.pending(database.engine)
    if not todo:
        console.print("De database is al bijgewerkt.")
        return
    with Progress(console=console, transient=False) as progress:
        task = progress.add_task("Migraties", total=len(todo))
        migrate.upgrade(database.engine, on_apply=lambda _rev: progress.advance(task))
    console.print(f"Database bijgewerkt tot versie {migrate.current(database.engine)}.")
    # a migration may change what the report keeps: fold it now rather than in the first
    # report (at national scale that takes half a minute, too long for a web request)
    with console.status("Rapportsamenvatting bijwerken…"):
        gevouwen = bijhouden.bijwerken(database)
    if gevouwen:
        console.print(f"Rapportsamenvatting bijgewerkt: {gevouwen} trajecten.")


@app.command("current")
def current() -> None:
    """Toon de schemaversie van de database."""
    console.print(migrate.current(db(check=False).engine) or "leeg")

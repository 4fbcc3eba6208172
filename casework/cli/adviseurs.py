"""`casework adviseur`."""

from __future__ import annotations

import typer

from casework.cli.common import console, db, print_json, table
from casework.services import adviseurs

app = typer.Typer(help="Adviseurs.", no_args_is_help=True)


@app.command("add")
def add(
    naam: str = typer.Option(..., "--naam"),
    email: str = typer.Option(..., "--email"),
) -> None:
    """Voeg een adviseur toe."""
    adviseur = adviseurs.add_adviseur(db(), naam=naam, email=email)
    console.print(f"Adviseur {adviseur.naam} <{adviseur.email}> toegevoegd (id {adviseur.id}).")


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json")) -> None:
    """Toon alle adviseurs."""
    rows = adviseurs.list_adviseurs(db())
    if as_json:
        print_json(rows)
        return
    table(
        "Adviseurs",
        ["id", "naam", "e-mail", "actief"],
        [(a.id, a.naam, a.email, "ja" if a.actief else "nee") for a in rows],
    )

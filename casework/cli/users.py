"""`casework user`: accounts of the web app and their API tokens."""

from __future__ import annotations

import sys

import typer

from casework.cli.common import console, db, print_json, table
from casework.errors import InvalidInput
from casework.services import accounts

app = typer.Typer(help="Gebruikers van de webapplicatie.", no_args_is_help=True)


@app.command("add")
def add(
    email: str = typer.Option(..., "--email"),
    rol: str = typer.Option(
        ..., "--rol", help="medewerker, adviseur, finance, management of beheerder"
    ),
    wachtwoord_stdin: bool = typer.Option(
        False, "--wachtwoord-stdin", help="Lees het wachtwoord van standaardinvoer."
    ),
) -> None:
    """Maak een account; het wachtwoord wordt gevraagd (verborgen) of van stdin gelezen."""
    if wachtwoord_stdin:
        wachtwoord = sys.stdin.readline().rstrip("\r\n")
    else:
        wachtwoord = typer.prompt("Wachtwoord", hide_input=True)
        if typer.prompt("Herhaal het wachtwoord", hide_input=True) != wachtwoord:
            raise InvalidInput("De twee wachtwoorden zijn niet gelijk: probeer het opnieuw.")
    user = accounts.add_user(db(), email=email, rol=rol, wachtwoord=wachtwoord)
    console.print(f"Account {user.email} ({user.rol}) aangemaakt.")


@app.command("token")
def token(email: str = typer.Option(..., "--email")) -> None:
    """Maak een nieuw API-token (het wordt maar één keer getoond)."""
    print(accounts.create_token(db(), email=email))


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json")) -> None:
    """Toon alle accounts."""
    rows = accounts.list_users(db())
    if as_json:
        print_json(rows)
        return
    table(
        "Gebruikers",
        ["id", "e-mail", "rol", "actief"],
        [(u.id, u.email, u.rol, "ja" if u.actief else "nee") for u in rows],
    )

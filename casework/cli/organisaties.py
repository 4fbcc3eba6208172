"""`casework bestuur` and `casework school`."""

from __future__ import annotations

import typer

from casework.cli.common import console, db, print_json, table
from casework.services import organisaties

bestuur_app = typer.Typer(help="Schoolbesturen.", no_args_is_help=True)
school_app = typer.Typer(help="Scholen.", no_args_is_help=True)


@bestuur_app.command("add")
def bestuur_add(
    nummer: str = typer.Option(..., "--nummer", help="Bestuursnummer (5 cijfers)"),
    naam: str = typer.Option(..., "--naam"),
    regio: str | None = typer.Option(None, "--regio", help="noord, midden of zuid"),
) -> None:
    """Voeg een schoolbestuur toe."""
    bestuur = organisaties.add_bestuur(db(), nummer=nummer, naam=naam, regio=regio)
    console.print(f"Bestuur {bestuur.bestuursnummer} ({bestuur.naam}) toegevoegd.")


@bestuur_app.command("list")
def bestuur_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """Toon alle besturen."""
    rows = organisaties.list_besturen(db())
    if as_json:
        print_json(rows)
        return
    table(
        "Besturen", ["nummer", "naam", "regio"], [(b.bestuursnummer, b.naam, b.regio) for b in rows]
    )


@school_app.command("add")
def school_add(
    brin: str = typer.Option(..., "--brin", help="BRIN-code, bijvoorbeeld 12AB"),
    naam: str = typer.Option(..., "--naam"),
    bestuur: str = typer.Option(..., "--bestuur", help="Bestuursnummer"),
    sector: str = typer.Option(..., "--sector", help="po, so of vo"),
    regio: str | None = typer.Option(None, "--regio"),
) -> None:
    """Voeg een school toe aan een bestuur."""
    school = organisaties.add_school(
        db(), brin=brin, naam=naam, bestuur=bestuur, sector=sector, regio=regio
    )
    console.print(
        f"School {school.brin} ({school.naam}) toegevoegd aan bestuur {school.bestuursnummer}."
    )


@school_app.command("list")
def school_list(
    bestuur: str | None = typer.Option(None, "--bestuur"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon scholen, eventueel van één bestuur."""
    rows = organisaties.list_scholen(db(), bestuur=bestuur)
    if as_json:
        print_json(rows)
        return
    table(
        "Scholen",
        ["BRIN", "naam", "sector", "bestuur", "regio"],
        [(s.brin, s.naam, s.sector, s.bestuursnummer, s.regio) for s in rows],
    )

"""`casework traject budget ID [--extra-blok --reden "..."]`."""

from __future__ import annotations

import typer

from casework.cli.common import actor, console, db, print_json
from casework.errors import InvalidInput
from casework.services import dagdelen


def budget_command(
    traject: int = typer.Argument(..., help="Het id van het traject"),
    extra_blok: bool = typer.Option(False, "--extra-blok", help="Ken het volgende blok toe"),
    reden: str | None = typer.Option(None, "--reden", help="Waarom een extra blok nodig is"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon het budget aan dagdelen van een traject, of ken een extra blok toe."""
    if extra_blok:
        stand = dagdelen.grant_block(db(), traject_id=traject, reden=reden or "", actor=actor())
    else:
        if reden is not None:
            raise InvalidInput("--reden hoort bij --extra-blok.")
        stand = dagdelen.budget(db(), traject_id=traject)
    if as_json:
        print_json(stand)
        return
    if stand.budget is None:
        console.print(
            f"Traject {traject} ({stand.programma}): {stand.gebruikt} dagdelen, geen budgetgrens."
        )
        return
    console.print(
        f"Traject {traject}: {stand.blokken} blok(ken), budget {stand.budget} dagdelen, "
        f"{stand.gebruikt} gebruikt, {stand.over} over."
    )

"""`casework dagdeel add|list|correct`."""

from __future__ import annotations

from datetime import date

import typer

from casework.cli.common import actor, console, db, parse_date, print_json, table
from casework.services import dagdelen
from casework.services.dagdelen import DagdeelRead

app = typer.Typer(help="Dagdelen: de gewerkte halve dagen van adviseurs.", no_args_is_help=True)


def _line(d: DagdeelRead) -> str:
    return (
        f"Dagdeel {d.id}: traject {d.traject_id}, {d.datum:%d-%m-%Y} {d.deel}, {d.activiteit} "
        f"({d.adviseur})."
    )


@app.command("add")
def add(
    traject: int = typer.Argument(..., help="Het id van het traject"),
    datum: str = typer.Option(..., "--datum", help="JJJJ-MM-DD"),
    activiteit: str = typer.Option(..., "--activiteit", help="bv. schoolscan, kennismaking"),
    deel: str | None = typer.Option(
        None, "--dagdeel", help="ochtend of middag (standaard: het eerste vrije)"
    ),
    adviseur: str | None = typer.Option(
        None, "--adviseur", help="id of e-mail (standaard: de adviseur van het traject)"
    ),
    notitie: str | None = typer.Option(None, "--notitie"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Registreer een gewerkt dagdeel op een traject."""
    result = dagdelen.add(
        db(),
        traject_id=traject,
        datum=parse_date(datum) or date.today(),
        activiteit=activiteit,
        deel=deel,
        adviseur=adviseur,
        notitie=notitie,
        actor=actor(),
    )
    if as_json:
        print_json(result)
        return
    stand = dagdelen.budget(db(), traject_id=traject)
    over = "" if stand.over is None else f" Nog {stand.over} van {stand.budget} over."
    console.print(_line(result) + over)


@app.command("list")
def list_(
    traject: int | None = typer.Option(None, "--traject"),
    periode: str | None = typer.Option(None, "--periode", help="JJJJ-MM"),
    adviseur: str | None = typer.Option(None, "--adviseur"),
    alle: bool = typer.Option(False, "--alle", help="Ook vervangen en ingetrokken dagdelen"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon dagdelen, op traject, maand of adviseur."""
    rows = dagdelen.list_dagdelen(
        db(), traject_id=traject, periode=periode, adviseur=adviseur, ook_vervallen=alle
    )
    if as_json:
        print_json(rows)
        return
    table(
        None,
        ["id", "traject", "datum", "dagdeel", "activiteit", "adviseur", "factuur", "vervallen"],
        [
            (
                d.id,
                d.traject_id,
                d.datum,
                d.deel,
                d.activiteit,
                d.adviseur,
                d.factuur,
                "ja" if d.vervallen else "",
            )
            for d in rows
        ],
    )


@app.command("correct")
def correct(
    dagdeel: int = typer.Argument(..., help="Het id van het dagdeel"),
    reden: str = typer.Option(..., "--reden"),
    datum: str | None = typer.Option(None, "--datum"),
    deel: str | None = typer.Option(None, "--dagdeel"),
    activiteit: str | None = typer.Option(None, "--activiteit"),
    notitie: str | None = typer.Option(None, "--notitie"),
    adviseur: str | None = typer.Option(None, "--adviseur"),
    intrekken: bool = typer.Option(False, "--intrekken", help="Trek het dagdeel helemaal in"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Corrigeer een dagdeel; was het al gefactureerd, dan volgt een creditnota."""
    result = dagdelen.correct(
        db(),
        dagdeel_id=dagdeel,
        reden=reden,
        actor=actor(),
        datum=parse_date(datum),
        deel=deel,
        activiteit=activiteit,
        notitie=notitie,
        adviseur=adviseur,
        intrekken=intrekken,
    )
    if as_json:
        print_json(result)
        return
    console.print(f"Dagdeel {result.vervallen.id} vervalt.")
    if result.nieuw is not None:
        console.print("Nieuw: " + _line(result.nieuw))
    if result.creditnota:
        console.print(f"Creditnota {result.creditnota} is aangemaakt voor het gefactureerde deel.")

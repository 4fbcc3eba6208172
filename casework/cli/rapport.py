"""`casework rapport`: management reports in the terminal, as JSON or CSV, or as HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from casework.cli.common import console, db, parse_date
from casework.errors import InvalidInput
from casework.reports import DoorstroomRapport, doorstroom
from casework.reports.html import als_html
from casework.reports.uitvoer import als_csv, als_json, als_tabel

app = typer.Typer(help="Rapportages voor het management.", no_args_is_help=True)

FORMATEN = ("table", "json", "csv", "html")


@app.command("doorstroom")
def doorstroom_command(
    programma: str | None = typer.Option(None, "--programma", help="lv of gwgb (standaard: alle)"),
    van: str | None = typer.Option(
        None, "--van", help="eerste dag (JJJJ-MM-DD); standaard 1 augustus"
    ),
    tot: str | None = typer.Option(None, "--tot", help="laatste dag, inclusief; standaard vandaag"),
    periode: str = typer.Option("maand", "--periode", help="week, maand of schooljaar"),
    formaat: str = typer.Option("table", "--format", help="table, json, csv of html"),
    output: Path | None = typer.Option(None, "--output", help="schrijf naar dit bestand"),
) -> None:
    """Instroom, uitstroom, onderhanden werk, doorlooptijden en veroudering per programma."""
    if formaat not in FORMATEN:
        raise InvalidInput(f"Onbekend formaat {formaat!r}: kies uit {', '.join(FORMATEN)}.")
    begin, einde = parse_date(van, "--van"), parse_date(tot, "--tot")
    # under a second as a rule; the first report after the programmes' phases changed folds
    # the whole history again (half a minute at national scale)
    with console.status("Rapport berekenen…"):
        rapport = doorstroom(db(), programma=programma, van=begin, tot=einde, periode=periode)
    if formaat == "table" and output is None:
        als_tabel(rapport, console)
        return
    schrijvers: dict[str, Callable[[DoorstroomRapport], str]] = {
        "json": als_json,
        "csv": als_csv,
        "html": als_html,
    }
    text = schrijvers.get(formaat, als_json)(rapport)
    if output is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    if formaat == "table":
        raise InvalidInput(
            "Een tabel gaat naar het scherm: kies --format json, csv of html voor --output."
        )
    output.write_text(text, encoding="utf-8")
    console.print(f"Rapport geschreven naar {output}")

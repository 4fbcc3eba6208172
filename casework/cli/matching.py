"""`casework match`: proposals, confirmation by a medewerker, the adviseur's answer."""

from __future__ import annotations

import typer

from casework.cli.common import actor, console, db, print_json, table
from casework.services import matching

app = typer.Typer(
    help="Matching: de beste adviseur voor elk wachtend traject.", no_args_is_help=True
)


@app.command("run")
def run(
    as_json: bool = typer.Option(False, "--json"),
    dagdelen_per_traject: int = typer.Option(
        matching.DAGDELEN_PER_TRAJECT,
        "--dagdelen-per-traject",
        help="Dagdelen per maand die een traject van de capaciteit vraagt",
    ),
) -> None:
    """Maak voorstellen voor alle wachtende trajecten (samen geoptimaliseerd)."""
    result = matching.run(db(), dagdelen_per_traject=dagdelen_per_traject)
    if as_json:
        print_json(result)
        return
    if not result.voorstellen:
        console.print("Er wachten geen trajecten op een adviseur.")
        return
    table(
        f"Voorstellen (ronde {result.ronde})",
        ["traject", "organisatie", "adviseur", "score", "uitleg"],
        [
            (
                v.traject_id,
                v.organisatie,
                v.adviseur_naam or "[red]geen[/]",
                f"{v.score:.1f}" if v.adviseur_id else "",
                v.uitleg,
            )
            for v in result.voorstellen
        ],
    )
    hint = " Bevestig met 'casework match confirm ID'." if result.toegewezen else ""
    console.print(
        f"{result.toegewezen} van {result.wachtend} trajecten hebben een voorstel "
        f"(totale score {result.totaal_score:.1f}).{hint}"
    )


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json")) -> None:
    """Toon de open voorstellen van de laatste ronde, hoogste score eerst."""
    rows = matching.list_voorstellen(db())
    if as_json:
        print_json(rows)
        return
    table(
        "Open voorstellen",
        ["traject", "organisatie", "thema's", "adviseur", "score", "uitleg"],
        [
            (
                v.traject_id,
                v.organisatie,
                ", ".join(v.themas),
                v.adviseur_naam or "[red]geen[/]",
                f"{v.score:.1f}" if v.adviseur_id else "",
                v.uitleg,
            )
            for v in rows
        ],
    )


@app.command("confirm")
def confirm(
    traject_id: int = typer.Argument(..., metavar="ID", help="Het traject"),
    adviseur: str | None = typer.Option(
        None, "--adviseur", help="Een andere adviseur dan voorgesteld (e-mailadres of id)"
    ),
) -> None:
    """Bevestig het voorstel voor een traject; de adviseur krijgt de toewijzing."""
    t = matching.confirm(db(), traject_id=traject_id, adviseur=adviseur, actor=actor())
    console.print(
        f"{t.adviseur_naam} is voorgesteld voor traject {t.id} ({t.organisatie}) en krijgt de "
        "toewijzing om te accepteren of af te wijzen."
    )


@app.command("accept")
def accept(traject_id: int = typer.Argument(..., metavar="ID")) -> None:
    """De adviseur accepteert de toewijzing; daarna kan de kennismaking."""
    t = matching.accept(db(), traject_id=traject_id, actor=actor())
    console.print(f"{t.adviseur_naam} heeft traject {t.id} ({t.organisatie}) geaccepteerd.")


@app.command("decline")
def decline(
    traject_id: int = typer.Argument(..., metavar="ID"),
    reden: str = typer.Option(..., "--reden", help="Waarom de adviseur afwijst"),
) -> None:
    """De adviseur wijst de toewijzing af; het traject wacht weer, zonder deze adviseur."""
    t = matching.decline(db(), traject_id=traject_id, reden=reden, actor=actor())
    console.print(
        f"Traject {t.id} ({t.organisatie}) wacht weer op een adviseur; het programmabureau is "
        "op de hoogte gebracht."
    )


@app.command("history")
def history(
    traject_id: int = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Wie was wanneer de adviseur van een traject (voorgesteld, geaccepteerd, afgewezen)."""
    rows = matching.toewijzingen(db(), traject_id=traject_id)
    if as_json:
        print_json(rows)
        return
    table(
        f"Adviseurs van traject {traject_id}",
        ["adviseur", "status", "van", "geaccepteerd", "tot", "door", "reden"],
        [
            (
                r.adviseur,
                r.status,
                f"{r.van:%d-%m-%Y %H:%M}",
                f"{r.geaccepteerd_op:%d-%m-%Y %H:%M}" if r.geaccepteerd_op else "",
                f"{r.tot:%d-%m-%Y %H:%M}" if r.tot else "",
                r.door,
                r.reden,
            )
            for r in rows
        ],
    )

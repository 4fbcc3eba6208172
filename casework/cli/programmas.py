"""`casework programma`: the programmes and their state diagrams."""

from __future__ import annotations

from pathlib import Path

import typer

from casework.cli.common import console, print_json, table
from casework.services import programmas

app = typer.Typer(help="Programma's en hun fasen.", no_args_is_help=True)


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json")) -> None:
    """Toon de programma's."""
    rows = programmas.programmes()
    if as_json:
        print_json({code: p.model_dump(mode="json") for code, p in rows.items()})
        return
    table(
        "Programma's",
        ["code", "naam", "versie", "voor", "fasen"],
        [
            (
                p.code,
                p.naam,
                p.versie,
                p.doelgroep,
                " → ".join(ph.label for ph in p.phases if not ph.final),
            )
            for p in rows.values()
        ],
    )


@app.command("show")
def show(code: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Toon de fasen, normen en stappen van een programma."""
    programme = programmas.definition(code)
    if as_json:
        print_json(programme.model_dump(mode="json"))
        return
    table(
        f"{programme.naam} (versie {programme.versie})",
        ["fase", "label", "norm (werkdagen)", "optioneel", "eindfase"],
        [
            (
                ph.name,
                ph.label,
                ph.norm_werkdagen or "",
                "ja" if ph.optional else "",
                "ja" if ph.final else "",
            )
            for ph in programme.phases
        ],
    )


@app.command("diagram")
def diagram(
    code: str,
    output: Path | None = typer.Option(None, "--output", "-o", help="Schrijf naar dit bestand"),
) -> None:
    """Het toestandsdiagram van een programma (mermaid)."""
    text = programmas.diagram(code)
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Diagram geschreven naar {output}.")
    else:
        print(text)

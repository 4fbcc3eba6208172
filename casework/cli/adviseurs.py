"""`casework adviseur`: the registry matching reads."""

from __future__ import annotations

import typer

from casework.cli.common import console, db, print_json, required_date, table
from casework.services import adviseurs
from casework.services.adviseurs import AdviseurRead

app = typer.Typer(help="Adviseurs: sectoren, expertise, regio, capaciteit.", no_args_is_help=True)
conflict_app = typer.Typer(help="Belangenconflicten van een adviseur.", no_args_is_help=True)
afwezig_app = typer.Typer(help="Afwezigheid van een adviseur.", no_args_is_help=True)
app.add_typer(conflict_app, name="conflict")
app.add_typer(afwezig_app, name="afwezig")

SECTOREN_HELP = "Sectoren, bv. po,so of vo"
EXPERTISE_HELP = "Thema's, bv. kwaliteitszorg,bestuur"


def _summary(a: AdviseurRead) -> str:
    sectoren = ",".join(a.sectoren) or "geen sector"
    return (
        f"{a.naam} <{a.email}> (id {a.id}): {sectoren}, regio {a.regio or '—'}, "
        f"{a.capaciteit} dagdelen per maand, hoogstens {a.max_trajecten} trajecten."
    )


@app.command("add")
def add(
    naam: str = typer.Option(..., "--naam"),
    email: str = typer.Option(..., "--email"),
    sectoren: str | None = typer.Option(None, "--sectoren", help=SECTOREN_HELP),
    expertise: str | None = typer.Option(None, "--expertise", help=EXPERTISE_HELP),
    regio: str | None = typer.Option(None, "--regio", help="noord, midden of zuid"),
    capaciteit: int | None = typer.Option(None, "--capaciteit", help="Dagdelen per maand"),
    max_trajecten: int | None = typer.Option(None, "--max-trajecten"),
) -> None:
    """Voeg een adviseur toe."""
    a = adviseurs.add_adviseur(
        db(),
        naam=naam,
        email=email,
        sectoren=sectoren,
        expertise=expertise,
        regio=regio,
        capaciteit=capaciteit,
        max_trajecten=max_trajecten,
    )
    console.print(f"Adviseur toegevoegd: {_summary(a)}")


@app.command("edit")
def edit(
    adviseur: str = typer.Argument(..., metavar="ADVISEUR", help="E-mailadres of id"),
    naam: str | None = typer.Option(None, "--naam"),
    email: str | None = typer.Option(None, "--email"),
    sectoren: str | None = typer.Option(None, "--sectoren", help=SECTOREN_HELP),
    expertise: str | None = typer.Option(None, "--expertise", help=EXPERTISE_HELP),
    regio: str | None = typer.Option(None, "--regio"),
    capaciteit: int | None = typer.Option(None, "--capaciteit", help="Dagdelen per maand"),
    max_trajecten: int | None = typer.Option(None, "--max-trajecten"),
    actief: bool | None = typer.Option(None, "--actief/--inactief"),
) -> None:
    """Wijzig een adviseur; alleen wat je opgeeft verandert."""
    a = adviseurs.edit_adviseur(
        db(),
        adviseur=adviseur,
        naam=naam,
        email=email,
        sectoren=sectoren,
        expertise=expertise,
        regio=regio,
        capaciteit=capaciteit,
        max_trajecten=max_trajecten,
        actief=actief,
    )
    console.print(f"Adviseur bijgewerkt: {_summary(a)}")


@app.command("show")
def show(
    adviseur: str = typer.Argument(..., metavar="ADVISEUR"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon een adviseur met afwezigheid en belangenconflicten."""
    a = adviseurs.show_adviseur(db(), adviseur=adviseur)
    if as_json:
        print_json(a)
        return
    console.print(_summary(a))
    console.print(f"Expertise: {', '.join(a.expertise) or '—'}")
    console.print(f"Actief: {'ja' if a.actief else 'nee'}; trajecten nu: {a.actieve_trajecten}")
    for p in a.afwezigheid:
        console.print(f"Afwezig {p.van:%d-%m-%Y} t/m {p.tot:%d-%m-%Y} {p.reden or ''}")
    for c in a.conflicten:
        console.print(f"Belangenconflict: {c.organisatie} {c.reden or ''}")


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json")) -> None:
    """Toon alle adviseurs."""
    rows = adviseurs.list_adviseurs(db())
    if as_json:
        print_json(rows)
        return
    table(
        "Adviseurs",
        ["id", "naam", "e-mail", "sectoren", "expertise", "regio", "capaciteit", "trajecten"],
        [
            (
                a.id,
                a.naam + ("" if a.actief else " (inactief)"),
                a.email,
                ",".join(a.sectoren),
                ",".join(a.expertise),
                a.regio,
                a.capaciteit,
                f"{a.actieve_trajecten}/{a.max_trajecten}",
            )
            for a in rows
        ],
    )


@conflict_app.command("add")
def conflict_add(
    adviseur: str = typer.Argument(..., metavar="ADVISEUR", help="E-mailadres of id"),
    bestuur: str | None = typer.Option(None, "--bestuur", help="Bestuursnummer"),
    school: str | None = typer.Option(None, "--school", help="BRIN"),
    reden: str | None = typer.Option(None, "--reden"),
) -> None:
    """Leg vast dat een adviseur niet voor een bestuur of school mag werken."""
    a = adviseurs.add_conflict(db(), adviseur=adviseur, bestuur=bestuur, school=school, reden=reden)
    console.print(f"Belangenconflict vastgelegd voor {a.naam}: {a.conflicten[-1].organisatie}.")


@afwezig_app.command("add")
def afwezig_add(
    adviseur: str = typer.Argument(..., metavar="ADVISEUR", help="E-mailadres of id"),
    van: str = typer.Option(..., "--van", help="Eerste dag, JJJJ-MM-DD"),
    tot: str = typer.Option(..., "--tot", help="Laatste dag, JJJJ-MM-DD"),
    reden: str | None = typer.Option(None, "--reden"),
) -> None:
    """Leg een periode vast waarin een adviseur geen nieuw traject krijgt."""
    a = adviseurs.add_afwezigheid(
        db(),
        adviseur=adviseur,
        van=required_date(van, "--van"),
        tot=required_date(tot, "--tot"),
        reden=reden,
    )
    console.print(f"Afwezigheid vastgelegd voor {a.naam}.")

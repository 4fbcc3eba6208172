"""`casework factuur ...`, `casework tarief set|list` and `casework grootboek`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from casework.cli.common import actor, console, db, print_json, table
from casework.errors import InvalidInput
from casework.services import creditnotas, facturen, factuur_export, tarieven
from casework.services.factuur_read import FactuurRead

app = typer.Typer(
    help="Facturen: maandelijkse run, goedkeuren, versturen, exporteren.", no_args_is_help=True
)
tarief_app = typer.Typer(help="Tarieven per programma en jaar.", no_args_is_help=True)


def _line(f: FactuurRead) -> str:
    return (
        f"{f.soort.capitalize()} {f.nummer or f'(concept {f.id})'} voor {f.school}: "
        f"excl EUR {f.bedrag_excl}, btw EUR {f.btw}, incl EUR {f.bedrag_incl} ({f.status})."
    )


@app.command("run")
def run(
    periode: str = typer.Option(..., "--periode", help="JJJJ-MM, bv. 2026-11"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Maak conceptfacturen: per school een regel voor elk nog niet gefactureerd dagdeel."""
    with Progress(
        TextColumn("Facturen maken"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task("run", total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = facturen.run(db(), periode=periode, actor=actor(), progress=step)
    if as_json:
        print_json(result)
        return
    console.print(
        f"Periode {result.periode}: {result.facturen} conceptfactuur/-facturen "
        f"({result.nieuw} nieuw), {result.regels} nieuwe regels; totaal excl EUR "
        f"{result.bedrag_excl}, btw EUR {result.btw}, incl EUR {result.bedrag_incl}."
    )


@app.command("list")
def list_(
    status: str | None = typer.Option(None, "--status"),
    periode: str | None = typer.Option(None, "--periode"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon facturen en creditnota's."""
    rows = facturen.list_facturen(db(), status=status, periode=periode)
    if as_json:
        print_json(rows)
        return
    table(
        None,
        ["id", "nummer", "soort", "status", "periode", "school", "excl", "btw", "incl"],
        [
            (
                f.id,
                f.nummer,
                f.soort,
                f.status,
                f.periode,
                f.school,
                f.bedrag_excl,
                f.btw,
                f.bedrag_incl,
            )
            for f in rows
        ],
    )


@app.command("show")
def show(
    factuur: str = typer.Argument(..., help="Nummer (LV-2026-0001) of id"),
    as_json: bool = typer.Option(False, "--json"),
    pdf: Path | None = typer.Option(None, "--pdf", help="Schrijf de PDF naar dit bestand"),
) -> None:
    """Toon een factuur met haar regels (en schrijf desgewenst de PDF)."""
    info = facturen.show(db(), factuur=factuur)
    if pdf is not None:
        _, content = factuur_export.pdf(db(), factuur=factuur)
        pdf.write_bytes(content)
    if as_json:
        print_json(info)
        return
    console.print(_line(info))
    console.print(f"Klant: {info.klant.get('naam')}, {info.klant.get('email') or 'geen e-mail'}")
    table(
        None,
        ["datum", "omschrijving", "prijs", "bedrag"],
        [(r.datum, r.omschrijving, r.prijs, r.bedrag) for r in info.regel_lijst],
    )
    if pdf is not None:
        console.print(f"PDF geschreven naar {pdf}.")


@app.command("approve")
def approve(
    factuur: str = typer.Argument(...), as_json: bool = typer.Option(False, "--json")
) -> None:
    """Keur een conceptfactuur goed: ze wordt vastgezet en krijgt haar nummer."""
    result = facturen.approve(db(), factuur=factuur, actor=actor())
    print_json(result) if as_json else console.print(_line(result))


@app.command("send")
def send(factuur: str = typer.Argument(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Verstuur een goedgekeurde factuur met PDF naar de financiële contactpersoon."""
    result = facturen.send(db(), factuur=factuur, actor=actor())
    if as_json:
        print_json(result)
    else:
        console.print(_line(result) + f" Verstuurd aan {result.verzonden_aan}.")


@app.command("paid")
def paid(
    factuur: str = typer.Argument(...),
    datum: str | None = typer.Option(None, "--datum", help="JJJJ-MM-DD (standaard vandaag)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Leg vast dat een verstuurde factuur is betaald."""
    when = None
    if datum is not None:
        try:
            when = date.fromisoformat(datum)
        except ValueError:
            raise InvalidInput(f"{datum!r} is geen datum: gebruik JJJJ-MM-DD.") from None
    result = facturen.paid(db(), factuur=factuur, actor=actor(), datum=when)
    print_json(result) if as_json else console.print(_line(result))


@app.command("credit")
def credit(
    factuur: str = typer.Argument(...),
    reden: str = typer.Option(..., "--reden"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Maak een creditnota (eigen nummer) voor een verstuurde factuur."""
    result = creditnotas.credit(db(), factuur=factuur, reden=reden, actor=actor())
    print_json(result) if as_json else console.print(_line(result))


@app.command("export")
def export(
    periode: str = typer.Option(..., "--periode"),
    formaat: str = typer.Option("csv", "--format", help="csv of ubl"),
    uit: Path = typer.Option(Path("."), "--uit", help="Map voor de bestanden"),
) -> None:
    """Exporteer de goedgekeurde facturen van een periode: CSV of UBL (NLCIUS) per factuur."""
    files = factuur_export.export(db(), periode=periode, formaat=formaat)
    uit.mkdir(parents=True, exist_ok=True)
    for name, content in files:
        (uit / name).write_bytes(content)
    console.print(f"{len(files)} bestand(en) geschreven naar {uit}.")


@app.command("adres")
def adres(
    school: str | None = typer.Option(None, "--school", help="BRIN"),
    bestuur: str | None = typer.Option(None, "--bestuur", help="Bestuursnummer"),
    straat: str = typer.Option(..., "--straat"),
    postcode: str = typer.Option(..., "--postcode"),
    plaats: str = typer.Option(..., "--plaats"),
    tenaamstelling: str | None = typer.Option(None, "--naam"),
    kvk: str | None = typer.Option(None, "--kvk"),
    oin: str | None = typer.Option(None, "--oin"),
    btw_id: str | None = typer.Option(None, "--btw-id"),
    referentie: str | None = typer.Option(None, "--referentie"),
    email: str | None = typer.Option(None, "--email", help="Financiële contactpersoon"),
    contact_naam: str | None = typer.Option(None, "--contact-naam"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Leg het factuuradres en de financiële contactpersoon van een school of bestuur vast."""
    result = tarieven.set_adres(
        db(),
        school=school,
        bestuur=bestuur,
        tenaamstelling=tenaamstelling,
        straat=straat,
        postcode=postcode,
        plaats=plaats,
        kvk=kvk,
        oin=oin,
        btw_id=btw_id,
        referentie=referentie,
        email=email,
        contact_naam=contact_naam,
    )
    if as_json:
        print_json(result)
    else:
        console.print(
            f"Factuuradres van {result.organisatie}: {result.straat}, {result.postcode} "
            f"{result.plaats}; e-mail {result.email or '(nog geen)'}."
        )


@tarief_app.command("set")
def tarief_set(
    programma: str = typer.Option(..., "--programma"),
    jaar: int = typer.Option(..., "--jaar"),
    bedrag: str = typer.Option(..., "--bedrag", help="Volledig tarief per dagdeel, excl. btw"),
    btw: str = typer.Option("21", "--btw", help="Btw-percentage"),
    school_aandeel: str | None = typer.Option(
        None, "--school-aandeel", help="bv. 0.50 (standaard: uit de programmadefinitie)"
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Stel het tarief van een programmajaar in; bestaande facturen veranderen niet."""
    result = tarieven.set_tarief(
        db(),
        programma=programma,
        jaar=jaar,
        per_dagdeel=bedrag,
        btw_percentage=btw,
        school_aandeel=school_aandeel,
        actor=actor(),
    )
    if as_json:
        print_json(result)
    else:
        console.print(
            f"Tarief {result.programma} {result.jaar}: EUR {result.per_dagdeel} per dagdeel, "
            f"schoolaandeel {result.school_aandeel}, btw {result.btw_percentage}%."
        )


@tarief_app.command("list")
def tarief_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """Toon de tarieven per programma en jaar."""
    rows = tarieven.list_tarieven(db())
    if as_json:
        print_json(rows)
        return
    table(
        None,
        ["programma", "jaar", "per dagdeel", "schoolaandeel", "btw %"],
        [(t.programma, t.jaar, t.per_dagdeel, t.school_aandeel, t.btw_percentage) for t in rows],
    )


def grootboek_command(
    programma: str = typer.Option(..., "--programma"),
    periode: str = typer.Option(..., "--periode"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Het programma-aandeel van de dagdelen per traject in een maand (subsidieverantwoording)."""
    result = tarieven.grootboek(db(), programma=programma, periode=periode)
    if as_json:
        print_json(result)
        return
    table(
        f"Grootboek {result.programma} {result.periode}",
        ["traject", "organisatie", "dagdelen", "tarief", "aandeel", "bedrag"],
        [
            (r.referentie, r.organisatie, r.dagdelen, r.tarief, r.programma_aandeel, r.bedrag)
            for r in result.regels
        ],
    )
    console.print(f"Totaal: {result.dagdelen} dagdelen, EUR {result.totaal}.")

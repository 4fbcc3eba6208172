"""`casework traject`, `casework verify` and `casework demo-data`."""

from __future__ import annotations

import typer
from rich.progress import Progress

from casework.cli.common import actor, console, db, parse_date, print_json, table
from casework.services import notities, trajecten, werkvoorraad
from casework.services.trajecten import TrajectRead
from casework.services.werkvoorraad import TrajectFilter

app = typer.Typer(
    help="Trajecten: aanmelden, bekijken en door de fasen leiden.", no_args_is_help=True
)


def _summary(t: TrajectRead) -> str:
    return f"Traject {t.id} ({t.referentie}, {t.organisatie}) staat nu in fase {t.fase_label}."


@app.command("aanmelden")
def aanmelden(
    programma: str = typer.Option(..., "--programma", help="lv of gwgb"),
    school: str | None = typer.Option(None, "--school", help="BRIN (voor lv)"),
    bestuur: str | None = typer.Option(None, "--bestuur", help="Bestuursnummer (voor gwgb)"),
    oordeel: str | None = typer.Option(
        None, "--oordeel", help="voldoende, onvoldoende of 'zeer zwak'"
    ),
    standaard: str | None = typer.Option(
        None, "--standaard", help="Beoordeelde standaard, bv. BKA1"
    ),
    oordeel_datum: str | None = typer.Option(None, "--oordeel-datum", help="JJJJ-MM-DD"),
    risico: str | None = typer.Option(None, "--risico", help="Beschrijving van het risico (lv)"),
    vraag: str | None = typer.Option(None, "--vraag", help="De ondersteuningsvraag"),
    contact_naam: str = typer.Option(..., "--contact-naam"),
    contact_email: str = typer.Option(..., "--contact-email"),
    contact_telefoon: str | None = typer.Option(None, "--contact-telefoon"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Meld een school (lv) of bestuur (gwgb) aan; toont het id van het nieuwe traject."""
    result = trajecten.aanmelden(
        db(),
        programma=programma,
        school=school,
        bestuur=bestuur,
        oordeel=oordeel,
        standaard=standaard,
        oordeel_datum=parse_date(oordeel_datum, "--oordeel-datum"),
        risico=risico,
        hulpvraag=vraag,
        contact_naam=contact_naam,
        contact_email=contact_email,
        contact_telefoon=contact_telefoon,
        actor=actor(),
    )
    if as_json:
        print_json(result)
    else:
        print(result.id)


@app.command("list")
def list_(
    programma: str | None = typer.Option(None, "--programma"),
    fase: str | None = typer.Option(None, "--fase"),
    adviseur: str | None = typer.Option(None, "--adviseur", help="E-mailadres van de adviseur"),
    zoek: str | None = typer.Option(None, "--zoek", help="Naam, BRIN of bestuursnummer"),
    over_norm: bool = typer.Option(False, "--over-norm", help="Alleen trajecten over hun norm"),
    limit: int = typer.Option(50, "--limit", min=1, max=10000),
    offset: int = typer.Option(0, "--offset", min=0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon trajecten, nieuwste eerst."""
    flt = TrajectFilter(
        programma=programma, fase=fase, adviseur=adviseur, zoek=zoek, over_norm=over_norm
    )
    rows = werkvoorraad.list_trajecten(db(), filter=flt, limit=limit, offset=offset)
    if as_json:
        print_json(rows)
        return
    table(
        "Trajecten",
        ["id", "referentie", "programma", "organisatie", "fase", "werkdagen", "adviseur"],
        [
            (
                t.id,
                t.referentie,
                t.programma,
                t.organisatie,
                t.fase_label,
                f"[red]{t.werkdagen_in_fase}/{t.norm_werkdagen}[/]"
                if t.over_norm
                else (
                    f"{t.werkdagen_in_fase}/{t.norm_werkdagen}"
                    if t.norm_werkdagen
                    else t.werkdagen_in_fase
                ),
                t.adviseur_naam,
            )
            for t in rows
        ],
    )


@app.command("show")
def show(
    traject_id: int = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon een traject."""
    t = trajecten.show(db(), traject_id=traject_id)
    if as_json:
        print_json(t)
        return
    norm = f" (norm {t.norm_werkdagen})" if t.norm_werkdagen else ""
    lines = [
        ("Traject", f"{t.id} — {t.referentie}"),
        ("Programma", t.programma_naam),
        ("Organisatie", f"{t.organisatie} ({t.brin or t.bestuursnummer})"),
        ("Bestuur", f"{t.bestuur} ({t.bestuursnummer})"),
        ("Fase", t.fase_label + (f" (vanuit {t.paused_from})" if t.paused_from else "")),
        (
            "In fase",
            f"{t.werkdagen_in_fase} werkdagen{norm}" + (" — over de norm" if t.over_norm else ""),
        ),
        ("Versie", str(t.version)),
        ("Oordeel", ", ".join(t.oordelen) or "—"),
        ("Risico", t.risico or "—"),
        ("Vraag", t.hulpvraag or "—"),
        ("Contact", f"{t.contact_naam} <{t.contact_email}>" if t.contact_naam else "—"),
        ("Adviseur", f"{t.adviseur_naam} <{t.adviseur}>" if t.adviseur else "—"),
        (
            "Herstelonderzoek vóór",
            t.herstelonderzoek_voor.strftime("%d-%m-%Y") if t.herstelonderzoek_voor else "—",
        ),
    ]
    for label, value in lines:
        console.print(f"[bold]{label + ':':<22}[/] {value}")


@app.command("steps")
def steps(
    traject_id: int = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon de stappen die nu mogen, en waarom een stap geblokkeerd is."""
    rows = trajecten.steps(db(), traject_id=traject_id)
    if as_json:
        print_json(rows)
        return
    table(
        f"Stappen voor traject {traject_id}",
        ["naar", "stap", "mag", "waarom niet"],
        [
            (
                s.fase,
                s.label + (" (reden verplicht)" if s.reden_verplicht else ""),
                "[green]ja[/]" if s.toegestaan else "[red]nee[/]",
                s.reden,
            )
            for s in rows
        ],
    )


@app.command("history")
def history(
    traject_id: int = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon de historie van een traject."""
    rows = trajecten.history(db(), traject_id=traject_id)
    if as_json:
        print_json(rows)
        return
    table(
        f"Historie van traject {traject_id}",
        ["#", "wanneer", "door", "stap", "van", "naar", "reden"],
        [
            (
                e.seq,
                e.at.astimezone().strftime("%d-%m-%Y %H:%M"),
                e.actor,
                e.trigger,
                e.from_fase or "",
                e.to_fase or "",
                e.reden or "",
            )
            for e in rows
        ],
    )


@app.command("advance")
def advance(
    traject_id: int = typer.Argument(..., metavar="ID"),
    fase: str = typer.Argument(
        ..., help="De nieuwe fase, of gepauzeerd, hervat, gestopt, afgewezen"
    ),
    reden: str | None = typer.Option(None, "--reden"),
    versie: int | None = typer.Option(
        None, "--versie", help="De versie die je zag (tegen gelijktijdige wijzigingen)"
    ),
    resultaat: str | None = typer.Option(None, "--resultaat", help="Bij afronden: het resultaat"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Zet een traject een stap verder."""
    t = trajecten.advance(
        db(),
        traject_id=traject_id,
        fase=fase,
        actor=actor(),
        reden=reden,
        expected_version=versie,
        resultaat=resultaat,
    )
    if as_json:
        print_json(t)
    else:
        console.print(_summary(t))


@app.command("koppel")
def koppel(
    traject_id: int = typer.Argument(..., metavar="ID"),
    adviseur: str = typer.Option(..., "--adviseur", help="E-mailadres of id van de adviseur"),
    geaccepteerd: bool = typer.Option(
        False, "--geaccepteerd", help="De adviseur heeft al (buiten het systeem) geaccepteerd"
    ),
) -> None:
    """Koppel zelf een adviseur (zoals 'casework match confirm ID --adviseur A').

    De harde regels van de matching gelden ook hier; de adviseur krijgt de toewijzing en moet
    die nog accepteren ('casework match accept ID'), tenzij --geaccepteerd.
    """
    from casework.services import matching

    database = db()
    t = matching.confirm(database, traject_id=traject_id, adviseur=adviseur, actor=actor())
    if geaccepteerd:
        t = matching.accept(database, traject_id=traject_id, actor=actor())
    wacht = "" if t.adviseur_geaccepteerd else "; wacht op acceptatie door de adviseur"
    console.print(f"{t.adviseur_naam} is gekoppeld aan traject {t.id} ({t.organisatie}){wacht}.")


@app.command("wijzig")
def wijzig(
    traject_id: int = typer.Argument(..., metavar="ID"),
    vraag: str | None = typer.Option(None, "--vraag"),
    risico: str | None = typer.Option(None, "--risico"),
    oordeel: str | None = typer.Option(None, "--oordeel"),
    standaard: str | None = typer.Option(None, "--standaard"),
    oordeel_datum: str | None = typer.Option(None, "--oordeel-datum"),
    themas: str | None = typer.Option(
        None, "--themas", help="Thema's van de vraag, bv. kwaliteitszorg,bestuur"
    ),
) -> None:
    """Leg intakegegevens vast: de ondersteuningsvraag, thema's, het risico of een oordeel."""
    t = trajecten.wijzig(
        db(),
        traject_id=traject_id,
        actor=actor(),
        hulpvraag=vraag,
        risico=risico,
        oordeel=oordeel,
        standaard=standaard,
        oordeel_datum=parse_date(oordeel_datum, "--oordeel-datum"),
        themas=themas,
    )
    console.print(f"Traject {t.id} bijgewerkt (versie {t.version}).")


@app.command("notitie")
def notitie(
    traject_id: int = typer.Argument(..., metavar="ID"), tekst: str = typer.Argument(...)
) -> None:
    """Voeg een notitie toe aan een traject."""
    notities.add_notitie(db(), traject_id=traject_id, tekst=tekst, actor=actor())
    console.print(f"Notitie bewaard bij traject {traject_id}.")


def verify_command(as_json: bool = typer.Option(False, "--json")) -> None:
    """Speel de historie van elk traject opnieuw af en vergelijk met de opgeslagen fase."""
    from casework.services import verify

    database = db()
    with Progress(console=console, transient=True, disable=as_json) as progress:
        task = progress.add_task("Controleren", total=verify.count(database))
        report = verify.verify(database, progress=lambda n: progress.advance(task, n))
    if as_json:
        print_json({"gecontroleerd": report.gecontroleerd, "afwijkingen": report.afwijkingen})
    elif report.ok:
        console.print(
            f"[green]In orde:[/] {report.gecontroleerd} trajecten gecontroleerd, geen afwijkingen."
        )
    else:
        table(
            "Afwijkingen",
            ["traject", "probleem"],
            [(m.traject_id, m.probleem) for m in report.afwijkingen],
        )
        console.print(
            f"[red]{len(report.afwijkingen)} van {report.gecontroleerd} trajecten wijken af.[/]"
        )
    if not report.ok:
        raise typer.Exit(1)


def demo_command(
    besturen: int = typer.Option(12, "--besturen", min=1, max=2000),
    seed: int = typer.Option(2026, "--seed"),
    scale: str | None = typer.Option(
        None, "--scale", help="small, medium of national: jaren historie in bulk (issue 9)"
    ),
) -> None:
    """Vul de database met een realistische demoset: besturen, scholen, adviseurs, trajecten."""
    from casework.services import demo, demo_schaal

    database = db()
    with Progress(console=console) as progress:
        task = progress.add_task("Demodata", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        if scale is not None:
            summary = demo_schaal.generate_scale(database, scale=scale, seed=seed, progress=step)
        else:
            summary = demo.generate(database, besturen=besturen, seed=seed, progress=step)
    console.print(
        f"Demodata: {summary['besturen']} besturen, {summary['scholen']} scholen, "
        f"{summary['adviseurs']} adviseurs, {summary['trajecten']} trajecten."
    )

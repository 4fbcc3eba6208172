"""The report's outputs: a Rich table for the terminal, JSON and CSV for further use."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.table import Table

from casework.reports.model import DoorstroomRapport
from casework.reports.periodes import datum_kort, datum_lang, getal, procent

EINDFASEN = ("afgerond", "afgewezen", "gestopt")
CSV_KOLOMMEN = ("programma", "onderdeel", "periode", "start", "eind", "fase", "cijfer", "waarde")


def als_json(rapport: DoorstroomRapport) -> str:
    return json.dumps(rapport.model_dump(mode="json"), ensure_ascii=False, indent=2)


def _csv_rijen(r: DoorstroomRapport) -> Iterator[dict[str, Any]]:
    perioden = {p.nr: p for p in r.perioden}
    for c in r.cijfers:
        p = perioden[c.periode]
        basis = {"programma": c.programma, "onderdeel": "doorstroom", "periode": p.label}
        basis |= {"start": p.start.isoformat(), "eind": p.eind.isoformat()}
        for cijfer in ("instroom", *EINDFASEN):
            yield basis | {"fase": "", "cijfer": cijfer, "waarde": getattr(c, cijfer)}
        for fase, aantal in c.onderhanden.items():
            yield basis | {"fase": fase, "cijfer": "onderhanden", "waarde": aantal}
    bereik = {"start": r.van.isoformat(), "eind": r.tot.isoformat(), "periode": "geheel"}
    for d in r.doorlooptijden:
        basis = {"programma": d.programma, "onderdeel": "doorlooptijd_kalenderdagen", **bereik}
        for cijfer in ("aantal", "mediaan", "p80", "p95"):
            yield basis | {"fase": d.fase, "cijfer": cijfer, "waarde": getattr(d, cijfer)}
    for v in r.veroudering:
        basis = {"programma": v.programma, "onderdeel": "veroudering", **bereik, "fase": v.fase}
        for cijfer in ("norm_werkdagen", "onderhanden", "over_norm"):
            yield basis | {"cijfer": cijfer, "waarde": getattr(v, cijfer)}
    for u in r.uitkomsten:
        basis = {"programma": u.programma, "onderdeel": "uitkomst", **bereik, "fase": ""}
        for cijfer in (
            "beeindigd",
            "afgerond",
            "afgewezen",
            "gestopt",
            "aandeel_afgewezen_gestopt",
            "herstelonderzoek_voldoende",
            "herstelonderzoek_onvoldoende",
            "herstelonderzoek_onbekend",
        ):
            yield basis | {"cijfer": cijfer, "waarde": getattr(u, cijfer)}
    for b in r.benutting or []:
        basis = {"programma": "", "onderdeel": "benutting", **bereik, "fase": b.adviseur}
        for cijfer in ("capaciteit_dagdelen", "gewerkte_dagdelen", "benutting"):
            yield basis | {"cijfer": cijfer, "waarde": getattr(b, cijfer)}
    for g in r.budget or []:
        basis = {"programma": g.programma, "onderdeel": "budget", **bereik, "fase": ""}
        for cijfer in ("dagdelen", "bedrag", "schooldeel", "programmadeel"):
            yield basis | {"cijfer": cijfer, "waarde": getattr(g, cijfer)}


def als_csv(rapport: DoorstroomRapport) -> str:
    """One figure per line (long format): easy to pivot in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_KOLOMMEN, lineterminator="\n")
    writer.writeheader()
    for row in _csv_rijen(rapport):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()


def als_tabel(r: DoorstroomRapport, console: Console) -> None:
    """Rich tables: flow per period, lead times, aging and outcomes, per programme."""
    console.print(
        f"[bold]Doorstroom[/] van {datum_lang(r.van)} tot en met {datum_lang(r.tot)} "
        f"(per {r.periode_soort})"
    )
    for code in r.programmas:
        labels = r.fase_labels[code]
        flow = Table(title=f"{r.programma_namen[code]}: instroom, uitstroom en onderhanden")
        for kolom in ("Periode", "Instroom", "Afgerond", "Afgewezen", "Gestopt", "Onderhanden"):
            flow.add_column(
                kolom, justify="left" if kolom in ("Periode", "Onderhanden") else "right"
            )
        for c in (c for c in r.cijfers if c.programma == code):
            actief = {f: n for f, n in c.onderhanden.items() if f not in EINDFASEN}
            flow.add_row(
                r.perioden[c.periode].label,
                str(c.instroom),
                str(c.afgerond),
                str(c.afgewezen),
                str(c.gestopt),
                ", ".join(f"{labels.get(f, f)} {n}" for f, n in actief.items()),
            )
        console.print(flow)
        tijden = Table(title="Doorlooptijd (kalenderdagen)")
        for kolom in ("Fase", "Aantal", "Mediaan", "P80", "P95"):
            tijden.add_column(kolom, justify="left" if kolom == "Fase" else "right")
        for d in (d for d in r.doorlooptijden if d.programma == code):
            tijden.add_row(d.label, str(d.aantal), getal(d.mediaan), getal(d.p80), getal(d.p95))
        console.print(tijden)
        aging = Table(title=f"Over de norm op {datum_kort(r.peildatum)} (werkdagen)")
        for kolom in ("Fase", "Norm", "Onderhanden", "Over de norm"):
            aging.add_column(kolom, justify="left" if kolom == "Fase" else "right")
        for v in (v for v in r.veroudering if v.programma == code):
            aging.add_row(
                labels.get(v.fase, v.fase),
                str(v.norm_werkdagen),
                str(v.onderhanden),
                str(v.over_norm),
            )
        console.print(aging)
        for u in (u for u in r.uitkomsten if u.programma == code):
            console.print(
                f"Beëindigd: {u.beeindigd} (afgerond {u.afgerond}, afgewezen {u.afgewezen}, "
                f"gestopt {u.gestopt}); aandeel afgewezen of gestopt: "
                f"{procent(u.aandeel_afgewezen_gestopt)}; herstelonderzoek voldoende "
                f"{u.herstelonderzoek_voldoende}, onvoldoende {u.herstelonderzoek_onvoldoende}"
            )
    if r.oudste:
        oudste = Table(title="Langst over de norm")
        for kolom in ("Traject", "Organisatie", "Fase", "Sinds", "Werkdagen", "Norm"):
            oudste.add_column(kolom)
        for o in r.oudste:
            oudste.add_row(
                o.referentie,
                o.organisatie,
                r.fase_labels[o.programma].get(o.fase, o.fase),
                datum_kort(o.sinds.date()),
                str(o.werkdagen),
                str(o.norm_werkdagen),
            )
        console.print(oudste)
    for b in r.benutting or []:
        console.print(f"Benutting {b.adviseur}: {procent(b.benutting)}")
    for g in r.budget or []:
        console.print(
            f"Budget {g.programma}: {getal(g.dagdelen, 0)} dagdelen, € {getal(g.bedrag, 2)}"
        )
    for opmerking in r.opmerkingen:
        console.print(f"[dim]{opmerking}[/]")

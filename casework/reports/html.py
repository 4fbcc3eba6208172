"""The self-contained HTML report: inline CSS and inline SVG, no script, nothing fetched."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from casework.reports import grafieken
from casework.reports.grafieken import KLEUREN, Reeks
from casework.reports.model import DOORLOOPTIJD_BAKKEN, DoorstroomRapport
from casework.reports.periodes import datum_kort, datum_lang, euro, getal, procent
from casework.services.programmas import programmes

TEMPLATES = Path(__file__).parent / "templates"
#: bottom to top in the cumulative flow diagram: what is done first, then the active phases
CFD_VOLGORDE = (
    "afgerond",
    "afgewezen",
    "gestopt",
    "uitvoering",
    "plan",
    "bestuursscan",
    "kennismaking",
    "matching",
    "intake",
    "aanmelding",
    "gepauzeerd",
)


def _env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
    )
    env.filters.update(
        datum_kort=datum_kort, datum_lang=datum_lang, getal=getal, procent=procent, euro=euro
    )
    return env


def _bak_labels() -> list[str]:
    return [f"{lo}–{hi}" if hi is not None else f"{lo}+" for lo, hi in DOORLOOPTIJD_BAKKEN]


def _programma_grafieken(r: DoorstroomRapport, code: str) -> dict[str, Any]:
    labels = [p.label for p in r.perioden]
    cijfers = [c for c in r.cijfers if c.programma == code]
    fasen = {fase for c in cijfers for fase in c.onderhanden}
    volgorde = [f for f in CFD_VOLGORDE if f in fasen] + sorted(fasen - set(CFD_VOLGORDE))
    fase_labels = r.fase_labels[code]
    cfd = grafieken.cumulatieve_stroom(
        f"Cumulatieve stroom {r.programma_namen[code]}",
        labels,
        [
            Reeks(f, fase_labels.get(f, f), [c.onderhanden.get(f, 0) for c in cijfers])
            for f in volgorde
        ],
    )
    stroom = grafieken.staven(
        f"Instroom en uitstroom {r.programma_namen[code]}",
        labels,
        [
            Reeks("instroom", "Instroom", [c.instroom for c in cijfers]),
            Reeks(
                "uitstroom", "Uitstroom", [c.afgerond + c.afgewezen + c.gestopt for c in cijfers]
            ),
        ],
        ["#3182bd", "#31a354"],
    )
    verdelingen = [
        grafieken.verdeling(
            d.label,
            _bak_labels(),
            d.verdeling,
            KLEUREN.get(d.fase, grafieken.ANDERS),
            f"n={d.aantal} · mediaan {getal(d.mediaan)} · p80 {getal(d.p80)} · p95 {getal(d.p95)}",
        )
        for d in r.doorlooptijden
        if d.programma == code
    ]
    actief = [
        sum(n for f, n in c.onderhanden.items() if f not in ("afgerond", "afgewezen", "gestopt"))
        for c in cijfers
    ]
    return {"cfd": cfd, "stroom": stroom, "verdelingen": verdelingen, "actief": actief}


def _budget_grafiek(r: DoorstroomRapport) -> Markup | None:
    if not r.budget_per_periode:
        return None
    bedragen: dict[tuple[str, int], Decimal] = {}
    for b in r.budget_per_periode:
        bedragen[(b.programma, b.periode)] = b.bedrag
    return grafieken.staven(
        "Budgetverbruik per periode (euro)",
        [p.label for p in r.perioden],
        [
            Reeks(
                code,
                r.programma_namen[code],
                [float(bedragen.get((code, p.nr), 0)) for p in r.perioden],
            )
            for code in r.programmas
        ],
        ["#756bb1", "#e6550d", "#31a354"][: len(r.programmas)],
    )


def als_html(r: DoorstroomRapport, *, formulier: bool = False) -> str:
    """The whole report as one HTML file a browser or mail client shows without fetching.

    `formulier` adds the web app's filter form and a link back (the page at /rapportage)."""
    per_programma = {code: _programma_grafieken(r, code) for code in r.programmas}
    oudste: Markup | None = None
    if r.oudste:
        oudste = grafieken.horizontale_staven(
            "Langst over de norm (werkdagen; streep = norm)",
            [(f"{o.referentie} {o.organisatie}", o.werkdagen, o.norm_werkdagen) for o in r.oudste],
            "werkdagen",
        )
    benutting: Markup | None = None
    if r.benutting:
        benutting = grafieken.horizontale_staven(
            "Benutting per adviseur (streep = 100%)",
            [(b.adviseur, float((b.benutting or 0) * 100), 100.0) for b in r.benutting],
            "%",
            1,
        )
    return (
        _env()
        .get_template("doorstroom.html.j2")
        .render(
            r=r,
            grafieken=per_programma,
            oudste_grafiek=oudste,
            benutting_grafiek=benutting,
            budget_grafiek=_budget_grafiek(r),
            formulier=formulier,
            alle_programmas={code: p.naam for code, p in sorted(programmes().items())},
            programma_namen=" en ".join(r.programma_namen[code] for code in r.programmas),
        )
    )

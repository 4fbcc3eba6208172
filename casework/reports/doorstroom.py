"""The throughput report (doorstroom): one read-only unit of work, every figure from SQL."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.base import utcnow
from casework.reports import geld, queries
from casework.reports.model import (
    AANMELDING_TOT_KENNISMAKING,
    TOT_MATCH,
    Doorlooptijd,
    DoorstroomRapport,
    PeriodeCijfers,
    TrajectOverNorm,
    Uitkomst,
    Veroudering,
)
from casework.reports.periodes import perioden as maak_perioden
from casework.reports.periodes import schooljaar_start
from casework.services.programmas import definition, programmes
from casework.werkdagen import werkdagen_tussen
from states import GEPAUZEERD, HERVAT, PAUZEREN

log = logging.getLogger(__name__)

#: how many of the trajecten longest past their norm the report names
OUDSTE = 10
EXTRA_LABELS = {
    AANMELDING_TOT_KENNISMAKING: "Aanmelding tot kennismaking",
    TOT_MATCH: "Tot bevestigde match",
    GEPAUZEERD: "Gepauzeerd",
}


def _utc_middernacht(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def doorstroom(
    db: Database,
    *,
    programma: str | None = None,
    van: date | None = None,
    tot: date | None = None,
    periode: str = "maand",
    vandaag: date | None = None,
) -> DoorstroomRapport:
    """Throughput figures per programme and period from the event history.

    `van` and `tot` are inclusive (default: this school year up to today); periods run from UTC
    midnight. Lead times are calendar days; the aging list counts werkdagen as of `tot`.
    """
    today = vandaag or utcnow().date()
    tot = tot or today
    van = van or schooljaar_start(tot)
    perioden = maak_perioden(van, tot, periode)
    known = programmes()
    codes = (definition(programma).code,) if programma else tuple(sorted(known))
    eindfasen = tuple(sorted({fase for code in codes for fase in known[code].final_phases}))
    bereik = queries.Bereik(
        programmas=codes,
        start=_utc_middernacht(van),
        eind=_utc_middernacht(tot + timedelta(days=1)),
        eindfasen=eindfasen,
        sqlite=db.is_sqlite,
        fasen=tuple(dict.fromkeys(fase for code in codes for fase in known[code].active_phases)),
    )
    labels = {
        code: {**EXTRA_LABELS, **{p.name: p.label for p in known[code].phases}} for code in codes
    }
    with db.read() as session:
        if not db.is_sqlite:
            # compiling these large queries just in time costs more than running them, and
            # the lead-time sort should stay in memory (both only for this transaction)
            session.execute(text("SET LOCAL jit = off"))
            session.execute(text("SET LOCAL work_mem = '64MB'"))
        tabel = queries.samenvatting(session, bereik)
        try:
            cijfers = _cijfers(session, tabel, bereik, perioden)
            tijden = _doorlooptijden(session, tabel, bereik, labels)
            veroudering, oudste = _veroudering(session, tabel, bereik, tot)
            uitkomsten = _uitkomsten(session, tabel, bereik)
        finally:
            queries.opruimen(session, tabel)
        benutting = geld.benutting(session, bereik, van, tot)
        budget, budget_per_periode, zonder_tarief = geld.budget(session, bereik, van, tot, perioden)
    opmerkingen = []
    if zonder_tarief:
        opmerkingen.append(
            f"{zonder_tarief} dagdelen hebben nog geen tarief voor hun programma en jaar: het "
            "bedrag is daardoor te laag. Stel het tarief in met 'casework tarief set'."
        )
    return DoorstroomRapport(
        programmas=list(codes),
        programma_namen={code: known[code].naam for code in codes},
        fase_labels=labels,
        van=van,
        tot=tot,
        peildatum=tot,
        periode_soort=periode,
        gemaakt_op=utcnow(),
        perioden=perioden,
        cijfers=cijfers,
        doorlooptijden=tijden,
        veroudering=veroudering,
        oudste=oudste,
        uitkomsten=uitkomsten,
        benutting=benutting,
        budget=budget,
        budget_per_periode=budget_per_periode,
        opmerkingen=opmerkingen,
    )


def _cijfers(
    session: Session, tabel: Table, bereik: queries.Bereik, perioden: list[Any]
) -> list[PeriodeCijfers]:
    table = {
        (code, p.nr): PeriodeCijfers(programma=code, periode=p.nr, onderhanden={})
        for code in bereik.programmas
        for p in perioden
    }
    for nr, programma, soort, aantal in queries.stroom(session, tabel, bereik, perioden):
        if soort in ("instroom", "afgerond", "afgewezen", "gestopt"):
            setattr(table[(programma, nr)], soort, int(aantal))
    # the window sum gives the balance at the periods with a change; carry it forward
    standen: dict[tuple[str, str], dict[int, int]] = {}
    for row in queries.onderhanden(session, tabel, bereik, perioden):
        standen.setdefault((row["programma"], row["fase"]), {})[row["nr"]] = int(row["stand"])
    for (code, fase), per_nr in standen.items():
        stand = 0
        for p in perioden:
            stand = per_nr.get(p.nr, stand)
            if stand:
                table[(code, p.nr)].onderhanden[fase] = stand
    return list(table.values())


def _doorlooptijden(
    session: Session, tabel: Table, bereik: queries.Bereik, labels: dict[str, dict[str, str]]
) -> list[Doorlooptijd]:
    result = []
    for row in queries.doorlooptijden(session, tabel, bereik):
        result.append(
            Doorlooptijd(
                programma=row["programma"],
                fase=row["fase"],
                label=labels[row["programma"]].get(row["fase"], row["fase"]),
                aantal=int(row["aantal"]),
                mediaan=_round(row["p50"]),
                p80=_round(row["p80"]),
                p95=_round(row["p95"]),
                verdeling=[int(value or 0) for key, value in row.items() if key.startswith("bak_")],
            )
        )
    volgorde = {
        code: {name: i for i, name in enumerate(definition(code).phase_names)}
        for code in bereik.programmas
    }
    extra = {AANMELDING_TOT_KENNISMAKING: 100, TOT_MATCH: 101}
    result.sort(
        key=lambda d: (d.programma, volgorde[d.programma].get(d.fase, extra.get(d.fase, 99)))
    )
    return result


def _grens(peildatum: date, norm: int) -> date:
    """The latest entry date from which more than `norm` werkdagen have passed on `peildatum`."""
    day = peildatum
    while werkdagen_tussen(day, peildatum) <= norm:
        day -= timedelta(days=1)
    return day


def _gepauzeerde_werkdagen(events: list[Any], sinds: datetime, peildatum: date) -> int:
    total = 0
    pauze_op: date | None = None
    for event in events:
        if event.at < sinds:
            continue
        if event.trigger == PAUZEREN:
            pauze_op = event.at.date()
        elif event.trigger == HERVAT and pauze_op is not None:
            total += werkdagen_tussen(pauze_op, event.at.date())
            pauze_op = None
    if pauze_op is not None:
        total += werkdagen_tussen(pauze_op, peildatum)
    return total


def _veroudering(
    session: Session, tabel: Table, bereik: queries.Bereik, peildatum: date
) -> tuple[list[Veroudering], list[TrajectOverNorm]]:
    normen = {
        (code, phase.name): phase.norm_werkdagen
        for code in bereik.programmas
        for phase in definition(code).phases
        if phase.norm_werkdagen is not None and not phase.final
    }
    grenzen = {
        key: _utc_middernacht(_grens(peildatum, norm) + timedelta(days=1))
        for key, norm in normen.items()
    }
    aantallen = {
        (row["programma"], row["fase"]): int(row["aantal"])
        for row in queries.onderhanden_per_fase(session, tabel)
    }
    kandidaten = queries.kandidaten_over_norm(session, tabel, grenzen)
    hervat = [row["traject_id"] for row in kandidaten if row["hervat_op"] is not None]
    pauzes = queries.pauzes(session, hervat, bereik.eind)
    over: list[tuple[int, Any]] = []
    for row in kandidaten:
        werkdagen = werkdagen_tussen(row["sinds"].date(), peildatum)
        werkdagen -= _gepauzeerde_werkdagen(
            pauzes.get(row["traject_id"], []), row["sinds"], peildatum
        )
        if werkdagen > normen[(row["programma"], row["fase"])]:
            over.append((werkdagen, row))
    per_fase = {key: 0 for key in normen}
    for _, row in over:
        per_fase[(row["programma"], row["fase"])] += 1
    veroudering = [
        Veroudering(
            programma=code,
            fase=fase,
            norm_werkdagen=normen[(code, fase)],
            onderhanden=aantallen.get((code, fase), 0),
            over_norm=count,
        )
        for (code, fase), count in per_fase.items()
    ]
    over.sort(key=lambda item: (-item[0], item[1]["traject_id"]))
    top = over[:OUDSTE]
    gegevens = queries.namen(session, [row["traject_id"] for _, row in top])
    oudste = [
        TrajectOverNorm(
            traject_id=row["traject_id"],
            referentie=(
                f"{row['programma'].upper()}-{gegevens[row['traject_id']][1].year}-"
                f"{row['traject_id']:05d}"
            ),
            programma=row["programma"],
            fase=row["fase"],
            organisatie=gegevens[row["traject_id"]][0],
            sinds=row["sinds"],
            werkdagen=werkdagen,
            norm_werkdagen=normen[(row["programma"], row["fase"])],
        )
        for werkdagen, row in top
    ]
    return veroudering, oudste


def _uitkomsten(session: Session, tabel: Table, bereik: queries.Bereik) -> list[Uitkomst]:
    tellers: dict[str, dict[str, int]] = {code: {} for code in bereik.programmas}
    for row in queries.uitkomsten(session, tabel, bereik):
        counts = tellers[row["programma"]]
        counts[row["fase"]] = counts.get(row["fase"], 0) + int(row["aantal"])
        if row["fase"] == "afgerond":
            key = f"herstel_{row['klasse']}"
            counts[key] = counts.get(key, 0) + int(row["aantal"])
    result = []
    for code, counts in tellers.items():
        afgerond, afgewezen, gestopt = (
            counts.get(f, 0) for f in ("afgerond", "afgewezen", "gestopt")
        )
        beeindigd = afgerond + afgewezen + gestopt
        aandeel = (
            (Decimal(afgewezen + gestopt) / Decimal(beeindigd)).quantize(
                Decimal("0.0001"), rounding=ROUND_HALF_UP
            )
            if beeindigd
            else None
        )
        result.append(
            Uitkomst(
                programma=code,
                beeindigd=beeindigd,
                afgerond=afgerond,
                afgewezen=afgewezen,
                gestopt=gestopt,
                aandeel_afgewezen_gestopt=aandeel,
                herstelonderzoek_voldoende=counts.get("herstel_voldoende", 0),
                herstelonderzoek_onvoldoende=counts.get("herstel_onvoldoende", 0),
                herstelonderzoek_onbekend=counts.get("herstel_onbekend", 0),
            )
        )
    return result

"""The throughput report (doorstroom): every figure from SQL, over a kept summary brought up
to date first (`casework.reports.bijhouden`), or a fold of its own for a range that ends
before the latest event."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import FromClause, Table, select, text, union_all
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.base import utcnow
from casework.reports import bijhouden, geld, queries
from casework.reports.model import (
    AANMELDING_TOT_KENNISMAKING,
    TOT_MATCH,
    Doorlooptijd,
    DoorstroomRapport,
    PeriodeCijfers,
    Uitkomst,
)
from casework.reports.periodes import perioden as maak_perioden
from casework.reports.periodes import schooljaar_start
from casework.reports.veroudering import bereken_veroudering, utc_middernacht
from casework.services.programmas import definition, programmes
from states import GEPAUZEERD

log = logging.getLogger(__name__)

EXTRA_LABELS = {
    AANMELDING_TOT_KENNISMAKING: "Aanmelding tot kennismaking",
    TOT_MATCH: "Tot bevestigde match",
    GEPAUZEERD: "Gepauzeerd",
}


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
        start=utc_middernacht(van),
        eind=utc_middernacht(tot + timedelta(days=1)),
        eindfasen=eindfasen,
        sqlite=db.is_sqlite,
        fasen=tuple(dict.fromkeys(fase for code in codes for fase in known[code].active_phases)),
    )
    labels = {
        code: {**EXTRA_LABELS, **{p.name: p.label for p in known[code].phases}} for code in codes
    }
    with db.read() as session:
        bewaard = bijhouden.bruikbaar(session, bereik)
    # a range that ends before the latest event: the kept rows of the trajecten without later
    # events, and a fold of its own for the others
    deels = not bewaard and bijhouden.vorm_past(bereik)
    if bewaard or deels:
        # the kept summary, brought up to date first (its own short write transaction)
        bijhouden.bijwerken(db)
    with db.read() as session:
        if not db.is_sqlite:
            # compiling these large queries just in time costs more than running them, and
            # the lead-time sort should stay in memory (both only for this transaction)
            session.execute(text("SET LOCAL jit = off"))
            session.execute(text("SET LOCAL work_mem = '64MB'"))
        eigen: list[Table] = []
        # the kept daily counts are exact for any range (later days are left out); the
        # summary rows and the lead times hold the history as of now
        stroom_dag: FromClause = bijhouden.stroom_per_dag(bereik)
        tabel: FromClause
        duur: FromClause
        per_maand: FromClause | None
        vervangen: tuple[FromClause, Any, FromClause] | None = None
        if bewaard:
            tabel = bijhouden.tabel(bereik)
            duur, per_maand = bijhouden.duur()
        elif deels:
            # a range that ends before the latest event: the kept rows and lead times of the
            # trajecten without later events, a fold of their events before it for the others
            geraakt = queries.geraakt_tabel(session, bereik)
            alleen = select(geraakt.c.traject_id)
            eigen.append(geraakt)
            eigen.append(queries.samenvatting(session, bereik, geraakt))
            kolommen = [c.name for c in eigen[-1].columns]
            tabel = queries.aangevuld(bijhouden.tabel(bereik), alleen, eigen[-1], kolommen)
            eigen.append(queries.duur_tabel(session, eigen[-1], bereik))
            duur = queries.aangevuld(bijhouden.DUUR, alleen, eigen[-1], queries.DUUR_KOLOMMEN)
            per_maand = bijhouden.DUUR_MAAND
            vervangen = (bijhouden.DUUR, alleen, eigen[-1])
        else:
            # the kept summary does not fit (other phases): fold the whole history
            eigen.append(queries.samenvatting(session, bereik))
            tabel = eigen[-1]
            eigen.append(queries.duur_tabel(session, tabel, bereik))
            duur, per_maand = eigen[-1], None
            stroom_dag = union_all(*queries.stroom_bron(tabel, bereik)).subquery("stroom")
        try:
            cijfers = _cijfers(session, tabel, stroom_dag, bereik, perioden, bewaard or deels)
            tijden = _doorlooptijden(session, duur, per_maand, vervangen, bereik, labels)
            # the balance at the end of the last period is the work in progress on `tot`
            laatste = perioden[-1].nr
            aantallen = {
                (c.programma, fase): aantal
                for c in cijfers
                if c.periode == laatste
                for fase, aantal in c.onderhanden.items()
            }
            veroudering, oudste = bereken_veroudering(session, tabel, bereik, tot, aantallen)
            uitkomsten = _uitkomsten(session, stroom_dag, bereik)
        finally:
            for tijdelijk in reversed(eigen):
                queries.opruimen(session, tijdelijk)
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
    session: Session,
    tabel: FromClause,
    stroom_dag: FromClause,
    bereik: queries.Bereik,
    perioden: list[Any],
    bewaard: bool = False,
) -> list[PeriodeCijfers]:
    table = {
        (code, p.nr): PeriodeCijfers(programma=code, periode=p.nr, onderhanden={})
        for code in bereik.programmas
        for p in perioden
    }
    for nr, programma, soort, aantal in queries.stroom(session, stroom_dag, bereik, perioden):
        if soort in ("instroom", "afgerond", "afgewezen", "gestopt"):
            setattr(table[(programma, nr)], soort, int(aantal))
    # the window sum gives the balance at the periods with a change; carry it forward
    standen: dict[tuple[str, str], dict[int, int]] = {}
    rijen = (
        queries.standen(session, bijhouden.per_dag(bereik), perioden)
        if bewaard
        else queries.onderhanden(session, tabel, bereik, perioden)
    )
    for row in rijen:
        standen.setdefault((row["programma"], row["fase"]), {})[row["nr"]] = int(row["stand"])
    for (code, fase), per_nr in standen.items():
        stand = 0
        for p in perioden:
            stand = per_nr.get(p.nr, stand)
            if stand:
                table[(code, p.nr)].onderhanden[fase] = stand
    return list(table.values())


def _doorlooptijden(
    session: Session,
    duur: FromClause,
    per_maand: FromClause | None,
    vervangen: tuple[FromClause, Any, FromClause] | None,
    bereik: queries.Bereik,
    labels: dict[str, dict[str, str]],
) -> list[Doorlooptijd]:
    result = []
    for row in queries.doorlooptijden(session, duur, bereik, per_maand, vervangen):
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


def _uitkomsten(session: Session, stroom_dag: FromClause, bereik: queries.Bereik) -> list[Uitkomst]:
    tellers: dict[str, dict[str, int]] = {code: {} for code in bereik.programmas}
    for row in queries.uitkomsten(session, stroom_dag, bereik):
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

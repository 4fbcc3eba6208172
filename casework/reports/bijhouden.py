"""The throughput report's summary, kept up to date incrementally (migrations 0009, 0011).

Before each report `bijwerken` re-folds the trajecten that changed since their last fold and
adjusts what is kept by their difference; the report then reads the summary
(`rapport_samenvatting`, one row per traject), the daily phase changes (`rapport_fase_dag`),
sign-ups and ends per day (`rapport_stroom_dag`) and the completed lead times (`rapport_duur`,
counted per month in `rapport_duur_maand`) instead of the whole history. (The dagdelen sums of
migration 0010 are kept by database triggers, see `casework.reports.dagdeel_totalen`.)

What changed is told by the traject's version, not by an event-id watermark: every event is
written in the same transaction as the UPDATE that bumps its traject's version (`seq` is the new
version), and so is every other change of the row (test flag, programme). A watermark on event
ids would miss an event whose transaction took its id before, but committed after, the one the
watermark moved to (PostgreSQL hands out sequence values at insert time). A traject whose
version differs from its summary row's (or that has none) is folded again completely with the
report's own SQL (`queries.vouw`) restricted to those ids.

The daily counts change by the re-folded trajecten's difference: their old contribution (the
phase changes with event id up to the row's `laatste_event`, under the programme and test flag
of the old row) is subtracted and the new one added. A traject's events get increasing ids in
commit order (two writers of one traject collide on `seq`), so `laatste_event` marks exactly
the events the fold saw.

Every update locks the one row of `rapport_stand` first (an UPDATE: a row lock on PostgreSQL,
the write lock on SQLite), so two reports never fold at once; the second waits, then finds
nothing left to do. A cold first run (empty summary, or other phases than the summary was built
for) folds every traject once.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    FromClause,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casework.db import Database
from casework.db.base import UTCDateTime, utcnow
from casework.reports import queries
from casework.reports.queries import Bereik, E, T
from casework.services.programmas import programmes

log = logging.getLogger(__name__)

#: phase slots in `rapport_samenvatting` (migration 0009_report_summary)
SLOTS = 12
METADATA = MetaData()
_kolommen: list[Any] = [
    Column("version", Integer, nullable=False),
    Column("laatste_event", Integer, nullable=False),
    Column("is_test", Boolean, nullable=False),
    *queries.samenvatting_kolommen(SLOTS),
]
SAMENVATTING = Table("rapport_samenvatting", METADATA, *_kolommen)
FASE_DAG = Table(
    "rapport_fase_dag",
    METADATA,
    # the day first: a period's days are one range of the key
    Column("dag", String(10), primary_key=True),
    Column("programma", String(20), primary_key=True),
    Column("fase", String(30), primary_key=True),
    Column("netto", Integer, nullable=False),
)
#: every completed lead time of a counted traject (migration 0011_report_kept)
DUUR = Table("rapport_duur", METADATA, *queries.duur_kolommen())
#: sign-ups and ends (with the recorded result) per programme and UTC day
STROOM_DAG = Table(
    "rapport_stroom_dag",
    METADATA,
    Column("dag", String(10), primary_key=True),
    Column("programma", String(20), primary_key=True),
    Column("soort", String(30), primary_key=True),
    Column("klasse", String(12), primary_key=True),
    Column("aantal", Integer, nullable=False),
)
#: the kept lead times counted per month of completion and whole day (`bak`)
DUUR_MAAND = Table(
    "rapport_duur_maand",
    METADATA,
    Column("maand", String(7), primary_key=True),
    Column("programma", String(20), primary_key=True),
    Column("soort", String(40), primary_key=True),
    Column("bak", Integer, primary_key=True),
    Column("aantal", Integer, nullable=False),
)
STAND = Table(
    "rapport_stand",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("sleutel", Text, nullable=False),
    Column("bijgewerkt_op", UTCDateTime()),
)


def alle_fasen() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every programme's measured phases (the slots, in order) and final phases."""
    known = programmes()
    codes = sorted(known)
    fasen = tuple(dict.fromkeys(f for code in codes for f in known[code].active_phases))
    eindfasen = tuple(sorted({f for code in codes for f in known[code].final_phases}))
    return fasen, eindfasen


#: the shape of what is kept: a summary kept in an older shape is folded again (cold)
VORM = 2


def _sleutel(fasen: tuple[str, ...], eindfasen: tuple[str, ...]) -> str:
    return json.dumps({"fasen": fasen, "eindfasen": eindfasen, "vorm": VORM})


def vorm_past(bereik: Bereik) -> bool:
    """Whether the kept summary's shape fits this report: the same end phases for every
    programme and the report's phases within the slots."""
    fasen, eindfasen = alle_fasen()
    if len(fasen) > SLOTS or set(bereik.eindfasen) != set(eindfasen):
        return False
    return set(bereik.fasen) <= set(fasen)


def bruikbaar(session: Session, bereik: Bereik) -> bool:
    """Whether the kept summary answers this report: its shape fits and no event lies on or
    after the range's end (the summary folds the whole history; for a report that ends in the
    past, `queries.samenvatting` folds again only the trajecten with later events)."""
    if not vorm_past(bereik):
        return False
    later = session.execute(select(E.c.id).where(E.c.at >= bereik.eind).limit(1)).first()
    return later is None


def _dag_delta(teken: int, sqlite_dialect: bool, wijzig: Table, *, alleen_nieuw: bool) -> list[Any]:
    """Phase changes of the trajecten in `wijzig` that their summary row folded, per
    programme, phase and day, counted `teken` (+1 or -1): + for the phase entered, - left.

    `alleen_nieuw` counts, for a traject whose row was folded before under the same programme
    and test flag (`wijzig.vanaf`, its last event then), only the events after that one: the
    earlier ones are in the counts already, so an update reads just the new events.
    """
    rij = SAMENVATTING
    w = wijzig.c
    dagkolom = queries.dag(E.c.at, sqlite_dialect)
    voorwaarden: list[Any] = [
        queries._relevant(),
        queries._wissel(),
        E.c.id <= rij.c.laatste_event,
        rij.c.is_test.is_(False),
        # besides the join: SQLite then looks the changed trajecten's events up by traject
        # instead of scanning every event
        E.c.traject_id.in_(select(w.traject_id)),
    ]
    if alleen_nieuw:
        voorwaarden.append(E.c.id > func.coalesce(w.vanaf, 0))
    else:  # the whole old contribution of those folded under another programme or flag
        voorwaarden.append(w.vanaf.is_(None))
    delen = []
    for fase_kolom, richting in ((E.c.to_fase, 1), (E.c.from_fase, -1)):
        delen.append(
            select(
                rij.c.programma,
                fase_kolom.label("fase"),
                dagkolom.label("dag"),
                (func.count() * (richting * teken)).label("netto"),
            )
            .select_from(
                wijzig.join(rij, rij.c.traject_id == w.traject_id).join(
                    E, E.c.traject_id == w.traject_id
                )
            )
            .where(*voorwaarden, fase_kolom.is_not(None))
            .group_by(rij.c.programma, fase_kolom, dagkolom)
        )
    return delen


def _optellen(
    session: Session, doel: Table, delen: list[Any], sqlite_dialect: bool, waarde: str = "netto"
) -> None:
    """Add per-day deltas to a kept count table (`doel`: its primary key and one count column
    `waarde`): insert the day, or add to an existing one."""
    sleutel = [c.name for c in doel.primary_key.columns]
    bron = union_all(*delen).subquery("delta")
    d = bron.c
    som = (
        select(*[d[k] for k in sleutel], func.sum(d[waarde]))
        .where(d[sleutel[0]].is_not(None))  # SQLite's upsert needs a WHERE after a SELECT
        .group_by(*[d[k] for k in sleutel])
    )
    dialect = sqlite if sqlite_dialect else postgresql
    stmt = dialect.insert(doel).from_select([*sleutel, waarde], som)
    stmt = stmt.on_conflict_do_update(
        index_elements=sleutel, set_={waarde: doel.c[waarde] + stmt.excluded[waarde]}
    )
    session.execute(stmt)


def _stroom_delta(teken: int, ids: Any, sqlite_dialect: bool) -> list[Any]:
    """The sign-ups and ends of the summary rows of `ids` (counted ones), counted `teken`."""
    s = SAMENVATTING.c
    rijen = (
        select(SAMENVATTING).where(s.traject_id.in_(ids), s.is_test.is_(False)).subquery("rijen")
    )
    bereik = Bereik((), utcnow(), utcnow(), (), sqlite_dialect)
    delen = []
    for deel in queries.stroom_bron(rijen, bereik):
        deel = deel.subquery()
        delen.append(
            select(
                *[deel.c[k] for k in ("programma", "soort", "klasse", "dag")],
                (deel.c.aantal * teken).label("aantal"),
            )
        )
    return delen


def _duur_maand(teken: int, rijen: Any, sqlite_dialect: bool) -> Any:
    """Lead-time rows (`rijen`, shaped like `rapport_duur`) per month and whole day, counted
    `teken`."""
    if not isinstance(rijen, FromClause):
        rijen = rijen.subquery("rijen")
    d = rijen.c
    maand = queries.maand(d.klaar_op, sqlite_dialect)
    return select(
        maand.label("maand"), d.programma, d.soort, d.bak, (func.count() * teken).label("aantal")
    ).group_by(maand, d.programma, d.soort, d.bak)


def bijwerken(db: Database) -> int:
    """Bring the summary up to date; returns how many trajecten were folded again."""
    fasen, eindfasen = alle_fasen()
    sleutel = _sleutel(fasen, eindfasen)
    bereik = Bereik(
        programmas=tuple(sorted(programmes())),
        start=utcnow(),
        eind=utcnow(),
        eindfasen=eindfasen,
        sqlite=db.is_sqlite,
        fasen=fasen,
    )
    with db.transaction() as session:
        # the lock first: on SQLite this takes the write lock before anything is read
        session.execute(update(STAND).where(STAND.c.id == 1).values(bijgewerkt_op=utcnow()))
        oud = session.execute(select(STAND.c.sleutel).where(STAND.c.id == 1)).scalar_one()
        koud = oud != sleutel
        if koud:
            session.execute(delete(SAMENVATTING))
            session.execute(delete(FASE_DAG))
            session.execute(delete(DUUR))
            session.execute(delete(DUUR_MAAND))
            session.execute(delete(STROOM_DAG))
            session.execute(update(STAND).where(STAND.c.id == 1).values(sleutel=sleutel))
        wijzig = Table(
            "rapport_wijzig",
            MetaData(),
            Column("traject_id", Integer, primary_key=True),
            # the last event of the old row, if it was folded under the same programme and
            # test flag (only the events after it change the daily counts)
            Column("vanaf", Integer),
            prefixes=["TEMPORARY"],
        )
        connection = session.connection()
        wijzig.drop(connection, checkfirst=True)
        wijzig.create(connection)
        try:
            s = SAMENVATTING.c
            zelfde = and_(
                s.traject_id.is_not(None),
                s.programma == T.c.programma,
                s.is_test == T.c.is_test,
            )
            veranderd = (
                select(T.c.id, case((zelfde, s.laatste_event)))
                .select_from(T.outerjoin(SAMENVATTING, s.traject_id == T.c.id))
                .where(or_(s.traject_id.is_(None), s.version != T.c.version))
            )
            session.execute(wijzig.insert().from_select(["traject_id", "vanaf"], veranderd))
            aantal = session.execute(select(func.count()).select_from(wijzig)).scalar_one()
            if aantal:
                if not bereik.sqlite:
                    # a temporary table has no statistics: without them the planner scans
                    # the kept tables instead of looking up the few changed trajecten; and
                    # those lookups hit pages in memory, not the disk the default cost assumes
                    session.execute(text("ANALYZE rapport_wijzig"))
                    if not koud:
                        session.execute(text("SET LOCAL random_page_cost = 1.1"))
                _vouwen(session, bereik, wijzig, koud)
        finally:
            wijzig.drop(connection, checkfirst=True)
    log.info("report summary: %s trajecten folded%s", aantal, " (cold)" if koud else "")
    return int(aantal)


def _vouwen(session: Session, bereik: Bereik, wijzig: Table, koud: bool) -> None:
    ids_select = select(wijzig.c.traject_id)
    if not koud:
        # take the old contribution out while the old rows are still there
        _optellen(
            session,
            FASE_DAG,
            _dag_delta(-1, bereik.sqlite, wijzig, alleen_nieuw=False),
            bereik.sqlite,
        )
        _optellen(
            session,
            STROOM_DAG,
            _stroom_delta(-1, ids_select, bereik.sqlite),
            bereik.sqlite,
            "aantal",
        )
        session.execute(delete(SAMENVATTING).where(SAMENVATTING.c.traject_id.in_(ids_select)))
    per_traject, bron_kolommen = queries.vouw(bereik, tot_eind=False, trajecten=ids_select)
    p = per_traject.c
    kolommen = [("version", T.c.version), ("laatste_event", p.laatste_event)]
    kolommen += [("is_test", T.c.is_test)]
    for naam, expressie in bron_kolommen:
        # phase i of the fold lands in slot i (the fold's phases are the slots' phases)
        kolommen.append((naam, expressie))
    bron = select(*[e for _, e in kolommen]).select_from(
        per_traject.join(T, T.c.id == p.traject_id)
    )
    session.execute(SAMENVATTING.insert().from_select([n for n, _ in kolommen], bron))
    _optellen(
        session, FASE_DAG, _dag_delta(1, bereik.sqlite, wijzig, alleen_nieuw=True), bereik.sqlite
    )
    _optellen(
        session, STROOM_DAG, _stroom_delta(1, ids_select, bereik.sqlite), bereik.sqlite, "aantal"
    )
    _duren_bijwerken(session, bereik, ids_select, koud)
    if koud and not bereik.sqlite:
        session.execute(text("ANALYZE rapport_samenvatting"))
        session.execute(text("ANALYZE rapport_fase_dag"))
        session.execute(text("ANALYZE rapport_duur"))
        session.execute(text("ANALYZE rapport_stroom_dag"))
        session.execute(text("ANALYZE rapport_duur_maand"))


def _duren_bijwerken(session: Session, bereik: Bereik, ids_select: Any, koud: bool) -> None:
    """Bring the kept lead times of the re-folded trajecten in line with their new rows.

    Only what differs is written: a new event rarely changes a completed lead time, and every
    row deleted or inserted moves entries in two large indexes (at 100,000 trajecten, deleting
    and inserting all of a thousand trajecten's lead times cost more than the report)."""
    s = SAMENVATTING.c
    nieuw_rijen = (
        select(SAMENVATTING)
        .where(s.traject_id.in_(ids_select), s.is_test.is_(False))
        .subquery("nieuw")
    )
    fasen, _ = alle_fasen()
    kolommen_per_fase = {f: (f"duur_{i}", f"klaar_{i}") for i, f in enumerate(fasen)}
    bron = union_all(*queries.duren_bron(nieuw_rijen, bereik, kolommen_per_fase))
    if koud:
        session.execute(DUUR.insert().from_select(list(queries.DUUR_KOLOMMEN), bron))
        _optellen(
            session,
            DUUR_MAAND,
            [_duur_maand(1, select(DUUR), bereik.sqlite)],
            bereik.sqlite,
            "aantal",
        )
        return
    nieuw = Table(
        "rapport_duur_nieuw",
        MetaData(),
        *queries.duur_kolommen(),
        prefixes=["TEMPORARY"],
    )
    connection = session.connection()
    nieuw.drop(connection, checkfirst=True)
    nieuw.create(connection)
    try:
        session.execute(nieuw.insert().from_select(list(queries.DUUR_KOLOMMEN), bron))
        if not bereik.sqlite:
            session.execute(text("ANALYZE rapport_duur_nieuw"))
        d, n = DUUR.c, nieuw.c
        gelijk = (
            select(literal(1))
            .where(
                n.traject_id == d.traject_id,
                n.soort == d.soort,
                n.klaar_op == d.klaar_op,
                n.dagen == d.dagen,
            )
            .exists()
        )
        weg = select(DUUR).where(d.traject_id.in_(ids_select), ~gelijk).subquery("weg")
        _optellen(
            session, DUUR_MAAND, [_duur_maand(-1, weg, bereik.sqlite)], bereik.sqlite, "aantal"
        )
        session.execute(delete(DUUR).where(d.traject_id.in_(ids_select), ~gelijk))
        bestaat = (
            select(literal(1)).where(d.traject_id == n.traject_id, d.soort == n.soort).exists()
        )
        erbij = select(nieuw).where(~bestaat).subquery("erbij")
        _optellen(
            session, DUUR_MAAND, [_duur_maand(1, erbij, bereik.sqlite)], bereik.sqlite, "aantal"
        )
        session.execute(
            DUUR.insert().from_select(
                list(queries.DUUR_KOLOMMEN),
                select(*[n[k] for k in queries.DUUR_KOLOMMEN]).where(~bestaat),
            )
        )
    finally:
        nieuw.drop(connection, checkfirst=True)


def tabel(bereik: Bereik) -> Any:
    """The summary as the report's table: counted trajecten of its programmes, its phases'
    slots under the names the report's queries use (`duur_i`, `klaar_i` for `bereik.fasen`)."""
    fasen, _ = alle_fasen()
    s = SAMENVATTING.c
    kolommen: list[Any] = [
        s.traject_id,
        s.programma,
        s.aangemeld_op,
        s.matching_op,
        s.match_op,
        s.kennismaking_op,
        s.eind_op,
        s.eindfase,
        s.fase,
        s.fase_sinds,
        s.hervat_op,
        s.klasse,
    ]
    for i, fase in enumerate(bereik.fasen):
        slot = fasen.index(fase)
        kolommen += [s[f"duur_{slot}"].label(f"duur_{i}"), s[f"klaar_{slot}"].label(f"klaar_{i}")]
    return (
        select(*kolommen)
        .where(s.is_test.is_(False), s.programma.in_(bereik.programmas))
        .subquery("rapport_trajecten")
    )


def per_dag(bereik: Bereik) -> Any:
    """Net phase changes per programme, phase and day before the range's end."""
    f = FASE_DAG.c
    return (
        select(f.programma, f.fase, f.dag, f.netto)
        .where(
            f.programma.in_(bereik.programmas),
            f.dag < bereik.eind.date().isoformat(),
            f.netto != literal(0),
        )
        .subquery("per_dag")
    )


def duur() -> tuple[Table, Table]:
    """The kept lead times and their counts per month (the report filters them by programme,
    kind and range)."""
    return DUUR, DUUR_MAAND


def stroom_per_dag(bereik: Bereik) -> Any:
    """Sign-ups and ends per programme, kind, result and day before the range's end."""
    f = STROOM_DAG.c
    return (
        select(f.programma, f.soort, f.klasse, f.dag, f.aantal)
        .where(
            f.programma.in_(bereik.programmas),
            f.dag < bereik.eind.date().isoformat(),
            f.aantal != literal(0),
        )
        .subquery("stroom_per_dag")
    )

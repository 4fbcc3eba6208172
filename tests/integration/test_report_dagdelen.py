"""The dagdelen sums kept by triggers (migration 0010) and the report parts that read them.

The sums must equal a GROUP BY over `dagdelen` after every kind of write (insert, executemany,
INSERT ... SELECT, a correction through the service, raw UPDATEs, DELETE, TRUNCATE), and
`geld.budget` / `geld.benutting` must answer exactly as the live scan they replaced (kept
below as the reference) on random dagdelen with test trajecten, withdrawn ones, partial months
and week periods. The migration's backfill is checked on dagdelen written before it ran.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Integer, and_, case, cast, delete, extract, func, insert, or_, select
from sqlalchemy.orm import Session

from casework.db import Database, migrate
from casework.db.finance import Dagdeel, Tarief
from casework.db.matching import AdviseurProfiel
from casework.db.models import Adviseur, Traject
from casework.reports import dagdeel_totalen as totalen
from casework.reports import geld
from casework.reports.model import Benutting, Budget, BudgetPeriode, Periode
from casework.reports.periodes import perioden
from casework.reports.queries import Bereik, perioden_cte
from casework.services import dagdelen as dagdelen_service
from tests.conftest import create_pg_schema, drop_pg_schema
from tests.fixtures_finance import FinanceData
from tests.fixtures_reports import Geschiedenis, at

CENT = Decimal("0.01")
EERSTE, LAATSTE = date(2025, 11, 1), date(2026, 3, 31)


# -- the sums against a GROUP BY ------------------------------------------------------------


def _verwacht(session: Session) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """The sums computed in Python from the dagdelen that count."""
    per_dag: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0])
    per_maand: Counter[tuple[int, str, date]] = Counter()
    rows = session.execute(
        select(
            Dagdeel.programma,
            Dagdeel.datum,
            Dagdeel.adviseur_id,
            Dagdeel.school_aandeel,
            Dagdeel.programma_aandeel,
        ).where(Dagdeel.vervallen.is_(False))
    )
    for programma, datum, adviseur_id, school, deel in rows:
        som = per_dag[(programma, datum)]
        som[0] += 1
        som[1] += int(Decimal(school) * 10000)
        som[2] += int(Decimal(deel) * 10000)
        per_maand[(adviseur_id, programma, datum.replace(day=1))] += 1
    return {k: tuple(v) for k, v in per_dag.items()}, dict(per_maand)


def _bewaard(session: Session) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """The kept sums, without the rows that fell back to 0."""
    d, m = totalen.DAG.c, totalen.MAAND.c
    per_dag = {
        (programma, dag): (n, s, p)
        for programma, dag, n, s, p in session.execute(
            select(d.programma, d.dag, d.dagdelen, d.school_e4, d.programma_e4)
        )
        if (n, s, p) != (0, 0, 0)
    }
    per_maand = {
        (adviseur_id, programma, maand): n
        for adviseur_id, programma, maand, n in session.execute(
            select(m.adviseur_id, m.programma, m.maand, m.dagdelen)
        )
        if n != 0
    }
    return per_dag, per_maand


def klopt(db: Database) -> int:
    """Assert the kept sums equal the dagdelen's; returns how many dagdelen count."""
    with db.read() as session:
        verwacht, bewaard = _verwacht(session), _bewaard(session)
    assert bewaard[0] == verwacht[0]
    assert bewaard[1] == verwacht[1]
    return sum(n for n, _, _ in verwacht[0].values())


def _rij(
    traject_id: int, adviseur_id: int, datum: date, deel: str = "ochtend", **extra: Any
) -> dict[str, Any]:
    return {
        "traject_id": traject_id,
        "adviseur_id": adviseur_id,
        "datum": datum,
        "deel": deel,
        "activiteit": "gesprek",
        "programma": extra.pop("programma", "lv"),
        "school_aandeel": extra.pop("school_aandeel", Decimal("0.5")),
        "programma_aandeel": extra.pop("programma_aandeel", Decimal("0.5")),
        "actor": "anna@example.org",
        "vervallen": extra.pop("vervallen", False),
        **extra,
    }


def test_sums_follow_every_kind_of_write(db: Database, finance: FinanceData) -> None:
    traject = finance.traject("lv")
    gwgb = finance.traject("gwgb", adviseur="bram@advies.nl")
    anna, bram = finance.adviseur("anna@advies.nl"), finance.adviseur("bram@advies.nl")
    assert klopt(db) == 0

    # the service's own path: add, then correct (the old one flips `vervallen`) and withdraw
    eerste = dagdelen_service.add(
        db, traject_id=traject, datum=date(2026, 9, 7), activiteit="intake", actor="t@test"
    )
    tweede = dagdelen_service.add(
        db, traject_id=traject, datum=date(2026, 9, 8), activiteit="intake", actor="t@test"
    )
    assert klopt(db) == 2
    dagdelen_service.correct(
        db, dagdeel_id=eerste.id, reden="verkeerde dag", datum=date(2026, 10, 1), actor="t@test"
    )
    assert klopt(db) == 2
    dagdelen_service.correct(
        db, dagdeel_id=tweede.id, reden="niet gewerkt", intrekken=True, actor="t@test"
    )
    assert klopt(db) == 1

    # executemany, with shares that are not halves and a withdrawn row
    rows = (
        [
            _rij(
                traject,
                anna,
                date(2026, 9, 1) + timedelta(days=i),
                school_aandeel=Decimal("0.3333"),
                programma_aandeel=Decimal("0.6667"),
            )
            for i in range(20)
        ]
        + [
            _rij(
                gwgb,
                bram,
                date(2026, 9, 1) + timedelta(days=i // 2),
                "middag" if i % 2 else "ochtend",
                programma="gwgb",
                school_aandeel=Decimal(0),
                programma_aandeel=Decimal(1),
            )
            for i in range(20)
        ]
        + [_rij(traject, anna, date(2026, 9, 1), "middag", vervallen=True)]
    )
    with db.transaction() as session:
        session.execute(insert(Dagdeel), rows)
    assert klopt(db) == 41

    # a multi-row INSERT ... SELECT: every counting dagdeel again, a year later
    kolommen = [c.name for c in Dagdeel.__table__.c if c.name not in ("id", "datum")]
    with db.transaction() as session:
        bron = select(
            *[Dagdeel.__table__.c[c] for c in kolommen],
            func.date(Dagdeel.datum, "+1 year")
            if db.is_sqlite
            else (Dagdeel.datum + sa.text("interval '1 year'")).cast(sa.Date),
        ).where(Dagdeel.vervallen.is_(False))
        session.execute(insert(Dagdeel).from_select([*kolommen, "datum"], bron))
    assert klopt(db) == 82

    with db.transaction() as session:
        # a raw flip of many rows at once, both ways
        session.execute(
            sa.update(Dagdeel).where(Dagdeel.datum < date(2026, 9, 5)).values(vervallen=True)
        )
        session.execute(
            sa.update(Dagdeel)
            .where(Dagdeel.datum == date(2026, 9, 1), Dagdeel.deel == "ochtend")
            .values(vervallen=False)
        )
        # a row moved to another day, programme and adviseur; a note alone moves nothing
        session.execute(
            sa.update(Dagdeel)
            .where(Dagdeel.datum == date(2026, 9, 10), Dagdeel.programma == "lv")
            .values(datum=date(2026, 11, 30), adviseur_id=bram, programma="gwgb")
        )
        session.execute(sa.update(Dagdeel).values(notitie="gezien"))
    assert klopt(db) == 82 - 12 + 2

    with db.transaction() as session:
        session.execute(delete(Dagdeel).where(Dagdeel.datum >= date(2027, 9, 10)))
    geteld = klopt(db)
    assert 0 < geteld < 74
    with db.transaction() as session:  # the whole table: the sums fall back to 0
        session.execute(delete(Dagdeel).where(Dagdeel.vervangt_id.is_not(None)))
        session.execute(delete(Dagdeel))
    assert klopt(db) == 0


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite has no TRUNCATE
def test_truncate_empties_the_sums_on_postgresql(db: Database, finance: FinanceData) -> None:
    assert not db.is_sqlite
    traject = finance.traject("lv")
    with db.transaction() as session:
        session.execute(
            insert(Dagdeel),
            [_rij(traject, 1, date(2026, 9, 1) + timedelta(days=i)) for i in range(5)],
        )
    assert klopt(db) == 5
    with db.transaction() as session:
        session.execute(sa.text("TRUNCATE dagdelen CASCADE"))
    with db.read() as session:
        assert _bewaard(session) == ({}, {})


# -- the report parts against the live scan they replaced ---------------------------------


def _oud_geldig(bereik: Any, van: date, tot: date) -> Any:
    test_ids = select(Traject.id).where(Traject.is_test.is_(True))
    return and_(
        Dagdeel.vervallen.is_(False),
        Dagdeel.datum >= van,
        Dagdeel.datum <= tot,
        Dagdeel.programma.in_(bereik.programmas),
        Dagdeel.traject_id.not_in(test_ids),
    )


def oud_benutting(session: Session, bereik: Any, van: date, tot: date) -> list[Benutting]:
    """`geld.benutting` as it was before migration 0010: a scan of the dagdelen."""
    gewerkt = (
        select(Dagdeel.adviseur_id, func.count().label("aantal"))
        .where(_oud_geldig(bereik, van, tot))
        .group_by(Dagdeel.adviseur_id)
        .subquery("gewerkt")
    )
    query = (
        select(
            Adviseur.id,
            Adviseur.naam,
            func.coalesce(AdviseurProfiel.dagdelen_per_maand, 0),
            func.coalesce(gewerkt.c.aantal, 0),
        )
        .outerjoin(AdviseurProfiel, AdviseurProfiel.adviseur_id == Adviseur.id)
        .outerjoin(gewerkt, gewerkt.c.adviseur_id == Adviseur.id)
        .where(
            or_(
                and_(Adviseur.actief.is_(True), AdviseurProfiel.dagdelen_per_maand > 0),
                gewerkt.c.aantal > 0,
            )
        )
        .order_by(Adviseur.naam, Adviseur.id)
    )
    factor = geld.maanden(van, tot)
    result = []
    for adviseur_id, naam, per_maand, aantal in session.execute(query):
        capaciteit = (Decimal(per_maand) * factor).quantize(Decimal("0.1"), ROUND_HALF_UP)
        result.append(
            Benutting(
                adviseur_id=adviseur_id,
                adviseur=naam,
                capaciteit_dagdelen=capaciteit,
                gewerkte_dagdelen=int(aantal),
                benutting=(
                    (Decimal(aantal) / capaciteit).quantize(Decimal("0.0001"), ROUND_HALF_UP)
                    if capaciteit
                    else None
                ),
            )
        )
    return result


def oud_budget(
    session: Session, bereik: Any, van: date, tot: date, perioden: Sequence[Periode]
) -> tuple[list[Budget], list[BudgetPeriode], int]:
    """`geld.budget` as it was before migration 0010: a scan of the dagdelen."""
    dag: Any
    if bereik.sqlite:
        dag = Dagdeel.datum
        jaar = cast(func.substr(Dagdeel.datum, 1, 4), Integer)
    else:
        dag = func.to_char(Dagdeel.datum, "YYYY-MM-DD")
        jaar = cast(extract("year", Dagdeel.datum), Integer)
    per_dag = (
        select(
            Dagdeel.programma,
            dag.label("dag"),
            jaar.label("jaar"),
            func.count().label("dagdelen"),
            func.sum(Dagdeel.school_aandeel).label("school"),
            func.sum(Dagdeel.programma_aandeel).label("programma_deel"),
        )
        .where(_oud_geldig(bereik, van, tot))
        .group_by(Dagdeel.programma, dag, jaar)
        .subquery("per_dag")
    )
    d = per_dag.c
    p = perioden_cte(perioden)
    tarief = Tarief.per_dagdeel
    query = (
        select(
            p.c.nr,
            d.programma,
            func.sum(d.dagdelen).label("dagdelen"),
            func.sum(tarief * d.dagdelen).label("bedrag"),
            func.sum(tarief * d.school).label("schooldeel"),
            func.sum(tarief * d.programma_deel).label("programmadeel"),
            func.sum(case((Tarief.id.is_(None), d.dagdelen), else_=0)).label("zonder_tarief"),
        )
        .select_from(per_dag)
        .join(p, and_(d.dag >= p.c.start, d.dag < p.c.eind))
        .outerjoin(Tarief, and_(Tarief.programma == d.programma, Tarief.jaar == d.jaar))
        .group_by(p.c.nr, d.programma)
    )
    totals: dict[str, dict[str, Decimal]] = {}
    per_periode = []
    zonder = 0
    for row in session.execute(query).mappings():
        bedrag = Decimal(str(row["bedrag"] or 0)).quantize(CENT, ROUND_HALF_UP)
        per_periode.append(
            BudgetPeriode(
                programma=row["programma"],
                periode=row["nr"],
                dagdelen=int(row["dagdelen"]),
                bedrag=bedrag,
            )
        )
        zonder += int(row["zonder_tarief"] or 0)
        t = totals.setdefault(row["programma"], {})
        for key in ("dagdelen", "bedrag", "schooldeel", "programmadeel"):
            t[key] = t.get(key, Decimal(0)) + Decimal(str(row[key] or 0))
    result = [
        Budget(
            programma=code,
            dagdelen=int(t["dagdelen"]),
            bedrag=t["bedrag"].quantize(CENT, ROUND_HALF_UP),
            schooldeel=t["schooldeel"].quantize(CENT, ROUND_HALF_UP),
            programmadeel=t["programmadeel"].quantize(CENT, ROUND_HALF_UP),
        )
        for code, t in sorted(totals.items())
    ]
    return result, per_periode, zonder


@pytest.fixture
def willekeurig(db: Database) -> Iterator[Database]:
    """Random dagdelen over Nov 2025 - Mar 2026 on six trajecten, two of them test trajecten."""
    rng = random.Random(20260901)
    g = Geschiedenis()
    soorten = ["lv", "lv", "gwgb", "lv", "gwgb", "lv"]
    for i, programma in enumerate(soorten):
        g.traject(programma, at("2025-10-01"), is_test=i in (3, 4))
    g.opslaan(db)
    with db.transaction() as session:
        session.execute(
            insert(AdviseurProfiel),
            [
                {"adviseur_id": 1, "dagdelen_per_maand": 10, "max_trajecten": 5},
                {"adviseur_id": 2, "dagdelen_per_maand": 7, "max_trajecten": 5},
            ],
        )
        session.execute(delete(Tarief))
        tarief = {"btw_percentage": Decimal("21.00"), "actor": "finance@test"}
        session.execute(
            insert(Tarief),
            [
                tarief
                | {
                    "programma": "lv",
                    "jaar": 2025,
                    "per_dagdeel": Decimal("549.95"),
                    "school_aandeel": Decimal("0.5"),
                },
                tarief
                | {
                    "programma": "lv",
                    "jaar": 2026,
                    "per_dagdeel": Decimal("571.50"),
                    "school_aandeel": Decimal("0.5"),
                },
                # gwgb has no rate for 2025: those dagdelen are unpriced
                tarief
                | {
                    "programma": "gwgb",
                    "jaar": 2026,
                    "per_dagdeel": Decimal("600.10"),
                    "school_aandeel": Decimal("0"),
                },
            ],
        )
        rows = []
        dagen = (LAATSTE - EERSTE).days + 1
        for adviseur in (1, 2, 3):
            for n in range(dagen):
                for deel in ("ochtend", "middag"):
                    kans = rng.random()
                    if kans > 0.6:
                        continue
                    traject = rng.randrange(len(soorten)) + 1
                    school = Decimal(rng.randrange(10001)) / 10000
                    rows.append(
                        _rij(
                            traject,
                            adviseur,
                            EERSTE + timedelta(days=n),
                            deel,
                            programma=soorten[traject - 1],
                            school_aandeel=school,
                            programma_aandeel=1 - school,
                            # a withdrawn one shares its slot with the one that counts
                            vervallen=kans < 0.1,
                        )
                    )
                    if kans < 0.1:
                        rows.append(rows[-1] | {"vervallen": False})
        session.execute(insert(Dagdeel), rows)
    klopt(db)
    yield db


def _bereik(db: Database, programmas: tuple[str, ...]) -> Bereik:
    start = datetime(2000, 1, 1, tzinfo=UTC)
    return Bereik(programmas=programmas, start=start, eind=start, eindfasen=(), sqlite=db.is_sqlite)


@pytest.mark.parametrize(
    ("van", "tot", "soort", "programmas"),
    [
        (EERSTE, LAATSTE, "maand", ("gwgb", "lv")),  # whole months only
        (date(2025, 11, 13), date(2026, 3, 17), "week", ("gwgb", "lv")),  # partial both ends
        (date(2025, 11, 1), date(2026, 2, 28), "maand", ("lv",)),  # ends on a month's last day
        (date(2025, 12, 2), date(2026, 3, 31), "week", ("gwgb",)),  # starts partial
        (date(2025, 12, 5), date(2025, 12, 20), "week", ("gwgb", "lv")),  # inside one month
        (date(2025, 12, 1), date(2025, 12, 31), "maand", ("gwgb", "lv")),  # one whole month
        (date(2025, 10, 1), date(2026, 9, 30), "schooljaar", ("gwgb", "lv")),  # beyond the data
    ],
)
def test_report_parts_answer_as_the_live_scan(
    willekeurig: Database, van: date, tot: date, soort: str, programmas: tuple[str, ...]
) -> None:
    db = willekeurig
    bereik = _bereik(db, programmas)
    p = perioden(van, tot, soort)
    with db.read() as session:
        assert geld.benutting(session, bereik, van, tot) == oud_benutting(session, bereik, van, tot)
        nieuw = geld.budget(session, bereik, van, tot, p)
        oud = oud_budget(session, bereik, van, tot, p)
    assert nieuw[0] == oud[0]
    assert sorted(nieuw[1], key=lambda b: (b.periode, b.programma)) == sorted(
        oud[1], key=lambda b: (b.periode, b.programma)
    )
    assert nieuw[2] == oud[2]
    assert nieuw[0], "the range holds dagdelen"


def test_report_parts_after_corrections_and_a_test_flag(willekeurig: Database) -> None:
    db = willekeurig
    with db.transaction() as session:
        ids = session.scalars(
            select(Dagdeel.id).where(Dagdeel.vervallen.is_(False)).order_by(Dagdeel.id)
        ).all()
        session.execute(sa.update(Dagdeel).where(Dagdeel.id.in_(ids[::7])).values(vervallen=True))
        session.execute(delete(Dagdeel).where(Dagdeel.id.in_(ids[3::11])))
        # a traject becomes test data: its dagdelen leave the report, not the sums
        session.execute(sa.update(Traject).where(Traject.id == 1).values(is_test=True))
    klopt(db)
    bereik = _bereik(db, ("gwgb", "lv"))
    van, tot = date(2025, 11, 20), date(2026, 3, 10)
    p = perioden(van, tot, "maand")
    with db.read() as session:
        assert geld.benutting(session, bereik, van, tot) == oud_benutting(session, bereik, van, tot)
        assert (
            geld.budget(session, bereik, van, tot, p)[0]
            == oud_budget(session, bereik, van, tot, p)[0]
        )


# -- the migration ------------------------------------------------------------------------


@pytest.fixture
def leeg(db: Database, tmp_path: Path) -> Iterator[Database]:
    """An empty database on the same backend as `db`, not yet migrated."""
    if db.is_sqlite:
        nieuw = Database(f"sqlite:///{tmp_path / 'leeg.db'}")
        yield nieuw
        nieuw.dispose()
        return
    pg = create_pg_schema()
    nieuw = Database(pg.url)
    try:
        yield nieuw
    finally:
        nieuw.dispose()
        drop_pg_schema(pg.schema)


def _namen(db: Database) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_migration_backfills_and_downgrades(leeg: Database) -> None:
    db = leeg
    migrate.upgrade(db.engine, "0009_report_summary")
    g = Geschiedenis()
    for programma in ("lv", "gwgb", "lv"):
        g.traject(programma, at("2026-08-01"), is_test=programma == "gwgb")
    g.opslaan(db)
    rows = [
        _rij(
            t,
            a,
            date(2026, 8, 25) + timedelta(days=n),
            deel,
            programma=["lv", "gwgb", "lv"][t - 1],
            school_aandeel=Decimal("0.1234"),
            programma_aandeel=Decimal("0.8766"),
            vervallen=n % 5 == 0,
        )
        for t in (1, 2, 3)
        for a in (t,)
        for n in range(20)
        for deel in ("ochtend", "middag")
    ]
    with db.transaction() as session:
        session.execute(insert(Dagdeel), rows)

    migrate.upgrade(db.engine, "0010_report_dagdelen")
    assert klopt(db) == 3 * 2 * 16

    migrate.downgrade(db.engine, "0009_report_summary")
    assert not {"rapport_dagdeel_dag", "rapport_dagdeel_maand"} & _namen(db)
    with db.transaction() as session:  # no trigger left behind to write to a dropped table
        session.execute(insert(Dagdeel), [_rij(1, 1, date(2026, 10, 1))])
        session.execute(sa.update(Dagdeel).values(vervallen=False))
        session.execute(delete(Dagdeel).where(Dagdeel.datum == date(2026, 10, 1)))

    migrate.upgrade(db.engine)
    assert klopt(db) == 3 * 2 * 20

"""The kept report summary (migration 0009): brought up to date incrementally, it gives exactly
the figures of a cold fold and of the report's own fold, on SQLite and PostgreSQL, also when
two reports run at once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from casework.db import Database, migrate
from casework.reports import bijhouden, doorstroom, queries
from casework.reports.model import DoorstroomRapport
from casework.reports.veroudering import utc_middernacht
from states import GEPAUZEERD, HERVAT, PAUZEREN
from tests.integration.test_reports import TOT, VAN


def cijfers(r: DoorstroomRapport) -> dict[str, Any]:
    return r.model_dump(exclude={"gemaakt_op"})


def rapport(db: Database) -> DoorstroomRapport:
    return doorstroom(db, van=VAN, tot=TOT, periode="maand")


def stap(db: Database, traject_id: int, trigger: str, naar: str | None, when: datetime) -> None:
    """One more event as the service writes it: the event and the version bump together."""
    with db.transaction() as session:
        row = session.execute(
            text("SELECT fase, version FROM trajecten WHERE id = :id"), {"id": traject_id}
        ).one()
        seq = session.execute(
            text("SELECT max(seq) FROM traject_events WHERE traject_id = :id"), {"id": traject_id}
        ).scalar_one()
        session.execute(
            text(
                'INSERT INTO traject_events (traject_id, seq, at, actor, "trigger", from_fase,'
                " to_fase) VALUES (:id, :seq, :at, 'test@example.org', :trigger, :van, :naar)"
            ),
            {
                "id": traject_id,
                "seq": seq + 1,
                "at": when.strftime("%Y-%m-%d %H:%M:%S.%f") if db.is_sqlite else when,
                "trigger": trigger,
                "van": row.fase,
                "naar": naar or row.fase,
            },
        )
        session.execute(
            text("UPDATE trajecten SET fase = :fase, version = :v WHERE id = :id"),
            {"fase": naar or row.fase, "v": row.version + 1, "id": traject_id},
        )


def verder(db: Database) -> None:
    """Further steps after the first report: phase changes, a fact, a new test flag."""
    okt = datetime(2026, 10, 28, 9, tzinfo=UTC)
    stap(db, 3, "naar_uitvoering", "uitvoering", okt)
    stap(db, 4, "stoppen", "gestopt", okt)
    stap(db, 11, "start_intake", "intake", okt)
    stap(db, 5, "gegevens_gewijzigd", None, okt)
    with db.transaction() as session:  # test data since: it must leave every figure
        session.execute(
            text("UPDATE trajecten SET is_test = true, version = version + 1 WHERE id = 6")
        )


def koud(db: Database) -> DoorstroomRapport:
    with db.transaction() as session:
        session.execute(text("UPDATE rapport_stand SET sleutel = '' WHERE id = 1"))
    return rapport(db)


def dagen(db: Database) -> dict[str, list[Any]]:
    """Every kept count table (rows that count), and the kept lead times."""
    tabellen = {
        bijhouden.FASE_DAG: "netto",
        bijhouden.STROOM_DAG: "aantal",
        bijhouden.DUUR_MAAND: "aantal",
        bijhouden.DUUR: None,
    }
    result = {}
    with db.read() as session:
        for tabel, waarde in tabellen.items():
            query = select(tabel).order_by(*tabel.primary_key.columns)
            if waarde:
                query = query.where(tabel.c[waarde] != 0)
            result[tabel.name] = [tuple(row) for row in session.execute(query)]
    return result


def samenvatting(db: Database) -> list[Any]:
    with db.read() as session:
        tabel = bijhouden.SAMENVATTING
        return [tuple(row) for row in session.execute(select(tabel).order_by(tabel.c.traject_id))]


def test_the_report_keeps_its_summary(rapport_geschiedenis: Database) -> None:
    rapport(rapport_geschiedenis)
    with rapport_geschiedenis.read() as session:
        rijen = session.execute(
            select(func.count()).select_from(bijhouden.SAMENVATTING)
        ).scalar_one()
    assert rijen == 17  # every traject, the test one too (its flag is kept, not counted)
    assert bijhouden.bijwerken(rapport_geschiedenis) == 0  # nothing changed since


def test_incremental_update_equals_a_cold_fold(
    rapport_geschiedenis: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = rapport_geschiedenis
    voor = rapport(db)
    verder(db)
    assert bijhouden.bijwerken(db) == 5
    warm = rapport(db)
    assert cijfers(warm) != cijfers(voor)
    warm_dagen, warm_rijen = dagen(db), samenvatting(db)
    cold = koud(db)
    assert cijfers(warm) == cijfers(cold)
    assert dagen(db) == warm_dagen
    assert samenvatting(db) == warm_rijen
    # and the report's own fold over the events (the path for a range ending in the past)
    monkeypatch.setattr(bijhouden, "bruikbaar", lambda session, bereik: False)
    assert cijfers(rapport(db)) == cijfers(cold)


def test_two_reports_at_once_keep_the_summary_whole(rapport_geschiedenis: Database) -> None:
    db = rapport_geschiedenis
    rapport(db)
    verder(db)
    start = threading.Barrier(2)
    uitkomst: list[Any] = []

    def run() -> None:
        start.wait()
        try:
            uitkomst.append(cijfers(rapport(db)))
        except Exception as exc:  # pragma: no cover - reported by the assert below
            uitkomst.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(uitkomst) == 2 and not any(isinstance(u, Exception) for u in uitkomst), uitkomst
    warm_dagen, warm_rijen = dagen(db), samenvatting(db)
    cold = cijfers(koud(db))
    assert uitkomst[0] == uitkomst[1] == cold
    assert dagen(db) == warm_dagen
    assert samenvatting(db) == warm_rijen


@pytest.mark.parametrize(
    ("van", "tot"),
    [
        (date(2026, 9, 10), date(2026, 10, 20)),  # partial months at both edges
        (date(2026, 9, 15), date(2026, 9, 25)),  # no whole month at all
        (date(2026, 8, 1), date(2026, 10, 31)),  # whole months only
        (date(2026, 8, 20), date(2026, 10, 31)),  # a partial first month
    ],
)
def test_lead_times_from_whole_months_and_edge_days_equal_a_count_of_every_one(
    rapport_geschiedenis: Database, van: date, tot: date
) -> None:
    db = rapport_geschiedenis
    rapport(db)
    verder(db)
    bijhouden.bijwerken(db)
    fasen, eindfasen = bijhouden.alle_fasen()
    bereik = queries.Bereik(
        programmas=("gwgb", "lv"),
        start=utc_middernacht(van),
        eind=utc_middernacht(tot + timedelta(days=1)),
        eindfasen=eindfasen,
        sqlite=db.is_sqlite,
        fasen=fasen,
    )
    duur, per_maand = bijhouden.duur()
    with db.read() as session:
        alles = queries.doorlooptijden(session, duur, bereik)
        per_maand_en_randen = queries.doorlooptijden(session, duur, bereik, per_maand)
    assert alles == per_maand_en_randen
    assert alles  # the range has lead times to compare


def test_db_upgrade_folds_the_summary_so_the_first_report_need_not(
    rapport_geschiedenis: Database,
    cli,  # type: ignore[no-untyped-def]
) -> None:
    db = rapport_geschiedenis
    rapport(db)
    migrate.downgrade(db.engine, "0010_report_dagdelen")
    result = cli("db", "upgrade")
    assert result.code == 0, result.err
    assert "Rapportsamenvatting bijgewerkt: 17 trajecten" in result.out
    assert bijhouden.bijwerken(db) == 0  # the report finds nothing left to fold
    assert len(dagen(db)["rapport_duur"]) > 0


@pytest.mark.parametrize(
    ("van", "tot"),
    [(VAN, TOT), (date(2026, 9, 10), date(2026, 10, 20))],  # whole months; edge days only
)
def test_a_range_ending_in_the_past_refolds_only_trajecten_with_later_events(
    rapport_geschiedenis: Database, monkeypatch: pytest.MonkeyPatch, van: date, tot: date
) -> None:
    db = rapport_geschiedenis
    rapport(db)
    verder(db)
    # traject 3 pauses in uitvoering before TOT, and again after it: the pause measured in the
    # range is the first one only
    stap(db, 3, PAUZEREN, GEPAUZEERD, datetime(2026, 10, 29, 9, tzinfo=UTC))
    stap(db, 3, HERVAT, "uitvoering", datetime(2026, 10, 30, 9, tzinfo=UTC))
    later = datetime(2026, 11, 5, 9, tzinfo=UTC)  # after TOT: the report must not see these
    stap(db, 3, PAUZEREN, GEPAUZEERD, datetime(2026, 11, 3, 9, tzinfo=UTC))
    stap(db, 3, HERVAT, "uitvoering", datetime(2026, 11, 4, 9, tzinfo=UTC))
    stap(db, 3, "afronden", "afgerond", later)
    stap(db, 7, "stoppen", "gestopt", later)
    stap(db, 11, "naar_matching", "matching", later)
    stap(db, 14, "naar_matching", "matching", later)  # the oldest in intake on TOT
    gevouwen: list[int] = []
    echt = queries.samenvatting

    def samenvatting(session: Any, bereik: Any, geraakt: Any = None) -> Any:
        tabel = echt(session, bereik, geraakt)
        if geraakt is not None:
            rijen = session.execute(select(func.count()).select_from(tabel)).scalar_one()
            gevouwen.append(rijen)
        return tabel

    monkeypatch.setattr(queries, "samenvatting", samenvatting)
    deels = doorstroom(db, van=van, tot=tot, periode="maand")
    eind = utc_middernacht(tot + timedelta(days=1))
    with db.read() as session:  # counted trajecten that existed on `tot` and changed since
        later = session.execute(
            text(
                "SELECT count(*) FROM trajecten t WHERE NOT t.is_test"
                " AND EXISTS (SELECT 1 FROM traject_events e WHERE e.traject_id = t.id"
                " AND e.at >= :eind) AND EXISTS (SELECT 1 FROM traject_events e"
                " WHERE e.traject_id = t.id AND e.at < :eind)"
            ),
            {"eind": eind.strftime("%Y-%m-%d %H:%M:%S.%f") if db.is_sqlite else eind},
        ).scalar_one()
    assert gevouwen == [later] and 3 <= later < 15  # only these were folded again
    assert deels.oudste[0].traject_id == 14  # still in intake on `tot`, as it was then
    # the same figures as a fold of the whole history up to the range's end
    monkeypatch.setattr(bijhouden, "vorm_past", lambda bereik: False)
    geheel = doorstroom(db, van=van, tot=tot, periode="maand")
    assert cijfers(deels) == cijfers(geheel)

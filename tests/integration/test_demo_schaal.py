"""`casework demo-data --scale`: deterministic from the seed, and every history replays."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from casework.db import Database, migrate
from casework.db.base import Base
from casework.services import demo_schaal, verify
from tests.conftest import create_pg_schema, drop_pg_schema

TOT = datetime(2026, 9, 1, tzinfo=UTC)
TABLES = [
    "besturen",
    "scholen",
    "adviseurs",
    "adviseur_profielen",
    "adviseur_sectoren",
    "adviseur_expertise",
    "contactpersonen",
    "oordelen",
    "trajecten",
    "traject_themas",
    "adviseur_toewijzingen",
    "traject_events",
]


def _dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    result = {}
    with db.engine.connect() as conn:
        for name in TABLES:
            table = Base.metadata.tables[name]
            order = list(table.primary_key.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).all()
            result[name] = [tuple(row) for row in rows]
    return result


def _second_database(db: Database, tmp_path: Path, sqlite_template: Path) -> tuple[Database, Any]:
    if db.engine.dialect.name == "sqlite":
        tmp_path.mkdir(exist_ok=True)
        path = tmp_path / "second.db"
        shutil.copy(sqlite_template, path)
        return Database(f"sqlite:///{path}"), None
    pg = create_pg_schema()
    other = Database(pg.url)
    migrate.upgrade(other.engine)
    return other, pg.schema


def test_same_seed_same_data_and_verify_passes(
    db: Database, cli: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    made = demo_schaal.generate_scale(db, scale="small", seed=7, tot=TOT)
    assert made["besturen"] == 20 and made["adviseurs"] == 10 and made["trajecten"] == 80
    assert made["scholen"] > 20 and made["stappen"] > made["trajecten"] * 3
    other, schema = _second_database(db, tmp_path, sqlite_template)
    try:
        demo_schaal.generate_scale(other, scale="small", seed=7, tot=TOT)
        first, second = _dump(db), _dump(other)
        assert first == second
        assert len(first["traject_events"]) == made["stappen"]
        # another seed gives another population
        third, schema3 = _second_database(db, tmp_path / "3", sqlite_template)
    finally:
        other.dispose()
        if schema:
            drop_pg_schema(schema)
    try:
        demo_schaal.generate_scale(third, scale="small", seed=8, tot=TOT)
        assert _dump(third)["trajecten"] != first["trajecten"]
    finally:
        third.dispose()
        if schema3:
            drop_pg_schema(schema3)
    report = verify.verify(db)
    assert report.ok, report.afwijkingen[:3]
    assert report.gecontroleerd == 80
    result = cli("verify")
    assert result.code == 0, result.out + result.err
    # the rows spread over the phases, and the paused ones remember where they were
    with db.engine.connect() as conn:
        fasen = {
            row[0]: row[1]
            for row in conn.execute(sa.text("SELECT fase, COUNT(*) FROM trajecten GROUP BY fase"))
        }
        assert {"afgerond", "gestopt"} <= set(fasen)
        assert (
            conn.execute(
                sa.text(
                    "SELECT COUNT(*) FROM trajecten "
                    "WHERE fase = 'gepauzeerd' AND paused_from IS NULL"
                )
            ).scalar_one()
            == 0
        )


def test_scale_cli_on_top_of_existing_data_keeps_ids_apart(db: Database, cli: Any) -> None:
    result = cli("demo-data", "--scale", "small", "--seed", "3")
    assert result.code == 0, result.out + result.err
    assert "80 trajecten" in result.out
    # a second run adds to the first (ids offset, sequences moved on PostgreSQL)
    result = cli("demo-data", "--scale", "small", "--seed", "4")
    assert result.code == 0, result.out + result.err
    assert cli("verify").code == 0
    assert verify.count(db) == 160
    # the services still work after the bulk insert: a new aanmelding gets a fresh id
    result = cli(
        "traject",
        "aanmelden",
        "--programma",
        "lv",
        "--school",
        _a_brin(db),
        "--oordeel",
        "onvoldoende",
        "--vraag",
        "Hulp graag.",
        "--contact-naam",
        "Anouk Smit",
        "--contact-email",
        "anouk@school.example.nl",
    )
    assert result.code == 0, result.out + result.err
    assert int(result.out.strip()) == 161


def _a_brin(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(
            conn.execute(
                sa.text("SELECT brin FROM scholen WHERE sector = 'po' ORDER BY id LIMIT 1")
            ).scalar_one_or_none()
        )


def test_unknown_scale_is_refused(db: Database, cli: Any) -> None:
    result = cli("demo-data", "--scale", "heel-groot")
    assert result.code == 1
    assert "Onbekende schaal" in result.out + result.err
    assert verify.count(db) == 0

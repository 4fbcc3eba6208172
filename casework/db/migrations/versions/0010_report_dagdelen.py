"""report dagdelen: counts and shares per programme and day, per adviseur and month, kept

Revision ID: 0010_report_dagdelen
Revises: 0009_report_summary

The report's budget burn and adviseur utilisation scanned every dagdeel on every run (0.8-1.6 s
at 1,000,000 dagdelen). These tables hold the same sums, kept up to date by triggers on
`dagdelen`, so the report reads a few thousand rows:
- `rapport_dagdeel_dag`: per programme and day, the dagdelen that count (not `vervallen`) and
  the sums of their `school_aandeel` and `programma_aandeel` in whole ten-thousandths (the
  shares are Numeric(5,4); integers keep the sums exact on SQLite too);
- `rapport_dagdeel_maand`: per adviseur, programme and month (its first day) the dagdelen
  that count.
Test trajecten are in both: the report subtracts their few dagdelen live, finding the test
trajecten by the partial index `ix_trajecten_test`. Rows whose sums fall back to 0 stay (the
report ignores them).

Triggers: an inserted dagdeel that counts is added, a deleted one that counted is subtracted,
an update subtracts the old row and adds the new one (a correction flips `vervallen`).
SQLite has row triggers only; PostgreSQL gets statement triggers over transition tables, so a
bulk COPY or a set-based UPDATE costs one grouped upsert per table, in key order (concurrent
statements lock the aggregate rows in the same order). TRUNCATE empties the aggregates too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_report_dagdelen"
down_revision = "0009_report_summary"
branch_labels = None
depends_on = None

#: columns of a dagdeel whose change moves the aggregates (SQLite's UPDATE OF list)
KOLOMMEN = "vervallen, programma, datum, adviseur_id, school_aandeel, programma_aandeel"


def upgrade() -> None:
    op.create_table(
        "rapport_dagdeel_dag",
        sa.Column("programma", sa.String(20), primary_key=True),
        sa.Column("dag", sa.Date(), primary_key=True),
        sa.Column("dagdelen", sa.Integer(), nullable=False),
        sa.Column("school_e4", sa.BigInteger(), nullable=False),
        sa.Column("programma_e4", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "rapport_dagdeel_maand",
        sa.Column("adviseur_id", sa.Integer(), primary_key=True),
        sa.Column("programma", sa.String(20), primary_key=True),
        sa.Column("maand", sa.Date(), primary_key=True),
        sa.Column("dagdelen", sa.Integer(), nullable=False),
    )
    # the report subtracts the dagdelen of test trajecten live: find those few by index, not by
    # a scan of every traject (the condition as the report writes it, for SQLite's sake)
    op.create_index(
        "ix_trajecten_test",
        "trajecten",
        ["id"],
        sqlite_where=sa.text("is_test = 1"),
        postgresql_where=sa.text("is_test = true"),
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers()
    else:
        _postgresql_triggers()
    _backfill()


def _e4(kolom: str, sqlite: bool) -> str:
    """A share as whole ten-thousandths (SQLite keeps Numeric as a float, rounding is exact)."""
    if sqlite:
        return f"CAST(round({kolom} * 10000) AS INTEGER)"
    return f"CAST({kolom} * 10000 AS INTEGER)"


def _maand(kolom: str, sqlite: bool) -> str:
    if sqlite:  # a date is 'YYYY-MM-DD' text there, so is its month's first day
        return f"date({kolom}, 'start of month')"
    return f"CAST(date_trunc('month', {kolom}) AS date)"


def _sqlite_upserts(rij: str, teken: str) -> str:
    """The two upserts that add (teken '') or subtract (teken '-') one dagdeel `rij`."""
    school = _e4(f"{rij}.school_aandeel", True)
    programma = _e4(f"{rij}.programma_aandeel", True)
    # VALUES, not SELECT: no parsing ambiguity before ON CONFLICT (no `WHERE true` needed)
    return f"""
        INSERT INTO rapport_dagdeel_dag (programma, dag, dagdelen, school_e4, programma_e4)
        VALUES ({rij}.programma, {rij}.datum, {teken}1, {teken}{school}, {teken}{programma})
        ON CONFLICT (programma, dag) DO UPDATE SET
            dagdelen = dagdelen + excluded.dagdelen,
            school_e4 = school_e4 + excluded.school_e4,
            programma_e4 = programma_e4 + excluded.programma_e4;
        INSERT INTO rapport_dagdeel_maand (adviseur_id, programma, maand, dagdelen)
        VALUES ({rij}.adviseur_id, {rij}.programma, {_maand(f"{rij}.datum", True)}, {teken}1)
        ON CONFLICT (adviseur_id, programma, maand) DO UPDATE SET
            dagdelen = dagdelen + excluded.dagdelen;"""


def _sqlite_triggers() -> None:
    # row triggers; WHEN keeps dagdelen that do not count out of them entirely
    op.execute(
        "CREATE TRIGGER dagdelen_rapport_insert AFTER INSERT ON dagdelen "
        f"WHEN NOT NEW.vervallen BEGIN {_sqlite_upserts('NEW', '')} END"
    )
    op.execute(
        "CREATE TRIGGER dagdelen_rapport_delete AFTER DELETE ON dagdelen "
        f"WHEN NOT OLD.vervallen BEGIN {_sqlite_upserts('OLD', '-')} END"
    )
    # an update is two triggers: the old row out if it counted, the new one in if it counts
    op.execute(
        f"CREATE TRIGGER dagdelen_rapport_update_oud AFTER UPDATE OF {KOLOMMEN} ON dagdelen "
        f"WHEN NOT OLD.vervallen BEGIN {_sqlite_upserts('OLD', '-')} END"
    )
    op.execute(
        f"CREATE TRIGGER dagdelen_rapport_update_nieuw AFTER UPDATE OF {KOLOMMEN} ON dagdelen "
        f"WHEN NOT NEW.vervallen BEGIN {_sqlite_upserts('NEW', '')} END"
    )


def _pg_delta(bronnen: list[tuple[str, str]]) -> str:
    """Grouped upserts of the dagdelen in transition tables `bronnen` (name, sign)."""
    school = _e4("school_aandeel", False)
    programma = _e4("programma_aandeel", False)
    dag = " UNION ALL ".join(
        f"SELECT programma, datum, {teken}1 AS n, {teken}{school} AS s, "
        f"{teken}{programma} AS p FROM {naam} WHERE NOT vervallen"
        for naam, teken in bronnen
    )
    maand = " UNION ALL ".join(
        f"SELECT adviseur_id, programma, {_maand('datum', False)} AS maand, {teken}1 AS n "
        f"FROM {naam} WHERE NOT vervallen"
        for naam, teken in bronnen
    )
    # HAVING: an update that moves nothing (a note, or old and new equal) locks no row;
    # ORDER BY: concurrent statements take the aggregate rows' locks in one order
    return f"""
        INSERT INTO rapport_dagdeel_dag AS t (programma, dag, dagdelen, school_e4, programma_e4)
        SELECT programma, datum, sum(n), sum(s), sum(p) FROM ({dag}) d
        GROUP BY programma, datum
        HAVING sum(n) <> 0 OR sum(s) <> 0 OR sum(p) <> 0
        ORDER BY programma, datum
        ON CONFLICT (programma, dag) DO UPDATE SET
            dagdelen = t.dagdelen + excluded.dagdelen,
            school_e4 = t.school_e4 + excluded.school_e4,
            programma_e4 = t.programma_e4 + excluded.programma_e4;
        INSERT INTO rapport_dagdeel_maand AS t (adviseur_id, programma, maand, dagdelen)
        SELECT adviseur_id, programma, maand, sum(n) FROM ({maand}) m
        GROUP BY adviseur_id, programma, maand
        HAVING sum(n) <> 0
        ORDER BY adviseur_id, programma, maand
        ON CONFLICT (adviseur_id, programma, maand) DO UPDATE SET
            dagdelen = t.dagdelen + excluded.dagdelen;"""


def _postgresql_triggers() -> None:
    op.execute(
        f"""CREATE FUNCTION dagdelen_rapport() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN {_pg_delta([("nieuw", "")])}
            ELSIF TG_OP = 'DELETE' THEN {_pg_delta([("oud", "-")])}
            ELSIF TG_OP = 'UPDATE' THEN {_pg_delta([("oud", "-"), ("nieuw", "")])}
            ELSE
                DELETE FROM rapport_dagdeel_dag;
                DELETE FROM rapport_dagdeel_maand;
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql"""
    )
    # one event per trigger: transition tables allow no more
    op.execute(
        "CREATE TRIGGER dagdelen_rapport_insert AFTER INSERT ON dagdelen "
        "REFERENCING NEW TABLE AS nieuw "
        "FOR EACH STATEMENT EXECUTE FUNCTION dagdelen_rapport()"
    )
    op.execute(
        "CREATE TRIGGER dagdelen_rapport_delete AFTER DELETE ON dagdelen "
        "REFERENCING OLD TABLE AS oud "
        "FOR EACH STATEMENT EXECUTE FUNCTION dagdelen_rapport()"
    )
    op.execute(
        "CREATE TRIGGER dagdelen_rapport_update AFTER UPDATE ON dagdelen "
        "REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw "
        "FOR EACH STATEMENT EXECUTE FUNCTION dagdelen_rapport()"
    )
    op.execute(
        "CREATE TRIGGER dagdelen_rapport_truncate AFTER TRUNCATE ON dagdelen "
        "FOR EACH STATEMENT EXECUTE FUNCTION dagdelen_rapport()"
    )


def _backfill() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    school = _e4("school_aandeel", sqlite)
    programma = _e4("programma_aandeel", sqlite)
    niet_vervallen = "NOT vervallen"
    op.execute(
        "INSERT INTO rapport_dagdeel_dag (programma, dag, dagdelen, school_e4, programma_e4) "
        f"SELECT programma, datum, count(*), sum({school}), sum({programma}) FROM dagdelen "
        f"WHERE {niet_vervallen} GROUP BY programma, datum"
    )
    maand = _maand("datum", sqlite)
    op.execute(
        "INSERT INTO rapport_dagdeel_maand (adviseur_id, programma, maand, dagdelen) "
        f"SELECT adviseur_id, programma, {maand}, count(*) FROM dagdelen "
        f"WHERE {niet_vervallen} GROUP BY adviseur_id, programma, {maand}"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for naam in ("insert", "delete", "update_oud", "update_nieuw"):
            op.execute(f"DROP TRIGGER IF EXISTS dagdelen_rapport_{naam}")
    else:
        for naam in ("insert", "delete", "update", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS dagdelen_rapport_{naam} ON dagdelen")
        op.execute("DROP FUNCTION IF EXISTS dagdelen_rapport()")
    op.drop_index("ix_trajecten_test", table_name="trajecten")
    op.drop_table("rapport_dagdeel_maand")
    op.drop_table("rapport_dagdeel_dag")

"""The dagdelen that count, summed per programme and day and per adviseur and month.

Triggers on `dagdelen` keep both tables up to date (migration 0010_report_dagdelen), so the
budget burn and the utilisation (`casework.reports.geld`) read a few thousand rows instead of
every dagdeel. Test trajecten are in the sums: a reader subtracts their dagdelen (`testdelen`).
Shares are summed in whole ten-thousandths (`school_e4`, `programma_e4`), exact on SQLite too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Date,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    and_,
    cast,
    func,
    select,
    true,
)

from casework.db.finance import Dagdeel
from casework.db.models import Traject

METADATA = MetaData()
#: per programme and day: the dagdelen that count and the sums of their shares (x 10,000)
DAG = Table(
    "rapport_dagdeel_dag",
    METADATA,
    Column("programma", String(20), primary_key=True),
    Column("dag", Date, primary_key=True),
    Column("dagdelen", Integer, nullable=False),
    Column("school_e4", BigInteger, nullable=False),
    Column("programma_e4", BigInteger, nullable=False),
)
#: per adviseur, programme and month (its first day): the dagdelen that count
MAAND = Table(
    "rapport_dagdeel_maand",
    METADATA,
    Column("adviseur_id", Integer, primary_key=True),
    Column("programma", String(20), primary_key=True),
    Column("maand", Date, primary_key=True),
    Column("dagdelen", Integer, nullable=False),
)


def e4(aandeel: Any, sqlite: bool) -> ColumnElement[int]:
    """A dagdeel's share in whole ten-thousandths, as the triggers sum it."""
    if sqlite:  # SQLite keeps a Numeric as a float: round before the cast
        return cast(func.round(aandeel * 10000), Integer)
    return cast(aandeel * 10000, Integer)


def tellende(programmas: tuple[str, ...], van: date, tot: date) -> ColumnElement[bool]:
    """The dagdelen of `programmas` in [van, tot] that count (test trajecten included)."""
    return and_(
        Dagdeel.vervallen.is_(False),
        Dagdeel.datum >= van,
        Dagdeel.datum <= tot,
        Dagdeel.programma.in_(programmas),
    )


def testtrajecten() -> Select[tuple[int]]:
    """The ids of the test trajecten (few, found by the partial index `ix_trajecten_test`)."""
    # `= true` exactly as the index's condition: SQLite uses a partial index only then
    return select(Traject.id).where(Traject.is_test == true())


def testdelen(programmas: tuple[str, ...], van: date, tot: date) -> ColumnElement[bool]:
    """The dagdelen in the sums that the report leaves out: those of test trajecten."""
    # test trajecten are few: their dagdelen come by index (traject_id, vervallen)
    return and_(tellende(programmas, van, tot), Dagdeel.traject_id.in_(testtrajecten()))

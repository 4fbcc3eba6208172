"""Benchmark: the invoice run for N LV trajecten with 20 dagdelen each.

    /work/venv/bin/python bench/invoicing.py [--sizes 1000,3000,10000] [--backend sqlite,postgres]

For each size: a fresh migrated database filled in bulk (one school, one adviseur per traject,
20 dagdelen in November 2026: 10 days, morning and afternoon; more than the 16-dagdelen budget,
so the rows are written directly), then `facturen.run` timed (best of two, invoices emptied
in between), then once more under tracemalloc for its peak Python memory. The baseline, in the
same run, is a naive row-by-row run (one ORM object and one flush per dagdeel) on the smallest
size; the report gives the ratio and how time grows from the smallest to the largest size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress

# the repository root, not bench/ (bench/transitions.py would shadow the transitions package)
sys.path[0] = str(Path(__file__).resolve().parents[1])

from casework.db import Database, migrate  # noqa: E402
from casework.db.finance import Dagdeel, Factuur, FactuurRegel  # noqa: E402
from casework.db.models import Adviseur, Bestuur, School, Traject  # noqa: E402
from casework.services import facturen  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DAYS = [date(2026, 11, 2) + timedelta(days=i) for i in range(14) if (2 + i) % 7 not in (0, 6)]
console = Console()


def _fill(db: Database, n: int) -> None:
    """N besturen, scholen, adviseurs and trajecten, and 20 dagdelen per traject, in bulk."""
    now = datetime.now(UTC)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    chunk = 2000
    with db.transaction() as session:
        for start in range(0, n, chunk):
            ids = range(start + 1, min(start + chunk, n) + 1)
            session.execute(
                sa.insert(Bestuur),
                [
                    {
                        "id": i,
                        "bestuursnummer": f"{i:05d}",
                        "naam": f"Bestuur {i}",
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
            session.execute(
                sa.insert(School),
                [
                    {
                        "id": i,
                        "brin": f"{i % 100:02d}{letters[i // 100 % 26]}{letters[i // 2600]}",
                        "naam": f"School {i}",
                        "bestuur_id": i,
                        "sector": "po",
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
            session.execute(
                sa.insert(Adviseur),
                [
                    {
                        "id": i,
                        "naam": f"Adviseur {i}",
                        "email": f"a{i}@advies.nl",
                        "actief": True,
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
            session.execute(
                sa.insert(Traject),
                [
                    {
                        "id": i,
                        "programma": "lv",
                        "definitie_versie": 1,
                        "bestuur_id": i,
                        "school_id": i,
                        "fase": "uitvoering",
                        "fase_sinds": now,
                        "version": 1,
                        "werkdagen_voor_pauze": 0,
                        "adviseur_id": i,
                        "adviseur_geaccepteerd": True,
                        "is_test": False,
                        "aangemeld_op": now,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in ids
                ],
            )
            session.execute(
                sa.insert(Dagdeel),
                [
                    {
                        "traject_id": i,
                        "adviseur_id": i,
                        "datum": day,
                        "deel": deel,
                        "activiteit": "uitvoering",
                        "programma": "lv",
                        "school_aandeel": Decimal("0.50"),
                        "programma_aandeel": Decimal("0.50"),
                        "vervallen": False,
                        "actor": "bench",
                        "created_at": now,
                    }
                    for i in ids
                    for day in DAYS[:10]
                    for deel in ("ochtend", "middag")
                ],
            )


def _empty_invoices(db: Database) -> None:
    with db.transaction() as session:
        session.execute(sa.delete(FactuurRegel))
        session.execute(sa.delete(Factuur))


def _naive_run(db: Database, periode: str) -> int:
    """The baseline: what a first version would do, one dagdeel and one flush at a time."""
    _, end = facturen.parse_periode(periode)
    made = 0
    with db.transaction() as session:
        rate = facturen.rates(session)[("lv", 2026)]
        for dagdeel in session.scalars(sa.select(Dagdeel).where(Dagdeel.datum <= end)):
            if session.scalar(
                sa.select(FactuurRegel.id).where(FactuurRegel.dagdeel_id == dagdeel.id)
            ):
                continue
            traject = session.get_one(Traject, dagdeel.traject_id)
            factuur = session.scalar(
                sa.select(Factuur).where(
                    Factuur.school_id == traject.school_id, Factuur.status == "concept"
                )
            )
            if factuur is None:
                factuur = Factuur(
                    programma="lv",
                    periode=periode,
                    school_id=traject.school_id,
                    bestuur_id=traject.bestuur_id,
                    bedrag_excl=Decimal(0),
                    btw_bedrag=Decimal(0),
                    bedrag_incl=Decimal(0),
                    actor="naive",
                )
                session.add(factuur)
                session.flush()
            prijs = facturen.cents(rate.per_dagdeel * dagdeel.school_aandeel)
            session.add(
                FactuurRegel(
                    factuur_id=factuur.id,
                    dagdeel_id=dagdeel.id,
                    traject_id=traject.id,
                    datum=dagdeel.datum,
                    omschrijving="dagdeel",
                    aantal=Decimal(1),
                    tarief=rate.per_dagdeel,
                    aandeel=dagdeel.school_aandeel,
                    prijs=prijs,
                    bedrag=prijs,
                    btw_percentage=rate.btw_percentage,
                )
            )
            factuur.bedrag_excl += prijs
            session.flush()
            made += 1
    return made


class Backend:
    def __init__(self, name: str) -> None:
        self.name = name
        self.schema: str | None = None
        self.tmp = tempfile.TemporaryDirectory()

    def fresh(self) -> Database:
        if self.name == "sqlite":
            path = Path(self.tmp.name) / f"{uuid.uuid4().hex}.db"
            db = Database(f"sqlite:///{path}")
        else:
            self.drop()
            self.schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = sa.create_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
            admin.dispose()
            db = Database(f"{PG_URL}?options=-csearch_path%3D{self.schema}")
        migrate.upgrade(db.engine)
        return db

    def drop(self) -> None:
        if self.schema:
            admin = sa.create_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            admin.dispose()
            self.schema = None


def measure(backend: Backend, n: int, progress: Progress) -> dict[str, float]:
    db = backend.fresh()
    task = progress.add_task(f"{backend.name} {n:>6} trajecten: vullen", total=None)
    _fill(db, n)
    progress.update(task, description=f"{backend.name} {n:>6} trajecten: run", total=1)
    timings = []
    for _ in range(2):  # best of two: the machine is shared, the minimum is the least disturbed
        t0 = time.perf_counter()
        result = facturen.run(db, periode="2026-11", actor="bench")
        timings.append(time.perf_counter() - t0)
        assert result.regels == n * 20 and result.facturen == n
        assert result.bedrag_excl == Decimal("5715.00") * n
        _empty_invoices(db)
    seconds = min(timings)
    tracemalloc.start()
    facturen.run(db, periode="2026-11", actor="bench")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    progress.update(task, completed=1)
    db.dispose()
    return {"seconds": seconds, "peak_mib": peak / 2**20, "lines": n * 20}


def baseline(backend: Backend, n: int) -> float:
    db = backend.fresh()
    _fill(db, n)
    t0 = time.perf_counter()
    assert _naive_run(db, "2026-11") == n * 20
    seconds = time.perf_counter() - t0
    db.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--backend", default="sqlite,postgres")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    for name in args.backend.split(","):
        backend = Backend(name)
        try:
            with Progress(console=console, transient=True) as progress:
                rows = {n: measure(backend, n, progress) for n in sizes}
                base = baseline(backend, sizes[0])
        finally:
            backend.drop()
        console.print(f"\n### {name}\n")
        console.print("| trajecten | dagdelen | run (s) | dagdelen/s | peak Python memory (MiB) |")
        console.print("| ---: | ---: | ---: | ---: | ---: |")
        for n, r in rows.items():
            console.print(
                f"| {n:,} | {r['lines']:,} | {r['seconds']:.2f} | "
                f"{r['lines'] / r['seconds']:,.0f} | {r['peak_mib']:.1f} |"
            )
        small, large = rows[sizes[0]], rows[sizes[-1]]
        console.print(
            f"\nGrowth {sizes[0]:,} → {sizes[-1]:,} trajecten (x{sizes[-1] / sizes[0]:.0f}): "
            f"time x{large['seconds'] / small['seconds']:.1f}."
        )
        console.print(
            f"Baseline (naive row-by-row run, {sizes[0]:,} trajecten): {base:.2f} s; "
            f"set-based run is {base / small['seconds']:.1f}x faster."
        )


if __name__ == "__main__":
    main()

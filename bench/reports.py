"""Benchmark: the full throughput report over a generated national-scale history.

    /work/venv/bin/python bench/reports.py [--sizes 10000,30000,100000] [--events-per-traject 20]
                                           [--dagdelen-per-traject 10] [--backends sqlite,postgres]

For each size and backend it generates trajecten with their events (every phase change and fact,
20 per traject on average) and dagdelen (10 per traject) with fast bulk inserts (executemany on
SQLite, COPY on PostgreSQL) into a scratch database outside the repository (a temp file; a
schema of its own that is dropped afterwards), then times `doorstroom` (every figure: flow,
work in progress, lead times with percentiles, aging, outcomes, utilisation, budget) per month
over the whole history plus rendering the HTML report: the first report (a cold fold into the
kept summary of migration 0009), cold (summary forgotten), warm (nothing changed), warm after
`--changes` new events, and a range ending before the latest events (the kept rows of the
trajecten without later events, a fold of its own for the others).
Baseline in the same run: one full scan of `traject_events` (`SELECT count(*), max(at)`), so
the ratio says how many scans the report costs. Peak memory: tracemalloc's peak of Python
allocations during one report, and the process's max RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
# the script's own folder holds bench/transitions.py, which would shadow the library
sys.path[0] = str(ROOT)

from casework.db import Database, migrate  # noqa: E402
from casework.reports import doorstroom  # noqa: E402
from casework.reports.html import als_html  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START = datetime(2023, 8, 1, 8, tzinfo=UTC)
DAGEN = 1200  # sign-ups spread over about three school years
ADVISEURS = 400
PAD = [
    ("start_intake", "intake"),
    ("naar_matching", "matching"),
    ("naar_kennismaking", "kennismaking"),
    ("naar_plan", "plan"),
    ("naar_uitvoering", "uitvoering"),
    ("afronden", "afgerond"),
]
console = Console()


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def traject_rows(n: int, per_traject: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """(traject row, its event rows) for n trajecten; each has `per_traject` events."""
    for tid in range(1, n + 1):
        programma = "lv" if tid % 3 else "gwgb"
        t = START + timedelta(days=rng.uniform(0, DAGEN), hours=rng.uniform(0, 8))
        events: list[tuple[Any, ...]] = [(tid, 1, t, "aanmelden", None, "aanmelding", None)]
        fase = "aanmelding"
        # 10% afgewezen at intake, 5% gestopt later, the rest runs as far as time allows
        lot = rng.random()
        steps = 6 if lot < 0.85 else 2
        for i, (trigger, dest) in enumerate(PAD[:steps]):
            t += timedelta(days=rng.expovariate(1 / (4 + 6 * i)))
            if t > START + timedelta(days=DAGEN + 60):
                break
            if i == 2:  # a confirmed match before the kennismaking
                t2 = t - timedelta(days=rng.uniform(0, 2))
                events.append((tid, 0, t2, "adviseur_geaccepteerd", fase, fase, None))
            if lot >= 0.85 and i == 1:
                trigger, dest = ("afwijzen", "afgewezen") if lot < 0.95 else ("stoppen", "gestopt")
            events.append((tid, 0, t, trigger, fase, dest, None))
            fase = dest
            if dest in ("afgewezen", "gestopt"):
                break
        last = events[-1][2]
        while len(events) < per_traject:  # facts in between keep the phase
            events.append((tid, 0, last, "gegevens_gewijzigd", fase, fase, None))
        events.sort(key=lambda e: (e[2], e[1] == 0))
        rows = [
            (tid, seq, _ts(at), "bench@example.org", trig, van, naar, None)
            for seq, (_, _, at, trig, van, naar, _) in enumerate(events, start=1)
        ]
        traject = (
            tid,
            programma,
            1,
            1 + tid % 2000,
            None,
            None,
            fase,
            _ts(last),
            0,
            1,
            False,
            False,
            _ts(events[0][2]),
            _ts(events[0][2]),
            _ts(last),
        )
        yield traject, rows


TRAJECT_COLS = (
    "id",
    "programma",
    "definitie_versie",
    "bestuur_id",
    "school_id",
    "adviseur_id",
    "fase",
    "fase_sinds",
    "werkdagen_voor_pauze",
    "version",
    "is_test",
    "adviseur_geaccepteerd",
    "aangemeld_op",
    "created_at",
    "updated_at",
)
EVENT_COLS = ("traject_id", "seq", "at", "actor", "trigger", "from_fase", "to_fase", "data")
DAGDEEL_COLS = (
    "traject_id",
    "adviseur_id",
    "datum",
    "deel",
    "activiteit",
    "programma",
    "school_aandeel",
    "programma_aandeel",
    "vervallen",
    "actor",
    "created_at",
)


def dagdeel_rows(n: int, per_traject: int) -> Iterator[tuple[Any, ...]]:
    # slot k belongs to adviseur k % ADVISEURS: no adviseur ever has two on one half-day
    for k in range(n * per_traject):
        tid = k // per_traject + 1
        slot = k // ADVISEURS
        day = date(2023, 8, 1) + timedelta(days=slot // 2)
        lv = tid % 3 != 0
        yield (
            tid,
            k % ADVISEURS + 1,
            day.isoformat(),
            ("ochtend", "middag")[slot % 2],
            "gesprek",
            "lv" if lv else "gwgb",
            "0.5" if lv else "0",
            "0.5" if lv else "1",
            False,
            "bench@example.org",
            "2026-01-01 00:00:00.000000",
        )


def _base_rows(conn: Any, insert: Any) -> None:
    insert(
        conn,
        "besturen",
        ("id", "bestuursnummer", "naam", "created_at"),
        [(i, f"{i:05d}", f"Bestuur {i}", "2023-01-01 00:00:00") for i in range(1, 2001)],
    )
    insert(
        conn,
        "adviseurs",
        ("id", "naam", "email", "actief", "created_at"),
        [
            (i, f"Adviseur {i:03d}", f"a{i}@example.org", True, "2023-01-01 00:00:00")
            for i in range(1, ADVISEURS + 1)
        ],
    )
    insert(
        conn,
        "adviseur_profielen",
        ("adviseur_id", "dagdelen_per_maand", "max_trajecten", "updated_at"),
        [(i, 40, 10, "2023-01-01 00:00:00") for i in range(1, ADVISEURS + 1)],
    )


def generate(db: Database, n: int, per_traject: int, dagdelen: int) -> None:
    rng = random.Random(8)
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.is_sqlite:

            def insert(_: Any, table: str, cols: tuple[str, ...], rows: Any) -> None:
                marks = ", ".join("?" for _ in cols)
                cur.executemany(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", list(rows)
                )
        else:

            def insert(_: Any, table: str, cols: tuple[str, ...], rows: Any) -> None:
                quoted = ", ".join(f'"{c}"' for c in cols)
                with cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)

        _base_rows(cur, insert)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"{n:,} trajecten", total=n)
            batch_t: list[Any] = []
            batch_e: list[Any] = []
            for traject, events in traject_rows(n, per_traject, rng):
                batch_t.append(traject)
                batch_e.extend(events)
                if len(batch_t) == 5000:
                    insert(cur, "trajecten", TRAJECT_COLS, batch_t)
                    insert(cur, "traject_events", EVENT_COLS, batch_e)
                    progress.advance(task, len(batch_t))
                    batch_t, batch_e = [], []
            if batch_t:
                insert(cur, "trajecten", TRAJECT_COLS, batch_t)
                insert(cur, "traject_events", EVENT_COLS, batch_e)
                progress.advance(task, len(batch_t))
            if dagdelen:
                task = progress.add_task("dagdelen", total=n * dagdelen)
                batch: list[Any] = []
                for row in dagdeel_rows(n, dagdelen):
                    batch.append(row)
                    if len(batch) == 50000:
                        insert(cur, "dagdelen", DAGDEEL_COLS, batch)
                        progress.advance(task, len(batch))
                        batch = []
                if batch:
                    insert(cur, "dagdelen", DAGDEEL_COLS, batch)
        raw.commit()
    finally:
        raw.close()
    # fresh statistics (and, on PostgreSQL, a visibility map for index-only scans), as
    # autovacuum would have them on a live database
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE" if db.is_sqlite else "VACUUM ANALYZE"))


def scan(db: Database) -> float:
    started = time.perf_counter()
    with db.engine.connect() as conn:
        conn.execute(sa.text("SELECT count(*), max(at) FROM traject_events")).one()
    return time.perf_counter() - started


#: the whole history: the last generated event lies before this day (the kept summary answers)
TOT = date(2027, 1, 31)
#: a range that ends before the latest events: the trajecten with later events are folded again
TOT_VERLEDEN = date(2026, 11, 20)


def report(db: Database, tot: date = TOT) -> tuple[float, float]:
    """Wall time and this process's CPU time (SQLite works in-process: on a busy machine the
    CPU time is what the report costs; PostgreSQL's work is in the server's processes)."""
    started, cpu = time.perf_counter(), time.process_time()
    rapport = doorstroom(db, van=date(2023, 8, 1), tot=tot, periode="maand")
    als_html(rapport)
    return time.perf_counter() - started, time.process_time() - cpu


def cold(db: Database) -> tuple[float, float]:
    """A report after forgetting the kept summary: it folds every traject's history again."""
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE rapport_stand SET sleutel = '' WHERE id = 1"))
    return report(db)


def new_events(db: Database, n: int, rng: random.Random) -> None:
    """n more events on n trajecten as the service writes them (event plus version bump): a
    stop for a traject still running, a fact for an ended one, on 20 January 2027."""
    at = "2027-01-20 10:00:00.000000"
    with db.engine.begin() as conn:
        total = conn.execute(sa.text("SELECT max(id) FROM trajecten")).scalar_one()
        for tid in rng.sample(range(1, total + 1), n):
            fase, version = conn.execute(
                sa.text("SELECT fase, version FROM trajecten WHERE id = :id"), {"id": tid}
            ).one()
            seq = conn.execute(
                sa.text("SELECT max(seq) FROM traject_events WHERE traject_id = :id"), {"id": tid}
            ).scalar_one()
            running = fase not in ("afgerond", "afgewezen", "gestopt")
            naar = "gestopt" if running else fase
            conn.execute(
                sa.text(
                    'INSERT INTO traject_events (traject_id, seq, at, actor, "trigger", '
                    "from_fase, to_fase) VALUES (:id, :seq, :at, 'bench@example.org', :trigger,"
                    " :van, :naar)"
                ),
                {
                    "id": tid,
                    "seq": seq + 1,
                    "at": at if db.is_sqlite else datetime.fromisoformat(at + "+00:00"),
                    "trigger": "stoppen" if running else "gegevens_gewijzigd",
                    "van": fase,
                    "naar": naar,
                },
            )
            conn.execute(
                sa.text("UPDATE trajecten SET fase = :f, version = :v WHERE id = :id"),
                {"f": naar, "v": version + 1, "id": tid},
            )


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def measure(db: Database, repeat: int, changes: int) -> dict[str, Any]:
    first = report(db)  # the very first report: a cold fold on a cold cache
    cold_runs = [cold(db) for _ in range(repeat)]
    warm_runs = [report(db) for _ in range(repeat)]
    rng = random.Random(9)
    changed_runs = []
    for _ in range(repeat):
        new_events(db, changes, rng)
        changed_runs.append(report(db))
    past_runs = [report(db, TOT_VERLEDEN) for _ in range(repeat)]
    scans = [scan(db) for _ in range(repeat)]
    tracemalloc.start()
    report(db)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    warm, warm_cpu = _median(warm_runs)
    return {
        "first_s": first[0],
        "cold_s": _median(cold_runs)[0],
        "cold_cpu_s": _median(cold_runs)[1],
        "report_s": warm,
        "report_cpu_s": warm_cpu,
        "changed_s": _median(changed_runs)[0],
        "changed_cpu_s": _median(changed_runs)[1],
        "past_s": _median(past_runs)[0],
        "past_cpu_s": _median(past_runs)[1],
        "load": os.getloadavg()[0],
        "scan_s": statistics.median(scans),
        "peak_mib": peak / 2**20,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run(backend: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    if backend == "sqlite":
        tmp = tempfile.TemporaryDirectory(prefix="bench-reports-")
        db = Database(f"sqlite:///{tmp.name}/bench.db")
        migrate.upgrade(db.engine)
        try:
            generate(db, n, args.events_per_traject, args.dagdelen_per_traject)
            return measure(db, args.repeat, args.changes)
        finally:
            db.dispose()
            tmp.cleanup()
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    db = Database(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        migrate.upgrade(db.engine)
        generate(db, n, args.events_per_traject, args.dagdelen_per_traject)
        return measure(db, args.repeat, args.changes)
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--events-per-traject", type=int, default=20)
    parser.add_argument("--dagdelen-per-traject", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--changes", type=int, default=1000, help="new events between warm runs (one a traject)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for backend in args.backends.split(","):
        for n in sizes:
            console.print(f"[bold]{backend}[/] {n:,} trajecten ...")
            figures = run(backend, n, args)
            results.append(
                {
                    "backend": backend,
                    "trajecten": n,
                    "events": n * args.events_per_traject,
                    "dagdelen": n * args.dagdelen_per_traject,
                    **figures,
                }
            )
            console.print(figures)
    table = Table(title="Doorstroomrapport (maand, hele geschiedenis) + HTML")
    for col in (
        "backend",
        "trajecten",
        "events",
        "dagdelen",
        "first s",
        "cold s (cpu)",
        "warm s (cpu)",
        "warm after changes s (cpu)",
        "past range s (cpu)",
        "scan s",
        "ratio",
        "growth vs smallest",
        "peak MiB",
        "max RSS MiB",
    ):
        table.add_column(col, justify="right")
    for r in results:
        first = next(x for x in results if x["backend"] == r["backend"])
        table.add_row(
            r["backend"],
            f"{r['trajecten']:,}",
            f"{r['events']:,}",
            f"{r['dagdelen']:,}",
            f"{r['first_s']:.2f}",
            f"{r['cold_s']:.2f} ({r['cold_cpu_s']:.2f})",
            f"{r['report_s']:.2f} ({r['report_cpu_s']:.2f})",
            f"{r['changed_s']:.2f} ({r['changed_cpu_s']:.2f})",
            f"{r['past_s']:.2f} ({r['past_cpu_s']:.2f})",
            f"{r['scan_s']:.3f}",
            f"{r['report_s'] / r['scan_s']:.1f}",
            f"{r['report_s'] / first['report_s']:.1f}x for "
            f"{r['trajecten'] / first['trajecten']:.0f}x",
            f"{r['peak_mib']:.1f}",
            f"{r['rss_mib']:.0f}",
        )
    console.print(table)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

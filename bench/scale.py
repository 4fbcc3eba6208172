"""Demo data at scale: `demo-data --scale` (bulk) against the service path, trajecten per second.

    /work/venv/bin/python bench/scale.py --scale national
    /work/venv/bin/python bench/scale.py --scale national \
        --database-url "postgresql+psycopg://postgres@127.0.0.1:5432/test"

The bulk generator (casework.services.demo_schaal) writes a population with ten years of
history; the baseline is the small demo (casework.services.demo.generate), which takes every step
through the services, on `--baseline-besturen` besturen in the same run. Both are followed by
`verify` (every history replays). A PostgreSQL URL gets a schema of its own, dropped at the end.
"""

# ruff: noqa: E402  (imports follow the sys.path fix below)
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

# run as a script, bench/ comes first on sys.path and bench/transitions.py would shadow the
# `transitions` library
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress

from casework.db import Database, migrate
from casework.services import demo, demo_schaal, verify


def _fresh(url: str | None, folder: Path, name: str) -> tuple[Database, str | None]:
    if url is None:
        database = Database(f"sqlite:///{folder / name}.db")
        migrate.upgrade(database.engine)
        return database, None
    schema = f"bench_scale_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    database = Database(f"{url}?options=-csearch_path%3D{schema}")
    migrate.upgrade(database.engine)
    return database, schema


def _drop(url: str | None, schema: str | None) -> None:
    if url and schema:
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="national", choices=sorted(demo_schaal.SCHALEN))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--baseline-besturen", type=int, default=6)
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL admin URL (default SQLite)"
    )
    args = parser.parse_args(argv)
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bulk, schema = _fresh(args.database_url, folder, "bulk")
        try:
            with Progress(console=console) as progress:
                task = progress.add_task(f"demo-data --scale {args.scale}", total=None)
                started = time.perf_counter()
                made = demo_schaal.generate_scale(
                    bulk,
                    scale=args.scale,
                    seed=args.seed,
                    progress=lambda d, t: progress.update(task, completed=d, total=t),
                )
                bulk_s = time.perf_counter() - started
            started = time.perf_counter()
            report = verify.verify(bulk)
            verify_s = time.perf_counter() - started
            assert report.ok, report.afwijkingen[:3]
        finally:
            bulk.dispose()
            _drop(args.database_url, schema)
        services, schema = _fresh(args.database_url, folder, "services")
        try:
            started = time.perf_counter()
            small = demo.generate(services, besturen=args.baseline_besturen, seed=args.seed)
            services_s = time.perf_counter() - started
            assert verify.verify(services).ok
        finally:
            services.dispose()
            _drop(args.database_url, schema)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    bulk_rate = made["trajecten"] / bulk_s
    service_rate = small["trajecten"] / services_s
    console.print(f"backend: {backend}, scale {args.scale}, seed {args.seed}")
    console.print(
        f"bulk: {made['besturen']} besturen, {made['scholen']} scholen, {made['adviseurs']} "
        f"adviseurs, {made['trajecten']} trajecten, {made['stappen']} events in {bulk_s:.1f} s "
        f"({bulk_rate:.0f} trajecten/s); verify {verify_s:.1f} s, no mismatches"
    )
    console.print(
        f"services (baseline): {small['trajecten']} trajecten in {services_s:.1f} s "
        f"({service_rate:.1f} trajecten/s)"
    )
    console.print(f"ratio bulk / services: {bulk_rate / service_rate:.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

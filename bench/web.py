"""Benchmark: requests per second and p95 latency of the werkvoorraad and traject pages with
100,000 trajecten in the database, against a trivial page (/login) as the baseline.

    /work/venv/bin/python bench/web.py [--trajecten 100000] [--seconds 8] [--concurrency 4]
                                       [--database-url sqlite:///...|postgresql+psycopg://...]

The database is filled in bulk with SQL inserts (organisations, adviseurs, trajecten in every
phase, an aanmelden event each), the app runs under uvicorn in its own process, and an asyncio
httpx loop on loopback logs in as a medewerker and keeps `--concurrency` requests in flight for
`--seconds` per page. Prints rps, p50 and p95 per page and the p95 ratio to the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# bench/ holds a transitions.py that would shadow the `transitions` package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import Progress  # noqa: E402
from rich.table import Table  # noqa: E402

console = Console()
WACHTWOORD = "bench-wachtwoord-123"


def fill(url: str, n: int, progress: Progress) -> None:
    """A migrated database with n trajecten; bulk SQL, not the service (that would take hours)."""
    from casework.db import Database, migrate
    from casework.services import accounts
    from casework.services.programmas import programmes

    db = Database(url)
    migrate.upgrade(db.engine)
    rng = random.Random(5)
    now = datetime.now(UTC)
    programmas = programmes()
    meta = sa.MetaData()
    meta.reflect(db.engine)
    t = meta.tables
    besturen = [
        {"id": i, "bestuursnummer": f"{10000 + i}", "naam": f"Stichting {i}", "created_at": now}
        for i in range(1, 1001)
    ]
    scholen = [
        {
            "id": i,
            "brin": f"{i // 26 + 10:02d}{chr(65 + i % 26)}{chr(65 + (i // 7) % 26)}",
            "naam": f"School {i}",
            "bestuur_id": 1 + i % 1000,
            "sector": ("po", "so", "vo")[i % 3],
            "created_at": now,
        }
        for i in range(1, 2001)
    ]
    adviseurs = [
        {
            "id": i,
            "naam": f"Adviseur {i}",
            "email": f"a{i}@bench.nl",
            "actief": True,
            "created_at": now,
        }
        for i in range(1, 31)
    ]
    task = progress.add_task("Vullen", total=n)
    with db.engine.begin() as conn:
        conn.execute(t["besturen"].insert(), besturen)
        conn.execute(t["scholen"].insert(), scholen)
        conn.execute(t["adviseurs"].insert(), adviseurs)
        batch: list[dict[str, object]] = []
        events: list[dict[str, object]] = []
        for i in range(1, n + 1):
            code = "lv" if i % 2 else "gwgb"
            phase = rng.choice(programmas[code].phases).name
            since = now - timedelta(days=rng.randint(0, 120))
            school = 1 + i % 2000 if code == "lv" else None
            batch.append(
                {
                    "id": i,
                    "programma": code,
                    "definitie_versie": 1,
                    "bestuur_id": 1 + (school or i) % 1000,
                    "school_id": school,
                    "contact_id": None,
                    "fase": phase,
                    "paused_from": None,
                    "fase_sinds": since,
                    "werkdagen_voor_pauze": 0,
                    "version": 1,
                    "hulpvraag": "Hulp bij kwaliteitszorg",
                    "risico": None,
                    "adviseur_id": 1 + i % 30 if rng.random() < 0.6 else None,
                    "adviseur_geaccepteerd": True,
                    "resultaat": None,
                    "herstelonderzoek_voor": None,
                    "is_test": False,
                    "aangemeld_op": since,
                    "created_at": since,
                    "updated_at": since,
                }
            )
            events.append(
                {
                    "traject_id": i,
                    "seq": 1,
                    "at": since,
                    "actor": "bench",
                    "trigger": "aanmelden",
                    "from_fase": None,
                    "to_fase": phase,
                    "reden": None,
                    "data": None,
                }
            )
            if len(batch) == 5000:
                conn.execute(t["trajecten"].insert(), batch)
                conn.execute(t["traject_events"].insert(), events)
                progress.advance(task, len(batch))
                batch, events = [], []
        if batch:
            conn.execute(t["trajecten"].insert(), batch)
            conn.execute(t["traject_events"].insert(), events)
            progress.advance(task, len(batch))
        if db.engine.dialect.name == "postgresql":
            conn.execute(sa.text("ANALYZE"))
    accounts.add_user(db, email="mw@bench.nl", rol="medewerker", wachtwoord=WACHTWOORD)
    db.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def load(
    base: str, paths: list[str], seconds: float, concurrency: int
) -> tuple[float, list[float]]:
    """Keep `concurrency` GETs in flight for `seconds`; (requests per second, latencies in ms)."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', (await client.get("/login")).text)
        assert token
        answer = await client.post(
            "/login",
            data={"csrf_token": token.group(1), "email": "mw@bench.nl", "wachtwoord": WACHTWOORD},
        )
        assert answer.status_code == 303, answer.text
        rng = random.Random(1)
        end = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < end:
                path = rng.choice(paths)
                start = time.perf_counter()
                response = await client.get(path)
                latencies.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(latencies) / (time.perf_counter() - began), latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trajecten", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    with Progress(console=console) as progress:
        fill(url, args.trajecten, progress)
    port = free_port()
    env = {**os.environ, "CASEWORK_DATABASE_URL": url, "CASEWORK_DATA_DIR": str(workdir / "data")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "casework.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=workdir,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        n = args.trajecten
        pages = {
            "baseline: /login": ["/login"],
            "werkvoorraad, eerste pagina": ["/werkvoorraad"],
            "werkvoorraad, diep (keyset)": [
                f"/werkvoorraad?voor={n // 2}",
                f"/werkvoorraad?voor={n // 10}",
            ],
            "werkvoorraad, filter programma+fase": ["/werkvoorraad?programma=lv&fase=intake"],
            "werkvoorraad, zoeken": ["/werkvoorraad?zoek=school+17"],
            "traject": [f"/traject/{i}" for i in random.Random(2).sample(range(1, n + 1), 200)],
        }
        rows = []
        with Progress(console=console) as progress:
            task = progress.add_task("Belasten", total=len(pages))
            for name, paths in pages.items():
                asyncio.run(load(base, paths[:1], 1.0, 1))  # warm-up
                rps, lat = asyncio.run(load(base, paths, args.seconds, args.concurrency))
                lat.sort()
                rows.append((name, rps, statistics.median(lat), lat[int(len(lat) * 0.95) - 1]))
                progress.advance(task)
    finally:
        server.terminate()
        server.wait(timeout=10)
    baseline_p95 = rows[0][3]
    table = Table(
        title=f"Web, {args.trajecten:,} trajecten, {sa.make_url(url).get_backend_name()}, "
        f"{args.concurrency} tegelijk, {args.seconds:.0f} s per pagina"
    )
    for col in ("pagina", "req/s", "p50 ms", "p95 ms", "p95 / baseline"):
        table.add_column(col)
    for name, rps, p50, p95 in rows:
        table.add_row(name, f"{rps:.0f}", f"{p50:.1f}", f"{p95:.1f}", f"{p95 / baseline_p95:.1f}x")
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

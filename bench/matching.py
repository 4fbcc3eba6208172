"""Benchmark: matching 1,000 waiting trajecten to 300 adviseurs, against a greedy baseline.

    /work/venv/bin/python bench/matching.py [--instances 5] [--trajecten 1000] [--adviseurs 300]

For each generated instance (seeded) it runs the optimisation (`casework.matching.match`) and the
greedy baseline (best admissible adviseur per traject in arrival order) on the same input, and
prints time, trajecten assigned and total score of both, and their ratio. Exits 1 when the
optimisation assigns fewer trajecten or scores lower than greedy on any instance.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# run as a script, bench/ comes first on the path, and bench/transitions.py would shadow the
# `transitions` library casework imports
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from rich.console import Console  # noqa: E402
from rich.progress import Progress  # noqa: E402
from rich.table import Table  # noqa: E402

from casework.matching import AdviseurInfo, Context, TrajectInfo, greedy, match  # noqa: E402

THEMAS = ["kwaliteitszorg", "onderwijsproces", "financieel", "bestuur", "resultaten", "cultuur"]
REGIOS = ["noord", "midden", "zuid"]
PEILDATUM = date(2026, 11, 24)


def instance(
    seed: int, n_trajecten: int, n_adviseurs: int
) -> tuple[list[TrajectInfo], list[AdviseurInfo]]:
    """A realistic random instance: scarce capacity, some conflicts, absences and declines."""
    rng = random.Random(seed)
    n_besturen = max(1, n_trajecten // 3)
    bestuur_regio = {b: rng.choice(REGIOS) for b in range(n_besturen)}
    adviseurs = []
    for a in range(n_adviseurs):
        max_trajecten = rng.randint(2, 6)
        dagdelen = rng.choice([8, 10, 12, 16])
        limiet = min(max_trajecten, dagdelen // 2)
        actief_nu = rng.randint(0, limiet // 2)
        van = PEILDATUM + timedelta(days=rng.randint(-30, 60))
        adviseurs.append(
            AdviseurInfo(
                id=a + 1,
                naam=f"Adviseur {a + 1}",
                sectoren=frozenset(rng.sample(["po", "so", "vo"], rng.randint(1, 2))),
                expertise=frozenset(rng.sample(THEMAS, rng.randint(1, 4))),
                regio=rng.choice(REGIOS),
                dagdelen_per_maand=dagdelen,
                max_trajecten=max_trajecten,
                actief=rng.random() > 0.03,
                afwezigheid=((van, van + timedelta(days=14)),) if rng.random() < 0.1 else (),
                conflict_besturen=frozenset(rng.sample(range(n_besturen), 2)),
                actieve_trajecten=actief_nu,
                besturen=frozenset(rng.sample(range(n_besturen), actief_nu)),
            )
        )
    trajecten = []
    for t in range(n_trajecten):
        bestuur = rng.randrange(n_besturen)
        trajecten.append(
            TrajectInfo(
                id=t + 1,
                sectoren=frozenset([rng.choice(["po", "po", "so", "vo"])]),
                bestuur_id=bestuur,
                school_id=t + 1,
                regio=bestuur_regio[bestuur],
                themas=frozenset(rng.sample(THEMAS, rng.randint(1, 3))),
                uitgesloten=frozenset([rng.randint(1, n_adviseurs)])
                if rng.random() < 0.05
                else frozenset(),
            )
        )
    return trajecten, adviseurs


def seed_database(url: str, trajecten: list[TrajectInfo], adviseurs: list[AdviseurInfo]) -> None:
    """Write an instance into a migrated database (bulk inserts, not the services: fast)."""
    import sqlalchemy as sa

    from casework.db import Database, migrate
    from casework.db.base import utcnow
    from casework.db.matching import (
        AdviseurAfwezigheid,
        AdviseurConflict,
        AdviseurExpertise,
        AdviseurProfiel,
        AdviseurSector,
        MatchUitsluiting,
        TrajectThema,
    )
    from casework.db.models import Adviseur, Bestuur, School, Traject

    db = Database(url)
    migrate.upgrade(db.engine)
    now = utcnow()
    besturen = sorted(
        {t.bestuur_id for t in trajecten}
        | {b for a in adviseurs for b in a.besturen | a.conflict_besturen}
    )
    regio = {t.bestuur_id: t.regio for t in trajecten}
    with db.engine.begin() as conn:

        def insert(model: Any, rows: list[dict[str, Any]]) -> None:
            if rows:
                conn.execute(sa.insert(model.__table__), rows)

        insert(Bestuur, [
            {"id": b + 1, "bestuursnummer": f"{b + 10000:05d}", "naam": f"Bestuur {b}",
             "regio": regio.get(b), "created_at": now}
            for b in besturen
        ])  # fmt: skip
        insert(School, [
            {"id": t.school_id, "brin": f"S{t.school_id:05d}", "naam": f"School {t.school_id}",
             "bestuur_id": t.bestuur_id + 1, "sector": sorted(t.sectoren)[0], "regio": t.regio,
             "created_at": now}
            for t in trajecten
        ])  # fmt: skip
        traject = {
            "programma": "lv", "definitie_versie": 1, "fase_sinds": now,
            "werkdagen_voor_pauze": 0, "version": 1, "adviseur_geaccepteerd": False,
            "is_test": True, "aangemeld_op": now, "created_at": now, "updated_at": now,
        }  # fmt: skip
        insert(Adviseur, [
            {"id": a.id, "naam": a.naam, "email": f"a{a.id}@bench.nl", "actief": a.actief,
             "created_at": now}
            for a in adviseurs
        ])  # fmt: skip
        insert(Traject, [
            {**traject, "id": t.id, "bestuur_id": t.bestuur_id + 1, "school_id": t.school_id,
             "fase": "matching"}
            for t in trajecten
        ])  # fmt: skip
        # the trajecten adviseurs hold now: one per bestuur they work with
        held = [(a.id, b) for a in adviseurs for b in sorted(a.besturen)]
        insert(Traject, [
            {**traject, "id": len(trajecten) + k + 1, "programma": "gwgb", "bestuur_id": b + 1,
             "fase": "kennismaking", "adviseur_id": a, "adviseur_geaccepteerd": True}
            for k, (a, b) in enumerate(held)
        ])  # fmt: skip
        insert(AdviseurProfiel, [
            {"adviseur_id": a.id, "regio": a.regio, "dagdelen_per_maand": a.dagdelen_per_maand,
             "max_trajecten": a.max_trajecten, "updated_at": now}
            for a in adviseurs
        ])  # fmt: skip
        insert(
            AdviseurSector,
            [{"adviseur_id": a.id, "sector": s} for a in adviseurs for s in a.sectoren],
        )
        insert(
            AdviseurExpertise,
            [{"adviseur_id": a.id, "thema": x} for a in adviseurs for x in a.expertise],
        )
        insert(AdviseurAfwezigheid, [
            {"adviseur_id": a.id, "van": van, "tot": tot, "created_at": now}
            for a in adviseurs for van, tot in a.afwezigheid
        ])  # fmt: skip
        insert(AdviseurConflict, [
            {"adviseur_id": a.id, "bestuur_id": b + 1, "created_at": now}
            for a in adviseurs for b in a.conflict_besturen
        ])  # fmt: skip
        insert(
            TrajectThema, [{"traject_id": t.id, "thema": x} for t in trajecten for x in t.themas]
        )
        insert(MatchUitsluiting, [
            {"traject_id": t.id, "adviseur_id": a, "actor": "bench", "at": now}
            for t in trajecten for a in t.uitgesloten
        ])  # fmt: skip
    db.dispose()


def service_run(url: str, seed: int, n_trajecten: int, n_adviseurs: int) -> tuple[float, Any]:
    """`casework match run` end to end on a database: load, optimise, store, read back."""
    from casework.db import Database
    from casework.services import matching

    trajecten, adviseurs = instance(seed, n_trajecten, n_adviseurs)
    # the database numbers besturen from 1: shift the ids the same way for the comparison
    seed_database(url, trajecten, adviseurs)
    db = Database(url)
    started = time.perf_counter()
    result = matching.run(db, peildatum=PEILDATUM)
    elapsed = time.perf_counter() - started
    db.dispose()
    return elapsed, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=5)
    parser.add_argument("--trajecten", type=int, default=1000)
    parser.add_argument("--adviseurs", type=int, default=300)
    parser.add_argument(
        "--db",
        action="append",
        default=[],
        help="also time `casework match run` on this database URL ('sqlite' = a temp file); "
        "the database must be empty",
    )
    args = parser.parse_args()
    ctx = Context(peildatum=PEILDATUM)
    rows = []
    worse = 0
    # warm up (imports, first calls into scipy) outside the timings
    warm = instance(99, 50, 20)
    match(*warm, ctx)
    greedy(*warm, ctx)
    with Progress(transient=True) as progress:
        task = progress.add_task("Matching", total=args.instances)
        for seed in range(args.instances):
            trajecten, adviseurs = instance(seed, args.trajecten, args.adviseurs)
            started = time.perf_counter()
            optimal = match(trajecten, adviseurs, ctx)
            t_opt = time.perf_counter() - started
            started = time.perf_counter()
            baseline = greedy(trajecten, adviseurs, ctx)
            t_greedy = time.perf_counter() - started
            if (
                optimal.toegewezen < baseline.toegewezen
                or optimal.totaal_score < baseline.totaal_score - 1e-6
            ):
                worse += 1
            rows.append((seed, t_opt, t_greedy, optimal, baseline))
            progress.advance(task)
    table = Table(title=f"Matching {args.trajecten} trajecten × {args.adviseurs} adviseurs")
    for column in [
        "seed",
        "optimal s",
        "greedy s",
        "optimal toegewezen",
        "greedy toegewezen",
        "optimal score",
        "greedy score",
        "score ratio",
    ]:
        table.add_column(column, justify="right")
    for seed, t_opt, t_greedy, optimal, baseline in rows:
        table.add_row(
            str(seed),
            f"{t_opt:.3f}",
            f"{t_greedy:.3f}",
            str(optimal.toegewezen),
            str(baseline.toegewezen),
            f"{optimal.totaal_score:.1f}",
            f"{baseline.totaal_score:.1f}",
            f"{optimal.totaal_score / max(baseline.totaal_score, 1e-9):.3f}",
        )
    console = Console()
    console.print(table)
    console.print(
        f"median time: optimal {statistics.median(r[1] for r in rows):.3f} s, "
        f"greedy {statistics.median(r[2] for r in rows):.3f} s; "
        f"instances where optimal is worse than greedy: {worse}"
    )
    for url in args.db:
        if url == "sqlite":
            import tempfile

            url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
        elapsed, result = service_run(url, 0, args.trajecten, args.adviseurs)
        same = abs(result.totaal_score - rows[0][3].totaal_score) < 0.01
        console.print(
            f"casework match run on {url.split(':')[0]} (seed 0: load, optimise, store "
            f"{len(result.voorstellen)} proposals): {elapsed:.3f} s, "
            f"{result.toegewezen} toegewezen, total score {result.totaal_score:.1f}"
            f"{' (same as the engine alone)' if same else ' (DIFFERS from the engine alone)'}"
        )
        worse += 0 if same else 1
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())

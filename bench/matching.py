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

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from casework.matching import AdviseurInfo, Context, TrajectInfo, greedy, match

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=5)
    parser.add_argument("--trajecten", type=int, default=1000)
    parser.add_argument("--adviseurs", type=int, default=300)
    args = parser.parse_args()
    ctx = Context(peildatum=PEILDATUM)
    rows = []
    worse = 0
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
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())

"""Rerun every benchmark under bench/, each in its own subprocess, and summarise.

    /work/venv/bin/python bench/run_all.py            # the sizes docs/benchmarks.md reports
    /work/venv/bin/python bench/run_all.py --quick    # small sizes: a smoke run in minutes
    /work/venv/bin/python bench/run_all.py --only delivery --only web

Each script's full output goes to OUT/<name>.log (default bench/results/); the table at the end
shows each script's exit code and wall time. A script not listed in QUICK_ARGS still runs (with
its defaults), so a new bench/*.py is never silently left out.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

#: small sizes each script supports, so `--quick` finishes in minutes on a shared machine
QUICK_ARGS: dict[str, list[str]] = {
    "delivery": ["--messages", "500", "--rounds", "1"],
    "end_to_end": ["--steps", "100", "--naive", "20"],
    "invoicing": ["--sizes", "200", "--backend", "sqlite"],
    "matching": ["--instances", "1", "--trajecten", "200", "--adviseurs", "60"],
    "reports": ["--sizes", "2000", "--backends", "sqlite", "--repeat", "1"],
    "transitions": ["--sizes", "1000", "--steps", "100", "--rounds", "1"],
    "web": ["--trajecten", "5000", "--seconds", "2", "--concurrency", "2"],
    "scale": ["--scale", "small"],
}


def scripts() -> list[str]:
    """Every benchmark script's name (bench/<name>.py), this runner excluded."""
    return sorted(p.stem for p in BENCH.glob("*.py") if p.stem not in {"run_all", "__init__"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (see QUICK_ARGS)")
    parser.add_argument("--only", action="append", default=[], help="run only this benchmark")
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="where logs go")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per script")
    args = parser.parse_args(argv)
    names = scripts()
    unknown = sorted(set(args.only) - set(names))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(names)}")
    selected = [n for n in names if not args.only or n in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    console = Console()
    results: list[tuple[str, int | None, float, Path]] = []
    with Progress(console=console) as progress:
        task = progress.add_task("Benchmarks", total=len(selected))
        for name in selected:
            command = [sys.executable, str(BENCH / f"{name}.py")]
            if args.quick:
                command += QUICK_ARGS.get(name, [])
            log = args.out / f"{name}.log"
            progress.update(task, description=f"bench/{name}.py")
            started = time.perf_counter()
            code: int | None
            with log.open("w") as out:
                out.write("$ " + " ".join(command) + "\n")
                out.flush()
                try:
                    code = subprocess.run(
                        command,
                        cwd=ROOT,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        timeout=args.timeout,
                        check=False,
                    ).returncode
                except subprocess.TimeoutExpired:
                    code = None
            results.append((name, code, time.perf_counter() - started, log))
            progress.advance(task)
    table = Table(title="bench/run_all.py" + (" --quick" if args.quick else ""))
    for column in ("benchmark", "exit", "wall s", "log"):
        table.add_column(column)
    for name, code, seconds, log in results:
        status = "timeout" if code is None else str(code)
        table.add_row(name, status, f"{seconds:.1f}", str(log))
    console.print(table)
    return 0 if all(code == 0 for _, code, _, _ in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

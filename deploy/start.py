"""Start casework's production set-up: a Prefect server on PostgreSQL, a process work pool, the
deployments of deploy/prefect.yaml, and one or more workers. Ctrl-C or SIGTERM stops it all.

    PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://prefect@db/prefect \\
    CASEWORK_DATABASE_URL=postgresql+psycopg://casework@db/casework \\
    python deploy/start.py --workers 2

On another machine, only workers for the same server:

    PREFECT_API_URL=http://prefect-host:4200/api CASEWORK_DATABASE_URL=... \\
    python deploy/start.py --workers-only --workers 4

A worker that dies is started again (its flow runs are idempotent: the outbox lease and the
reminder records make a second try safe). See deploy/README.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casework.cli.processes import stop_all, wait_http  # noqa: E402
from flows.registry import WORK_POOL  # noqa: E402


def log(message: str) -> None:
    print(f"[start] {message}", flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address the Prefect server binds")
    parser.add_argument("--port", type=int, default=4200, help="port of the Prefect server")
    parser.add_argument("--workers", type=int, default=1, help="workers on this machine")
    parser.add_argument("--pool", default=WORK_POOL, help="the process work pool")
    parser.add_argument(
        "--workers-only",
        action="store_true",
        help="no server, no deploy: workers for the server at PREFECT_API_URL",
    )
    return parser.parse_args(argv)


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("CASEWORK_HOME", str(ROOT))
    # prompt work: a worker asks for new runs every 2 s unless told otherwise
    env.setdefault("PREFECT_WORKER_QUERY_SECONDS", "2")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not args.workers_only:
        env["PREFECT_API_URL"] = f"http://{args.host}:{args.port}/api"
        env["PREFECT_SERVER_API_HOST"] = args.host
        env["PREFECT_SERVER_API_PORT"] = str(args.port)
    return env


def prefect(*args: str) -> list[str]:
    return [sys.executable, "-m", "prefect", *args]


def start_server(env: dict[str, str], args: argparse.Namespace) -> subprocess.Popen[bytes]:
    url = env.get("PREFECT_API_DATABASE_CONNECTION_URL", "")
    if not url.startswith("postgresql"):
        log(
            "warning: PREFECT_API_DATABASE_CONNECTION_URL is not PostgreSQL; using "
            + (url or "SQLite")
        )
    server = subprocess.Popen(prefect("server", "start"), env=env, stdin=subprocess.DEVNULL)
    if not wait_http(f"{env['PREFECT_API_URL']}/health", 180, lambda: server.poll() is None):
        raise SystemExit("the Prefect server did not come up; see its output above")
    log(f"Prefect server (UI and API) at http://{args.host}:{args.port}")
    return server


def prepare(env: dict[str, str], args: argparse.Namespace) -> None:
    """Application schema, work pool and deployments (all idempotent)."""
    from casework.db import Database, migrate

    if env.get("CASEWORK_DATABASE_URL"):
        from casework.reports import bijhouden

        db = Database(env["CASEWORK_DATABASE_URL"])
        migrate.upgrade(db.engine)
        gevouwen = bijhouden.bijwerken(db)  # the report's kept summary, before any report
        db.dispose()
        log(f"application database upgraded; report summary: {gevouwen} trajecten folded")
    for command in (
        prefect("work-pool", "create", args.pool, "--type", "process", "--overwrite"),
        prefect("--no-prompt", "deploy", "--all", "--prefect-file", "deploy/prefect.yaml"),
    ):
        subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    log(f"work pool {args.pool!r} and the deployments of deploy/prefect.yaml are in place")


def start_worker(env: dict[str, str], args: argparse.Namespace, n: int) -> subprocess.Popen[bytes]:
    name = f"{os.uname().nodename}-{n}"
    return subprocess.Popen(
        prefect("worker", "start", "--pool", args.pool, "--type", "process", "--name", name),
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    env = server_env(args)
    if args.workers_only and not env.get("PREFECT_API_URL"):
        raise SystemExit("--workers-only needs PREFECT_API_URL (the server's API address)")
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    children: list[subprocess.Popen[bytes]] = []
    try:
        if not args.workers_only:
            children.append(start_server(env, args))
            prepare(env, args)
        workers = [start_worker(env, args, n) for n in range(1, args.workers + 1)]
        children.extend(workers)
        log(f"{args.workers} worker(s) on pool {args.pool!r}; ready (Ctrl-C stops)")
        while not stop.wait(0.5):
            if children and not args.workers_only and children[0].poll() is not None:
                log("the Prefect server stopped; stopping everything")
                return 1
            for index, worker in enumerate(workers):
                if worker.poll() is not None and not stop.is_set():
                    log(f"worker {index + 1} ended (code {worker.returncode}); starting it again")
                    time.sleep(1)
                    workers[index] = start_worker(env, args, index + 1)
                    children.append(workers[index])
        return 0
    finally:
        log("stopping ...")
        stop_all([child for child in children if child.poll() is None])
        log("stopped")


if __name__ == "__main__":
    sys.exit(main())

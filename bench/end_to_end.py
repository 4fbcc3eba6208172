"""End to end: from a step's commit to the email accepted by the SMTP server.

Runs a local Prefect server (own SQLite), serves the `deliver-outbox` deployment (flow runs in
subprocesses, as under `casework up`), a recording aiosmtpd server and a SQLite application
database, all in a temporary folder. Then, in the same run:

- coalesced (the product): N real steps (aanmelden), each commit asks for a delivery run
  through casework.orchestration (at most one waiting run);
- naive: M steps that each start their own flow run delivering one message
  (`run_deployment(..., parameters={"limit": 1}, timeout=0)`), measured over fewer messages
  and extrapolated linearly to N for the total time.

    python bench/end_to_end.py [--steps 1000] [--naive 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# run as a script, bench/ comes first on the path; its modules must not shadow packages
# (bench/transitions.py would hide the transitions library)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

SERVE_LIMIT = 4  # concurrent flow runs of the served deployment (2 cores)


def serve_child() -> None:
    from prefect import serve

    from flows.outbox import deliver_outbox

    deployment: Any = deliver_outbox.to_deployment(name="deliver-outbox")  # sync: no coroutine
    serve(deployment, limit=SERVE_LIMIT)


class Recorder:
    """aiosmtpd handler: when each Message-ID was accepted."""

    def __init__(self) -> None:
        self.accepted: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes

        message_id = str(message_from_bytes(envelope.original_content)["Message-ID"]).strip()
        with self.lock:
            self.accepted.setdefault(message_id, time.time())
        return "250 OK"


def percentile(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def run_steps(
    db: Any, count: int, label: str, committed: dict[int, float], durations: list[float]
) -> None:
    from rich.progress import Progress

    from casework.services import trajecten

    with Progress() as progress:
        task = progress.add_task(label, total=count)
        for n in range(count):
            begin = time.time()
            traject = trajecten.aanmelden(
                db,
                programma="lv",
                school="12AB",
                oordeel="onvoldoende",
                hulpvraag="Hulp bij kwaliteitszorg",
                contact_naam="Jan Jansen",
                contact_email=f"jan{n}@regenboog.nl",
                actor="bench@casework.local",
            )
            committed[traject.id] = time.time()
            durations.append(committed[traject.id] - begin)
            progress.advance(task)


def wait_delivered(
    db: Any, recorder: Recorder, committed: dict[int, float], timeout: float
) -> dict[int, float]:
    """Latency per traject: accepted at the SMTP server minus committed."""
    import sqlalchemy as sa

    from casework.db.models import OutboxMessage

    with db.read() as session:
        ids = dict(
            session.execute(
                sa.select(OutboxMessage.traject_id, OutboxMessage.message_id).where(
                    OutboxMessage.traject_id.in_(committed)
                )
            ).all()
        )
    deadline = time.time() + timeout
    while time.time() < deadline:
        with recorder.lock:
            done = sum(1 for mid in ids.values() if mid in recorder.accepted)
        if done == len(ids):
            break
        time.sleep(0.2)
    else:
        raise SystemExit(f"only {done} of {len(ids)} delivered within {timeout} s")
    return {tid: recorder.accepted[mid] - committed[tid] for tid, mid in ids.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=50)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_child()
        return

    from aiosmtpd.controller import Controller

    from casework.cli.processes import port_free, stop_all, wait_http
    from casework.cli.up import prefect_env
    from tests.fixtures_prefect import free_port

    tmp = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    prefect_port, smtp_port = free_port(), free_port()
    assert port_free("127.0.0.1", prefect_port)
    recorder = Recorder()
    smtp = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    app_url = f"sqlite:///{tmp / 'casework.db'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CASEWORK_"))},
        **prefect_env(tmp, prefect_port),
        "CASEWORK_DATABASE_URL": app_url,
        "CASEWORK_DATA_DIR": str(tmp),
        "CASEWORK_SMTP_PORT": str(smtp_port),
    }
    os.environ.update(env)
    children: list[subprocess.Popen[bytes]] = []
    try:
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        assert wait_http(f"{env['PREFECT_API_URL']}/health", 180), "Prefect server did not start"
        children.append(
            subprocess.Popen(
                [sys.executable, __file__, "--serve"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        result = measure(args, env, app_url, recorder)
    finally:
        stop_all(children)
        smtp.stop()
    print_result(args, result)


def measure(
    args: argparse.Namespace, env: dict[str, str], app_url: str, recorder: Recorder
) -> dict[str, Any]:
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    from casework import orchestration
    from casework.db import Database, migrate
    from casework.services import organisaties

    db = Database(app_url)
    migrate.upgrade(db.engine)
    organisaties.add_bestuur(db, nummer="41234", naam="Stichting Voorbeeld")
    organisaties.add_school(db, brin="12AB", naam="De Regenboog", bestuur="41234", sector="po")
    deadline = time.time() + 120
    while True:  # the served deployment registers itself
        try:
            with get_client(sync_client=True) as client:
                client.read_deployment_by_name(orchestration.DELIVERY_DEPLOYMENT)
            break
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.5)

    # coalesced: the product's trigger
    trigger = orchestration.install(db, api_url=env["PREFECT_API_URL"])
    assert trigger is not None
    committed: dict[int, float] = {}
    step_times: list[float] = []
    start = time.time()
    run_steps(db, args.steps, "coalesced steps", committed, step_times)
    coalesced = wait_delivered(db, recorder, committed, 900)
    coalesced_total = time.time() - start
    runs = trigger.created
    db.outbox_hooks.clear()
    # printed at once: the naive part that follows takes long
    print(f"coalesced ({runs} runs): {latencies(sorted(coalesced.values()))}")
    print(f"  total {coalesced_total:.1f} s")

    # naive: one flow run per message
    def one_run_each(count: int) -> None:
        run_deployment(orchestration.DELIVERY_DEPLOYMENT, parameters={"limit": 1}, timeout=0)

    db.outbox_hooks.append(one_run_each)
    naive_committed: dict[int, float] = {}
    naive_step_times: list[float] = []
    start = time.time()
    run_steps(db, args.naive, "naive steps", naive_committed, naive_step_times)
    naive = wait_delivered(db, recorder, naive_committed, 1800)
    naive_total = time.time() - start
    db.dispose()
    return {
        "coalesced": sorted(coalesced.values()),
        "coalesced_total": coalesced_total,
        "coalesced_runs": runs,
        "naive": sorted(naive.values()),
        "naive_total": naive_total,
        "step": sorted(step_times),
        "naive_step": sorted(naive_step_times),
    }


def latencies(values: list[float]) -> str:
    p50, p95 = percentile(values, 50), percentile(values, 95)
    return f"  commit -> accepted: p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(values):.2f} s"


def print_result(args: argparse.Namespace, r: dict[str, Any]) -> None:
    c, n = r["coalesced"], r["naive"]
    naive_all = r["naive_total"] * args.steps / args.naive
    print(f"coalesced: {args.steps} steps, {r['coalesced_runs']} delivery runs asked for")
    print(latencies(c))
    print(f"  total (first commit -> last accepted): {r['coalesced_total']:.1f} s")
    print(f"naive (one flow run per message, {SERVE_LIMIT} at once): {args.naive} steps")
    print(latencies(n))
    print(f"  total: {r['naive_total']:.1f} s; extrapolated to {args.steps}: {naive_all:.0f} s")
    step, naive_step = r["step"], r["naive_step"]
    print(
        f"step duration (the click): coalesced p50 {percentile(step, 50) * 1000:.0f} ms, "
        f"p95 {percentile(step, 95) * 1000:.0f} ms; naive p50 {percentile(naive_step, 50):.2f} s, "
        f"p95 {percentile(naive_step, 95):.2f} s"
    )
    print(f"ratio total (naive extrapolated / coalesced): {naive_all / r['coalesced_total']:.1f}x")
    print(f"ratio p50 latency (naive / coalesced): {percentile(n, 50) / percentile(c, 50):.1f}x")


if __name__ == "__main__":
    main()

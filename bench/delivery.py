"""Benchmark: messages per second from the outbox to a local SMTP server, against a raw baseline.

    /work/venv/bin/python bench/delivery.py [--messages 10000] [--batch-size 200] [--rounds 2]
        [--database-url sqlite:///...|postgresql+psycopg://...]

Both sides send the same messages to the same aiosmtpd server (its own process on 127.0.0.1,
accepting and counting): the raw baseline, a bare aiosmtplib loop sending the prepared bytes
over one connection; and the product, `deliver_due` draining the queued outbox (claim, render,
send over one connection per batch, record). Each round runs both, in alternating order; it
prints every round's time, the best and median rates and their ratios. Exits 1 when the server
did not receive every message of every run exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from functools import partial
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

import aiosmtplib
import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

TEMPLATES = ("aanmelding_ontvangen", "toewijzing", "adviseur_gekoppeld")


def _serve(port: int, counter: Synchronized, ready: Any) -> None:
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with counter.get_lock():
                counter.value += 1
            return "250 2.0.0 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def queue_messages(db: Any, count: int) -> None:
    from casework.services import outbox
    from notifications.samples import sample_context

    contexts = {name: sample_context(name) for name in TEMPLATES}
    with db.transaction() as session:
        for n in range(count):
            template = TEMPLATES[n % len(TEMPLATES)]
            context = dict(contexts[template], referentie=f"LV-2026-{n:05d}", traject_id=n)
            outbox.enqueue(
                session,
                template=template,
                to_address=f"contact{n}@school.example",
                to_name=f"Contact {n}",
                context=context,
            )


def prepared_messages(db: Any) -> list[tuple[str, str, bytes]]:
    """The same messages, rendered before the clock starts (the baseline only sends)."""
    from casework.db.models import OutboxMessage
    from casework.services.delivery import render_row
    from notifications.render import build_bytes

    with db.read() as session:
        rows = session.execute(
            sa.select(
                OutboxMessage.message_id,
                OutboxMessage.template,
                OutboxMessage.to_address,
                OutboxMessage.to_name,
                OutboxMessage.context,
            ).order_by(OutboxMessage.id)
        ).all()
    out = []
    for message_id, template, to_address, to_name, context in rows:
        data = build_bytes(
            render_row(template, context, to_name),
            message_id=message_id,
            sender="Casework <noreply@casework.local>",
            to_address=to_address,
            to_name=to_name,
        )
        out.append(("noreply@casework.local", to_address, data))
    return out


async def raw_send(port: int, messages: list[tuple[str, str, bytes]], progress: Any) -> None:
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
    await client.connect()
    for n, (sender, recipient, data) in enumerate(messages, 1):
        await client.sendmail(sender, [recipient], data)
        if n % 100 == 0:
            progress(100)
    await client.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    from casework.db import Database, migrate
    from casework.services import delivery
    from notifications.smtp import SmtpConfig

    console = Console()
    tmp = Path(tempfile.mkdtemp(prefix="bench-delivery-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    schema = None
    if url.startswith("postgresql"):
        # a schema of its own, dropped afterwards: the benchmark never touches other data
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    db = Database(url)
    migrate.upgrade(db.engine)

    port = free_port()
    counter: Synchronized = multiprocessing.Value("i", 0)
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(port, counter, ready), daemon=True)
    server.start()
    ready.wait(20)
    n = args.messages
    config = SmtpConfig(host="127.0.0.1", port=port)
    raw_times: list[float] = []
    outbox_times: list[float] = []
    received_ok = True
    try:
        with Progress(console=console) as progress:
            setup = progress.add_task("Outbox vullen en voorbereiden", total=None)
            queue_messages(db, n)
            messages = prepared_messages(db)
            progress.update(setup, total=1, completed=1)
            for round_ in range(args.rounds):
                # alternate the order, so a busy machine's drift does not favour one side
                order = ("raw", "outbox") if round_ % 2 == 0 else ("outbox", "raw")
                for which in order:
                    task = progress.add_task(f"ronde {round_ + 1}: {which}", total=n)
                    before = counter.value
                    start = time.perf_counter()
                    if which == "raw":
                        asyncio.run(raw_send(port, messages, partial(progress.advance, task)))
                        raw_times.append(time.perf_counter() - start)
                    else:
                        reset_outbox(db)
                        start = time.perf_counter()
                        report = delivery.deliver_due(
                            db,
                            limit=n,
                            batch_size=args.batch_size,
                            smtp=config,
                            progress=partial(progress.advance, task),
                        )
                        outbox_times.append(time.perf_counter() - start)
                        received_ok &= report.verzonden == n
                    received_ok &= counter.value - before == n
    finally:
        server.terminate()
        db.dispose()
        if schema is not None:
            admin = sa.create_engine(args.database_url)
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    grid = Table(title=f"Delivery of {n} messages ({db.engine.dialect.name}), {args.rounds} rounds")
    for column in ("run", "seconds per round", "best messages/s", "median messages/s"):
        grid.add_column(column)
    rates = {}
    for label, times in (
        ("raw aiosmtplib loop", raw_times),
        (f"outbox deliver_due (batch {args.batch_size})", outbox_times),
    ):
        rates[label] = (n / min(times), n / statistics.median(times))
        grid.add_row(
            label,
            ", ".join(f"{t:.1f}" for t in times),
            f"{rates[label][0]:.0f}",
            f"{rates[label][1]:.0f}",
        )
    console.print(grid)
    raw_rate, outbox_rate = rates["raw aiosmtplib loop"], list(rates.values())[1]
    console.print(
        f"ratio outbox/raw: best {outbox_rate[0] / raw_rate[0]:.2f}, "
        f"median {outbox_rate[1] / raw_rate[1]:.2f}"
    )
    if not received_ok:
        console.print("[red]not every message arrived exactly once per run[/]")
    return 0 if received_ok else 1


def reset_outbox(db: Any) -> None:
    """Every row due again (the rounds after the first send the same rows once more)."""
    from casework.db.base import utcnow

    with db.transaction() as session:
        session.execute(
            sa.text(
                "UPDATE outbox SET status = 'pending', claim_token = NULL, attempts = 0, "
                "next_attempt_at = :at"
            ),
            {"at": utcnow() - timedelta(seconds=1)},
        )


if __name__ == "__main__":
    sys.exit(main())

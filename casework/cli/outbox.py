"""`casework outbox`: what waits, what failed, retry it, and deliver what is due."""

from __future__ import annotations

import typer
from rich.progress import Progress

from casework.cli.common import console, db, print_json, table
from casework.services import delivery

app = typer.Typer(
    help="De outbox: berichten die verstuurd worden of mislukt zijn.", no_args_is_help=True
)


@app.command("list")
def list_(
    status: str | None = typer.Option(None, "--status", help="pending, sending, sent of failed"),
    limit: int = typer.Option(100, "--limit", min=1, max=100000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Toon berichten in de outbox, nieuwste eerst (mislukte met het antwoord van de server)."""
    rows = delivery.list_outbox(db(), status=status, limit=limit)
    if as_json:
        print_json(rows)
        return
    colours = {"sent": "green", "failed": "red", "sending": "yellow", "pending": "white"}
    table(
        "Outbox",
        ["id", "sjabloon", "aan", "status", "pogingen", "volgende poging", "fout"],
        [
            (
                r.id,
                r.template,
                r.to_address,
                f"[{colours.get(r.status, 'white')}]{r.status}[/]",
                r.attempts,
                r.next_attempt_at.astimezone().strftime("%d-%m %H:%M")
                if r.status in ("pending", "sending")
                else "",
                # the whole reply is in --json; the table keeps to one readable line
                _short(r.last_error),
            )
            for r in rows
        ],
    )


def _short(text: str | None, limit: int = 60) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


@app.command("retry")
def retry(outbox_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Zet een mislukt bericht opnieuw in de wachtrij (na het oplossen van de oorzaak)."""
    row = delivery.retry(db(), outbox_id=outbox_id)
    console.print(
        f"Bericht {row.id} aan {row.to_address} staat weer in de wachtrij; "
        "'casework outbox deliver' verstuurt het."
    )


@app.command("deliver")
def deliver(
    limit: int = typer.Option(10000, "--limit", min=1, max=1_000_000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Verstuur nu alles wat klaarstaat in de outbox."""
    database = db()
    due = min(delivery.count_due(database), limit)
    with Progress(console=console, transient=True, disable=as_json) as progress:
        task = progress.add_task("Versturen", total=due or None)
        report = delivery.deliver_due(
            database, limit=limit, progress=lambda n: progress.advance(task, n)
        )
    if as_json:
        print_json(report)
    else:
        console.print(report.samenvatting)

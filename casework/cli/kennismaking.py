"""`casework traject kennismaking`: plan the kennismaking and send the invitations."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import typer

from casework.cli.common import actor, console, db, print_json
from casework.errors import InvalidInput
from casework.services.kennismaking import plan_kennismaking


def kennismaking_command(
    traject_id: int = typer.Argument(..., metavar="ID"),
    op: str = typer.Option(..., "--op", help="Datum en tijd (Nederlandse tijd): 2026-12-01T10:00"),
    locatie: str | None = typer.Option(None, "--locatie", help="Waar het gesprek is"),
    duur: int = typer.Option(120, "--duur", help="Duur in minuten"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Plan de kennismaking; adviseur en contactpersoon krijgen een agenda-uitnodiging."""
    try:
        moment = datetime.fromisoformat(op.strip())
    except ValueError:
        raise InvalidInput(
            f"{op!r} is geen datum met tijd: gebruik JJJJ-MM-DDTUU:MM, bijvoorbeeld "
            "2026-12-01T10:00."
        ) from None
    result = plan_kennismaking(
        db(), traject_id=traject_id, op=moment, locatie=locatie, actor=actor(), duur_minuten=duur
    )
    if as_json:
        print_json(result)
        return
    console.print(
        f"Kennismaking voor traject {result.traject_id} ({result.referentie}) gepland op "
        f"{result.op.astimezone(ZoneInfo('Europe/Amsterdam')).strftime('%d-%m-%Y %H:%M')}; "
        f"{result.uitnodigingen} uitnodiging(en) klaargezet."
    )

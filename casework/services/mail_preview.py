"""The context a template would get for a traject now: `casework mail preview --traject ID`."""

from __future__ import annotations

from typing import Any

from casework.db import Database


def preview_context(db: Database, *, template: str, traject_id: int) -> dict[str, Any]:
    """The context a template would get for this traject now (for `casework mail preview`)."""
    from casework.services import outbox, trajecten
    from notifications.samples import sample_context

    shown = trajecten.show(db, traject_id=traject_id)
    with db.read() as session:
        traject = trajecten._load(session, traject_id)
        context = outbox.traject_context(traject, oordelen=shown.oordelen)
        planned, plek = traject.kennismaking_op, traject.kennismaking_locatie
    sample = sample_context(template)
    ontvanger = {
        "toewijzing": shown.adviseur_naam,
        "kennismaking": shown.adviseur_naam,
        "herinnering": None,
    }.get(template, shown.contact_naam)
    context["ontvanger_naam"] = ontvanger
    if template == "herinnering":
        context.update(
            werkdagen_in_fase=shown.werkdagen_in_fase, norm_werkdagen=shown.norm_werkdagen
        )
    elif template == "kennismaking":
        # a traject without a planned date shows the example's date
        context.update(
            kennismaking_op=planned.isoformat() if planned else sample["kennismaking_op"],
            kennismaking_locatie=plek if planned else sample["kennismaking_locatie"],
        )
    elif template == "generiek":
        context.update(onderwerp=sample["onderwerp"], tekst=sample["tekst"])
    return context

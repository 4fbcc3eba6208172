"""Dagdelen on the traject page: an adviseur registers their own, a medewerker for the adviseur."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from casework.errors import InvalidInput
from casework.services import dagdelen
from casework.services.accounts import GebruikerRead
from casework.web import auth
from casework.web.render import after_form
from casework.web.routes.traject import TrajectId, visible_traject

router = APIRouter(include_in_schema=False)
REGISTREERDERS = auth.BEHANDELAARS | {"adviseur"}


def _datum(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("Vul een geldige datum in (jjjj-mm-dd).") from None


@router.post("/traject/{traject_id}/dagdeel")
async def registreer(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.page_user(REGISTREERDERS))],
) -> RedirectResponse:
    form = await auth.checked_form(request)
    db = auth.database(request)
    visible_traject(db, user, traject_id)

    def register() -> str:
        made = dagdelen.add(
            db,
            traject_id=traject_id,
            datum=_datum(form.get("datum", "")),
            activiteit=form.get("activiteit", "")[:200],
            deel=form.get("deel") or None,
            # an adviseur registers only their own half-days
            adviseur=user.adviseur_email if user.rol == "adviseur" else None,
            notitie=(form.get("notitie") or "")[:2000] or None,
            actor=user.email,
        )
        return f"Dagdeel {made.datum:%d-%m-%Y} {made.deel} ({made.activiteit}) bewaard."

    return after_form(request, f"/traject/{traject_id}#dagdelen", register)

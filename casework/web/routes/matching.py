"""Matching proposals for medewerkers: a new round, each proposal explained, confirm buttons."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from casework.errors import CaseworkError
from casework.services import matching
from casework.services.accounts import GebruikerRead
from casework.web import auth
from casework.web.render import flash, page, redirect
from casework.web.routes.traject import TrajectId

router = APIRouter(include_in_schema=False)
Behandelaar = Annotated[GebruikerRead, Depends(auth.page_user(auth.BEHANDELAARS))]


@router.get("/matching", response_class=HTMLResponse)
def voorstellen(request: Request, user: Behandelaar) -> HTMLResponse:
    """The open proposals of the latest round, best first, with their explanation."""
    rows = matching.list_voorstellen(auth.database(request))
    return page(request, "matching.html", voorstellen=rows)


@router.post("/matching/ronde")
async def ronde(request: Request, user: Behandelaar) -> RedirectResponse:
    """A new round: every waiting traject gets a proposal (all optimised together)."""
    await auth.checked_form(request)
    result = matching.run(auth.database(request))
    flash(
        request,
        f"{result.toegewezen} van {result.wachtend} wachtende trajecten hebben een voorstel.",
    )
    return redirect("/matching")


@router.post("/matching/{traject_id}/bevestigen")
async def bevestigen(
    request: Request, traject_id: TrajectId, user: Behandelaar
) -> RedirectResponse:
    """Confirm the proposal, or one of its alternatives; the adviseur gets the toewijzing."""
    form = await auth.checked_form(request)
    keuze = auth.clean(form.get("adviseur", ""), "adviseur").strip()[:320] or None
    try:
        traject = matching.confirm(
            auth.database(request), traject_id=traject_id, adviseur=keuze, actor=user.email
        )
    except CaseworkError as exc:
        flash(request, str(exc), "fout")
    else:
        flash(
            request,
            f"{traject.adviseur_naam} is voorgesteld voor {traject.referentie} en krijgt de "
            "toewijzing om te accepteren of af te wijzen.",
        )
    return redirect("/matching")

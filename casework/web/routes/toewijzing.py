"""An adviseur accepts or declines an assignment: by the signed link in the email (no login),
or from 'mijn trajecten', which leads to the same signed link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from casework.db import Database
from casework.errors import CaseworkError, StepNotAllowed
from casework.services import keuzelijsten, links, matching, trajecten
from casework.services.accounts import GebruikerRead
from casework.web import auth
from casework.web.render import flash, page, redirect
from casework.web.routes.traject import TrajectId, visible_traject

router = APIRouter(include_in_schema=False)
ADVISEUR = frozenset({"adviseur"})


def _assignment(db: Database, token: str) -> tuple[int, int, str]:
    """(traject id, adviseur id, adviseur email) from a signed link; refused when stale."""
    traject_id, adviseur_id = links.read_assignment_token(auth.clean(token, "link")[:2000])
    email = next((a.email for a in keuzelijsten.adviseurs(db) if a.id == adviseur_id), None)
    if email is None:
        raise StepNotAllowed("Deze toewijzing bestaat niet meer: neem contact op met het bureau.")
    return traject_id, adviseur_id, email


@router.get("/traject/{traject_id}/toewijzing")
def mijn_toewijzing(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.page_user(ADVISEUR))],
) -> RedirectResponse:
    """A logged-in adviseur goes to the same page the email's link opens."""
    visible_traject(auth.database(request), user, traject_id)
    assert user.adviseur_id is not None  # visible_traject refuses an unlinked account
    token = links.assignment_token(traject_id=traject_id, adviseur_id=user.adviseur_id)
    return redirect(f"/toewijzing/{token}")


@router.get("/toewijzing/{token}", response_class=HTMLResponse)
def bevestig(request: Request, token: str) -> HTMLResponse:
    db = auth.database(request)
    traject_id, _adviseur_id, email = _assignment(db, token)
    traject = trajecten.show(db, traject_id=traject_id)
    return page(
        request,
        "toewijzing.html",
        traject=traject,
        token=token,
        adviseur_email=email,
        nog_open=(traject.adviseur or "").lower() == email.lower()
        and not traject.adviseur_geaccepteerd,
    )


@router.post("/toewijzing/{token}/accepteren")
async def accepteren(request: Request, token: str) -> RedirectResponse:
    await auth.checked_form(request)
    db = auth.database(request)
    traject_id, adviseur_id, email = _assignment(db, token)
    try:
        matching.accept(db, traject_id=traject_id, actor=email, adviseur_id=adviseur_id)
    except CaseworkError as exc:
        flash(request, str(exc), "fout")
    else:
        flash(request, "Dank u: u heeft de toewijzing geaccepteerd.")
    return redirect(f"/toewijzing/{token}")


@router.post("/toewijzing/{token}/afwijzen")
async def afwijzen(request: Request, token: str) -> RedirectResponse:
    form = await auth.checked_form(request)
    db = auth.database(request)
    traject_id, adviseur_id, email = _assignment(db, token)
    try:
        matching.decline(
            db,
            traject_id=traject_id,
            reden=form.get("reden", ""),
            actor=email,
            adviseur_id=adviseur_id,
        )
    except CaseworkError as exc:
        flash(request, str(exc), "fout")
    else:
        flash(request, "U heeft de toewijzing afgewezen; het programmabureau is ingelicht.")
    return redirect(f"/toewijzing/{token}")

"""The adviseur's own work: the trajecten assigned to them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from casework.errors import NotFound
from casework.services.accounts import GebruikerRead
from casework.services.werkvoorraad import TrajectFilter
from casework.web import auth
from casework.web.render import page
from casework.web.routes.werkvoorraad import MAX_ID, page_of

router = APIRouter(include_in_schema=False)


@router.get("/mijn-trajecten", response_class=HTMLResponse)
def mijn_trajecten(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(frozenset({"adviseur"})))],
    voor: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    if not user.adviseur_email:
        raise NotFound("Uw account is niet aan een adviseur gekoppeld: vraag de beheerder.")
    flt = TrajectFilter(adviseur=user.adviseur_email)
    return page(request, "mijn_trajecten.html", **page_of(request, flt, voor))

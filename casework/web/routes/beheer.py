"""The beheerder's page: the accounts, and making a new one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from casework.db.accounts import ROLLEN
from casework.errors import CaseworkError
from casework.services import accounts
from casework.services.accounts import GebruikerRead
from casework.web import auth
from casework.web.render import flash, page, redirect

router = APIRouter(include_in_schema=False)
BEHEERDER = frozenset({"beheerder"})


def _page(request: Request, status_code: int = 200, **context: object) -> HTMLResponse:
    return page(
        request,
        "beheer.html",
        status_code=status_code,
        gebruikers=accounts.list_users(auth.database(request)),
        rollen=ROLLEN,
        **context,
    )


@router.get("/beheer/gebruikers", response_class=HTMLResponse)
def gebruikers(
    request: Request, user: Annotated[GebruikerRead, Depends(auth.page_user(BEHEERDER))]
) -> HTMLResponse:
    return _page(request, waarden={})


@router.post("/beheer/gebruikers", response_model=None)
async def nieuw(
    request: Request, user: Annotated[GebruikerRead, Depends(auth.page_user(BEHEERDER))]
) -> HTMLResponse | RedirectResponse:
    form = await auth.checked_form(request)
    try:
        made = accounts.add_user(
            auth.database(request),
            email=form.get("email", ""),
            rol=form.get("rol", ""),
            wachtwoord=form.get("wachtwoord", ""),
        )
    except CaseworkError as exc:
        shown = {"email": form.get("email", "")[:320], "rol": form.get("rol", "")[:20]}
        return _page(request, status_code=exc.status_code, fout=str(exc), waarden=shown)
    flash(request, f"Account {made.email} ({made.rol}) is aangemaakt.")
    return redirect("/beheer/gebruikers")

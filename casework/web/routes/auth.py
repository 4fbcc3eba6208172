"""Logging in and out, and the start page that sends each role to its own work."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from casework.errors import CaseworkError
from casework.services import accounts
from casework.web import auth
from casework.web.render import flash, page, redirect

router = APIRouter(include_in_schema=False)


class TooManyLogins(CaseworkError):
    status_code = 429


START = {
    "adviseur": "/mijn-trajecten",
    "beheerder": "/werkvoorraad",
    "medewerker": "/werkvoorraad",
    "finance": "/werkvoorraad",
    "management": "/werkvoorraad",
}


def _safe_next(target: str | None) -> str | None:
    # only a path on this site: never an open redirect to somewhere else
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/")
def start(request: Request) -> RedirectResponse:
    user = auth.session_user(request)
    return redirect(START[user.rol] if user else "/login")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, volgende: str | None = None) -> HTMLResponse:
    return page(request, "login.html", volgende=_safe_next(volgende) or "", email="")


@router.post("/login", response_model=None)
async def login(request: Request) -> HTMLResponse | RedirectResponse:
    form = await auth.checked_form(request)
    email = form.get("email", "")
    volgende = _safe_next(form.get("volgende"))
    client = request.client.host if request.client else "onbekend"
    limiet = request.app.state.login_limiet
    try:
        if limiet.exhausted(client):
            raise TooManyLogins(
                "Er is vanaf dit adres te vaak een verkeerd wachtwoord gegeven: probeer het over "
                "een kwartier opnieuw."
            )
        try:
            user = accounts.authenticate(
                auth.database(request), email=email, wachtwoord=form.get("wachtwoord", "")
            )
        except CaseworkError:
            limiet.allow(client)  # counts the failure against this address
            raise
    except CaseworkError as exc:
        return page(
            request,
            "login.html",
            status_code=exc.status_code,
            fout=str(exc),
            email=email[:320],
            volgende=volgende or "",
        )
    auth.login(request, user)
    flash(request, f"Welkom, u bent ingelogd als {user.email} ({user.rol}).")
    return redirect(volgende or START[user.rol])


@router.post("/logout")
async def logout(request: Request) -> RedirectResponse:
    await auth.checked_form(request)
    auth.logout(request)
    flash(request, "U bent uitgelogd.")
    return redirect("/login")

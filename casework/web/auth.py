"""Who is asking: the session user of the pages, the bearer token of the API, their roles, CSRF.

A route declares the roles it allows with `Depends(page_user(...))` or `Depends(api_user(...))`;
the access-matrix test reads those declarations from the app's routes, so a new route is covered
automatically.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

from casework.db import Database
from casework.errors import CaseworkError, InvalidInput, NotAllowed
from casework.services import accounts
from casework.services.accounts import GebruikerRead

ALLE_ROLLEN = frozenset({"medewerker", "adviseur", "finance", "management", "beheerder"})
#: who may move a traject forward, add notes for the office and link adviseurs
BEHANDELAARS = frozenset({"medewerker", "beheerder"})
#: who may read the whole werkvoorraad
LEZERS = frozenset({"medewerker", "beheerder", "finance", "management"})
#: longest text any form field may hold (the services check their own, tighter limits)
MAX_VELD = 20000


class NotLoggedIn(CaseworkError):
    status_code = 401


class CsrfFailed(CaseworkError):
    status_code = 403


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


class RoleGuard:
    """A dependency that admits a logged-in user whose role is in `rollen`."""

    def __init__(self, rollen: frozenset[str], *, api: bool) -> None:
        self.rollen = rollen
        self.api = api

    def __call__(self, request: Request) -> GebruikerRead:
        user = api_token_user(request) if self.api else session_user(request)
        if user is None:
            if self.api:
                raise NotLoggedIn(
                    "Geef een geldig API-token mee: 'Authorization: Bearer <token>' "
                    "(maak er een met 'casework user token')."
                )
            raise NotLoggedIn("Log eerst in.")
        if user.rol not in self.rollen:
            raise NotAllowed("Uw rol heeft geen toegang tot deze pagina of actie.")
        request.state.user = user
        return user


def page_user(rollen: frozenset[str]) -> RoleGuard:
    return RoleGuard(rollen, api=False)


def api_user(rollen: frozenset[str]) -> RoleGuard:
    return RoleGuard(rollen, api=True)


def session_user(request: Request) -> GebruikerRead | None:
    """The logged-in user of this browser session, if any (cached on the request)."""
    if hasattr(request.state, "user"):
        cached: GebruikerRead | None = request.state.user
        return cached
    user_id = request.session.get("user_id")
    user = None
    if isinstance(user_id, int):
        user = accounts.get_user(database(request), user_id=user_id)
        if user is None:
            request.session.clear()
    request.state.user = user
    return user


def api_token_user(request: Request) -> GebruikerRead | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return accounts.user_for_token(database(request), token=token.strip())


def login(request: Request, user: GebruikerRead) -> None:
    # a fresh session on login: nothing an attacker planted before survives
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["csrf"] = secrets.token_urlsafe(32)
    request.state.user = user


def logout(request: Request) -> None:
    request.session.clear()
    request.state.user = None


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def checked_form(request: Request) -> dict[str, str]:
    """The posted form, after its CSRF token matched the session's; text fields only."""
    try:
        form: FormData = await request.form(max_files=0, max_fields=100)
    except Exception:
        raise InvalidInput("Het formulier kon niet gelezen worden: probeer het opnieuw.") from None
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not secrets.compare_digest(sent, expected)
    ):
        raise CsrfFailed(
            "Het formulier is verlopen of niet van deze site: laad de pagina opnieuw en "
            "probeer het nog eens."
        )
    values: dict[str, str] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            raise InvalidInput("Bestanden worden hier niet aangenomen.")
        values[key] = clean(value, key)
    return values


def clean(value: Any, what: str = "veld") -> str:
    """Text as a form or query gives it: no NUL characters, no novel-length fields."""
    text = str(value)
    if "\x00" in text:
        raise InvalidInput(f"Het veld {what} bevat een ongeldig teken.")
    if len(text) > MAX_VELD:
        raise InvalidInput(f"Het veld {what} is te lang.")
    return text

"""Errors become a Dutch sentence: a friendly HTML page, or JSON {"detail": ...} under /api."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from casework.errors import CaseworkError
from casework.web.auth import NotLoggedIn
from casework.web.render import page, redirect

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    404: "Deze pagina bestaat niet. Controleer het adres of ga terug naar de startpagina.",
    405: "Deze actie kan hier niet: gebruik de knoppen op de pagina.",
    413: "Wat u stuurde is te groot.",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _answer(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return page(request, "fout.html", status_code=status, melding=message, status=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(CaseworkError)
    async def casework_error(request: Request, exc: CaseworkError) -> Response:
        if isinstance(exc, NotLoggedIn) and not _is_api(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return redirect(f"/login?volgende={quote(target, safe='')}")
        return _answer(request, exc.status_code, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code)
        if message is None:
            message = exc.detail if isinstance(exc.detail, str) else "Dit verzoek kan niet."
        return _answer(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({str(err["loc"][-1]) for err in exc.errors() if err.get("loc")})
        message = "Ongeldige invoer"
        if fields:
            message += " in " + ", ".join(fields)
        return _answer(request, 422, message + ": controleer de waarden en probeer het opnieuw.")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _answer(request, 500, "Er ging iets mis aan onze kant. Probeer het later opnieuw.")

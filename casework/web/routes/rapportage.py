"""The management report page: the self-contained doorstroom report, with a filter form."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from casework.errors import InvalidInput
from casework.reports import doorstroom
from casework.reports.html import als_html
from casework.services.accounts import GebruikerRead
from casework.web import auth

router = APIRouter(include_in_schema=False)

#: the report carries its own inline CSS and SVG and runs no script
RAPPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def _datum(value: str | None, veld: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{veld} {value!r} is geen datum: kies een datum als 2026-09-01."
        ) from None


@router.get("/rapportage", response_class=HTMLResponse)
def rapportage(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.LEZERS))],
    programma: str | None = None,
    van: str | None = None,
    tot: str | None = None,
    periode: str = "maand",
    download: bool = False,
) -> HTMLResponse:
    """Throughput figures and charts; `download=1` saves the same page as a file."""
    rapport = doorstroom(
        auth.database(request),
        programma=programma or None,
        van=_datum(van, "Van"),
        tot=_datum(tot, "Tot en met"),
        periode=periode,
    )
    response = HTMLResponse(als_html(rapport, formulier=True))
    response.headers["Content-Security-Policy"] = RAPPORT_CSP
    if download:
        response.headers["Content-Disposition"] = (
            f'attachment; filename="doorstroomrapport-{rapport.tot.isoformat()}.html"'
        )
    return response

"""Finance pages: the invoices and credit notes, filtered by status, with each one's PDF.

Read-only on purpose: approving, sending and crediting stay deliberate CLI steps for now.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from casework.db.finance import FACTUUR_STATUSSEN
from casework.errors import InvalidInput
from casework.services import facturen, factuur_export
from casework.services.accounts import GebruikerRead
from casework.web import auth
from casework.web.render import page

router = APIRouter(include_in_schema=False)
FINANCE = frozenset({"finance", "beheerder", "management"})


@router.get("/facturen", response_class=HTMLResponse)
def lijst(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(FINANCE))],
    status: str | None = None,
    periode: str | None = None,
) -> HTMLResponse:
    rijen = facturen.list_facturen(
        auth.database(request), status=status or None, periode=periode or None
    )
    return page(
        request,
        "facturen.html",
        rijen=rijen,
        statussen=FACTUUR_STATUSSEN,
        status=status or "",
        periode=periode or "",
    )


@router.get("/facturen/pdf")
def pdf(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(FINANCE))],
    factuur: str | None = None,
) -> Response:
    if not factuur:
        raise InvalidInput("Kies een factuur in de lijst om haar PDF te openen.")
    naam, inhoud = factuur_export.pdf(auth.database(request), factuur=factuur)
    return Response(
        inhoud,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{naam}"'},
    )

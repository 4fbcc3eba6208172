"""Finance pages: the invoices and credit notes by status and period, each one's PDF, and the
finance steps — the invoice run, approve, send, paid, credit — plus the bookkeeping export.

Management reads; finance (and the beheerder) act. Every step is the same service call as the
CLI's `casework factuur ...`, so the rules (gapless numbers, frozen approved invoices, credit
notes instead of edits) hold whichever way a person works.
"""

from __future__ import annotations

import io
import zipfile
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casework.db.finance import FACTUUR_STATUSSEN
from casework.errors import CaseworkError, InvalidInput
from casework.services import creditnotas, facturen, factuur_export
from casework.services.accounts import GebruikerRead
from casework.web import auth
from casework.web.render import flash, page, redirect

router = APIRouter(include_in_schema=False)
FINANCE = frozenset({"finance", "beheerder", "management"})
#: who may take a finance step (management reads only)
FINANCE_ACTIE = frozenset({"finance", "beheerder"})
#: the step each status allows, with the button's words
ACTIES = {
    "concept": ("goedkeuren", "Goedkeuren"),
    "goedgekeurd": ("versturen", "Versturen"),
    "verzonden": ("betaald", "Betaald"),
}


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
        mag_handelen=user.rol in FINANCE_ACTIE,
        acties=ACTIES,
    )


def _terug(form: dict[str, str]) -> str:
    query = {k: form[k] for k in ("status", "periode") if form.get(k)}
    return "/facturen" + (f"?{urlencode(query)}" if query else "")


@router.post("/facturen/run")
async def factuurrun(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(FINANCE_ACTIE))],
) -> RedirectResponse:
    form = await auth.checked_form(request)
    periode = form.get("run_periode", "").strip()[:7]
    try:
        result = facturen.run(auth.database(request), periode=periode, actor=user.email)
    except CaseworkError as exc:
        flash(request, str(exc), "fout")
        return redirect("/facturen")
    flash(
        request,
        f"Factuurrun {result.periode}: {result.facturen} conceptfacturen ({result.nieuw} nieuw), "
        f"{result.regels} regels, € {result.bedrag_incl} incl. btw.",
    )
    return redirect(f"/facturen?{urlencode({'status': 'concept', 'periode': result.periode})}")


@router.post("/facturen/stap")
async def stap(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(FINANCE_ACTIE))],
) -> RedirectResponse:
    form = await auth.checked_form(request)
    db = auth.database(request)
    factuur = form.get("factuur", "").strip()[:40]
    actie = form.get("actie", "")
    try:
        if not factuur:
            raise InvalidInput("Kies een factuur.")
        if actie == "goedkeuren":
            done = facturen.approve(db, factuur=factuur, actor=user.email)
            tekst = f"Factuur {done.nummer} is goedgekeurd en ligt nu vast."
        elif actie == "versturen":
            done = facturen.send(db, factuur=factuur, actor=user.email)
            tekst = f"Factuur {done.nummer} gaat met de PDF naar {done.verzonden_aan}."
        elif actie == "betaald":
            done = facturen.paid(db, factuur=factuur, actor=user.email)
            tekst = f"Factuur {done.nummer} staat als betaald."
        elif actie == "crediteren":
            done = creditnotas.credit(
                db, factuur=factuur, reden=form.get("reden", "")[:2000], actor=user.email
            )
            tekst = f"Creditnota {done.nummer} is gemaakt voor factuur {factuur}."
        else:
            raise InvalidInput("Onbekende stap: kies goedkeuren, versturen, betaald of crediteren.")
    except CaseworkError as exc:
        flash(request, str(exc), "fout")
    else:
        flash(request, tekst)
    return redirect(_terug(form))


@router.get("/facturen/export")
def export(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(FINANCE))],
    periode: str | None = None,
    formaat: str = "csv",
) -> Response:
    if not periode:
        raise InvalidInput("Kies een periode (jjjj-mm) om te exporteren.")
    files = factuur_export.export(auth.database(request), periode=periode, formaat=formaat)
    if not files:
        raise InvalidInput(f"Er zijn geen goedgekeurde facturen in {periode} om te exporteren.")
    if len(files) == 1 and formaat == "csv":
        naam, inhoud = files[0]
        return Response(
            inhoud,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{naam}"'},
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for naam, inhoud in files:
            archive.writestr(naam, inhoud)
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="ubl-{periode}.zip"'},
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

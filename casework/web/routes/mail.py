"""The mail page of the embedded set-up: what the built-in mail catcher received."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from casework.services.accounts import GebruikerRead
from casework.settings import get_settings
from casework.web import auth
from casework.web.render import page
from notifications.catcher import MailStore

router = APIRouter(include_in_schema=False)
#: the page shows the newest ones only, so it stays quick however long the catcher has run
MAX_BERICHTEN = 200


@router.get("/mail", response_class=HTMLResponse)
def mail(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.BEHANDELAARS))],
) -> HTMLResponse:
    store = MailStore(get_settings().data_dir / "mail")
    return page(request, "mail.html", beschikbaar=True, berichten=store.list()[:MAX_BERICHTEN])

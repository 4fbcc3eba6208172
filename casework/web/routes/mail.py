"""The mail page of the embedded set-up: what the built-in mail catcher received."""

from __future__ import annotations

import importlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from casework.services.accounts import GebruikerRead
from casework.settings import get_settings
from casework.web import auth
from casework.web.render import page

router = APIRouter(include_in_schema=False)


def _messages() -> tuple[bool, list[Any]]:
    """(catcher available, its messages newest first)."""
    try:
        catcher = importlib.import_module("notifications.catcher")
    except ImportError:
        return False, []
    store = catcher.MailStore(get_settings().data_dir / "mail")
    messages = list(store.list()) if hasattr(store, "list") else []
    return True, messages


@router.get("/mail", response_class=HTMLResponse)
def mail(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.BEHANDELAARS))],
) -> HTMLResponse:
    beschikbaar, berichten = _messages()
    return page(request, "mail.html", beschikbaar=beschikbaar, berichten=berichten)

"""The programmes and their state diagrams (drawn on the server from the definition)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from casework.services import programmas
from casework.services.accounts import GebruikerRead
from casework.web import auth
from casework.web.diagram import render_svg
from casework.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/programma", response_class=HTMLResponse)
def index(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.ALLE_ROLLEN))],
) -> HTMLResponse:
    return page(request, "programmas.html", programmas=programmas.programmes())


@router.get("/programma/{code}", response_class=HTMLResponse)
def diagram(
    request: Request,
    code: str,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.ALLE_ROLLEN))],
    fase: str | None = None,
) -> HTMLResponse:
    definition = programmas.definition(auth.clean(code, "programma")[:40])
    current = fase if fase in definition.phase_names else None
    return page(
        request,
        "diagram.html",
        programma=definition,
        # the SVG is built from escaped parts (see casework.web.diagram)
        svg=Markup(render_svg(definition, current)),
        mermaid=programmas.diagram(definition.code, current=current),
        overgangen=[
            (t, [definition.label(s) for s in t.source], definition.label(t.dest))
            for t in definition.transitions
        ],
    )

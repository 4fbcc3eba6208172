"""The werkvoorraad: trajecten per phase, the ones past their norm highlighted, filters, paging."""

from __future__ import annotations

import time
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from casework.errors import InvalidInput
from casework.services import keuzelijsten, programmas
from casework.services.accounts import GebruikerRead
from casework.services.werkvoorraad import (
    TrajectFilter,
    count_per_fase,
    count_trajecten,
    list_trajecten,
)
from casework.web import auth
from casework.web.render import page

router = APIRouter(include_in_schema=False)

PAGINA = 50
MAX_ID = 2**31 - 1
#: the counts per phase are a full index scan (tens of ms at 100,000 trajecten); a few seconds
#: old is fine for an overview, so each process keeps them that long
TELLING_GELDIG = 5.0


def counts_per_fase(request: Request) -> dict[tuple[str, str], int]:
    """`count_per_fase`, kept for TELLING_GELDIG seconds per app."""
    cached = getattr(request.app.state, "fase_telling", None)
    now = time.monotonic()
    if cached is not None and now - cached[0] < TELLING_GELDIG:
        counts: dict[tuple[str, str], int] = cached[1]
        return counts
    counts = count_per_fase(auth.database(request))
    request.app.state.fase_telling = (now, counts)
    return counts


def make_filter(
    programma: str | None,
    fase: str | None,
    adviseur: str | None,
    zoek: str | None,
    over_norm: bool,
) -> TrajectFilter:
    """A filter from query parameters; an unknown programme is a clear refusal."""
    code = auth.clean(programma, "programma").strip().lower() if programma else None
    if code and code not in programmas.programmes():
        raise InvalidInput(f"Onbekend programma {code!r}.")
    return TrajectFilter(
        programma=code or None,
        fase=auth.clean(fase, "fase").strip().lower()[:30] or None if fase else None,
        adviseur=auth.clean(adviseur, "adviseur").strip()[:320] or None if adviseur else None,
        zoek=auth.clean(zoek, "zoek").strip()[:200] or None if zoek else None,
        over_norm=over_norm,
    )


def fase_keuzes() -> list[tuple[str, str]]:
    """Every phase name of every programme, once, with a label."""
    seen: dict[str, str] = {}
    for programme in programmas.programmes().values():
        for phase in programme.phases:
            seen.setdefault(phase.name, phase.label)
        seen.setdefault("gepauzeerd", "Gepauzeerd")
        seen.setdefault("gestopt", "Gestopt")
    return sorted(seen.items(), key=lambda item: item[1].lower())


def page_of(
    request: Request,
    flt: TrajectFilter,
    voor: int | None,
) -> dict[str, Any]:
    """One page of trajecten with the links to the next page, shared with 'mijn trajecten'."""
    db = auth.database(request)
    rows = list_trajecten(db, filter=flt, limit=PAGINA, before_id=voor)
    params = {
        "programma": flt.programma or "",
        "fase": flt.fase or "",
        "adviseur": flt.adviseur or "",
        "zoek": flt.zoek or "",
    }
    if flt.over_norm:
        params["over_norm"] = "1"
    kept = {k: v for k, v in params.items() if v}
    if flt == TrajectFilter():
        # no filter: the total is the sum of the counts per phase
        totaal = sum(counts_per_fase(request).values())
    else:
        totaal = count_trajecten(db, filter=flt)
    volgende = None
    if len(rows) == PAGINA:
        volgende = "?" + urlencode({**kept, "voor": rows[-1].id})
    return {
        "rijen": rows,
        "totaal": totaal,
        "volgende": volgende,
        "eerste": ("?" + urlencode(kept)) if voor else None,
        "filter": flt,
    }


@router.get("/werkvoorraad", response_class=HTMLResponse)
def werkvoorraad(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.LEZERS))],
    programma: str | None = None,
    fase: str | None = None,
    adviseur: str | None = None,
    zoek: str | None = None,
    over_norm: bool = False,
    voor: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    flt = make_filter(programma, fase, adviseur, zoek, over_norm)
    db = auth.database(request)
    counts = counts_per_fase(request)
    per_programma = []
    for code, programme in sorted(programmas.programmes().items()):
        fasen = [(p.name, p.label, counts.get((code, p.name), 0)) for p in programme.phases]
        if programme.pauzeren:
            fasen.append(("gepauzeerd", "Gepauzeerd", counts.get((code, "gepauzeerd"), 0)))
        per_programma.append((programme, fasen))
    return page(
        request,
        "werkvoorraad.html",
        per_programma=per_programma,
        programmas=programmas.programmes(),
        fases=fase_keuzes(),
        adviseurs=keuzelijsten.adviseurs(db),
        **page_of(request, flt, voor),
    )

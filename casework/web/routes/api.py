"""The JSON API under /api: bearer tokens, the same role rules as the pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AfterValidator, BaseModel, Field

from casework.services import trajecten, werkvoorraad
from casework.services.accounts import GebruikerRead
from casework.services.trajecten import EventRead, StepRead, TrajectRead
from casework.web import auth
from casework.web.routes.aanmelden import check_rate, submit
from casework.web.routes.traject import KIJKERS, visible_traject
from casework.web.routes.werkvoorraad import MAX_ID, make_filter


def _no_nul(value: str) -> str:
    return auth.clean(value)


Tekst = Annotated[str, AfterValidator(_no_nul)]
TrajectId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Fout(BaseModel):
    detail: str = Field(description="Wat er mis is en wat u kunt doen, in één Nederlandse zin.")


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Fout} for code in (401, 403, 404, 409, 422, 429)
}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)


class TrajectPagina(BaseModel):
    items: list[TrajectRead]
    totaal: int
    #: pass as `voor` to get the next page; null on the last page
    volgende: int | None


class StapIn(BaseModel):
    fase: Annotated[Tekst, Field(min_length=1, max_length=40)]
    reden: Annotated[Tekst | None, Field(max_length=2000)] = None
    #: the version you read; a newer one means someone else changed it (409)
    version: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None


class AanmeldingIn(BaseModel):
    programma: Annotated[Tekst, Field(max_length=20)]
    contact_naam: Annotated[Tekst, Field(max_length=200)]
    contact_email: Annotated[Tekst, Field(max_length=320)]
    contact_telefoon: Annotated[Tekst | None, Field(max_length=40)] = None
    school: Annotated[Tekst | None, Field(max_length=10)] = None
    bestuur: Annotated[Tekst | None, Field(max_length=10)] = None
    hulpvraag: Annotated[Tekst | None, Field(max_length=5000)] = None
    oordeel: Annotated[Tekst | None, Field(max_length=20)] = None


@router.get("/ik", response_model=GebruikerRead)
def ik(user: Annotated[GebruikerRead, Depends(auth.api_user(auth.ALLE_ROLLEN))]) -> GebruikerRead:
    """The account this token belongs to."""
    return user


@router.get("/trajecten", response_model=TrajectPagina)
def lijst(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.api_user(KIJKERS))],
    programma: Annotated[Tekst | None, Query(max_length=20)] = None,
    fase: Annotated[Tekst | None, Query(max_length=30)] = None,
    adviseur: Annotated[Tekst | None, Query(max_length=320)] = None,
    zoek: Annotated[Tekst | None, Query(max_length=200)] = None,
    over_norm: bool = False,
    voor: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TrajectPagina:
    """Trajecten, newest first, one page at a time (an adviseur gets only their own)."""
    if user.rol == "adviseur":
        adviseur = user.adviseur_email or "-"
    flt = make_filter(programma, fase, adviseur, zoek, over_norm)
    db = auth.database(request)
    rows = werkvoorraad.list_trajecten(db, filter=flt, limit=limit, before_id=voor)
    return TrajectPagina(
        items=rows,
        totaal=werkvoorraad.count_trajecten(db, filter=flt),
        volgende=rows[-1].id if len(rows) == limit else None,
    )


@router.get("/trajecten/{traject_id}", response_model=TrajectRead)
def toon(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.api_user(KIJKERS))],
) -> TrajectRead:
    """One traject."""
    return visible_traject(auth.database(request), user, traject_id)


@router.get("/trajecten/{traject_id}/stappen", response_model=list[StepRead])
def stappen(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.api_user(KIJKERS))],
) -> list[StepRead]:
    """The steps the traject may take now; a blocked one says why."""
    db = auth.database(request)
    visible_traject(db, user, traject_id)
    return trajecten.steps(db, traject_id=traject_id)


@router.get("/trajecten/{traject_id}/historie", response_model=list[EventRead])
def historie(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.api_user(KIJKERS))],
) -> list[EventRead]:
    """Every recorded step of the traject, oldest first."""
    db = auth.database(request)
    visible_traject(db, user, traject_id)
    return trajecten.history(db, traject_id=traject_id)


@router.post("/trajecten/{traject_id}/stap", response_model=TrajectRead)
def stap(
    request: Request,
    traject_id: TrajectId,
    body: StapIn,
    user: Annotated[GebruikerRead, Depends(auth.api_user(auth.BEHANDELAARS))],
) -> TrajectRead:
    """Move the traject to another phase (medewerkers and beheerders only)."""
    return trajecten.advance(
        auth.database(request),
        traject_id=traject_id,
        fase=body.fase,
        reden=body.reden,
        expected_version=body.version,
        actor=user.email,
    )


@router.post("/aanmeldingen", response_model=TrajectRead, status_code=201)
def aanmelding(request: Request, body: AanmeldingIn) -> TrajectRead:
    """Register an aanmelding, as the public form does (no token; rate-limited per address)."""
    check_rate(request)
    values = {k: v for k, v in body.model_dump().items() if v is not None}
    return submit(request, values)

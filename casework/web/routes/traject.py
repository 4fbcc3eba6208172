"""The traject page: details, history, the allowed steps as buttons, notes and the adviseur."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from casework.db import Database
from casework.errors import InvalidInput, NotAllowed
from casework.services import dagdelen, keuzelijsten, matching, notities, trajecten
from casework.services.accounts import GebruikerRead
from casework.services.trajecten import TrajectRead
from casework.web import auth
from casework.web.render import after_form, page

router = APIRouter(include_in_schema=False)

TrajectId = Annotated[int, Path(ge=1, le=2**31 - 1)]
#: who may open a traject page (an adviseur only their own)
KIJKERS = auth.LEZERS | {"adviseur"}
#: who may write a note (an adviseur only on their own trajecten)
SCHRIJVERS = auth.BEHANDELAARS | {"adviseur"}


def visible_traject(db: Database, user: GebruikerRead, traject_id: int) -> TrajectRead:
    """The traject, if this user may see it: an adviseur sees only the ones assigned to them."""
    traject = trajecten.show(db, traject_id=traject_id)
    if user.rol == "adviseur" and (
        not traject.adviseur
        or not user.adviseur_email
        or traject.adviseur.lower() != user.adviseur_email.lower()
    ):
        raise NotAllowed("Dit traject is niet aan u toegewezen.")
    return traject


def _version(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput("Het formulier is beschadigd: laad de pagina opnieuw.")
    return int(value)


@router.get("/traject/{traject_id}", response_class=HTMLResponse)
def show(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.page_user(KIJKERS))],
) -> HTMLResponse:
    db = auth.database(request)
    traject = visible_traject(db, user, traject_id)
    behandelaar = user.rol in auth.BEHANDELAARS
    return page(
        request,
        "traject.html",
        traject=traject,
        historie=list(reversed(trajecten.history(db, traject_id=traject_id))),
        stappen=trajecten.steps(db, traject_id=traject_id) if behandelaar else [],
        notities=notities.list_notities(db, traject_id=traject_id),
        adviseurs=[a for a in keuzelijsten.adviseurs(db) if a.actief] if behandelaar else [],
        behandelaar=behandelaar,
        mag_notitie=user.rol in SCHRIJVERS,
        dagdelen=dagdelen.list_dagdelen(db, traject_id=traject_id),
        budget=dagdelen.budget(db, traject_id=traject_id),
        mag_dagdeel=user.rol in SCHRIJVERS and traject.fase in dagdelen.WERKFASEN,
        afgesloten=traject.fase in ("afgerond", "afgewezen", "gestopt"),
        oordeel_keuzes=("voldoende", "onvoldoende", "zeer zwak"),
    )


@router.post("/traject/{traject_id}/stap")
async def stap(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.BEHANDELAARS))],
) -> RedirectResponse:
    form = await auth.checked_form(request)

    def step() -> str:
        traject = trajecten.advance(
            auth.database(request),
            traject_id=traject_id,
            fase=form.get("fase", ""),
            reden=form.get("reden") or None,
            expected_version=_version(form.get("version")),
            actor=user.email,
        )
        return f"{traject.referentie} staat nu in fase {traject.fase_label}."

    return after_form(request, f"/traject/{traject_id}", step)


@router.post("/traject/{traject_id}/notitie")
async def notitie(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.page_user(SCHRIJVERS))],
) -> RedirectResponse:
    form = await auth.checked_form(request)
    db = auth.database(request)
    visible_traject(db, user, traject_id)

    def save() -> str:
        notities.add_notitie(
            db, traject_id=traject_id, tekst=form.get("tekst", ""), actor=user.email
        )
        return "De notitie is bewaard."

    return after_form(request, f"/traject/{traject_id}#notities", save)


@router.post("/traject/{traject_id}/gegevens")
async def gegevens(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.BEHANDELAARS))],
) -> RedirectResponse:
    """Intake facts: the support question, its themes, the risk, a new inspection verdict."""
    form = await auth.checked_form(request)

    def given(name: str, maximum: int = 5000) -> str | None:
        value = form.get(name, "").strip()
        return value[: maximum + 1] or None

    def save() -> str:
        trajecten.wijzig(
            auth.database(request),
            traject_id=traject_id,
            actor=user.email,
            hulpvraag=given("hulpvraag"),
            risico=given("risico"),
            themas=given("themas", 500),
            oordeel=given("oordeel", 20),
            standaard=given("standaard", 20),
            expected_version=_version(form.get("version")),
        )
        return "De intakegegevens zijn bijgewerkt."

    return after_form(request, f"/traject/{traject_id}#intake", save)


@router.post("/traject/{traject_id}/kennismaking")
async def kennismaking(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.BEHANDELAARS))],
) -> RedirectResponse:
    """Plan (or move) the kennismaking; adviseur and contact person get an invitation."""
    from datetime import datetime

    from casework.services.kennismaking import plan_kennismaking

    form = await auth.checked_form(request)

    def plan() -> str:
        try:
            op = datetime.fromisoformat(form.get("op", "").strip()[:32])
        except ValueError:
            raise InvalidInput(
                "Vul een datum en tijd in voor de kennismaking, bijvoorbeeld 1-12-2026 10:00."
            ) from None
        plan_kennismaking(
            auth.database(request),
            traject_id=traject_id,
            op=op,
            locatie=form.get("locatie", "").strip()[:200] or None,
            actor=user.email,
        )
        return "De kennismaking is gepland; de uitnodigingen gaan per e-mail."

    return after_form(request, f"/traject/{traject_id}#kennismaking", plan)


@router.post("/traject/{traject_id}/adviseur")
async def koppel(
    request: Request,
    traject_id: TrajectId,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.BEHANDELAARS))],
) -> RedirectResponse:
    form = await auth.checked_form(request)
    keuze = form.get("adviseur", "").strip()

    def propose() -> str:
        if not keuze:
            raise InvalidInput("Kies een adviseur.")
        # the same path as `casework traject koppel` and the matching page: the hard rules
        # are checked, and the adviseur accepts or declines through the signed link
        traject = matching.confirm(
            auth.database(request),
            traject_id=traject_id,
            adviseur=keuze[:320],
            actor=user.email,
            expected_version=_version(form.get("version")),
        )
        return (
            f"{traject.adviseur_naam} is voorgesteld voor {traject.referentie}; "
            "de adviseur krijgt de toewijzing en moet die nog accepteren."
        )

    # an unknown adviseur is a refusal on this page; only a missing traject is a 404 page
    return after_form(
        request,
        f"/traject/{traject_id}#adviseur",
        propose,
        raise_missing=lambda exc: exc.status_code == 404 and "Traject" in str(exc),
    )

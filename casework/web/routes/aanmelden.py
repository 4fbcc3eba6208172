"""The public aanmeldformulier: no account, validated by the service, guarded against abuse."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from casework.errors import CaseworkError, InvalidInput, NotFound
from casework.services import programmas, trajecten
from casework.services.trajecten import TrajectRead
from casework.web import auth
from casework.web.render import flash, page, redirect

router = APIRouter(include_in_schema=False)

#: the public form is the actor of what it creates
ACTOR = "aanmeldformulier"
#: a field people never see (hidden by the style sheet); bots fill it in
HONEYPOT = "website"
OORDELEN = ("voldoende", "onvoldoende", "zeer zwak")


class TooManyRequests(CaseworkError):
    status_code = 429


def check_rate(request: Request) -> None:
    client = request.client.host if request.client else "onbekend"
    if not request.app.state.aanmeld_limiet.allow(client):
        raise TooManyRequests(
            "Er zijn vanaf dit adres te veel aanmeldingen verstuurd: probeer het over een uur "
            "opnieuw of neem contact op met het programmabureau."
        )


def submit(request: Request, values: dict[str, str]) -> TrajectRead:
    """Check the fields people commonly miss, then let the service validate and register."""
    code = values.get("programma", "").strip().lower()
    known = programmas.programmes()
    if code not in known:
        raise InvalidInput("Kies een programma.")
    programme = known[code]
    school = values.get("school", "").strip() or None
    bestuur = values.get("bestuur", "").strip() or None
    if programme.doelgroep == "school":
        bestuur = None
        if not school:
            raise InvalidInput(f"Vul het BRIN-nummer van de school in ({programme.naam}).")
    else:
        school = None
        if not bestuur:
            raise InvalidInput(f"Vul het bestuursnummer in ({programme.naam}).")
    if not values.get("contact_naam", "").strip():
        raise InvalidInput("Vul de naam van de contactpersoon in.")
    if not values.get("contact_email", "").strip():
        raise InvalidInput("Vul het e-mailadres van de contactpersoon in.")
    oordeel = values.get("oordeel", "").strip() or None
    if oordeel is not None and oordeel not in OORDELEN:
        raise InvalidInput("Kies een oordeel uit de lijst of laat het leeg.")
    try:
        return trajecten.aanmelden(
            auth.database(request),
            programma=code,
            hulpvraag=values.get("hulpvraag") or None,
            contact_naam=values.get("contact_naam", ""),
            contact_email=values.get("contact_email", ""),
            contact_telefoon=(values.get("contact_telefoon") or "").strip()[:40] or None,
            school=school,
            bestuur=bestuur,
            oordeel=oordeel,
            actor=ACTOR,
        )
    except NotFound:
        # the service's message names a CLI command; the public needs another next step
        wat = f"School {school}" if school else f"Bestuur {bestuur}"
        raise InvalidInput(
            f"{wat} is bij ons niet bekend: controleer het nummer of neem contact op met het "
            "programmabureau."
        ) from None


def _form(request: Request, status_code: int = 200, **context: object) -> HTMLResponse:
    return page(
        request,
        "aanmelden.html",
        status_code=status_code,
        programmas=programmas.programmes(),
        oordelen=OORDELEN,
        **context,
    )


@router.get("/aanmelden", response_class=HTMLResponse)
def form(request: Request) -> HTMLResponse:
    return _form(request, waarden={})


@router.post("/aanmelden", response_model=None)
async def post(request: Request) -> HTMLResponse | RedirectResponse:
    values = await auth.checked_form(request)
    check_rate(request)
    if values.get(HONEYPOT):
        # answer as if it worked: a bot learns nothing
        return redirect("/aanmelden/bedankt")
    try:
        traject = submit(request, values)
    except CaseworkError as exc:
        shown = {k: v[:2000] for k, v in values.items() if k != "csrf_token"}
        return _form(request, status_code=exc.status_code, fout=str(exc), waarden=shown)
    flash(request, f"Uw aanmelding is ontvangen met kenmerk {traject.referentie}.")
    return redirect("/aanmelden/bedankt")


@router.get("/aanmelden/bedankt", response_class=HTMLResponse)
def bedankt(request: Request) -> HTMLResponse:
    return page(request, "bedankt.html")

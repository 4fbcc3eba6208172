"""The web app: server-rendered Dutch pages and a JSON API, on one FastAPI application.

`create_app(db)` is the composition root of the web: `casework up` serves it with uvicorn and
tests hand in their own database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from casework import bootstrap
from casework.db import Database
from casework.settings import get_settings
from casework.web import errors
from casework.web.ratelimit import RateLimit
from casework.web.routes import (
    aanmelden,
    adviseur,
    api,
    auth,
    beheer,
    dagdelen,
    mail,
    matching,
    programma,
    toewijzing,
    traject,
    werkvoorraad,
)
from casework.web.routes import facturen as _facturen  # finance (issue 7)
from casework.web.routes import outbox as _outbox  # failed messages (issue 3)
from casework.web.routes import rapportage as _rapportage  # reports (issue 8)

#: every feature's router; the access-matrix test walks these routes
ROUTERS: list[APIRouter] = [
    auth.router,
    aanmelden.router,
    werkvoorraad.router,
    traject.router,
    dagdelen.router,
    programma.router,
    adviseur.router,
    mail.router,
    beheer.router,
    toewijzing.router,
    matching.router,  # matching proposals (issue 6)
    _rapportage.router,  # management report (issue 8)
    _facturen.router,  # finance (issue 7)
    _outbox.router,  # failed messages, retried by a person (issue 3)
    api.router,
]
STATIC = Path(__file__).parent / "static"
#: no scripts, no third-party anything: the pages work offline and without JavaScript
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def create_app(
    db: Database | None = None,
    *,
    aanmeld_limiet: int = 10,
    aanmeld_venster: float = 3600.0,
    login_limiet: int = 20,
    login_venster: float = 900.0,
) -> FastAPI:
    """The app on `db` (by default the configured database). The public sign-up form accepts at
    most `aanmeld_limiet` posts per client address per `aanmeld_venster` seconds; one address
    may fail to log in `login_limiet` times per `login_venster` seconds (on top of the lock-out
    per account, which alone would let one address try many accounts)."""
    app = FastAPI(
        title="Casework",
        description="Trajecten van Goed worden, goed blijven en Leren verbeteren.",
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.db = db or bootstrap.database()
    app.state.aanmeld_limiet = RateLimit(aanmeld_limiet, aanmeld_venster)
    app.state.login_limiet = RateLimit(login_limiet, login_venster)
    app.add_middleware(
        SessionMiddleware,
        secret_key=bootstrap.session_secret(),
        session_cookie="casework_sessie",
        max_age=8 * 3600,
        same_site="lax",
        # behind TLS (a https base URL) the cookie never travels over plain http
        https_only=get_settings().base_url.startswith("https://"),
    )

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app

"""Rendering pages: one Jinja2 environment (autoescaping), the base context, flash messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from casework.errors import CaseworkError
from casework.web.auth import csrf_token, session_user

TEMPLATES = Path(__file__).parent / "templates"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

templates = Jinja2Templates(directory=str(TEMPLATES))


def _datum(value: datetime | date | None, met_tijd: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(AMSTERDAM)
        return local.strftime("%d-%m-%Y %H:%M") if met_tijd else local.strftime("%d-%m-%Y")
    return value.strftime("%d-%m-%Y")


templates.env.filters["datum"] = _datum


def flash(request: Request, tekst: str, soort: str = "ok") -> None:
    """A message shown once on the next page (after a redirect)."""
    messages = list(request.session.get("flash", []))
    messages.append({"tekst": tekst, "soort": soort})
    request.session["flash"] = messages[-5:]


def after_form(
    request: Request,
    target: str,
    action: Callable[[], str],
    *,
    raise_missing: Callable[[CaseworkError], bool] = lambda exc: exc.status_code == 404,
) -> RedirectResponse:
    """Take a form's step: flash its success message, or the Dutch refusal, and go to `target`.

    A missing object (404) shows the error page instead: there is no page to go back to. The
    service layer wrote nothing when it refused, so the person simply tries again.
    """
    try:
        message = action()
    except CaseworkError as exc:
        if raise_missing(exc):
            raise
        flash(request, str(exc), "fout")
    else:
        flash(request, message)
    return redirect(target)


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the user, the CSRF token and pending flash messages."""
    base: dict[str, Any] = {"user": None, "csrf": "", "flashes": []}
    if "session" in request.scope:  # absent only on the last-resort error page
        base = {
            "user": session_user(request),
            "csrf": csrf_token(request),
            "flashes": request.session.pop("flash", []),
        }
    return templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )


def redirect(url: str) -> RedirectResponse:
    # 303: the browser follows a POST with a GET, so reloading never posts twice
    return RedirectResponse(url, status_code=303)

"""The outbox page: what the product is about to send, what it sent, and what failed — a failed
message is a visible item a person fixes and retries, never only a line in a log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from casework.services import delivery
from casework.services.accounts import GebruikerRead
from casework.web import auth
from casework.web.render import after_form, page

router = APIRouter(include_in_schema=False)
STATUSSEN = ("failed", "pending", "sending", "sent")
LABELS = {"failed": "mislukt", "pending": "wacht", "sending": "bezig", "sent": "verzonden"}


@router.get("/outbox", response_class=HTMLResponse)
def lijst(
    request: Request,
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.BEHANDELAARS))],
    status: str = "failed",
) -> HTMLResponse:
    db = auth.database(request)
    berichten = delivery.list_outbox(db, status=status or None, limit=200)
    return page(
        request,
        "outbox.html",
        berichten=berichten,
        status=status,
        statussen=STATUSSEN,
        labels=LABELS,
        klaar=delivery.count_due(db),
    )


@router.post("/outbox/{outbox_id}/opnieuw")
async def opnieuw(
    request: Request,
    outbox_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    user: Annotated[GebruikerRead, Depends(auth.page_user(auth.BEHANDELAARS))],
) -> RedirectResponse:
    await auth.checked_form(request)

    def retry() -> str:
        bericht = delivery.retry(auth.database(request), outbox_id=outbox_id)
        return (
            f"Bericht {bericht.id} aan {bericht.to_address} staat weer klaar; de volgende "
            "bezorgronde verstuurt het."
        )

    return after_form(request, "/outbox", retry)
